"""What the home page tells each role to do now.

Province staff: the reports waiting for their review (per year, each a link to the board's
"submitted" filter), the units that have not submitted this year's report, the plan's tasks
overdue. An officer: its unit's report of the year (state, deadline, link), the unit's plan
tasks overdue, the new mediators past their training deadline. Leadership: the dashboard's
headline for the year (targets met, not met, without data; reports approved) and the plan's
overdue tasks.

Each item is a sentence, a number that stands out, a link and a tone (``ok``, ``warn``,
``bad``) — the template only prints them. A handful of aggregate queries per role, whatever
the number of units.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role
from accounts.scoping import scope_for
from network.dates import cutoff_date
from network.models import Mediator, TrainingStatus
from network.services import mediators_due
from plans.models import Plan, Responsibility
from reports import services
from reports.models import YearlyReport
from targets.kpi import Kpi
from units.models import AdminUnit

from .numbers import format_int


@dataclass
class Todo:
    text: str
    url: str = ""
    link: str = ""
    tone: str = "ok"  # ok, warn (to do), bad (late, overdue)
    figure: str = ""  # the number that stands out before the text, formatted


def _board_url(year: int, status: str) -> str:
    return f"{reverse('reports:index')}?{urlencode({'year': year, 'status': status})}"


def _overdue_tasks(rows, today: date) -> int:
    """Rows of a past year not done (``plans.progress``: "quá hạn" is derived, not stored)."""
    return (
        rows.filter(in_plan=True, year__lt=today.year)
        .exclude(status=Responsibility.Status.DONE)
        .count()
    )


def _overdue_todo(count: int, url: str, text: str) -> Todo:
    if not count:
        return Todo(_("No task of the plan is overdue."), url, _("Plan progress"))
    return Todo(
        text,
        url,
        _("See the plan progress"),
        tone="bad",
        figure=format_int(count),
    )


def staff_todos(today: date) -> list[Todo]:
    todos = []
    years = services.report_years()
    waiting = dict(
        YearlyReport.objects.filter(status=YearlyReport.Status.SUBMITTED, year__in=years)
        .values_list("year")
        .annotate(n=Count("pk"))
        .order_by("year")
    )
    for year, count in sorted(waiting.items(), reverse=True):
        todos.append(
            Todo(
                ngettext(
                    "report of %(year)d is waiting for your review",
                    "reports of %(year)d are waiting for your review",
                    count,
                )
                % {"year": year},
                _board_url(year, "submitted"),
                _("Review them"),
                tone="warn",
                figure=format_int(count),
            )
        )
    if not waiting:
        todos.append(Todo(_("No report is waiting for review."), reverse("reports:index")))
    if years:
        year = years[-1]
        due = services.deadline(year)
        missing = _units_without_submission(year)
        if missing:
            todos.append(
                Todo(
                    ngettext(
                        "unit has not submitted its %(year)d report (due %(due)s)",
                        "units have not submitted their %(year)d report (due %(due)s)",
                        missing,
                    )
                    % {"year": year, "due": due.strftime("%d/%m/%Y")},
                    _board_url(year, "not_submitted"),
                    _("See which"),
                    tone="bad" if today > due else "warn",
                    figure=format_int(missing),
                )
            )
    overdue = _overdue_tasks(Responsibility.objects.filter(unit__isnull=True), today)
    text = ngettext(
        "task of a provincial agency is overdue (a past year not done)",
        "tasks of provincial agencies are overdue (a past year not done)",
        overdue,
    )
    todos.append(_overdue_todo(overdue, reverse("progress"), text))
    return todos


def _units_without_submission(year: int) -> int:
    """Reporting units of the year whose report is not started, a draft or returned."""
    units = services.reporting_units(year)
    sent = YearlyReport.objects.filter(
        year=year,
        unit__in=units,
        status__in=[YearlyReport.Status.SUBMITTED, YearlyReport.Status.APPROVED],
    )
    return units.count() - sent.count()


def officer_todos(user, today: date) -> list[Todo]:
    unit = scope_for(user).unit
    if unit is None or unit.level not in (AdminUnit.Level.DISTRICT, AdminUnit.Level.COMMUNE):
        return []
    todos = []
    years = [y for y in services.report_years() if not services.reporting_unit_problem(unit, y)]
    reports = {r.year: r for r in YearlyReport.objects.filter(unit=unit, year__in=years)}
    for year in reversed(years):
        report = reports.get(year)
        current = year == years[-1]
        if not current and (report is None or report.status != YearlyReport.Status.RETURNED):
            continue  # earlier years only when they were sent back
        todos.append(_report_todo(unit, year, report, today))
    overdue = _overdue_tasks(Responsibility.objects.filter(unit=unit), today)
    text = ngettext(
        "task of the plan that your unit leads is overdue (a past year not done)",
        "tasks of the plan that your unit leads are overdue (a past year not done)",
        overdue,
    )
    url = f"{reverse('progress')}?{urlencode({'unit': unit.pk})}"
    todos.append(_overdue_todo(overdue, url, text))
    mediators = scope_for(user).filter(Mediator.objects.all(), Mediator.scope_path)
    due = mediators_due(mediators, today)
    overdue = sum(row.status == TrainingStatus.OVERDUE for row in due)
    soon = len(due) - overdue
    if overdue:
        todos.append(
            Todo(
                ngettext(
                    "new mediator is past the six-month training deadline",
                    "new mediators are past the six-month training deadline",
                    overdue,
                ),
                reverse("training-due"),
                _("See the list"),
                tone="bad",
                figure=format_int(overdue),
            )
        )
    if soon:
        todos.append(
            Todo(
                ngettext(
                    "new mediator must be trained within the next 30 days",
                    "new mediators must be trained within the next 30 days",
                    soon,
                ),
                reverse("training-due"),
                _("See the list"),
                tone="warn",
                figure=format_int(soon),
            )
        )
    return todos


def _report_todo(unit, year: int, report, today: date) -> Todo:
    due = services.deadline(year)
    url = reverse("reports:report", args=[unit.code, year])
    Status = YearlyReport.Status
    status = report.status if report else None
    days = (due - today).days
    if status in (Status.SUBMITTED, Status.APPROVED):
        text = _("Report %(year)d: %(status)s.") % {
            "year": year,
            "status": report.get_status_display(),
        }
        return Todo(text, url, _("Open the report"), tone="ok")
    if status == Status.RETURNED:
        state = _("returned for correction")
    elif status == Status.DRAFT:
        state = _("a draft, not submitted")
    else:
        state = _("not opened yet")
    if days < 0:
        when = ngettext(
            "the deadline %(due)s passed %(days)d day ago",
            "the deadline %(due)s passed %(days)d days ago",
            -days,
        ) % {"due": due.strftime("%d/%m/%Y"), "days": -days}
    else:
        when = ngettext(
            "due %(due)s, in %(days)d day",
            "due %(due)s, in %(days)d days",
            days,
        ) % {"due": due.strftime("%d/%m/%Y"), "days": days}
    text = _("Report %(year)d: %(state)s — %(when)s.") % {
        "year": year,
        "state": state,
        "when": when,
    }
    link = _("Correct and submit it") if status == Status.RETURNED else _("Fill in and submit it")
    return Todo(text, url, link, tone="bad" if days < 0 or status == Status.RETURNED else "warn")


@dataclass
class Headline:
    year: int
    unit: AdminUnit
    met: int
    not_met: int
    no_data: int
    approved: int
    reporters: int
    url: str


def leadership_headline(today: date) -> Headline | None:
    """The dashboard's year at a glance for the province (``targets.kpi``)."""
    plan = Plan.objects.current()
    if plan is None:
        return None
    year = min(max(today.year, plan.start_year), plan.end_year)
    province = AdminUnit.objects.root_province(cutoff_date(year))
    if province is None:
        return None
    kpi = Kpi(year, province)
    results = [result for result in kpi.results() if result.applies]
    reporters = len(kpi.data.reporters)
    return Headline(
        year=year,
        unit=province,
        met=sum(result.met is True for result in results),
        not_met=sum(result.met is False for result in results),
        no_data=sum(result.met is None for result in results),
        approved=reporters - len(kpi.unapproved),
        reporters=reporters,
        url=f"{reverse('dashboard')}?{urlencode({'year': year})}",
    )


def leadership_todos(today: date) -> list[Todo]:
    overdue = _overdue_tasks(Responsibility.objects.all(), today)
    text = ngettext(
        "task of the plan is overdue for an agency or a unit (a past year not done)",
        "tasks of the plan are overdue for an agency or a unit (a past year not done)",
        overdue,
    )
    return [_overdue_todo(overdue, reverse("progress"), text)]


def for_user(user, today: date) -> dict:
    """The home page's items for the user's role(s)."""
    context = {"todos": [], "headline": None}
    if user.is_superuser or user.has_role(Role.PROVINCE_STAFF):
        context["todos"] = staff_todos(today)
    elif user.has_role(Role.DISTRICT_OFFICER) or user.has_role(Role.COMMUNE_OFFICER):
        context["todos"] = officer_todos(user, today)
    elif user.has_role(Role.LEADERSHIP):
        context["headline"] = leadership_headline(today)
        context["todos"] = leadership_todos(today)
    return context
