"""The KPI engine: every target of the plan (DESIGN §4) for a year and a unit.

It reads the commune-year lines (``reports.CommuneYear``: registry counts kept current on
write, frozen once the report covering them is approved) and a few small registers (trainers,
materials, pilot and model communes), always grouped in the database: the number of
queries is the same for ten communes and for ten thousand.
"""

import operator
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from functools import reduce

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    F,
    IntegerField,
    Min,
    Q,
    SmallIntegerField,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from hoagiai.caching import cached
from network.dates import cutoff_date
from network.models import (
    Material,
    ModelCommune,
    PilotCommune,
    Trainer,
    TrainerAttendance,
    Training,
)
from plans.models import Plan
from reports.models import CommuneYear, YearlyReport
from units.models import AdminUnit, Succession

from .models import PER_DISTRICT, Target

LINE_FIELDS = [
    "teams",
    "compliant_teams",
    "supported_teams",
    "mediators",
    "trained",
    "with_material",
    "new_due",
    "new_trained_in_time",
    "cases_received",
    "cases_successful",
    "cases_unsuccessful",
]

CASES = ("cases_received", "cases_successful", "cases_unsuccessful")

# The targets counted from the commune-year lines alone: for a year whose reports
# are all approved, they read the reports' frozen figures ("approved"). The others also
# read the live trainer, material and commune registers, so they stay "provisional".
LINE_CODES = {"O4", "O5", "O6a", "O6b", "O7", "O8a", "O8b"}

# Which level each target is counted at (Target.scope), and the rate targets' fractions.
APPLIES = {
    Target.Scope.PROVINCE: {"province"},
    Target.Scope.DISTRICT: {"province", "district"},
    Target.Scope.PILOT_COMMUNES: {"province", "district"},
    Target.Scope.COMMUNE: {"province", "district", "commune"},
}
NO_DISTRICTS = "không còn cấp huyện từ 01/7/2025"

# The small registers some targets read beside the commune-year lines. One rule for every
# code: no data is null ("chưa có số liệu"), never 0 and "not met". A target whose register
# holds nothing in scope dated by the cut-off has no value; the line targets are null
# when their denominator is 0 (no teams, no mediators, no cases, no newcomer due).
REGISTERS = {
    "O1": "materials",
    "O2a": "trainers",
    "O2b": "trainers",
    "O3": "trainers",
    "T3.1": "trainers",
    "T3.2": "trainers",
    "O9": "model_communes",
    "T2.1": "pilots",
}

RATES = {
    "O4": ("compliant_teams", "teams"),
    "O5": ("supported_teams", "teams"),
    "O6a": ("trained", "mediators"),
    "O6b": ("new_trained_in_time", "new_due"),
    "O7": ("with_material", "mediators"),
}


@dataclass
class Result:
    code: str
    applies: bool
    value: float | None
    numerator: float | None
    denominator: float | None
    threshold: float | list[float]
    comparator: str
    met: bool | None
    deadline_year: int
    source: str
    definition: str | None
    short: list[dict] = field(default_factory=list)
    reason: str | None = None  # why a target does not apply, when it does not
    target: Target | None = field(default=None, repr=False, compare=False)

    def as_json(self):
        data = asdict(self)
        data.pop("target")
        return data


def compare(value, comparator, threshold, upper=None) -> bool:
    if comparator == ">=":
        return value >= threshold
    if comparator == ">":
        return value > threshold
    if comparator == "<=":
        return value <= threshold
    if comparator == "==":
        return value == threshold
    return threshold <= value <= upper  # "between"


def ratio(numerator, denominator):
    return numerator / denominator if denominator else None


