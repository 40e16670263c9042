"""The 1/7/2025 arrangement of administrative units, carried into the portal (DESIGN §7).

One audited, all-or-nothing step: the new Tỉnh Bắc Ninh and its communes are loaded, the
old province, districts and communes end on 30/6/2025, and the registry moves to the units
that hold it now — teams (and the people in them) to the commune that took theirs, pilot
and model designations for the years after the cut, provincial trainers to the new
province; district trainers and district officers' accounts end with the district level.
Figures of the years after the cut move to the new communes, summed. Nothing of 2024
changes: its figures, reports and history stay on the units valid then.

Run again, it changes nothing. It lives in ``reports`` because it moves commune-year lines
as well as the registry (``reports`` may read ``network``, ``plans`` and ``accounts``).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery, Sum
from django.utils.translation import gettext as _

from accounts.models import Role, User
from hoagiai.caching import changed
from network.dates import cutoff_date
from network.history import CHANGED, CREATED, DELETED, bulk_history
from network.models import (
    LegalSupport,
    MediationTeam,
    Mediator,
    MediatorAttendance,
    ModelCommune,
    PilotCommune,
    Trainer,
    Training,
    fill_derived,
)
from network.signals import announce
from plans import progress
from plans.models import Activity, Agency
from units.models import AdminUnit, Succession

from .models import LINE_FIELDS, CommuneYear

FIRST_DAY = date(2025, 7, 1)
LAST_OLD_DAY = FIRST_DAY - timedelta(days=1)
PROVINCE_CODE = "24"
FIXTURE = "units_bac_ninh_2025"
REASON = "Sắp xếp ĐVHC từ 01/7/2025 (NQ 1658/NQ-UBTVQH15)"
PERSON_BASIS = "Sở Tư pháp xác định (không có trong bảng chuyển đổi)"
COUNTED = [*LINE_FIELDS, "new_pending"]


class ReformError(Exception):
    """The step cannot run; the message says why and what to do, in Vietnamese."""


@dataclass
class Outcome:
    before: dict
    after: dict
    changes: Counter = field(default_factory=Counter)

    @property
    def changed_anything(self):
        return any(self.changes.values())


def census() -> dict:
    """What must be the same before and after: every registry row, and every year's
    commune-year figures summed (rows of the years after the cut are merged, not lost)."""
    counts = {
        "teams": MediationTeam.objects.count(),
        "mediators": Mediator.objects.count(),
        "legal supports": LegalSupport.objects.count(),
        "trainers": Trainer.objects.count(),
        "trainings": Training.objects.count(),
        "attendance": MediatorAttendance.objects.count(),
        # What people reported on the plan's rows is kept, whatever rows end.
        "plan activities": Activity.objects.count(),
    }
    rows = (
        CommuneYear.objects.order_by()
        .values("year")
        .annotate(rows=Count("pk"), **{name: Sum(name) for name in COUNTED})
    )
    for row in rows.order_by("year"):
        year = row.pop("year")
        lines = row.pop("rows")
        if cutoff_date(year) < FIRST_DAY:
            counts[f"commune-year rows {year}"] = lines
        counts[f"commune-year figures {year}"] = row
    return counts


def apply(successors: dict[str, str] | None = None, user=None) -> Outcome:
    """Carry the data across the cut. ``successors``: {old commune code: new commune code}
    for the communes the official table leaves out, as a person decided them."""
    with transaction.atomic():
        before = census()
        changes = Counter()
        old_province = _old_province()
        new_province = _new_units(changes)
        old_units = AdminUnit.objects.within(old_province)
        communes = list(old_units.filter(level=AdminUnit.Level.COMMUNE))
        # Old units end first: until then a reused code (07682) names two units on 1/7/2025.
        changes["units ended"] += _close(old_units, user)
        _add_person_successions(communes, successors or {}, user, changes)
        _check_successions(communes, old_province, new_province)
        mapping = move_registry(user, changes)
        changes["agencies renamed"] += _rename_agencies(user)
        # The plan's local rows follow the units: districts' end with 2025, communes' begin.
        plan_rows = progress.sync()
        changes["plan rows added"] += plan_rows["created"]
        changes["plan rows removed"] += plan_rows["removed"]
        after = census()
        if after != before:
            differences = sorted(
                key for key in before.keys() | after.keys() if before.get(key) != after.get(key)
            )
            raise ReformError(
                _("The counts before and after differ, nothing was written: %(keys)s")
                % {"keys": ", ".join(differences)}
            )
        # Bulk writes send no signals: drop what the cache keeps of them (at commit).
        changed(AdminUnit, Succession, MediationTeam, CommuneYear, Trainer, PilotCommune)
        changed(ModelCommune, User)
        if changes["teams re-homed"] or changes["commune-year rows merged"]:
            announce(set(mapping.values()))
    return Outcome(before, after, changes)


def _old_province():
    province = AdminUnit.objects.by_code(PROVINCE_CODE, LAST_OLD_DAY)
    if province is None or province.level != AdminUnit.Level.PROVINCE:
        raise ReformError(
            _(
                "There is no Tỉnh Bắc Giang (code 24) before 1/7/2025: load the administrative "
                "units first (loaddata units_bac_giang)."
            )
        )
    return province


def _new_units(changes):
    """The new province and its communes (the fixture), loaded once."""
    province = AdminUnit.objects.filter(code=PROVINCE_CODE, valid_from=FIRST_DAY).first()
    if province is None:
        call_command("loaddata", FIXTURE, verbosity=0)
        province = AdminUnit.objects.get(code=PROVINCE_CODE, valid_from=FIRST_DAY)
        changes["units loaded"] += province.children.count() + 1
    return province


def _add_person_successions(communes, successors, user, changes):
    by_code = {commune.code: commune for commune in communes}
    for old_code, new_code in successors.items():
        old = by_code.get(old_code)
        if old is None:
            raise ReformError(
                _("%(code)s is not a commune of Tỉnh Bắc Giang before 1/7/2025.")
                % {"code": old_code}
            )
        new = AdminUnit.objects.by_code(new_code, FIRST_DAY)
        if new is None or new.level != AdminUnit.Level.COMMUNE:
            raise ReformError(
                _("%(code)s is not a commune or ward that exists from 1/7/2025.")
                % {"code": new_code}
            )
        existing = Succession.objects.filter(predecessor=old).first()
        if existing is not None:
            if existing.successor_id != new.pk:
                raise ReformError(
                    _(
                        "%(unit)s (%(code)s) already has its successor, %(successor)s: change "
                        "it in the admin if it is wrong."
                    )
                    % {"unit": old.name, "code": old_code, "successor": existing.successor.name}
                )
            continue
        succession = Succession(
            predecessor=old, successor=new, basis=PERSON_BASIS, set_by_person=True
        )
        succession._history_user = user
        succession.save()
        changes["successions set by a person"] += 1


def move_registry(user, changes) -> dict[int, int]:
    """Move what the registry holds on every ended unit to its successor; return the
    communes' {old id: new id}. Bắc Giang's here; at national scale, every province's."""
    successions = Succession.objects.filter(predecessor__valid_to__isnull=False)
    mapping = dict(
        successions.filter(predecessor__level=AdminUnit.Level.COMMUNE).values_list(
            "predecessor_id", "successor_id"
        )
    )
    provinces = dict(
        successions.filter(predecessor__level=AdminUnit.Level.PROVINCE).values_list(
            "predecessor_id", "successor_id"
        )
    )
    changes["teams re-homed"], changes["teams renamed"] = _rehome_teams(mapping, user)
    changes["trainers moved or ended"] += _trainers(provinces, user)
    changes["pilot designations"] += _pilots(mapping, user)
    changes["model communes"] += _model_communes(mapping, user)
    changes["commune-year rows merged"] += _merge_lines(mapping)
    changes["accounts deactivated"] += _deactivate_officers(user)
    return mapping


