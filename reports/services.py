"""Yearly reports: opening one, saving its figures, and moving it through the workflow.

Views and the Excel upload call these; every write takes the report's row lock and checks
the version the user started from, so two people saving at once cannot overwrite each
other, and every workflow step is recorded as a ``ReportEvent``.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.scoping import scope_for
from hoagiai.on_commit import gather
from network.dates import cutoff_date
from network.figures import commune_figures
from network.models import PilotCommune, Trainer, Training
from plans.models import Agency, Plan, TaskAgency, TaskGroup
from units.models import AdminUnit

from .figures import refresh
from .models import (
    LINE_FIELDS,
    REGISTRY_FIELDS,
    CommuneYear,
    GroupResult,
    Notice,
    ReportDeadline,
    ReportEvent,
    YearlyReport,
)
from .rules import line_errors, line_warnings

Status = YearlyReport.Status


class ReportError(Exception):
    """The action cannot be done; the message says why, in Vietnamese."""


class Conflict(ReportError):
    """Someone saved the report (or the registry changed it) since the user opened it."""


# The district's trainers: a commune report has none.
DISTRICT_ONLY = ["district_trainers", "district_trainers_trained"]
HEADER_FIELDS = [
    "district_trainers",
    "district_trainers_trained",
    "trainings_held",
    "participants",
    "budget_spent",
    "difficulties",
    "proposals",
]


def report_years() -> list[int]:
    """The plan years a report can be written for: up to this one."""
    plan = Plan.objects.current()
    this_year = timezone.localdate().year
    return [year for year in plan.years if year <= this_year] if plan else []


def deadlines(years) -> dict[int, date]:
    """Each year's deadline: the day province staff set (``ReportDeadline``, in the admin),
    else 15/01 of the following year (the 2026 reports are due on 15/01/2027)."""
    years = list(years)
    chosen = dict(ReportDeadline.objects.filter(year__in=years).values_list("year", "due_on"))
    return {year: chosen.get(year) or date(year + 1, 1, 15) for year in years}


def deadline(year: int) -> date:
    """The day the year's reports are due (``deadlines``)."""
    return deadlines([year])[year]


def led_groups(unit: AdminUnit):
    """The task groups with a task that the unit's People's Committee leads (each
    district's until 30/6/2025, each commune's since)."""
    level = Agency.Level.COMMUNE if unit.level == AdminUnit.Level.COMMUNE else Agency.Level.DISTRICT
    return TaskGroup.objects.filter(
        tasks__agency_links__role=TaskAgency.Role.LEAD,
        tasks__agency_links__agency__level=level,
    ).distinct()


def unit_figures(unit: AdminUnit, year: int) -> dict[str, int]:
    """The figures of the reporting unit's own that the registry can give: the district's
    trainers (a commune has none of its own) and the trainings it or its communes held."""
    day = cutoff_date(year)
    trainings = Training.objects.filter(
        Q(organiser=unit) | Q(organiser__parent=unit),
        held_on__year=year,
        held_on__lte=day,
    ).annotate(
        people=Count("trainers", distinct=True)
        + Count("mediators", distinct=True)
        + Count("officials", distinct=True)
    )
    figures = {
        "trainings_held": len(trainings),
        "participants": sum(training.people for training in trainings),
    }
    if unit.level == AdminUnit.Level.DISTRICT:
        trainers = Trainer.objects.filter(
            unit=unit, level=Trainer.Level.DISTRICT, active_from__lte=day
        ).filter(Q(active_to__isnull=True) | Q(active_to__gt=day))
        trained = trainers.annotate(
            first=Min(
                "attendances__training__held_on",
                filter=Q(attendances__training__audience=Training.Audience.TRAINERS),
            )
        ).filter(first__lte=day)
        figures["district_trainers"] = trainers.count()
        figures["district_trainers_trained"] = trained.count()
    return figures


