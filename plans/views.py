from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import scope_for
from hoagiai.query import parse_id
from network.spreadsheets import write_workbook, xlsx_response
from units.models import AdminUnit

from . import progress
from .forms import ActivityForm, StatusForm
from .models import Agency, Evidence, Plan, Responsibility, Task, TaskGroup


@login_required
def plan_overview(request):
    """The plan's section III as a table: each task with its agencies and timeline."""
    groups = TaskGroup.objects.prefetch_related(
        Prefetch("tasks", queryset=Task.objects.with_agencies())
    )
    plan = Plan.objects.prefetch_related(Prefetch("groups", queryset=groups)).first()
    if plan is None:
        raise Http404
    return render(request, "plans/overview.html", {"plan": plan})


# --- Plan progress ---


def _progress_rows(request):
    """The responsibility rows the user may read, narrowed by the page's filters."""
    scope = scope_for(request.user)
    rows = Responsibility.objects.all()
    if not scope.unrestricted:
        rows = scope.filter(rows, Responsibility.scope_path)
    agencies = Agency.objects.filter(pk__in=rows.values("agency")).order_by("name")
    # The districts (until 30/6/2025) and the communes (since) with rows the user may read.
    units = AdminUnit.objects.filter(pk__in=rows.values("unit")).order_by(
        "-level", *AdminUnit._meta.ordering
    )
    agency = agencies.filter(pk=parse_id(request.GET.get("agency")) or 0).first()
    unit = units.filter(pk=parse_id(request.GET.get("unit")) or 0).first()
    if agency:
        rows = rows.filter(agency=agency)
    if unit:
        rows = rows.filter(unit=unit)
    filters = {
        "agencies": agencies,
        "units": units,
        "agency": agency,
        "unit": unit,
        "query": urlencode(
            {k: v for k, v in (("agency", agency and agency.pk), ("unit", unit and unit.pk)) if v}
        ),
    }
    return rows, filters


@login_required
@permission_required("plans.view_responsibility", raise_exception=True)
def progress_timeline(request):
    """The 10 groups and their tasks down, the plan's years across, each cell's progress."""
    plan = Plan.objects.current()
    if plan is None:
        raise Http404
    rows, filters = _progress_rows(request)
    today = timezone.localdate()
    cells = progress.cells(rows, today)
    years = list(plan.years)
    groups = []
    for group in plan.groups.prefetch_related(Prefetch("tasks", queryset=Task.objects.all())):
        tasks = [
            {"task": task, "cells": [(year, cells.get((task.pk, year))) for year in years]}
            for task in group.tasks.all()
        ]
        groups.append({"group": group, "tasks": tasks})
    return render(
        request,
        "plans/progress.html",
        {"plan": plan, "years": years, "groups": groups, "today": today, **filters},
    )


@login_required
@permission_required("plans.view_responsibility", raise_exception=True)
def progress_cell(request, number, year):
    """One task in one year: each responsible unit's status and activities; report here."""
    plan = Plan.objects.current()
    task = get_object_or_404(Task.objects.with_agencies(), group__plan=plan, number=number)
    rows, filters = _progress_rows(request)
    rows = (
        rows.filter(task=task, year=year)
        .select_related("agency", "unit")
        .prefetch_related("activities__evidence")
    )
    if not rows and year not in plan.years:
        raise Http404
    if request.method == "POST":
        return _report_progress(request, task, year, rows, filters)
    return _cell_page(request, task, year, rows, filters)


def _cell_page(request, task, year, rows, filters, failed=None, status=200):
    """``failed``: (row id, the activity form that did not validate), shown with its input."""
    today = timezone.localdate()
    entries = []
    for row in rows:
        editable = progress.can_report(request.user, row)
        entries.append(
            {
                "row": row,
                "overdue": row.is_overdue(today),
                "editable": editable,
                "status_form": StatusForm(initial={"responsibility": row.pk, "status": row.status}),
                "activity_form": (
                    failed[1]
                    if failed and failed[0] == row.pk
                    else ActivityForm(prefix=f"r{row.pk}", initial={"held_on": today})
                )
                if editable
                else None,
            }
        )
    return render(
        request,
        "plans/progress_cell.html",
        {"task": task, "year": year, "entries": entries, **filters},
        status=status,
    )


def _report_progress(request, task, year, rows, filters):
    row = rows.filter(pk=request.POST.get("responsibility") or 0).first()
    if row is None:
        raise Http404
    if not progress.can_report(request.user, row):
        raise PermissionDenied
    back = reverse("progress-cell", args=[task.number, year])
    if filters["query"]:
        back += "?" + filters["query"]
    if request.POST.get("action") == "status":
        form = StatusForm(request.POST)
        if form.is_valid():
            progress.set_status(row, request.user, form.cleaned_data["status"])
            messages.success(request, _("The status was saved."))
        return redirect(back)
    form = ActivityForm(request.POST, request.FILES, prefix=f"r{row.pk}")
    if not form.is_valid():
        messages.error(request, _("Nothing was saved: correct the activity's fields below."))
        return _cell_page(request, task, year, rows, filters, failed=(row.pk, form), status=400)
    fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
    progress.add_activity(row, request.user, fields, form.cleaned_data["files"], form.kinds)
    messages.success(request, _("The activity was recorded."))
    return redirect(back)


@login_required
@permission_required("plans.view_responsibility", raise_exception=True)
def evidence_file(request, pk):
    """An evidence file, for those who may read its row (never a public media URL)."""
    rows, _filters = _progress_rows(request)
    item = get_object_or_404(Evidence, pk=pk, activity__responsibility__in=rows)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)


@login_required
@permission_required("plans.view_responsibility", raise_exception=True)
def progress_export(request):
    """The plan's assignment table with progress, as the plan prints it (section III)."""
    rows, _filters = _progress_rows(request)
    today = timezone.localdate()
    cells = progress.cells(rows, today)
    headers = [
        _("No."),
        _("Task"),
        _("Lead agencies"),
        _("Partner agencies"),
        _("Timeline"),
        _("Progress"),
    ]
    lines = []
    for task in Task.objects.with_agencies().select_related("group"):
        states = []
        for (task_id, year), cell in sorted(cells.items()):
            if task_id == task.pk:
                states.append(
                    _("%(year)d: %(done)d/%(total)d done")
                    % {"year": year, "done": cell.done, "total": cell.total}
                    + (_(", %(count)d overdue") % {"count": cell.overdue} if cell.overdue else "")
                )
        lines.append(
            [
                task.number,
                " ".join(task.text.split()),
                ", ".join(agency.name for agency in task.leads),
                ", ".join(agency.name for agency in task.partners),
                task.timeline_text or task.get_timeline_kind_display(),
                "; ".join(states),
            ]
        )
    content = write_workbook(_("Plan progress"), headers, lines)
    return xlsx_response(content, f"tien-do-ke-hoach-{today:%Y%m%d}")