def _check_successions(communes, old_province, new_province):
    """Every old commune goes to exactly one new commune: refuse while any has none, or
    two."""
    links = defaultdict(list)
    rows = Succession.objects.filter(predecessor__in=communes).values_list(
        "predecessor_id", "successor_id"
    )
    for old, new in rows:
        links[old].append(new)
    missing = [commune for commune in communes if not links.get(commune.pk)]
    if missing:
        listed = "; ".join(f"{c.name} ({c.code}, {c.parent.name})" for c in missing)
        example = " ".join(f"--successor {c.code}=NEW_CODE" for c in missing)
        raise ReformError(
            _(
                "%(count)d communes have no successor (they are not in the conversion table): "
                "%(listed)s. Someone with the authority must say which new commune or ward "
                "took each, then run this again with %(example)s. Nothing was written."
            )
            % {"count": len(missing), "listed": listed, "example": example}
        )
    split = [c for c in communes if len(links[c.pk]) > 1]
    if split:
        raise ReformError(
            _(
                "Each former commune went whole into exactly one new commune; these have more "
                "than one: %(listed)s"
            )
            % {"listed": "; ".join(f"{c.name} ({c.code})" for c in split)}
        )
    if not Succession.objects.filter(predecessor=old_province, successor=new_province).exists():
        Succession.objects.create(
            predecessor=old_province, successor=new_province, basis="NQ 202/2025/QH15"
        )