def reporting_units(year: int):
    """The units expected to report for the year, as a queryset by code: the province's
    districts while it had them (2024), else the communes of the plan area (the 58 that
    came from Bắc Giang, or all 99 once the plan is widened) valid at the year's cut-off."""
    day = cutoff_date(year)
    province = AdminUnit.objects.root_province(day)
    if province is None:
        return AdminUnit.objects.none()
    below = AdminUnit.objects.valid_on(day).filter(parent=province)
    districts = below.filter(level=AdminUnit.Level.DISTRICT)
    if districts.exists():
        return districts.order_by("code")
    communes = below.filter(level=AdminUnit.Level.COMMUNE)
    plan = Plan.objects.current()
    area = plan.area_communes(province, year) if plan else None
    if area is not None:
        communes = communes.filter(pk__in=area)
    return communes.order_by("code")


def reporting_unit_problem(unit: AdminUnit, year: int) -> str | None:
    """Why the unit cannot report for the year, in Vietnamese; None when it can.

    Districts report for the years whose cut-off they saw (2024), communes for the
    years they exist at the cut-off (2025 on for the communes of 1/7/2025)."""
    if unit.level not in (AdminUnit.Level.DISTRICT, AdminUnit.Level.COMMUNE):
        return _("Only a district or a commune writes a yearly report.")
    if not unit.is_valid_on(cutoff_date(year)):
        return _(
            "%(unit)s did not exist on %(day)s, the cut-off of %(year)d: it has no report "
            "for that year."
        ) % {
            "unit": unit.name,
            "day": cutoff_date(year).strftime("%d/%m/%Y"),
            "year": year,
        }
    if unit.level == AdminUnit.Level.COMMUNE and unit.parent.level != AdminUnit.Level.PROVINCE:
        return _("In %(year)d the commune's figures were reported by its district.") % {
            "year": year
        }
    return None


def open_report(unit: AdminUnit, year: int, is_demo=False) -> YearlyReport:
    """The unit's report for the year, created prefilled from the registry if new.

    A commune that began on 1/7/2025 reports the whole of 2025 for its area: the reform
    summed its predecessors' lines into its own (``reports.reform``), and the registry
    half is recounted over the teams it took over."""
    report = YearlyReport.objects.filter(unit=unit, year=year).first()
    if report:
        return report
    problem = reporting_unit_problem(unit, year)
    if problem:
        raise ReportError(problem)
    if unit.level == AdminUnit.Level.COMMUNE:
        communes = [unit]
    else:
        communes = list(unit.children.filter(level=AdminUnit.Level.COMMUNE))
    try:
        with transaction.atomic():
            report = YearlyReport.objects.create(
                unit=unit, year=year, is_demo=is_demo, **unit_figures(unit, year)
            )
            GroupResult.objects.bulk_create(
                [GroupResult(report=report, group=group) for group in led_groups(unit)]
            )
            # Every commune has a line, even one with no team yet.
            refresh({commune.pk for commune in communes}, [year])
            CommuneYear.objects.bulk_create(
                [CommuneYear(commune=commune, year=year) for commune in communes],
                ignore_conflicts=True,
            )
    except IntegrityError:
        # Two first visits at once: the other one created it.
        return YearlyReport.objects.get(unit=unit, year=year)
    return report


# --- Who may do what ---


def can_edit(user, report: YearlyReport) -> bool:
    """Only the reporting unit's own officers, and only while it is a draft or returned;
    a commune officer only while the commune exists."""
    if not (
        report.is_editable
        and user.unit_id == report.unit_id
        and user.has_perm("reports.change_yearlyreport")
    ):
        return False
    if user.has_role(Role.DISTRICT_OFFICER):
        return True
    return user.has_role(Role.COMMUNE_OFFICER) and scope_for(user).unit is not None


def can_review(user) -> bool:
    return user.has_perm("reports.review_yearlyreport")


# --- Saving ---


