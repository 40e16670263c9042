"""The KPI engine: every target of the plan (DESIGN §4) for a year and a unit.

It reads the commune-year lines (``reports.CommuneYear``: registry counts kept current on
write, frozen once a district's report is approved) and a few small registers (trainers,
materials, pilot and model communes), always grouped in the database: the number of
queries is the same for ten communes and for ten thousand.
"""

from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Sum, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from network.dates import cutoff_date
from network.models import (
    AdminUnit,
    Material,
    ModelCommune,
    PilotCommune,
    Trainer,
    TrainerAttendance,
    Training,
    active_on,
)
from reports.models import CommuneYear

from .models import Target

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

# Which level each target is counted at (Target.scope), and the rate targets' fractions.
APPLIES = {
    Target.Scope.PROVINCE: {"province"},
    Target.Scope.DISTRICT: {"province", "district"},
    Target.Scope.PILOT_COMMUNES: {"province", "district"},
    Target.Scope.COMMUNE: {"province", "district", "commune"},
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


class Kpi:
    """All targets for one year and one unit (province, district or commune)."""

    def __init__(self, year: int, unit: AdminUnit, basis: str | None = None):
        self.year = year
        self.unit = unit
        self.level = unit.level
        self.cutoff = cutoff_date(year)
        self.basis = basis or settings.SUCCESS_RATE_BASIS
        # The units a shortfall is named by: districts of a province, communes of a district.
        self.child_level = {"province": "district", "district": "commune"}.get(self.level)

    # --- the data, one grouped query each ---

    def _communes(self):
        communes = AdminUnit.objects.filter(level=AdminUnit.Level.COMMUNE)
        if self.level == AdminUnit.Level.COMMUNE:
            return communes.filter(pk=self.unit.pk)
        if self.level == AdminUnit.Level.DISTRICT:
            return communes.filter(parent=self.unit)
        return communes.filter(Q(parent=self.unit) | Q(parent__parent=self.unit))

    @property
    def lines(self):
        """{child unit id: {field: sum}} plus totals, pilot communes summed apart."""
        if not hasattr(self, "_lines"):
            if self.level == AdminUnit.Level.PROVINCE:
                # Named by district; a commune directly under the province by itself.
                key = Case(
                    When(commune__parent__level="district", then=F("commune__parent_id")),
                    default=F("commune_id"),
                )
            else:
                key = F("commune_id")
            pilot = Exists(
                PilotCommune.objects.filter(
                    commune=OuterRef("commune"),
                    start_year__lte=self.year,
                    end_year__gte=self.year,
                )
            )
            # Aliases differ from the field names: an annotation named like a field would
            # shadow it in the pilot sums below.
            sums = {f"sum_{name}": Coalesce(Sum(name), 0) for name in LINE_FIELDS}
            pilot_sums = {
                f"sum_pilot_{name}": Coalesce(Sum(name, filter=Q(pilot)), 0)
                for name in ("cases_received", "cases_successful", "cases_unsuccessful")
            }
            rows = (
                CommuneYear.objects.filter(year=self.year, commune__in=self._communes())
                .annotate(child=key)
                .values("child")
                .annotate(rows=Count("pk"), **sums, **pilot_sums)
                .order_by()
            )
            self._lines = {
                row.pop("child"): {key.removeprefix("sum_"): value for key, value in row.items()}
                for row in rows
            }
        return self._lines

    def total(self, name):
        return sum(line[name] for line in self.lines.values())

    @property
    def names(self):
        """{id: (code, name, level)} of the units directly below (districts, or communes)."""
        if not hasattr(self, "_names"):
            children = AdminUnit.objects.filter(parent=self.unit) if self.child_level else []
            self._names = {unit.pk: (unit.code, unit.name, unit.level) for unit in children}
        return self._names

    def _short(self, values: dict):
        """[{code, name, value}] for the child units in ``values`` (id → value), by code."""
        rows = []
        for unit_id, value in values.items():
            code, name, _level = self.names.get(unit_id, ("", "", ""))
            rows.append({"code": code, "name": name, "value": value})
        return sorted(rows, key=lambda row: row["code"])

    # --- the targets ---

    def results(self) -> list[Result]:
        return [self.result(target) for target in Target.objects.all()]

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
            source="provisional",
            definition=self.basis if target.code in ("O8a", "O8b") else None,
            target=target,
        )
        if not result.applies or self.is_future:
            return result
        measure = getattr(self, "measure_" + target.code.replace(".", "_"), None)
        if measure is None:
            measure = self.measure_rate
        measure(result, threshold, upper)
        return result

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

    def _success(self, prefix=""):
        successful = f"{prefix}cases_successful"
        other = f"{prefix}cases_received" if self.basis == "received" else None

        def whole(line):
            if other:
                return line[other]
            return line[successful] + line[f"{prefix}cases_unsuccessful"]

        return successful, whole

    def measure_O8a(self, result, threshold, upper, prefix=""):
        successful, whole = self._success(prefix)
        numerator = self.total(successful)
        denominator = sum(whole(line) for line in self.lines.values())
        self._settle(result, numerator, denominator, ratio(numerator, denominator), threshold)
        if self.child_level:
            result.short = self._short(
                {
                    unit_id: line[successful] / whole(line)
                    for unit_id, line in self.lines.items()
                    if whole(line)
                    and not compare(line[successful] / whole(line), result.comparator, threshold)
                }
            )

    def measure_O8b(self, result, threshold, upper):
        self.measure_O8a(result, threshold, upper, prefix="pilot_")

    # Trainers: a small register, counted live as of the cut-off.

    @property
    def trainers(self):
        """{unit id: (trainers, of whom trained and given materials)} as of the cut-off."""
        if not hasattr(self, "_trainers"):
            trained = Exists(
                TrainerAttendance.objects.filter(
                    trainer=OuterRef("pk"),
                    training__held_on__lte=self.cutoff,
                    training__audience=Training.Audience.TRAINERS,
                )
            )
            equipped = Q(trained) & Q(materials_received_on__lte=self.cutoff)
            units = AdminUnit.objects.within(self.unit) if self.level != "commune" else []
            rows = (
                Trainer.objects.filter(active_on(self.cutoff, "active_from", "active_to"))
                .filter(unit__in=units)
                .values("unit_id", "level")
                .annotate(total=Count("pk"), equipped=Count("pk", filter=equipped))
                .order_by()
            )
            self._trainers = {(row["unit_id"], row["level"]): row for row in rows}
        return self._trainers

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
        published = dict(
            Material.objects.filter(published_on__lte=self.cutoff)
            .values_list("kind")
            .annotate(count=Count("pk"))
            .order_by()
        )
        kinds = Material.Kind
        covered = [kind for kind in kinds if published.get(kind.value, 0) >= threshold]
        result.numerator, result.denominator = len(covered), len(kinds)
        result.value = len(covered)  # kinds with a published material
        result.met = len(covered) == len(kinds)
        result.short = [
            {"code": kind.value, "name": str(kind.label), "value": published.get(kind.value, 0)}
            for kind in kinds
            if kind not in covered
        ]

    def measure_O9(self, result, threshold, upper):
        communes = self._communes()
        total = communes.count()
        recognised = (
            ModelCommune.objects.filter(year__lte=self.year, commune__in=communes)
            .values("commune")
            .distinct()
            .count()
        )
        self._settle(result, recognised, total, ratio(recognised, total), threshold)

    def measure_T2_1(self, result, threshold, upper):
        pilots = (
            PilotCommune.objects.filter(
                start_year__lte=self.year, end_year__gte=self.year, commune__in=self._communes()
            )
            .values("commune__parent_id")
            .annotate(count=Count("commune", distinct=True))
            .order_by()
        )
        counts = {row["commune__parent_id"]: row["count"] for row in pilots}
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