def _save(obj, user, reason=REASON):
    obj._history_user = user
    obj._change_reason = reason
    obj.save()


def _close(old_units, user) -> int:
    closing = list(old_units.filter(valid_to__isnull=True))
    for unit in closing:
        unit.valid_to = LAST_OLD_DAY
        _save(unit, user)
    return len(closing)


def _rehome_teams(mapping, user) -> tuple[int, int]:
    """Every team of an old commune to the commune that took it; a team whose name another
    team of the new commune already has gets its old commune's name after it."""
    moving = list(
        MediationTeam.objects.filter(commune_id__in=mapping).values_list(
            "pk", "commune_id", "commune__name", "name"
        )
    )
    if not moving:
        return 0, 0
    taken = set(
        MediationTeam.objects.filter(commune_id__in=set(mapping.values()))
        .exclude(commune_id__in=mapping)
        .values_list("commune_id", "name")
    )
    renames = {}
    for pk, old, old_name, name in sorted(moving, key=lambda row: row[0]):
        key = (mapping[old], name)
        if key in taken:
            name = f"{name} ({old_name} cũ)"[:200]
            renames[pk] = name
        taken.add((mapping[old], name))
    renamed = [MediationTeam(pk=pk, name=name) for pk, name in renames.items()]
    fields = ["name", *fill_derived(renamed)]  # its sort key follows the name
    MediationTeam.objects.bulk_update(renamed, fields, batch_size=2000)
    ids = sorted(row[0] for row in moving)
    successor = Succession.objects.filter(predecessor=OuterRef("commune")).values("successor")[:1]
    MediationTeam.objects.filter(commune_id__in=mapping).update(commune=Subquery(successor))
    for start in range(0, len(ids), 5000):
        batch = ids[start : start + 5000]
        teams = MediationTeam.objects.filter(pk__gte=batch[0], pk__lte=batch[-1], pk__in=batch)
        bulk_history(list(teams), MediationTeam, CHANGED, user, REASON)
    return len(ids), len(renames)


def _trainers(provinces, user) -> int:
    """Provincial trainers go to the new province; district trainers keep their district
    and end with it (their history says why)."""
    done = 0
    for trainer in Trainer.objects.filter(unit__in=provinces):
        trainer.unit_id = provinces[trainer.unit_id]
        _save(trainer, user)
        done += 1
    ending = (
        Trainer.objects.filter(level=Trainer.Level.DISTRICT, unit__valid_to__isnull=False)
        .filter(active_from__lte=F("unit__valid_to"))
        .exclude(active_to__lte=F("unit__valid_to"))
        .select_related("unit")
    )
    for trainer in ending:
        trainer.active_to = trainer.unit.valid_to
        _save(trainer, user, f"{REASON}: không còn cấp huyện từ 01/7/2025")
        done += 1
    return done


