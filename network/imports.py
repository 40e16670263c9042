"""Excel import and export of the registry lists: teams, mediators, trainers.

One column list per register drives the template, the export and the import, so what is
exported imports back unchanged. An import runs in two phases, as pretix does: every row is
read and checked first, naming the row, the column and the reason; only when no row is
wrong does one transaction write the new and changed rows, with their history.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.scoping import scope_for
from hoagiai import caching
from hoagiai.text import identity_key, natural_key
from units.models import AdminUnit, Succession, valid_on_q

from . import bulk
from .dates import date_errors
from .history import CHANGED, CREATED, bulk_history
from .models import (
    ETHNICITIES,
    MediationTeam,
    Mediator,
    MediatorAttendance,
    OfficialAttendance,
    Trainer,
    TrainerAttendance,
    Training,
    fill_derived,
)
from .signals import announce
from .spreadsheets import (
    YES_NO,
    CellError,
    CellProblem,
    FileProblem,
    TemplateColumn,
    header_key,
    parse_choice,
    parse_code_or_text,
    parse_date,
    parse_text,
    parse_year,
    read_sheet,
    write_template,
    write_workbook,
)

# Row messages, lazy: translated only when a row repeats, not for each of 17,000 rows.
SAME_TEAM = gettext_lazy("the same team appears again (row %(row)d)")
SAME_PERSON = gettext_lazy("the same person appears twice in this team (row %(row)d)")
SAME_TRAINER = gettext_lazy("the same trainer appears again (row %(row)d)")


# Columns naming a commune: the template offers the scope's communes by name.
UNIT_COLUMNS = {"commune"}


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # lazy: Vietnamese in the request's language
    parse: Callable
    required: bool = False
    # The template's dropdown for a coded column (the values the parser advertises).
    choices: tuple = ()


@dataclass
class ImportPlan:
    new: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    unchanged: int = 0
    errors: list[CellError] = field(default_factory=list)
    # What the import did that the file did not say: a former commune's code read as the
    # commune that took it. Shown in the preview; they do not stop the import.
    warnings: list[CellError] = field(default_factory=list)
    file_error: str = ""
    # The communes whose figures the import changes, found by the preview.
    touched: set = field(default_factory=set)

    @property
    def ok(self):
        return not self.errors and not self.file_error

    @property
    def total(self):
        return len(self.new) + len(self.changed) + self.unchanged


class StaleImport(Exception):
    """What the preview read has changed since: its result no longer holds."""


class RegistryExcel:
    """The Excel list of one register, for one user (scoped to what the user may edit)."""

    model = None
    title = ""
    columns: list[Column] = []
    fields: list[str] = []  # model fields an import sets, for bulk_update
    # Text columns whose model field is not ``model``'s field of the column's key.
    text_fields: dict[str, tuple] = {}

    def __init__(self, user):
        self.user = user
        self.scope = scope_for(user)
        self.today = timezone.localdate()

    @cached_property
    def max_lengths(self):
        """{column key: the length its model field holds} (issue 13: PostgreSQL refused a
        5,000-character name at the confirmation, after a preview that said all was well)."""
        lengths = {}
        for column in self.columns:
            model, name = self.text_fields.get(column.key, (self.model, column.key))
            try:
                lengths[column.key] = model._meta.get_field(name).max_length
            except FieldDoesNotExist:
                continue
        return {key: length for key, length in lengths.items() if length}

    # --- export ---

    def headers(self):
        return [str(column.header) for column in self.columns]

    def template(self) -> bytes:
        """The empty list: dropdowns on the coded columns, an example row on a second
        sheet (``spreadsheets.write_template``)."""
        example = self.example_row()
        communes = self.commune_choices()
        columns = [
            TemplateColumn(
                str(column.header),
                column.required,
                choices=column.choices or (communes if column.key in UNIT_COLUMNS else ()),
                strict=bool(column.choices),
                example=example.get(column.key),
            )
            for column in self.columns
        ]
        return write_template(str(self.title), columns)

    def example_row(self) -> dict:
        """{column key: value} of a row as it should be filled in."""
        return {}

    def commune_choices(self) -> tuple:
        """The names of the communes in the user's scope today, for the commune columns'
        dropdown (a code may still be typed)."""
        communes = self.scope.units().filter(valid_on_q(self.today), level=AdminUnit.Level.COMMUNE)
        return tuple(sorted(communes.values_list("name", flat=True), key=natural_key))

    def example_commune(self) -> str:
        return next(iter(self.commune_choices()), "Phường Bắc Giang")

    def export(self, queryset) -> bytes:
        rows = (row for obj in queryset.iterator(chunk_size=2000) for row in self.export_rows(obj))
        return write_workbook(str(self.title), self.headers(), rows, self._required_headers())

    def export_rows(self, obj):
        return [self.export_row(obj)]

    def _required_headers(self):
        return {str(column.header) for column in self.columns if column.required}

    # --- import ---

    def plan(self, uploaded) -> ImportPlan:
        plan = self._plan = ImportPlan()
        try:
            rows = read_sheet(uploaded)
        except FileProblem as problem:
            plan.file_error = str(problem)
            return plan
        positions = self._match_headers(rows[0] if rows else [], plan)
        if not plan.ok:
            return plan
        seen = {}
        for index, cells in enumerate(rows[1:], start=2):
            if all(cell in (None, "") for cell in cells):
                continue
            values = self._parse_row(index, cells, positions, plan)
            if values is None:
                continue
            self._check_row(index, values, plan, seen)
        self._finish(plan)
        if plan.ok:
            plan.touched = set(self.touched_communes(plan))
        return plan

    def _finish(self, plan):
        """After every row: what needs the whole file (the mediators' namesakes)."""

    def _match_headers(self, header_row, plan):
        found = {header_key(cell): position for position, cell in enumerate(header_row)}
        positions = {}
        for column in self.columns:
            position = found.get(header_key(str(column.header)))
            if position is None:
                if column.required:
                    plan.errors.append(CellError(1, str(column.header), _("column is missing")))
                continue
            positions[column.key] = position
        return positions

    def _parse_row(self, index, cells, positions, plan):
        values, ok, lengths = {}, True, self.max_lengths
        for column in self.columns:
            position = positions.get(column.key)
            raw = cells[position] if position is not None and position < len(cells) else None
            if isinstance(raw, str):
                raw = raw.strip()
            if raw in (None, ""):
                if column.required:
                    plan.errors.append(CellError(index, str(column.header), _("empty cell")))
                    ok = False
                values[column.key] = None
                continue
            self._cell = (index, column.header)
            try:
                values[column.key] = value = column.parse(self, raw)
            except CellProblem as problem:
                plan.errors.append(CellError(index, str(column.header), str(problem)))
                ok = False
                continue
            if value.__class__ is str and len(value) > lengths.get(column.key, len(value)):
                limit = lengths[column.key]
                message = _("%(length)d characters, more than the %(limit)d this column holds")
                plan.errors.append(
                    CellError(
                        index, str(column.header), message % {"length": len(value), "limit": limit}
                    )
                )
                ok = False
        return values if ok else None

    def _error(self, plan, index, key, message):
        header = next(str(c.header) for c in self.columns if c.key == key)
        plan.errors.append(CellError(index, header, message))

    def _repeats(self, plan, seen, key, index, column, message):
        """True (and the row reported) when ``key`` was already on an earlier row."""
        if key in seen:
            self._error(plan, index, column, message % {"row": seen[key]})
            return True
        seen[key] = index
        return False

    def _place(self, plan, obj, existing):
        """Count a row as new, changed or unchanged against the stored row."""
        if existing is None:
            plan.new.append(obj)
            return
        if all(getattr(existing, name) == getattr(obj, name) for name in self.fields):
            plan.unchanged += 1
            return
        for name in self.fields:
            setattr(existing, name, getattr(obj, name))
        plan.changed.append(existing)

    def sources(self):
        """The stored rows the checks read: the units and their successions (and each
        register's own, below). Their fingerprint is taken by the preview and checked by
        the confirmation."""
        return [AdminUnit.objects.all(), Succession.objects.all()]

    def fingerprint(self) -> str:
        """A digest of what ``plan`` reads besides the file: the rows of ``sources``, the
        user's scope and today's date (the checks of future dates and ages read it). Taken
        before the rows are checked, so that a change while they are read shows too."""
        digest = hashlib.sha256(f"{self.today}|{sorted(self.scope_unit_ids)}".encode())
        for queryset in self.sources():
            digest.update(queryset.model._meta.label.encode())
            for row in queryset.order_by("pk").values_list().iterator(chunk_size=5000):
                digest.update(repr(row).encode())
        return digest.hexdigest()

    @transaction.atomic
    def apply(self, plan: ImportPlan, filename: str, fingerprint: str | None = None):
        """Write a checked plan. With ``fingerprint`` (the preview's), refuse with
        ``StaleImport``, writing nothing, when what the checks read has changed since."""
        if not plan.ok:
            raise ValueError("An import with errors is never applied.")
        if fingerprint is not None and self.fingerprint() != fingerprint:
            raise StaleImport
        reason = _("Excel import: %(file)s") % {"file": filename}
        self._write(self.model, plan.new, plan.changed, self.fields, reason)
        announce(plan.touched)

    def touched_communes(self, plan):
        """Communes whose figures the import changes (bulk writes send no model signals)."""
        return set()

    def _write(self, model, new, changed, fields, reason):
        """Insert and update in bulk, writing the history rows explicitly (DESIGN §6) and
        dropping the cached reads of the model (bulk writes send no signals)."""
        caching.changed(model)
        fill_derived(new)
        if new:
            bulk.insert(model, new)
            bulk_history(new, model, CREATED, self.user, reason)
        if changed:
            fields = [*fields, *fill_derived(changed)]
            model.objects.bulk_update(changed, fields, batch_size=2000)
            bulk_history(changed, model, CHANGED, self.user, reason)

    # --- lookups shared by the registers (one query each, then dictionaries) ---

    @cached_property
    def units(self):
        """The units of today and those that ended, each by code and by name (names shared
        by several units map to None), and each ended unit's successor: GSO codes are
        reused (07210 was Phường Hoàng Văn Thụ and is Phường Bắc Giang since 1/7/2025)."""
        current, ended = ({}, {}), ({}, {})
        units = AdminUnit.objects.only(
            "id", "code", "name", "level", "parent_id", "valid_from", "valid_to"
        ).order_by("valid_to")
        for unit in units:
            by_code, by_name = current if unit.is_valid_on(self.today) else ended
            by_code[unit.code] = unit  # of two ended units with one code, the later
            key = header_key(unit.name)
            by_name[key] = None if key in by_name else unit
        successors = dict(Succession.objects.values_list("predecessor_id", "successor_id"))
        return current, ended, successors

    @cached_property
    def scope_unit_ids(self):
        return set(self.scope.units().values_list("pk", flat=True))

    def warn(self, message):
        """A warning on the cell being read (see ``ImportPlan.warnings``)."""
        row, header = self._cell
        self._plan.warnings.append(CellError(row, str(header), message))

    def parse_unit(self, raw, levels, what, history=False):
        """The unit a cell names by code or name, as of today. A unit that has ended reads
        as the unit that took it, with a warning; with ``history`` (trainers, trainings:
        records of their dates) it is kept, and the row's date is checked against it."""
        current, ended, successors = self.units
        text = parse_code_or_text(raw)
        unit = self._lookup(current, text)
        if unit is None:
            former = self._lookup(ended, text)
            if former is not None and not history:
                unit = self._successor(former, successors, current)
            else:
                unit = former
        if unit is None or unit.level not in levels:
            raise CellProblem(_("unknown %(what)s “%(value)s”") % {"what": what, "value": text})
        if unit.pk not in self.scope_unit_ids:
            raise CellProblem(
                _("%(unit)s is outside the area you are responsible for") % {"unit": unit.name}
            )
        return unit

    @staticmethod
    def _lookup(units, text):
        by_code, by_name = units
        if text.isdigit():
            return by_code.get(text) or by_code.get(text.zfill(5))
        key = header_key(text)
        if key in by_name and by_name[key] is None:
            raise CellProblem(
                _("several units are named “%(name)s”; write the GSO code") % {"name": text}
            )
        return by_name.get(key)

    def _successor(self, former, successors, current):
        by_id = {unit.pk: unit for unit in current[0].values()}
        unit = by_id.get(successors.get(former.pk))
        if unit is None:
            raise CellProblem(
                _("%(unit)s (%(code)s) ended on %(day)s and no unit took it over")
                % {"unit": former.name, "code": former.code, "day": f"{former.valid_to:%d/%m/%Y}"}
            )
        self.warn(
            _(
                "%(old)s (%(old_code)s) became part of %(new)s (%(new_code)s) on %(day)s: "
                "the row is recorded for %(new)s"
            )
            % {
                "old": former.name,
                "old_code": former.code,
                "new": unit.name,
                "new_code": unit.code,
                "day": f"{unit.valid_from:%d/%m/%Y}",
            }
        )
        return unit

    def _existed(self, plan, index, key, unit, day):
        """False (and the row reported) when ``unit`` did not exist on ``day``."""
        if day is None or unit.is_valid_on(day):
            return True
        message = _("%(unit)s (%(code)s) did not exist on %(day)s (it existed %(period)s)")
        self._error(
            plan,
            index,
            key,
            message
            % {
                "unit": unit.name,
                "code": unit.code,
                "day": f"{day:%d/%m/%Y}",
                "period": unit.period,
            },
        )
        return False


COMMUNE_LEVELS = {AdminUnit.Level.COMMUNE}
UPPER_LEVELS = {AdminUnit.Level.PROVINCE, AdminUnit.Level.DISTRICT}


AMBIGUOUS = object()  # several stored rows answer to one name


class TeamLookup:
    """Teams by commune and name: the exact name (marks kept) first, then, for names typed
    without marks, the name without them when only one team of the commune answers to it."""

    def __init__(self, unit_ids):
        self.exact, self.folded = {}, {}
        for team in MediationTeam.objects.filter(commune_id__in=unit_ids):
            self.exact[(team.commune_id, identity_key(team.name))] = team
            key = (team.commune_id, header_key(team.name))
            self.folded[key] = AMBIGUOUS if key in self.folded else team

    def get(self, commune_id, name):
        """The team, None when no team answers, ``AMBIGUOUS`` when several do."""
        team = self.exact.get((commune_id, identity_key(name)))
        return team if team is not None else self.folded.get((commune_id, header_key(name)))


def by_identity(objects, group):
    """{(group id, exact name key): [rows]}: namesakes are kept apart, never merged."""
    found = {}
    for obj in objects:
        found.setdefault((getattr(obj, group), identity_key(obj.full_name)), []).append(obj)
    return found


def mediators_by_name(unit_ids):
    return by_identity(Mediator.objects.filter(team__commune_id__in=unit_ids), "team_id")


def trainers_by_name(unit_ids):
    return by_identity(Trainer.objects.filter(unit_id__in=unit_ids), "unit_id")


def _commune(excel, raw):
    return excel.parse_unit(raw, COMMUNE_LEVELS, gettext_lazy("commune"))


def _text(excel, raw):
    return parse_text(raw)


def _date(excel, raw):
    return parse_date(raw)


def _year(excel, raw):
    return parse_year(raw)


def _yes_no(excel, raw):
    return parse_choice(YES_NO)(raw)


def _choice(options):
    parse = parse_choice(options)
    return lambda excel, raw: parse(raw)


def _formatted(value):
    return value.strftime("%d/%m/%Y") if isinstance(value, date) else value


class TeamExcel(RegistryExcel):
    model = MediationTeam
    title = gettext_lazy("Mediation teams")
    fields = ["ethnic_minority_area", "established_on", "dissolved_on"]
    columns = [
        Column("commune", gettext_lazy("Commune (GSO code or name)"), _commune, required=True),
        Column("name", gettext_lazy("Team (village, residential group)"), _text, required=True),
        Column(
            "minority_area",
            gettext_lazy("Ethnic-minority area (Có/Không)"),
            _yes_no,
            choices=("Có", "Không"),
        ),
        Column("established_on", gettext_lazy("Established on"), _date),
        Column("dissolved_on", gettext_lazy("Dissolved on"), _date),
    ]

    @cached_property
    def existing(self):
        return TeamLookup(self.scope_unit_ids).exact

    def example_row(self):
        return {
            "commune": self.example_commune(),
            "name": "Thôn Đông",
            "minority_area": "Không",
            "established_on": date(2024, 3, 1),
        }

    def sources(self):
        return [
            *super().sources(),
            MediationTeam.objects.filter(commune_id__in=self.scope_unit_ids),
        ]

    def touched_communes(self, plan):
        return {team.commune_id for team in plan.new + plan.changed}

    def export_row(self, team):
        return [
            team.commune.code,
            team.name,
            "Có" if team.ethnic_minority_area else "Không",
            _formatted(team.established_on),
            _formatted(team.dissolved_on),
        ]

    def _check_row(self, index, values, plan, seen):
        commune = values["commune"]
        key = (commune.pk, identity_key(values["name"]))
        if self._repeats(plan, seen, key, index, "name", SAME_TEAM):
            return
        if (
            values["established_on"]
            and values["dissolved_on"]
            and values["dissolved_on"] < values["established_on"]
        ):
            self._error(plan, index, "dissolved_on", _("dissolved before it was established"))
            return
        team = MediationTeam(
            commune=commune,
            name=values["name"],
            ethnic_minority_area=bool(values["minority_area"]),
            established_on=values["established_on"],
            dissolved_on=values["dissolved_on"],
        )
        self._place(plan, team, self.existing.get(key))


SEXES = {
    "Nữ": Mediator.Sex.FEMALE,
    "Nam": Mediator.Sex.MALE,
    "F": Mediator.Sex.FEMALE,
    "M": Mediator.Sex.MALE,
}
ROLES = {
    "Tổ trưởng": Mediator.Role.LEADER,
    "Hòa giải viên": Mediator.Role.MEMBER,
    "Thành viên": Mediator.Role.MEMBER,
}


def _namesakes(name, unit):
    return _(
        "several people of %(unit)s are named “%(name)s”; this list cannot tell them apart: "
        "change it in the admin"
    ) % {"name": name, "unit": unit.name}


def _row_id(excel, raw):
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw.strip())
    if not isinstance(raw, int) or isinstance(raw, bool) or raw <= 0:
        raise CellProblem(
            _("“%(value)s” is not an id the portal exported; leave it as exported or empty")
            % {"value": raw}
        )
    return raw