class KpiData:
    """What the engine reads for one unit over some years: one grouped query per source.

    The dashboard shows a year and the trend of every target over the years before it;
    one ``KpiData`` serves them all, so the page costs the same handful of queries whether
    it shows one year or seven, ten communes or ten thousand.
    """

    def __init__(self, unit: AdminUnit, years):
        self.unit = unit
        self.years = sorted(set(years))
        self.level = unit.level

    @property
    def child_level(self):
        """The level of the units a shortfall is named by: a province's districts (or its
        communes, since 1/7/2025), a district's communes; None for a commune."""
        if self.level == AdminUnit.Level.COMMUNE:
            return None
        levels = {level for _code, _name, level in self.names.values()}
        return "district" if "district" in levels else "commune"

    @property
    def has_districts(self):
        return self.level == AdminUnit.Level.DISTRICT or self.child_level == "district"

    @cached_property
    def lines(self):
        """{year: {child unit id: {field: sum}}}, pilot communes' cases also summed apart.

        Summed in the database, one row per child unit and year, whatever the number of
        communes: each commune is counted under its child unit (its district below a
        province with districts; a former commune under the commune of today that took it,
        for a year before the 1/7/2025 cut), named by id lists (``commune_children``: no
        join to the units table, which the warm request reads from the cache); a pilot
        commune's cases, in the years of its designation, are summed apart.
        """
        if self.level == AdminUnit.Level.COMMUNE:
            child = Value(self.unit.pk)
        else:
            below = defaultdict(list)
            for commune, unit in self.commune_children.items():
                if commune != unit:
                    below[unit].append(commune)
            whens = [
                When(commune_id__in=communes, then=Value(unit)) for unit, communes in below.items()
            ]
            child = F("commune_id")
            if whens:
                child = Case(*whens, default=child, output_field=IntegerField())
        # The pilot communes of each year, from the designations already read: a condition
        # on (year, commune) rather than an EXISTS per row.
        piloted = [
            Q(year=year, commune_id__in=communes)
            for year in self.years
            if (
                communes := [
                    commune for commune, _parent, start, end in self.pilots if start <= year <= end
                ]
            )
        ]
        # Aliased apart from the field names (an annotation may not shadow a field).
        sums = {f"sum_{name}": Sum(name) for name in LINE_FIELDS}
        if piloted:
            pilot_filter = reduce(operator.or_, piloted)
            sums.update(
                {f"sum_pilot_{name}": Coalesce(Sum(name, filter=pilot_filter), 0) for name in CASES}
            )
        rows = (
            self.line_rows()
            .annotate(child=child)
            .order_by()
            .values("year", "child")
            .annotate(rows=Count("pk"), **sums)
        )
        lines = defaultdict(dict)
        for row in rows:
            year, unit = row.pop("year"), row.pop("child")
            line = dict.fromkeys((f"pilot_{name}" for name in CASES), 0)
            line.update({name.removeprefix("sum_"): value for name, value in row.items()})
            lines[year][unit] = line
        return lines

    def line_rows(self):
        """The commune-year rows the engine reads: every line in scope for the years (the
        public page narrows them to the approved reports' lines)."""
        return CommuneYear.objects.filter(year__in=self.years, commune_id__in=self.commune_children)

    @cached_property
    def trainers(self):
        """The trainers in scope with their dates (a small register: read whole, once, and
        kept across requests until a trainer, a training or an attendance changes)."""
        if self.level == AdminUnit.Level.COMMUNE:
            return []
        first_trained = Min(
            "attendances__training__held_on",
            filter=Q(attendances__training__audience=Training.Audience.TRAINERS),
        )
        return cached(
            f"kpi-trainers:{self.unit.pk}",
            [Trainer, TrainerAttendance, Training, AdminUnit],
            lambda: list(
                Trainer.objects.filter(unit_id__in=self._trainer_units())
                .order_by()
                .annotate(first_trained=first_trained)
                .values(
                    "unit_id",
                    "level",
                    "active_from",
                    "active_to",
                    "materials_received_on",
                    "first_trained",
                )
            ),
        )

    def _trainer_units(self):
        """Trainers belong to the province or a district: the unit and its districts."""
        districts = [pk for pk, (_c, _n, level) in self.names.items() if level == "district"]
        return [*self.versions, *districts]

    @property
    def versions(self):
        """The ids of this unit's versions across reorganisations (Tỉnh Bắc Giang until
        30/6/2025, the new Tỉnh Bắc Ninh since): provincial trainers moved from one to the
        other and count for both years."""
        return self.reference["versions"]

    # The unit tree, the targets, the materials and the pilot and model communes change a
    # few times a year: read together and kept in the cache across requests, dropped when any
    # of their rows change (hoagiai/caching.py). The commune-year figures are read live.
    @cached_property
    def reference(self):
        def read():
            links = self._read_successions()
            former = [old for old, new, _parent in links if new == self.unit.pk]
            names = self._read_names(former)
            children = self._read_commune_children(names)
            lineage = self._lineage(links, names)
            children.update(lineage)
            return {
                "names": names,
                "commune_children": children,
                "lineage": lineage,
                "versions": self._versions(links),
                "targets": list(Target.objects.all()),
                **self._read_registers(children),
            }

        models = [AdminUnit, Succession, Plan, Target, Material, ModelCommune, PilotCommune]
        return cached(f"kpi-reference:{self.unit.pk}", models, read)

    @property
    def names(self):
        """{id: (code, name, level)} of the units directly below (districts, or communes)."""
        return self.reference["names"]

    @property
    def commune_children(self):
        """{commune id: the child unit it is counted under}."""
        return self.reference["commune_children"]

    @property
    def targets(self):
        return self.reference["targets"]

    @property
    def materials(self):
        return self.reference["materials"]

    @property
    def model_communes(self):
        return self.reference["model_communes"]

    @property
    def pilots(self):
        """(commune, its district, start, end) of the pilot designations in scope."""
        return self.reference["pilots"]

    def _read_commune_children(self, names):
        """{commune id: the child unit it is counted under}: its district below a province,
        itself below a district (or when it sits directly under the province)."""
        if self.level == AdminUnit.Level.COMMUNE:
            return {self.unit.pk: self.unit.pk}
        children = {pk: pk for pk, (_c, _n, level) in names.items() if level == "commune"}
        districts = [pk for pk, (_c, _n, level) in names.items() if level == "district"]
        if districts:
            # Two indexed lookups by parent: measured faster on PostgreSQL at national scale
            # than one query over "parent or grandparent" (an OR across a join).
            below = AdminUnit.objects.filter(parent__in=districts, level="commune").order_by()
            children.update(below.values_list("pk", "parent_id"))
        return children

    def _read_successions(self):
        """(former id, successor id, the successor's parent id) of the successions that
        touch this unit: to it, from it, or to a unit below it. One small query."""
        touching = (
            Q(successor=self.unit) | Q(predecessor=self.unit) | Q(successor__parent=self.unit)
        )
        rows = Succession.objects.filter(touching).order_by()
        return list(rows.values_list("predecessor_id", "successor_id", "successor__parent_id"))

    def _versions(self, links):
        """This unit and, for a province, its other versions (Bắc Giang before 1/7/2025,
        Bắc Ninh since): provincial trainers moved from one to the other."""
        if self.level != AdminUnit.Level.PROVINCE:
            return [self.unit.pk]
        pk = self.unit.pk
        others = {old for old, new, _p in links if new == pk}
        others |= {new for old, new, _p in links if old == pk}
        return [pk, *sorted(others)]

    def _lineage(self, links, names):
        """{former commune id: the commune below this unit that took it}: a year before the
        cut is counted under the communes of today as the exact sum of their predecessors."""
        if self.level == AdminUnit.Level.COMMUNE:
            return {old: new for old, new, _parent in links if new == self.unit.pk}
        communes = {pk for pk, (_c, _n, level) in names.items() if level == "commune"}
        return {old: new for old, new, _parent in links if new in communes}

    def _read_names(self, former):
        """{id: (code, name, level)} of the units directly below (districts, or communes):
        for a province formed by a merger (``former``: the provinces before it), the
        communes of the plan area."""
        if self.level == AdminUnit.Level.COMMUNE:
            return {}
        children = AdminUnit.objects.filter(parent=self.unit).order_by()
        plan = Plan.objects.current() if former else None
        area = plan.area_communes(self.unit, max(self.years), former) if plan else None
        if area is not None:
            children = children.filter(pk__in=area)
        return {
            pk: (code, name, level)
            for pk, code, name, level in children.values_list("pk", "code", "name", "level")
        }

    # Materials, pilot and model communes are a few hundred rows nationwide: read whole in
    # one query (a cheap scan of each), the scope's kept here, rather than filtered by a long
    # list of commune ids.
    def _read_registers(self, children):
        """{"materials": [(kind, published on)], "model_communes": [(commune, year)],
        "pilots": see ``_read_pilots``}, from one UNION ALL of the three small tables."""

        # Typed NULLs: PostgreSQL reads an untyped NULL in a UNION's first branch as text.
        def null(field):
            return Cast(Value(None), field)

        text = CharField()
        materials = Material.objects.exclude(published_on=None).values_list(
            Value("material", output_field=text),
            "kind",
            "published_on",
            null(IntegerField()),
            null(SmallIntegerField()),
            null(SmallIntegerField()),
        )
        model_communes = ModelCommune.objects.values_list(
            Value("model", output_field=text),
            null(text),
            null(DateField()),
            "commune_id",
            "year",
            null(SmallIntegerField()),
        )
        pilots = PilotCommune.objects.values_list(
            Value("pilot", output_field=text),
            null(text),
            null(DateField()),
            "commune_id",
            "start_year",
            "end_year",
        )
        rows = materials.order_by().union(model_communes.order_by(), pilots.order_by(), all=True)
        registers = {"materials": [], "model_communes": [], "pilots": []}
        for source, kind, day, commune, start, end in rows:
            if source == "material":
                registers["materials"].append((kind, day))
            elif commune in children:
                if source == "model":
                    registers["model_communes"].append((commune, start))
                else:
                    registers["pilots"].append((commune, start, end))
        registers["pilots"] = self._read_pilots(children, registers["pilots"])
        return registers

    def _read_pilots(self, children, rows):
        """(commune, its district, start, end) of the pilot designations in scope (``rows``:
        (commune, start, end)); the district comes from ``commune_children`` (no join to the
        units table)."""
        district = {
            AdminUnit.Level.PROVINCE: lambda commune: children[commune],
            AdminUnit.Level.DISTRICT: lambda commune: self.unit.pk,
        }.get(self.level, lambda commune: self.unit.parent_id)
        return [
            (commune, district(commune), start, end)
            for commune, start, end in rows
            if commune in children
        ]

    @property
    def commune_count(self):
        # The communes in scope today, not the former ones whose figures they sum.
        return len(self.commune_children) - len(self.reference["lineage"])

    @property
    def reported_by_districts(self):
        return (
            self.level == AdminUnit.Level.DISTRICT
            or (
                self.level == AdminUnit.Level.COMMUNE
                and self.unit.parent is not None
                and self.unit.parent.level == AdminUnit.Level.DISTRICT
            )
            or (self.level == AdminUnit.Level.PROVINCE and self.has_districts)
        )

    @cached_property
    def reporters(self):
        """{id: (code, name)} of the units whose yearly reports cover this unit's lines: the
        districts while there were districts (2024), the communes themselves since."""
        if self.level == AdminUnit.Level.DISTRICT:
            return {self.unit.pk: (self.unit.code, self.unit.name)}
        if self.level == AdminUnit.Level.COMMUNE:
            parent = self.unit.parent
            if parent and parent.level == AdminUnit.Level.DISTRICT:
                return {parent.pk: (parent.code, parent.name)}
            return {self.unit.pk: (self.unit.code, self.unit.name)}
        level = AdminUnit.Level.DISTRICT if self.has_districts else AdminUnit.Level.COMMUNE
        return {pk: (code, name) for pk, (code, name, lvl) in self.names.items() if lvl == level}

    @cached_property
    def approved(self):
        """{year: ids of the reporting units in scope whose report for the year is approved}."""
        approved = defaultdict(set)
        rows = cached(
            f"kpi-approved:{self.unit.pk}:{','.join(map(str, self.years))}",
            [YearlyReport, AdminUnit],
            lambda: list(
                YearlyReport.objects.filter(
                    year__in=self.years,
                    unit_id__in=self.reporters,
                    status=YearlyReport.Status.APPROVED,
                )
                .order_by()
                .values_list("year", "unit_id")
            ),
        )
        for year, unit_id in rows:
            approved[year].add(unit_id)
        return approved