@dataclass
class LineWarning:
    commune: AdminUnit
    field: str
    message: str

    def __str__(self):
        return f"{self.commune.name}: {self.message}"


def warnings(report: YearlyReport, lines=None) -> list[LineWarning]:
    lines = list(lines if lines is not None else report.lines())
    previous = {
        line.commune_id: line.figures()
        for line in CommuneYear.objects.filter(
            year=report.year - 1, commune_id__in=[line.commune_id for line in lines]
        )
    }
    return [
        LineWarning(line.commune, field, message)
        for line in lines
        for field, message in line_warnings(
            line.figures(), previous.get(line.commune_id), report.year
        )
    ]


def _locked(report: YearlyReport, version: int | None = None) -> YearlyReport:
    locked = YearlyReport.objects.select_for_update().get(pk=report.pk)
    if version is not None and locked.version != version:
        raise Conflict(
            _(
                "The report was changed by someone else (or by a registry update) since you "
                "opened it. Nothing was saved: reload the page, then enter your changes again."
            )
        )
    return locked


def save_report(report, user, version, lines, header=None, group_texts=None, reason=""):
    """Write the officer's figures: ``lines`` is {commune id: {field: value}}.

    All or nothing: any line breaking a rule raises ``ReportError`` and nothing is saved
    (callers validate first and show the messages by commune and field). A registry figure
    that differs from today's registry count is recorded as the unit's correction.
    """
    if not can_edit(user, report):
        raise PermissionDenied
    with transaction.atomic():
        locked = _locked(report, version)
        if not locked.is_editable:
            raise ReportError(
                _("The report is %(status)s and cannot be edited.")
                % {"status": locked.get_status_display()}
            )
        stored = {line.commune_id: line for line in locked.lines()}
        unknown = set(lines) - set(stored)
        if unknown:
            raise ReportError(_("A commune outside the report cannot be reported."))
        registry = commune_figures(locked.year, list(lines))
        for commune_id, values in lines.items():
            problems = line_errors(values)
            if problems:
                raise ReportError(f"{stored[commune_id].commune.name}: {problems[0][1]}")
            line = stored[commune_id]
            counted = registry.get(commune_id, {})
            corrected = sorted(
                name for name in REGISTRY_FIELDS if values[name] != counted.get(name, 0)
            )
            if line.figures() == values and line.corrected_fields == corrected:
                continue
            for name in LINE_FIELDS:
                setattr(line, name, values[name])
            line.corrected_fields = corrected
            line._history_user = user
            line._change_reason = reason or _("Yearly report %(year)d") % {"year": locked.year}
            line.save()
        for name, value in (header or {}).items():
            setattr(locked, name, value)
        for group_id, text in (group_texts or {}).items():
            GroupResult.objects.filter(report=locked, group_id=group_id).update(text=text)
        locked.version += 1
        locked._history_user = user
        locked.save()
    return locked


# --- The workflow ---


# The steps that hand the report back to its unit: what it changes afterwards is shown
# against the figures kept with the step (reports.resubmission).
RETURNS = (ReportEvent.Action.RETURN, ReportEvent.Action.REOPEN)


def _snapshot(report: YearlyReport) -> dict:
    return {
        "lines": {str(line.commune_id): line.figures() for line in report.lines()},
        "header": {name: getattr(report, name) for name in HEADER_FIELDS},
    }