class MediatorExcel(RegistryExcel):
    """Mediators. A row is the stored person with its exported id; without one, the person
    of the team with the exact name (marks kept), told apart from namesakes by the year of
    birth. Namesakes the file cannot tell apart are refused, by row and column."""

    model = Mediator
    title = gettext_lazy("Mediators")
    fields = [
        "full_name",
        "sex",
        "birth_year",
        "ethnicity",
        "role",
        "recognised_on",
        "left_on",
        "background",
        "material_access_on",
    ]
    columns = [
        Column("commune", gettext_lazy("Commune (GSO code or name)"), _commune, required=True),
        Column("team", gettext_lazy("Team (village, residential group)"), _text, required=True),
        Column("full_name", gettext_lazy("Full name"), _text, required=True),
        Column(
            "sex",
            gettext_lazy("Sex (Nam/Nữ)"),
            _choice(SEXES),
            required=True,
            choices=("Nam", "Nữ"),
        ),
        Column("birth_year", gettext_lazy("Year of birth"), _year),
        Column(
            "ethnicity",
            gettext_lazy("Ethnicity"),
            _choice({e: e for e in ETHNICITIES}),
            choices=tuple(ETHNICITIES),
        ),
        Column(
            "role",
            gettext_lazy("Role (Tổ trưởng/Hòa giải viên)"),
            _choice(ROLES),
            choices=("Tổ trưởng", "Hòa giải viên"),
        ),
        Column("recognised_on", gettext_lazy("Recognised on"), _date, required=True),
        Column("left_on", gettext_lazy("Left on"), _date),
        Column("background", gettext_lazy("Background"), _text),
        Column("material_access_on", gettext_lazy("Has the material set since"), _date),
        Column("id", gettext_lazy("Portal id (do not edit; empty for a new person)"), _row_id),
    ]

    text_fields = {"team": (MediationTeam, "name")}
    dates = ["recognised_on", "left_on", "material_access_on"]

    def __init__(self, user):
        super().__init__(user)
        self.pending = []  # (row, mediator, stored id) until the whole file is read

    @cached_property
    def teams(self):
        return TeamLookup(self.scope_unit_ids)

    def example_row(self):
        return {
            "commune": self.example_commune(),
            "team": "Thôn Đông",
            "full_name": "Nguyễn Thị Hoa",
            "sex": "Nữ",
            "birth_year": 1980,
            "ethnicity": "Kinh",
            "role": "Hòa giải viên",
            "recognised_on": date(2025, 3, 15),
            "background": "Giáo viên nghỉ hưu",
            "material_access_on": date(2025, 4, 1),
        }

    @cached_property
    def existing(self):
        return mediators_by_name(self.scope_unit_ids)

    @cached_property
    def existing_by_id(self):
        return {m.pk: m for people in self.existing.values() for m in people}

    def sources(self):
        units = self.scope_unit_ids
        return [
            *super().sources(),
            MediationTeam.objects.filter(commune_id__in=units),
            Mediator.objects.filter(team__commune_id__in=units),
        ]

    def touched_communes(self, plan):
        return {mediator.team.commune_id for mediator in plan.new + plan.changed}

    def export_row(self, mediator):
        return [
            mediator.team.commune.code,
            mediator.team.name,
            mediator.full_name,
            mediator.get_sex_display().capitalize(),
            mediator.birth_year,
            mediator.ethnicity,
            "Tổ trưởng" if mediator.role == Mediator.Role.LEADER else "Hòa giải viên",
            _formatted(mediator.recognised_on),
            _formatted(mediator.left_on),
            mediator.background,
            _formatted(mediator.material_access_on),
            mediator.pk,
        ]

    def _check_row(self, index, values, plan, seen):
        commune = values["commune"]
        team = self.teams.get(commune.pk, values["team"])
        if team is AMBIGUOUS:
            self._error(
                plan,
                index,
                "team",
                _("several teams of %(commune)s answer to “%(team)s”; write its exact name")
                % {"team": values["team"], "commune": commune.name},
            )
            return
        if team is None:
            self._error(
                plan,
                index,
                "team",
                _("no team “%(team)s” in %(commune)s; import the teams first")
                % {"team": values["team"], "commune": commune.name},
            )
            return
        stored_id = values["id"]
        if stored_id is not None:
            stored = self.existing_by_id.get(stored_id)
            if stored is None or stored.team_id != team.pk:
                self._error(
                    plan,
                    index,
                    "id",
                    _("no mediator of this team has the id %(id)d; leave it as exported or empty")
                    % {"id": stored_id},
                )
                return
            key = ("id", stored_id)
        else:
            key = (team.pk, identity_key(values["full_name"]), values["birth_year"])
        if self._repeats(
            plan,
            seen,
            key,
            index,
            "id" if stored_id is not None else "full_name",
            SAME_PERSON,
        ):
            return
        recognised, left = values["recognised_on"], values["left_on"]
        if recognised > self.today:
            self._error(plan, index, "recognised_on", _("recognised on a future date"))
            return
        if left and left < recognised:
            self._error(plan, index, "left_on", _("left before being recognised"))
            return
        birth_year = values["birth_year"]
        if birth_year and not self.today.year - 100 <= birth_year <= self.today.year - 18:
            self._error(plan, index, "birth_year", _("a mediator is an adult; check the year"))
            return
        dates = {name: values[name] for name in self.dates}
        for name, message in date_errors(dates, birth_year).items():
            self._error(plan, index, name, str(message))
            return
        mediator = NEW_MEDIATOR(
            team,
            values["full_name"],
            values["sex"],
            birth_year,
            values["ethnicity"] or "",
            values["role"] or Mediator.Role.MEMBER,
            recognised,
            left,
            values["background"] or "",
            values["material_access_on"],
        )
        self.pending.append((index, mediator, stored_id))

    def _finish(self, plan):
        """Match each row to a stored person: by id, then by exact name and year of birth."""
        claimed = {stored_id for _, _, stored_id in self.pending if stored_id is not None}
        groups = {}
        for index, mediator, stored_id in self.pending:
            if stored_id is not None:
                self._place(plan, mediator, self.existing_by_id[stored_id])
            else:
                key = (mediator.team_id, identity_key(mediator.full_name))
                groups.setdefault(key, []).append((index, mediator))
        for key, rows in groups.items():
            people = [m for m in self.existing.get(key, []) if m.pk not in claimed]
            unmatched = []
            for index, mediator in rows:
                born = [
                    m for m in people if mediator.birth_year and m.birth_year == mediator.birth_year
                ]
                if len(born) == 1:
                    people.remove(born[0])
                    self._place(plan, mediator, born[0])
                elif born:
                    self._error(plan, index, "full_name", self._namesakes(mediator, born=True))
                else:
                    unmatched.append((index, mediator))
            if not people:
                for _index, mediator in unmatched:
                    self._place(plan, mediator, None)
            elif len(unmatched) == 1 and len(people) == 1:
                self._place(plan, unmatched[0][1], people[0])  # its year of birth corrected
            else:
                for index, mediator in unmatched:
                    self._error(plan, index, "birth_year", self._namesakes(mediator))
        plan.errors.sort(key=lambda error: error.row)
        self.pending = []

    def _namesakes(self, mediator, born=False):
        if born:
            return _(
                "several mediators of this team are named “%(name)s” and were born in "
                "%(year)d; keep the portal id column of the export to tell them apart"
            ) % {"name": mediator.full_name, "year": mediator.birth_year}
        return _(
            "several mediators of this team are named “%(name)s”; write the year of birth "
            "(or keep the portal id column of the export) to tell them apart"
        ) % {"name": mediator.full_name}


