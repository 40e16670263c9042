"""Plan progress: each task's responsibilities expanded over its timeline, and their state.

``sync`` derives the rows from the plan's own data (lead agencies, timeline, milestones):
"UBND cấp huyện" becomes each district's row, a provincial agency one row, "Hằng năm" every
year of the plan, milestones their years. Local rows follow the units of each year: the
districts while they existed (2024, and 2025 until 30/6), then the communes of the plan
area, as "UBND cấp xã". It runs when the plan or the units change (``plans.signals``, the
1/7/2025 transition) and keeps the rows in step; a row the plan no longer asks for is
deleted unless someone has reported on it, in which case it is kept and marked out of the
plan.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q

from accounts.models import Role
from accounts.scoping import scope_for
from hoagiai.caching import cached, changed
from units.models import AdminUnit

from .evidence import display_name
from .models import Activity, Agency, Plan, Responsibility, Task, TaskAgency, TaskGroup

# Agencies at or below the district report through the district: one row per district.
PER_DISTRICT = {Agency.Level.DISTRICT, Agency.Level.COMMUNE, Agency.Level.GRASSROOTS}


def task_years(task: Task, plan: Plan) -> dict[int, str]:
    """{year: the milestones of that year ("" when none)} over the task's timeline."""
    if task.timeline_kind == Task.TimelineKind.MILESTONES:
        labels = defaultdict(list)
        for milestone in task.milestones.all():
            labels[milestone.year].append(milestone.label)
        return {year: ", ".join(names) for year, names in sorted(labels.items())}
    if task.timeline_kind == Task.TimelineKind.ANNUAL:
        return dict.fromkeys(plan.years, "")
    return dict.fromkeys(range(task.start_year, task.end_year + 1), "")


def local_units(plan: Plan) -> dict[int, list[tuple[int, str]]]:
    """{year: [(unit id, level)]}: the units the local agencies report through in each year
    of the plan — the districts that existed during the year, and the communes of the plan
    area directly under the province (since 1/7/2025)."""
    result = {}
    for year in plan.years:
        first, last = date(year, 1, 1), date(year, 12, 31)
        units = []
        for province in {AdminUnit.objects.root_province(day) for day in (first, last)} - {None}:
            children = AdminUnit.objects.filter(parent=province).exclude(valid_to__lt=first)
            children = children.exclude(valid_from__gt=last).exclude(level=AdminUnit.Level.PROVINCE)
            area = plan.area_communes(province, year)
            if area is not None:
                children = children.filter(Q(level=AdminUnit.Level.DISTRICT) | Q(pk__in=area))
            units += children.order_by("code").values_list("pk", "level")
        result[year] = sorted(set(units))
    return result


def wanted_rows(task: Task, plan: Plan, units: dict, commune_agency=None) -> dict[tuple, str]:
    """{(agency id, unit id or None, year): milestones} the plan asks for.

    ``units``: ``local_units(plan)``. A commune reports for itself what a district reported:
    "UBND cấp huyện"'s rows go to ``commune_agency`` ("UBND cấp xã") in a commune.
    """
    rows = {}
    leads = [
        link.agency
        for link in task.agency_links.all()
        if link.role == TaskAgency.Role.LEAD and not link.agency.is_generic
    ]
    for year, milestones in task_years(task, plan).items():
        for agency in leads:
            if agency.level not in PER_DISTRICT:
                rows[(agency.pk, None, year)] = milestones
                continue
            for unit, level in units.get(year, []):
                reporting = agency
                if level == AdminUnit.Level.COMMUNE and agency.level == Agency.Level.DISTRICT:
                    reporting = commune_agency or agency
                rows[(reporting.pk, unit, year)] = milestones
    return rows


@transaction.atomic
def sync(task_ids=None) -> dict[str, int]:
    """Bring the responsibilities of these tasks (all when None) in step with the plan."""
    tasks = Task.objects.with_agencies().select_related("group__plan")
    if task_ids is not None:
        tasks = tasks.filter(pk__in=task_ids)
    counts = {"created": 0, "removed": 0, "kept": 0}
    units = {}
    commune_agency = Agency.objects.filter(level=Agency.Level.COMMUNE, name="UBND cấp xã").first()
    for task in tasks:
        plan = task.group.plan
        if plan.pk not in units:
            units[plan.pk] = local_units(plan)
        wanted = wanted_rows(task, plan, units[plan.pk], commune_agency)
        stored = {
            (row.agency_id, row.unit_id, row.year): row
            for row in Responsibility.objects.filter(task=task).annotate(
                reported=Exists(Activity.objects.filter(responsibility=OuterRef("pk")))
            )
        }
        new = [
            Responsibility(task=task, agency_id=agency, unit_id=unit, year=year, milestones=labels)
            for (agency, unit, year), labels in wanted.items()
            if (agency, unit, year) not in stored
        ]
        Responsibility.objects.bulk_create(new)
        changed(Responsibility)  # a bulk insert sends no signals
        counts["created"] += len(new)
        for key, row in stored.items():
            if key in wanted:
                if not row.in_plan or row.milestones != wanted[key]:
                    row.in_plan, row.milestones = True, wanted[key]
                    row.save(update_fields=["in_plan", "milestones"])
            elif row.reported or row.status != Responsibility.Status.NOT_STARTED:
                if row.in_plan:
                    row.in_plan = False
                    row.save(update_fields=["in_plan"])
                counts["kept"] += 1
            else:
                row.delete()
                counts["removed"] += 1
    return counts


