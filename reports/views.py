"""The yearly report pages: a unit's report (grid, Excel, workflow) and the board.

The reporting unit is a district for 2024 and a commune from 2025 (``YearlyReport``); the
URLs carry its code and the year, and the code is read among the units valid at that
year's cut-off (codes are reused across the reform)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.models import Role, commune_officer_unit_problem
from accounts.scoping import scope_for
from hoagiai.numbers import format_int
from network.dates import cutoff_date
from network.figures import commune_figures
from network.spreadsheets import FileProblem, xlsx_response
from units.models import AdminUnit, valid_on_q

from . import board, excel, grid, resubmission, rules, services
from .forms import LineForm, ReportForm, TransitionForm, UploadForm
from .models import LINE_FIELDS, YearlyReport

view_required = permission_required("reports.view_yearlyreport", raise_exception=True)


def _unit(request, code, year) -> AdminUnit:
    """The reporting unit in the user's scope, valid at the year's cut-off (else 404), for
    a reportable year (else 404)."""
    if year not in services.report_years():
        raise Http404
    unit = (
        scope_for(request.user)
        .units()
        .filter(
            valid_on_q(cutoff_date(year)),
            code=code,
            level__in=[AdminUnit.Level.DISTRICT, AdminUnit.Level.COMMUNE],
        )
        .first()
    )
    if unit is None or services.reporting_unit_problem(unit, year):
        raise Http404
    return unit


def _report(request, code, year) -> YearlyReport:
    """The report; the unit's own officer opening it the first time creates it."""
    unit = _unit(request, code, year)
    if request.user.unit_id == unit.pk and request.user.has_perm("reports.add_yearlyreport"):
        return services.open_report(unit, year)
    report = YearlyReport.objects.filter(unit=unit, year=year).first()
    if report is None:
        raise Http404
    return report


def _board_year(request, years) -> int | None:
    """The year asked for (``?year=``) when it is a report year, else the latest."""
    value = request.GET.get("year", "")
    if value.isdigit() and int(value) in years:
        return int(value)
    return years[-1] if years else None


def _page_number(value) -> int:
    return int(value) if value.isdigit() and len(value) < 7 else 1


@login_required
@view_required
def index(request):
    """Province: the status board of one year's reporting units (districts for 2024,
    communes since). Officers: their own unit's reports, year by year."""
    scope = scope_for(request.user)
    years = services.report_years()
    if not scope.unrestricted:
        return _officer_index(request, scope, years)
    year = _board_year(request, years)
    result = None
    if year is not None:
        result = board.build(
            year,
            status=request.GET.get("status", ""),
            search=request.GET.get("q", ""),
            page=_page_number(request.GET.get("page", "")),
        )
    return render(
        request,
        "reports/board.html",
        {
            "board": result,
            "years": years,
            "filters": [(key, label, result.counts[key]) for key, label in board.FILTERS.items()]
            if result
            else [],
            "can_review": services.can_review(request.user),
            "statuses": YearlyReport.Status,
        },
    )


def _officer_index(request, scope, years):
    """The officer's unit's report for each year it reports (a short list)."""
    unit = scope.unit
    if unit is not None and unit.level not in (AdminUnit.Level.DISTRICT, AdminUnit.Level.COMMUNE):
        unit = None
    years = [year for year in years if unit and not services.reporting_unit_problem(unit, year)]
    reports = {
        report.year: report for report in YearlyReport.objects.filter(unit=unit, year__in=years)
    }
    today = timezone.localdate()
    rows = []
    for year in reversed(years):
        report = reports.get(year)
        due = services.deadline(year)
        rows.append(
            {
                "year": year,
                "report": report,
                "due": due,
                "late": board.is_late(report.submitted_at if report else None, due, today),
            }
        )
    problem = None
    if unit is None and request.user.has_role(Role.COMMUNE_OFFICER):
        # Say why: no commune set, or one that ended (naming the one that took it).
        problem = commune_officer_unit_problem(request.user.unit)
    return render(request, "reports/index.html", {"unit": unit, "rows": rows, "problem": problem})


@login_required
@view_required
@require_POST
def bulk_approve(request):
    """Approve the chosen submitted reports that had no warnings; say which were skipped."""
    if not services.can_review(request.user):
        raise PermissionDenied
    years = services.report_years()
    value = request.POST.get("year", "")
    if not (value.isdigit() and int(value) in years):
        raise Http404
    year = int(value)
    approved, skipped = board.bulk_approve(request.user, year, request.POST.getlist("report"))
    if approved:
        messages.success(
            request,
            ngettext(
                "%(count)d report of %(year)d was approved.",
                "%(count)d reports of %(year)d were approved.",
                len(approved),
            )
            % {"count": len(approved), "year": year},
        )
    elif not skipped:
        messages.warning(request, _("Choose the reports to approve first."))
    if skipped:
        messages.warning(
            request,
            ngettext(
                "%(count)d report was not approved:",
                "%(count)d reports were not approved:",
                len(skipped),
            )
            % {"count": len(skipped)},
        )
        for item in skipped:
            messages.warning(request, f"{item.name}: {item.reason}")
    query = {"year": year}
    for name in ("status", "q", "page"):
        if request.POST.get(name):
            query[name] = request.POST[name]
    return redirect(f"{reverse('reports:index')}?{urlencode(query)}")