# Mediator(...) for the rows of an import (17,000 of them in a province's list): the
# team and the fields the file writes.
NEW_MEDIATOR = bulk.maker(Mediator, ["team", *MediatorExcel.fields])


LEVELS = {
    "Tỉnh": Trainer.Level.PROVINCE,
    "Cấp tỉnh": Trainer.Level.PROVINCE,
    "Huyện": Trainer.Level.DISTRICT,
    "Cấp huyện": Trainer.Level.DISTRICT,
}


def _province_or_district(excel, raw):
    return excel.parse_unit(raw, UPPER_LEVELS, gettext_lazy("province or district"), history=True)


class TrainerExcel(RegistryExcel):
    model = Trainer
    title = gettext_lazy("Trainers")
    fields = ["level", "agency", "active_from", "active_to", "materials_received_on"]
    columns = [
        Column("full_name", gettext_lazy("Full name"), _text, required=True),
        Column(
            "level",
            gettext_lazy("Level (Tỉnh/Huyện)"),
            _choice(LEVELS),
            required=True,
            choices=("Tỉnh", "Huyện"),
        ),
        Column(
            "unit", gettext_lazy("Unit (GSO code or name)"), _province_or_district, required=True
        ),
        Column("agency", gettext_lazy("Agency"), _text),
        Column("active_from", gettext_lazy("Active from"), _date, required=True),
        Column("active_to", gettext_lazy("Active to"), _date),
        Column("materials_received_on", gettext_lazy("Given the materials on"), _date),
    ]

    def example_row(self):
        province = AdminUnit.objects.root_province(self.today)
        return {
            "full_name": "Trần Văn Nam",
            "level": "Tỉnh",
            "unit": province.name if province else "",
            "agency": "Sở Tư pháp",
            "active_from": date(2024, 1, 1),
            "materials_received_on": date(2024, 2, 15),
        }

    @cached_property
    def existing(self):
        return trainers_by_name(self.scope_unit_ids)

    def sources(self):
        return [*super().sources(), Trainer.objects.filter(unit_id__in=self.scope_unit_ids)]

    def export_row(self, trainer):
        return [
            trainer.full_name,
            "Tỉnh" if trainer.level == Trainer.Level.PROVINCE else "Huyện",
            trainer.unit.code,
            trainer.agency,
            _formatted(trainer.active_from),
            _formatted(trainer.active_to),
            _formatted(trainer.materials_received_on),
        ]

    def _check_row(self, index, values, plan, seen):
        unit = values["unit"]
        key = (unit.pk, identity_key(values["full_name"]))
        if self._repeats(plan, seen, key, index, "full_name", SAME_TRAINER):
            return
        if unit.level != values["level"]:
            self._error(plan, index, "unit", _("the unit's level does not match the trainer's"))
            return
        if not self._existed(plan, index, "unit", unit, values["active_from"]):
            return
        if values["active_to"] and values["active_to"] < values["active_from"]:
            self._error(plan, index, "active_to", _("ends before it starts"))
            return
        trainer = Trainer(
            full_name=values["full_name"],
            level=values["level"],
            unit=unit,
            agency=values["agency"] or "",
            active_from=values["active_from"],
            active_to=values["active_to"],
            materials_received_on=values["materials_received_on"],
        )
        stored = self.existing.get(key, [])
        if len(stored) > 1:
            self._error(plan, index, "full_name", _namesakes(values["full_name"], unit))
            return
        self._place(plan, trainer, stored[0] if stored else None)