class Kpi:
    """All targets for one year and one unit (province, district or commune)."""

    def __init__(self, year, unit, basis=None, data: KpiData | None = None):
        self.year = year
        self.unit = unit
        self.level = unit.level
        self.cutoff = cutoff_date(year)
        self.basis = basis or settings.SUCCESS_RATE_BASIS
        self.data = data or KpiData(unit, [year])
        self.child_level = self.data.child_level

    @property
    def lines(self):
        return self.data.lines.get(self.year, {})

    @property
    def names(self):
        return self.data.names

    @property
    def unapproved(self):
        """[(code, name)] of the reporting units in scope whose report for the year is not
        approved."""
        approved = self.data.approved.get(self.year, set())
        return sorted(value for pk, value in self.data.reporters.items() if pk not in approved)

    @property
    def source(self):
        """ "approved" when every reporting unit in scope has its report for the year
        approved."""
        return "approved" if self.data.reporters and not self.unapproved else "provisional"

    def total(self, name):
        return sum(line[name] for line in self.lines.values())

    def _short(self, values: dict):
        """[{code, name, value}] for the child units in ``values`` (id → value), by code."""
        rows = []
        for unit_id, value in values.items():
            code, name, _level = self.names.get(unit_id, ("", "", ""))
            rows.append({"code": code, "name": name, "value": value})
        return sorted(rows, key=lambda row: row["code"])

    # --- the targets ---

    def results(self) -> list[Result]:
        return [self.result(target) for target in self.data.targets]

    @property
    def is_future(self):
        # A year not begun has no figures yet: every target reads "no data", not today's state.
        return self.year > timezone.localdate().year

    def result(self, target: Target) -> Result:
        threshold = float(target.threshold)
        upper = float(target.threshold_upper) if target.threshold_upper is not None else None
        result = Result(
            code=target.code,
            applies=self.level in APPLIES[target.scope],
            value=None,
            numerator=None,
            denominator=None,
            threshold=[threshold, upper] if target.comparator == "between" else threshold,
            comparator=target.comparator,
            met=None,
            deadline_year=target.deadline_year,
            source=self.source if target.code in LINE_CODES else "provisional",
            definition=self.basis if target.code in ("O8a", "O8b") else None,
            target=target,
        )
        if result.applies:
            result.applies, result.reason = self._still_applies(target)
        if not result.applies or self.is_future:
            return result
        register = REGISTERS.get(self._measured_as(target))
        if register and not self.recorded(register):
            return result  # nothing recorded: no data, not a zero
        if target.replaces_id:
            measure = self.measure_replacement
        else:
            measure = getattr(self, "measure_" + target.code.replace(".", "_"), None)
        if measure is None:
            measure = self.measure_rate
        measure(result, threshold, upper)
        return result

    def _measured_as(self, target):
        """The code a target is counted as: its own, or the replaced target's."""
        if target.replaces_id:
            return next((t.code for t in self.data.targets if t.pk == target.replaces_id), None)
        return target.code

    def recorded(self, register) -> bool:
        """Whether the register holds anything in scope dated on or before the cut-off."""
        if register == "trainers":
            return any(row["active_from"] <= self.cutoff for row in self.data.trainers)
        if register == "materials":
            return any(day <= self.cutoff for _kind, day in self.data.materials)
        if register == "model_communes":
            return any(year <= self.year for _commune, year in self.data.model_communes)
        return any(start <= self.year for _commune, _parent, start, _end in self.data.pilots)

    def _still_applies(self, target) -> tuple[bool, str | None]:
        """A target counted per district stops without districts (or gives way to the
        Department's replacement); a replacement counts from its year, without districts."""
        if target.replaces_id:
            if self.data.has_districts:
                return False, None
            if self.year < target.from_year:
                return False, f"áp dụng từ năm {target.from_year}"
            return True, None
        if target.code in PER_DISTRICT and not self.data.has_districts:
            replacement = next(
                (
                    other
                    for other in self.data.targets
                    if other.replaces_id == target.pk and other.from_year <= self.year
                ),
                None,
            )
            if replacement is not None:
                return False, f"{NO_DISTRICTS}; thay bằng chỉ tiêu {replacement.code}"
            return False, NO_DISTRICTS
        return True, None

    def measure_replacement(self, result, threshold, upper):
        """A replacement is counted the way its target was, over the province or the commune:
        teams per trainer (O2a, T3.2) over every trainer in scope; pilot communes (T2.1)
        counted in the scope."""
        replaced = next(t.code for t in self.data.targets if t.pk == result.target.replaces_id)
        if replaced == "T2.1":
            pilots = {
                commune
                for commune, _parent, start, end in self.data.pilots
                if start <= self.year <= end
            }
            count = len({self.data.reference["lineage"].get(c, c) for c in pilots})
            result.numerator = result.value = count
            result.met = compare(count, result.comparator, threshold, upper)
            return
        teams = self.total("teams")
        pool = sum(row["total"] for row in self.trainers.values())
        if teams:
            result.numerator, result.denominator = teams, pool
            result.value = ratio(teams, pool)
            result.met = bool(pool) and compare(result.value, result.comparator, threshold, upper)

    def _settle(self, result, numerator, denominator, value, threshold, upper=None):
        result.numerator, result.denominator, result.value = numerator, denominator, value
        if value is not None:
            result.met = compare(value, result.comparator, threshold, upper)

    def measure_rate(self, result, threshold, upper):
        part, whole = RATES[result.code]
        self._settle(
            result,
            self.total(part),
            self.total(whole),
            ratio(self.total(part), self.total(whole)),
            threshold,
        )
        result.short = (
            self._short(
                {
                    unit_id: ratio(line[part], line[whole])
                    for unit_id, line in self.lines.items()
                    if line[whole]
                    and not compare(line[part] / line[whole], result.comparator, threshold)
                }
            )
            if self.child_level
            else []
        )

    def success(self, line, prefix=""):
        """(cases mediated successfully, the denominator) of a line on the engine's basis:
        cases received, or cases concluded (successful + unsuccessful)."""
        successful = line[f"{prefix}cases_successful"]
        if self.basis == "received":
            return successful, line[f"{prefix}cases_received"]
        return successful, successful + line[f"{prefix}cases_unsuccessful"]

    def measure_O8a(self, result, threshold, upper, prefix=""):
        parts = {unit_id: self.success(line, prefix) for unit_id, line in self.lines.items()}
        numerator = sum(successful for successful, _whole in parts.values())
        denominator = sum(whole for _successful, whole in parts.values())
        self._settle(result, numerator, denominator, ratio(numerator, denominator), threshold)
        if self.child_level:
            rates = {unit_id: ratio(*pair) for unit_id, pair in parts.items()}
            result.short = self._short(
                {
                    unit_id: rate
                    for unit_id, rate in rates.items()
                    if rate is not None and not compare(rate, result.comparator, threshold)
                }
            )

    def measure_O8b(self, result, threshold, upper):
        self.measure_O8a(result, threshold, upper, prefix="pilot_")

    # Trainers: a small register, counted live as of the cut-off.

    @cached_property
    def trainers(self):
        """{(unit id, level): {total, equipped}} for the trainers active on the cut-off;
        equipped = trained (a course for trainers) and given the materials by then."""
        day = self.cutoff
        counts = defaultdict(lambda: {"total": 0, "equipped": 0})
        versions = set(self.data.versions)
        for row in self.data.trainers:
            if row["active_from"] > day or (row["active_to"] and row["active_to"] <= day):
                continue
            unit = self.unit.pk if row["unit_id"] in versions else row["unit_id"]
            entry = counts[(unit, row["level"])]
            entry["total"] += 1
            trained, given = row["first_trained"], row["materials_received_on"]
            entry["equipped"] += bool(trained and trained <= day and given and given <= day)
        return counts

    def _district_teams(self):
        """{district id: teams} for the districts in scope (communes under the province
        directly have no district pool and are left out of O2a and T3.2)."""
        if self.level == "district":
            return {self.unit.pk: self.total("teams")}
        return {
            pk: self.lines.get(pk, {}).get("teams", 0)
            for pk, (_code, _name, level) in self.names.items()
            if level == AdminUnit.Level.DISTRICT
        }

    def measure_O2a(self, result, threshold, upper):
        teams_by_district = self._district_teams()
        trainers = {
            pk: self.trainers.get((pk, Trainer.Level.DISTRICT), {}).get("total", 0)
            for pk in teams_by_district
        }
        teams, pool = sum(teams_by_district.values()), sum(trainers.values())
        if not teams:
            return
        result.numerator, result.denominator = teams, pool
        result.value = ratio(teams, pool)
        short = {}
        for pk, district_teams in teams_by_district.items():
            if district_teams and (not trainers[pk] or district_teams / trainers[pk] > threshold):
                short[pk] = ratio(district_teams, trainers[pk])
        result.met = not short
        if self.level == "province":
            result.short = self._short(short)

    measure_T3_2 = measure_O2a

    def measure_O2b(self, result, threshold, upper):
        teams = self.total("teams")
        pool = self.trainers.get((self.unit.pk, Trainer.Level.PROVINCE), {}).get("total", 0)
        if teams:
            result.numerator, result.denominator = teams, pool
            result.value = ratio(teams, pool)
            result.met = bool(pool) and result.value <= threshold

    def measure_T3_1(self, result, threshold, upper):
        pool = self.trainers.get((self.unit.pk, Trainer.Level.PROVINCE), {}).get("total", 0)
        result.numerator = result.value = pool
        result.met = threshold <= pool <= upper

    def measure_O3(self, result, threshold, upper):
        rows = [
            row
            for (unit_id, level), row in self.trainers.items()
            if self.level == "province" or level == Trainer.Level.DISTRICT
        ]
        total = sum(row["total"] for row in rows)
        equipped = sum(row["equipped"] for row in rows)
        self._settle(result, equipped, total, ratio(equipped, total), threshold)
        if self.level == "province":
            result.short = self._short(
                {
                    unit_id: ratio(row["equipped"], row["total"])
                    for (unit_id, level), row in self.trainers.items()
                    if level == Trainer.Level.DISTRICT and row["equipped"] < row["total"]
                }
            )

    def measure_O1(self, result, threshold, upper):
        published = Counter(kind for kind, day in self.data.materials if day <= self.cutoff)
        kinds = Material.Kind
        covered = [kind for kind in kinds if published[kind.value] >= threshold]
        result.numerator, result.denominator = len(covered), len(kinds)
        result.value = len(covered)  # kinds with a published material
        result.met = len(covered) == len(kinds)
        result.short = [
            {"code": kind.value, "name": str(kind.label), "value": published[kind.value]}
            for kind in kinds
            if kind not in covered
        ]

    def measure_O9(self, result, threshold, upper):
        total = self.data.commune_count
        lineage = self.data.reference["lineage"]
        recognised = len(
            {
                lineage.get(commune, commune)
                for commune, year in self.data.model_communes
                if year <= self.year
            }
        )
        self._settle(result, recognised, total, ratio(recognised, total), threshold)

    def measure_T2_1(self, result, threshold, upper):
        communes = defaultdict(set)
        for commune, parent, start, end in self.data.pilots:
            if start <= self.year <= end:
                communes[parent].add(commune)
        counts = {parent: len(ids) for parent, ids in communes.items()}
        districts = (
            [self.unit.pk] if self.level == "district" else [pk for pk in self._district_teams()]
        )
        short = {pk: counts.get(pk, 0) for pk in districts if counts.get(pk, 0) != threshold}
        result.numerator = len(districts) - len(short)
        result.denominator = len(districts)
        result.value = (
            counts.get(self.unit.pk, 0)
            if self.level == "district"
            else ratio(result.numerator, result.denominator)
        )
        result.met = not short if districts else None
        if self.level == "province":
            result.short = self._short(short)