def _page(request, report, form=None, line_forms=None, upload=None, problems=None, status=200):
    """The report page: the editable grid when the user may edit, a read-only table else."""
    lines = list(report.lines())
    editable = services.can_edit(request.user, report)
    group_results = list(report.group_results.select_related("group"))
    if editable and form is None:
        form = ReportForm(instance=report, group_results=group_results)
        line_forms = [LineForm(line=line) for line in lines]
    registry = {}
    if any(line.corrected_fields for line in lines):
        # What the registry counts today, beside each figure the unit corrected.
        registry = commune_figures(report.year, [line.commune_id for line in lines])
    warnings = services.warnings(report, lines)
    warned = {(warning.commune.pk, warning.field): warning.message for warning in warnings}
    pilots = services.pilot_communes(report)
    predecessors = []
    began = report.unit.valid_from
    if report.is_commune_report and began and began.year == report.year:
        # Its first year: the report covers its predecessors' half year too.
        predecessors = [unit.name for unit in report.unit.predecessors.order_by("code")]
    events = list(report.events.select_related("user"))
    first_submitted, last_submitted, submission_count = resubmission.submissions(events)
    return render(
        request,
        "reports/report.html",
        {
            "report": report,
            "rows": grid.rows(lines, line_forms, warned, registry, pilots),
            "groups": grid.columns({field for _commune, field in warned}),
            "form": form,
            "upload": upload or UploadForm(initial={"version": report.version}),
            "problems": problems,
            "column_count": len(LINE_FIELDS) + 1,
            "warnings": [
                (
                    warning,
                    grid.cell_id(warning.commune.code, warning.field),
                    rules.label(warning.field),
                )
                for warning in warnings
            ],
            "has_corrections": bool(registry),
            "group_results": group_results,
            "events": events,
            "first_submitted": first_submitted,
            "last_submitted": last_submitted,
            "submission_count": submission_count,
            "since_return": resubmission.since_return(report, lines, events)
            if report.status in (YearlyReport.Status.SUBMITTED, YearlyReport.Status.RETURNED)
            else None,
            "can_edit": editable,
            "can_review": services.can_review(request.user),
            "predecessors": predecessors,
            "totals": [
                format_int(sum(getattr(line, name) for line in lines)) for name in LINE_FIELDS
            ],
        },
        status=status,
    )


@login_required
@view_required
def report(request, code, year):
    report = _report(request, code, year)
    if request.method != "POST":
        return _page(request, report)
    if not services.can_edit(request.user, report):
        raise PermissionDenied
    group_results = list(report.group_results.select_related("group"))
    form = ReportForm(request.POST, instance=report, group_results=group_results)
    line_forms = [LineForm(request.POST, line=line) for line in report.lines()]
    valid = form.is_valid() & all([line_form.is_valid() for line_form in line_forms])
    if not valid:
        messages.error(request, _("Nothing was saved: correct the cells marked below."))
        return _page(request, report, form, line_forms, status=400)
    try:
        services.save_report(
            report,
            request.user,
            form.cleaned_data["version"],
            {line_form.line.commune_id: line_form.cleaned_data for line_form in line_forms},
            header=form.header(),
            group_texts=form.group_texts(),
        )
    except services.ReportError as error:
        messages.error(request, str(error))
        return _page(request, report, form, line_forms, status=409)
    messages.success(request, _("The report was saved."))
    return redirect("reports:report", code, year)


@login_required
@view_required
@require_POST
def transition(request, code, year):
    report = _report(request, code, year)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return redirect("reports:report", code, year)
    data = form.cleaned_data
    action, comment = data["action"], data["comment"]
    try:
        if action == "submit":
            services.submit(report, request.user, data["acknowledged"], data["version"])
            messages.success(request, _("The report was submitted to the Department of Justice."))
        elif action == "return":
            services.return_report(report, request.user, comment)
            messages.success(request, _("The report was returned for correction."))
        elif action == "approve":
            services.approve(report, request.user, comment)
            messages.success(request, _("The report was approved; its figures are now final."))
        else:
            services.reopen(report, request.user, comment)
            messages.success(request, _("The report was reopened and returned for correction."))
    except services.ReportError as error:
        messages.error(request, str(error))
    return redirect("reports:report", code, year)


@login_required
@view_required
def download_template(request, code, year):
    report = _report(request, code, year)
    return xlsx_response(excel.template(report), f"bao-cao-{year}-{report.unit.code}")


@login_required
@view_required
@require_POST
def upload(request, code, year):
    report = _report(request, code, year)
    if not services.can_edit(request.user, report):
        raise PermissionDenied
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, report, upload=form, status=400)
    try:
        lines = excel.read_upload(report, form.cleaned_data["file"])
        services.save_report(
            report,
            request.user,
            form.cleaned_data["version"],
            lines,
            reason=_("Uploaded from Excel: %(name)s") % {"name": form.cleaned_data["file"].name},
        )
    except FileProblem as problem:
        messages.error(request, str(problem))
        return _page(request, report, upload=form, status=400)
    except excel.ExcelProblems as problems:
        messages.error(request, _("Nothing was saved: the file has the problems listed below."))
        return _page(request, report, upload=form, problems=problems.errors, status=400)
    except services.ReportError as error:
        messages.error(request, str(error))
        return _page(request, report, upload=form, status=409)
    messages.success(
        request,
        _("The figures of %(count)d communes were read from the file and saved.")
        % {"count": len(lines)},
    )
    return redirect("reports:report", code, year)


@login_required
@view_required
def consolidated(request, year):
    if year not in services.report_years() or not scope_for(request.user).unrestricted:
        raise Http404
    return xlsx_response(excel.consolidated(year), f"tong-hop-bao-cao-{year}")