def _pilots(mapping, user) -> int:
    """A designation running past 2024 continues on the commune that took the pilot one."""
    done = 0
    for pilot in PilotCommune.objects.filter(commune_id__in=mapping, end_year__gte=FIRST_DAY.year):
        successor = mapping[pilot.commune_id]
        start = max(pilot.start_year, FIRST_DAY.year)
        if not PilotCommune.objects.filter(
            commune_id=successor, start_year__lte=pilot.end_year, end_year__gte=start
        ).exists():
            carried = PilotCommune(
                commune_id=successor,
                start_year=start,
                end_year=pilot.end_year,
                decision=f"{pilot.decision} (kế thừa {pilot.commune.name})".strip()[:120],
                is_demo=pilot.is_demo,
            )
            _save(carried, user)
        if pilot.start_year < FIRST_DAY.year:
            pilot.end_year = FIRST_DAY.year - 1
            _save(pilot, user)
        else:
            pilot._history_user = user
            pilot.delete()
        done += 1
    return done


def _model_communes(mapping, user) -> int:
    """Recognitions for the years after the cut belong to the new commune (once a year)."""
    done = 0
    for row in ModelCommune.objects.filter(commune_id__in=mapping, year__gte=FIRST_DAY.year):
        successor = mapping[row.commune_id]
        if ModelCommune.objects.filter(commune_id=successor, year=row.year).exists():
            row._history_user = None
            row.delete()
        else:
            row.commune_id = successor
            _save(row, None)
        done += 1
    return done


def _merge_lines(mapping) -> int:
    """The old communes' figures for the years after the cut, summed into the new commune's
    line (the registry recount refreshes the registry half once the step commits)."""
    later = {"commune_id__in": mapping, "year__gte": FIRST_DAY.year}
    old_lines = list(CommuneYear.objects.filter(**later).select_related("commune"))
    if not old_lines:
        return 0
    merged = {
        (line.commune_id, line.year): line
        for line in CommuneYear.objects.filter(
            commune_id__in=set(mapping.values()), year__gte=FIRST_DAY.year
        )
    }
    for old in sorted(old_lines, key=lambda line: line.commune.code):
        key = (mapping[old.commune_id], old.year)
        line = merged.get(key)
        if line is None:
            line = merged[key] = CommuneYear(
                commune_id=key[0], year=old.year, is_demo=old.is_demo, corrected_fields=[]
            )
        for name in COUNTED:
            setattr(line, name, getattr(line, name) + getattr(old, name))
        line.corrected_fields = sorted(set(line.corrected_fields) | set(old.corrected_fields))
        if old.note:
            line.note = "\n".join(filter(None, [line.note, f"{old.commune.name}: {old.note}"]))
    # Bulk writes with their history (a national run merges tens of thousands of lines).
    bulk_history(old_lines, CommuneYear, DELETED, None, REASON)
    gone = CommuneYear.objects.filter(**later)
    gone._raw_delete(gone.db)
    updated = [line for line in merged.values() if line.pk is not None]
    created = CommuneYear.objects.bulk_create(
        [line for line in merged.values() if line.pk is None], batch_size=2000
    )
    CommuneYear.objects.bulk_update(
        updated, [*COUNTED, "corrected_fields", "note"], batch_size=2000
    )
    bulk_history(created, CommuneYear, CREATED, None, REASON)
    bulk_history(updated, CommuneYear, CHANGED, None, REASON)
    return len(old_lines)


def _deactivate_officers(user) -> int:
    """District officers act for a district that ended: their accounts end too (kept)."""
    officers = User.objects.filter(
        is_active=True, groups__name=Role.DISTRICT_OFFICER.value, unit__valid_to__isnull=False
    ).distinct()
    done = 0
    for officer in officers:
        officer.is_active = False
        _save(officer, user, f"{REASON}: không còn cấp huyện")
        done += 1
    return done


def _rename_agencies(user) -> int:
    """Agencies named after the old province take the new name; the old one is kept among
    the other names, with the day it ended."""
    done = 0
    for agency in Agency.objects.filter(name__contains="Bắc Giang"):
        old_name = agency.name
        agency.name = old_name.replace("Bắc Giang", "Bắc Ninh")
        if Agency.objects.filter(name=agency.name).exists():
            continue
        agency.other_names = "\n".join(
            filter(None, [agency.other_names, f"{old_name} (đến {LAST_OLD_DAY:%d/%m/%Y})"])
        )
        _save(agency, user)
        done += 1
    return done