class KpiRequestError(ValueError):
    """A year outside the plan, a code no unit had in the year, or nothing loaded: said to
    the person or program that asked (``kpi`` exits with status 2, the API answers 404)."""


def kpi_for(year: int, code: str | None = None) -> Kpi:
    """Every target for ``year`` at the unit with ``code`` (the root province without one),
    as ``manage.py kpi`` and the API read them.

    Codes are reused (24 was Bắc Giang, is now Bắc Ninh): a code means the unit that had it on
    the year's cut-off, or else the last one that had it during the year.
    """
    plan = Plan.objects.current()
    if plan is None:
        raise KpiRequestError(_("No plan is loaded: load it first (manage.py loaddata plan)."))
    if year not in plan.years:
        raise KpiRequestError(
            _("Year %(year)d is outside the plan (%(first)d–%(last)d).")
            % {"year": year, "first": plan.start_year, "last": plan.end_year}
        )
    cutoff = cutoff_date(year)
    if code is not None:
        # An empty code is a code like any other, and no unit has it: refused, never read as
        # "the province".
        unit = AdminUnit.objects.by_code(code, cutoff) or (
            AdminUnit.objects.filter(code=code, valid_to__year=year).order_by("-valid_to").first()
        )
        if unit is None:
            raise KpiRequestError(
                _("No unit has the code “%(code)s” in %(year)d.") % {"code": code, "year": year}
            )
    else:
        unit = AdminUnit.objects.root_province(cutoff)
        if unit is None:
            raise KpiRequestError(_("No province is loaded."))
    return Kpi(year, unit)


def kpi_as_json(kpi: Kpi) -> dict:
    """The targets in the shape of ``kpi --json`` (docs/interfaces.md)."""
    return {
        "year": kpi.year,
        "unit": {"code": kpi.unit.code, "name": kpi.unit.name, "level": kpi.unit.level},
        "cutoff": kpi.cutoff.isoformat(),
        "targets": [result.as_json() for result in kpi.results()],
    }