def step(report, user, action, allowed_from, to_status, comment="", warnings_seen=(), version=None):
    """Move the report from one of ``allowed_from`` to ``to_status`` and record the step.

    Checks the status and the version, not who the user is: the functions below do.
    """
    with transaction.atomic():
        locked = _locked(report, version)
        if locked.status not in allowed_from:
            raise ReportError(
                _("The report is %(status)s: it cannot be %(action)s now.")
                % {
                    "status": locked.get_status_display(),
                    "action": ReportEvent.Action(action).label,
                }
            )
        event = ReportEvent.objects.create(
            report=locked,
            action=action,
            from_status=locked.status,
            to_status=to_status,
            user=user,
            comment=comment,
            warnings=[str(warning) for warning in warnings_seen],
            figures=_snapshot(locked) if action in RETURNS else {},
        )
        now = timezone.now()
        locked.status = to_status
        locked.version += 1
        if action == ReportEvent.Action.SUBMIT:
            # The first submission is what the deadline is checked against.
            locked.submitted_at = locked.submitted_at or now
        if action == ReportEvent.Action.APPROVE:
            locked.approved_at = now
        if action == ReportEvent.Action.REOPEN:
            locked.approved_at = None
        locked._history_user = user
        locked.save()
        if action in NOTIFIED:
            _notify(locked, event)
        if to_status in YearlyReport.EDITABLE:
            # Back in the unit's hands: the registry's figures flow in again.
            communes = set(
                CommuneYear.objects.filter(locked.commune_ids_q(), year=locked.year).values_list(
                    "commune_id", flat=True
                )
            )
            transaction.on_commit(lambda: refresh(communes, [locked.year]))
    return locked


# The steps the reporting unit is told of by email (reports.notices); reopening an
# approved report returns it to the unit, with the reason as the comment.
NOTIFIED = {
    ReportEvent.Action.RETURN: Notice.Kind.RETURNED,
    ReportEvent.Action.REOPEN: Notice.Kind.RETURNED,
    ReportEvent.Action.APPROVE: Notice.Kind.APPROVED,
}


def _notify(report, event):
    """Record the notice of a return or an approval with the step itself, and try to send
    it as soon as the step commits, so the officer learns of a return the same minute.

    Recording it in the step's transaction means it exists exactly when the step does;
    sending after the commit keeps the mail server out of the transaction (a slow or
    failing server never holds the report's lock, never undoes the step). If that first
    try fails, the notice stays unsent with its error, and the daily command
    (``send_report_notices``) tries again.
    """
    from . import notices  # here: notices reads the deadlines from this module

    notice = Notice.objects.create(
        kind=NOTIFIED[event.action],
        unit_id=report.unit_id,
        year=report.year,
        report=report,
        event=event,
        due_on=deadline(report.year),
    )
    # Several steps in one transaction (a bulk approval) are sent together, on one
    # connection, when it commits.
    gather("report-notices", {notice.pk}, notices.send_now)


def submit(report, user, acknowledged=False, version=None):
    if not can_edit(user, report):
        raise PermissionDenied
    found = warnings(report)
    if found and not acknowledged:
        raise ReportError(
            _("Confirm that the figures with warnings are right (or correct them) to submit.")
        )
    return step(
        report,
        user,
        ReportEvent.Action.SUBMIT,
        YearlyReport.EDITABLE,
        Status.SUBMITTED,
        warnings_seen=found,
        version=version,
    )


def return_report(report, user, comment):
    if not can_review(user):
        raise PermissionDenied
    if not comment.strip():
        raise ReportError(_("Say what must be corrected: a comment is required."))
    return step(
        report, user, ReportEvent.Action.RETURN, [Status.SUBMITTED], Status.RETURNED, comment
    )


def approve(report, user, comment=""):
    if not can_review(user):
        raise PermissionDenied
    return step(
        report, user, ReportEvent.Action.APPROVE, [Status.SUBMITTED], Status.APPROVED, comment
    )


def reopen(report, user, reason):
    if not can_review(user):
        raise PermissionDenied
    if not reason.strip():
        raise ReportError(_("Give the reason for reopening an approved report."))
    return step(report, user, ReportEvent.Action.REOPEN, [Status.APPROVED], Status.RETURNED, reason)


def pilot_communes(report) -> set[int]:
    return set(
        PilotCommune.objects.filter(
            report.commune_ids_q(),
            start_year__lte=report.year,
            end_year__gte=report.year,
        ).values_list("commune_id", flat=True)
    )