# --- Reading progress ---


@dataclass
class Cell:
    """One task in one year: its responsible units and how far they are."""

    total: int = 0
    done: int = 0
    in_progress: int = 0
    overdue: int = 0
    milestones: set = field(default_factory=set)

    @property
    def state(self):
        if not self.total:
            return "none"
        if self.done == self.total:
            return "done"
        if self.overdue:
            return "overdue"
        if self.done or self.in_progress:
            return "in_progress"
        return "not_started"


def cells(rows, today) -> dict[tuple[int, int], Cell]:
    """{(task id, year): Cell} over the responsibility rows given (already filtered)."""
    grouped = (
        rows.filter(in_plan=True)
        .order_by()
        .values("task_id", "year", "milestones")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=Responsibility.Status.DONE)),
            in_progress=Count("pk", filter=Q(status=Responsibility.Status.IN_PROGRESS)),
        )
    )
    result = defaultdict(Cell)
    for row in grouped:
        cell = result[(row["task_id"], row["year"])]
        cell.total += row["total"]
        cell.done += row["done"]
        cell.in_progress += row["in_progress"]
        if row["milestones"]:
            cell.milestones.add(row["milestones"])
        if today.year > row["year"]:
            cell.overdue += row["total"] - row["done"]
    return result


def unit_summary(unit, today):
    """[(group, {"total", "done", "overdue", "on_track"})] for a dashboard unit: the whole
    plan for the province, the unit's own rows for a district or a commune."""
    rows = Responsibility.objects.all()
    if unit.level != AdminUnit.Level.PROVINCE:
        rows = rows.filter(unit=unit)
    # Read on every dashboard view, changed a few times a day: kept across requests.
    counts = cached(
        f"progress-summary:{unit.pk}:{today}",
        [Responsibility, Task, AdminUnit],
        lambda: group_summary(rows, today),
    )
    return [(group, counts[group.pk]) for group in TaskGroup.objects.cached() if group.pk in counts]


def group_summary(rows, today) -> dict[int, dict[str, int]]:
    """{group id: {"on_track", "overdue", "done", "total"}} for the leadership dashboard:
    rows of the years begun so far, overdue = a past year not done."""
    grouped = (
        rows.filter(in_plan=True, year__lte=today.year)
        .order_by()
        .values("task__group_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=Responsibility.Status.DONE)),
            overdue=Count(
                "pk", filter=Q(year__lt=today.year) & ~Q(status=Responsibility.Status.DONE)
            ),
        )
    )
    return {
        row["task__group_id"]: {
            "total": row["total"],
            "done": row["done"],
            "overdue": row["overdue"],
            "on_track": row["total"] - row["overdue"],
        }
        for row in grouped
    }


# --- Reporting progress ---


def can_report(user, row: Responsibility) -> bool:
    """District officers report their district's rows, commune officers their commune's
    (while it exists); Sở Tư pháp reports the provincial agencies' rows (the agencies have
    no accounts of their own)."""
    if not user.has_perm("plans.change_responsibility"):
        return False
    if row.unit_id is None:
        return user.is_superuser or user.has_role(Role.PROVINCE_STAFF)
    if user.unit_id != row.unit_id:
        return False
    if user.has_role(Role.DISTRICT_OFFICER):
        return True
    return user.has_role(Role.COMMUNE_OFFICER) and scope_for(user).unit is not None


@transaction.atomic
def set_status(row: Responsibility, user, status) -> Responsibility:
    row.status, row.status_is_demo = status, False
    row._history_user = user
    row.save()
    return row


@transaction.atomic
def add_activity(row: Responsibility, user, fields, files, kinds) -> Activity:
    """Record an activity with its evidence; a row not started is now in progress."""
    activity = Activity.objects.create(responsibility=row, created_by=user, **fields)
    for upload, kind in zip(files, kinds, strict=True):
        activity.evidence.create(
            file=upload,
            name=display_name(upload.name),
            kind=kind,
            size=upload.size,
            uploaded_by=user,
        )
    if row.status == Responsibility.Status.NOT_STARTED:
        set_status(row, user, Responsibility.Status.IN_PROGRESS)
    return activity