TRAINING_LEVELS = {
    "Tỉnh": Training.Level.PROVINCE,
    "Cấp tỉnh": Training.Level.PROVINCE,
    "Huyện": Training.Level.DISTRICT,
    "Cấp huyện": Training.Level.DISTRICT,
    "Xã": Training.Level.COMMUNE,
    "Cấp xã": Training.Level.COMMUNE,
}
AUDIENCES = {
    "Tập huấn viên": Training.Audience.TRAINERS,
    "Hòa giải viên": Training.Audience.MEDIATORS,
    "Cán bộ cấp xã": Training.Audience.OFFICIALS,
}
PROGRAMMES = {"Chương trình khung": Training.Programme.FRAMEWORK, "Khác": Training.Programme.OTHER}
AUDIENCE_LABELS = {value: label for label, value in AUDIENCES.items()}
LEVEL_LABELS = {
    Training.Level.PROVINCE: "Tỉnh",
    Training.Level.DISTRICT: "Huyện",
    Training.Level.COMMUNE: "Xã",
}


def _any_unit(excel, raw):
    return excel.parse_unit(raw, set(AdminUnit.Level), gettext_lazy("unit"), history=True)


class TrainingExcel(RegistryExcel):
    """Trainings with their attendance: one row per person attending (or one bare row)."""

    model = Training
    title = gettext_lazy("Trainings")
    text_fields = {
        "person": (OfficialAttendance, "full_name"),
        "person_team": (MediationTeam, "name"),
        "person_position": (OfficialAttendance, "position"),
    }
    fields = ["level", "audience", "programme", "place"]
    columns = [
        Column("title", gettext_lazy("Training title"), _text, required=True),
        Column("held_on", gettext_lazy("Held on"), _date, required=True),
        Column(
            "organiser",
            gettext_lazy("Organising unit (GSO code or name)"),
            _any_unit,
            required=True,
        ),
        Column(
            "level",
            gettext_lazy("Level (Tỉnh/Huyện/Xã)"),
            _choice(TRAINING_LEVELS),
            required=True,
            choices=("Tỉnh", "Huyện", "Xã"),
        ),
        Column(
            "audience",
            gettext_lazy("Audience (Tập huấn viên/Hòa giải viên/Cán bộ cấp xã)"),
            _choice(AUDIENCES),
            required=True,
            choices=tuple(AUDIENCES),
        ),
        Column(
            "programme",
            gettext_lazy("Programme (Chương trình khung/Khác)"),
            _choice(PROGRAMMES),
            choices=tuple(PROGRAMMES),
        ),
        Column("place", gettext_lazy("Place"), _text),
        Column("person", gettext_lazy("Attendee: full name"), _text),
        Column(
            "person_unit", gettext_lazy("Attendee: commune or unit (GSO code or name)"), _any_unit
        ),
        Column("person_team", gettext_lazy("Attendee: team (mediators)"), _text),
        Column("person_position", gettext_lazy("Attendee: position (commune officials)"), _text),
    ]

    def example_row(self):
        commune = self.example_commune()
        return {
            "title": "Tập huấn kỹ năng hòa giải ở cơ sở",
            "held_on": date(2025, 5, 10),
            "organiser": commune,
            "level": "Xã",
            "audience": "Hòa giải viên",
            "programme": "Chương trình khung",
            "place": "Hội trường UBND",
            "person": "Nguyễn Thị Hoa",
            "person_unit": commune,
            "person_team": "Thôn Đông",
        }

    @cached_property
    def trainings(self):
        trainings = Training.objects.filter(organiser_id__in=self.scope_unit_ids)
        return {(t.organiser_id, header_key(t.title), t.held_on): t for t in trainings}

    @cached_property
    def attended(self):
        """Who already attended which stored training, as (kind, training id, person key)."""
        training_ids = [t.pk for t in self.trainings.values()]
        keys = set()
        for a in TrainerAttendance.objects.filter(training_id__in=training_ids):
            keys.add(("trainer", a.training_id, a.trainer_id))
        for a in MediatorAttendance.objects.filter(training_id__in=training_ids):
            keys.add(("mediator", a.training_id, a.mediator_id))
        for a in OfficialAttendance.objects.filter(training_id__in=training_ids):
            keys.add(("official", a.training_id, (a.commune_id, identity_key(a.full_name))))
        return keys

    @cached_property
    def teams(self):
        return TeamLookup(self.scope_unit_ids)

    @cached_property
    def mediators(self):
        return mediators_by_name(self.scope_unit_ids)

    @cached_property
    def trainers(self):
        return trainers_by_name(self.scope_unit_ids)

    def sources(self):
        units = self.scope_unit_ids
        return [
            *super().sources(),
            Training.objects.filter(organiser_id__in=units),
            *(
                model.objects.filter(training__organiser_id__in=units)
                for model in (TrainerAttendance, MediatorAttendance, OfficialAttendance)
            ),
            MediationTeam.objects.filter(commune_id__in=units),
            Mediator.objects.filter(team__commune_id__in=units),
            Trainer.objects.filter(unit_id__in=units),
        ]

    def export(self, queryset):
        # The people come joined to their attendance rows: prefetching them by id instead put
        # every attending mediator's id into one IN list (16,000 at Bắc Giang's size), more than
        # SQLite takes ("Expression tree is too large"). Now each query lists only the chunk's
        # trainings.
        queryset = queryset.prefetch_related(
            Prefetch("trainers", TrainerAttendance.objects.select_related("trainer__unit")),
            Prefetch(
                "mediators", MediatorAttendance.objects.select_related("mediator__team__commune")
            ),
            Prefetch("officials", OfficialAttendance.objects.select_related("commune")),
        )
        return super().export(queryset)

    def export_rows(self, training):
        head = [
            training.title,
            _formatted(training.held_on),
            training.organiser.code,
            LEVEL_LABELS[training.level],
            AUDIENCE_LABELS[training.audience],
            "Chương trình khung" if training.programme == Training.Programme.FRAMEWORK else "Khác",
            training.place,
        ]
        people = [
            [a.trainer.full_name, a.trainer.unit.code, None, None] for a in training.trainers.all()
        ]
        people += [
            [a.mediator.full_name, a.mediator.team.commune.code, a.mediator.team.name, None]
            for a in training.mediators.all()
        ]
        people += [
            [a.full_name, a.commune.code, None, a.position or None]
            for a in training.officials.all()
        ]
        return [head + person for person in people] or [head + [None] * 4]

    def _check_row(self, index, values, plan, seen):
        key = (values["organiser"].pk, header_key(values["title"]), values["held_on"])
        training = seen.get(key)
        if training is None:
            training = self._training(index, values, plan, key)
            if training is None:
                return
            seen[key] = training
        elif not self._same_training(training, values):
            self._error(
                plan,
                index,
                "level",
                _(
                    "this training is described differently in an "
                    "earlier row (level, audience, programme or place)"
                ),
            )
            return
        if values["person"]:
            self._attendance(index, values, plan, training, seen)

    def _training(self, index, values, plan, key):
        if values["held_on"] > self.today:
            self._error(plan, index, "held_on", _("held on a future date"))
            return None
        if not self._existed(plan, index, "organiser", values["organiser"], values["held_on"]):
            return None
        training = Training(
            title=values["title"],
            held_on=values["held_on"],
            organiser=values["organiser"],
            level=values["level"],
            audience=values["audience"],
            programme=values["programme"] or Training.Programme.FRAMEWORK,
            place=values["place"] or "",
        )
        self._place(plan, training, self.trainings.get(key))
        stored = self.trainings.get(key)
        return stored if stored is not None else training

    def _same_training(self, training, values):
        return (training.level, training.audience, training.programme, training.place) == (
            values["level"],
            values["audience"],
            values["programme"] or Training.Programme.FRAMEWORK,
            values["place"] or "",
        )

    def _attendance(self, index, values, plan, training, seen):
        unit = values["person_unit"]
        if unit is None:
            self._error(plan, index, "person_unit", _("empty cell"))
            return
        name = identity_key(values["person"])
        audience = training.audience
        if audience == Training.Audience.TRAINERS:
            people = self.trainers.get((unit.pk, name), [])
            missing = _("no trainer of this name in %(unit)s")
            kind = "trainer"
        elif audience == Training.Audience.MEDIATORS:
            team = self.teams.get(unit.pk, values["person_team"] or "")
            found = team is not None and team is not AMBIGUOUS
            people = self.mediators.get((team.pk, name), []) if found else []
            missing = _("no mediator of this name in this team of %(unit)s")
            kind = "mediator"
        if audience != Training.Audience.OFFICIALS:
            if len(people) > 1:
                self._error(plan, index, "person", _namesakes(values["person"], unit))
                return
            person = people[0] if people else None
            person_key = person.pk if person else None
        else:
            if unit.level != AdminUnit.Level.COMMUNE:
                self._error(
                    plan, index, "person_unit", _("a commune official belongs to a commune")
                )
                return
            kind, person_key, person = "official", (unit.pk, name), True
        if person is None:
            self._error(plan, index, "person", missing % {"unit": unit.name})
            return
        attendance_key = (kind, id(training) if training.pk is None else training.pk, person_key)
        repeated = _("this person is already listed for this training (row %(row)d)")
        if self._repeats(plan, seen, attendance_key, index, "person", repeated):
            return
        if training.pk is not None and attendance_key in self.attended:
            plan.unchanged += 1
            return
        if kind == "trainer":
            plan.new.append(TrainerAttendance(training=training, trainer=person))
        elif kind == "mediator":
            plan.new.append(MediatorAttendance(training=training, mediator=person))
        else:
            plan.new.append(
                OfficialAttendance(
                    training=training,
                    full_name=values["person"],
                    commune=unit,
                    position=values["person_position"] or "",
                )
            )

    def apply(self, plan, filename, fingerprint=None):
        if not plan.ok:
            raise ValueError("An import with errors is never applied.")
        reason = _("Excel import: %(file)s") % {"file": filename}
        with transaction.atomic():
            if fingerprint is not None and self.fingerprint() != fingerprint:
                raise StaleImport
            for model in (Training, TrainerAttendance, MediatorAttendance, OfficialAttendance):
                # Attendances of new trainings pick up the ids the trainings just got:
                # bulk_create re-reads each unsaved related object's primary key.
                new = [obj for obj in plan.new if type(obj) is model]
                changed = [obj for obj in plan.changed if type(obj) is model]
                self._write(model, new, changed, self.fields if model is Training else [], reason)
        announce(plan.touched)

    def touched_communes(self, plan):
        communes = {
            attendance.mediator.team.commune_id
            for attendance in plan.new
            if isinstance(attendance, MediatorAttendance)
        }
        changed = [obj.pk for obj in plan.changed if isinstance(obj, Training)]
        communes.update(
            MediatorAttendance.objects.filter(training_id__in=changed).values_list(
                "mediator__team__commune_id", flat=True
            )
        )
        return communes
