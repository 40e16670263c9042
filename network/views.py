from dataclasses import replace
from itertools import groupby

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.models import DataExport, Role
from accounts.scoping import scope_for
from hoagiai.query import parse_id
from hoagiai.uploads import extension_of
from units.models import AdminUnit

from . import library as materials_library
from . import officers
from .models import Material, Mediator, TrainingStatus
from .services import district_names, mediators_due
from .spreadsheets import write_workbook, xlsx_response


def _training_due(request):
    """The rows of the training-deadline list as filtered (district, status), within the
    user's scope, each with its district's name, ordered by district: for the page and
    its Excel export."""
    scope = scope_for(request.user)
    today = timezone.localdate()
    mediators = scope.filter(Mediator.objects.all(), Mediator.scope_path)
    districts = scope.units().filter(level=AdminUnit.Level.DISTRICT).order_by("name")
    district = districts.filter(pk=parse_id(request.GET.get("district")) or 0).first()
    if district:
        mediators = mediators.filter(team__commune__parent=district)
    rows = mediators_due(mediators, today)
    status = request.GET.get("status")
    if status in TrainingStatus.values:
        rows = [row for row in rows if row.status == status]
    names = district_names({row.mediator.team.commune for row in rows})
    rows = [replace(row, district=names.get(row.mediator.team.commune_id, "")) for row in rows]
    rows.sort(key=lambda row: (row.district == "", row.district))  # stable: dates kept
    filters = {"districts": districts, "district": district, "status": status}
    return rows, today, filters


@login_required
@permission_required("network.view_mediator", raise_exception=True)
def training_due(request):
    """Mediators whose six-month training deadline is near or past, by district."""
    rows, today, filters = _training_due(request)
    summary = [
        (name, sum(r.status == TrainingStatus.OVERDUE for r in group_rows), len(group_rows))
        for name, group_rows in (
            (name, list(group)) for name, group in groupby(rows, key=lambda r: r.district)
        )
    ]
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "network/training_due.html",
        {
            "page": page,
            "summary": summary,
            "today": today,
            "statuses": [TrainingStatus.OVERDUE, TrainingStatus.PENDING],
            "total": len(rows),
            "export_query": request.GET.urlencode(),
            **filters,
        },
    )


@login_required
@permission_required("network.view_mediator", raise_exception=True)
def training_due_export(request):
    """The list as filtered on the page, in Excel: the officer's own unit only (scoped as
    the page is). It names people: the export is logged (Decree 13/2023/NĐ-CP)."""
    rows, today, _filters = _training_due(request)
    headers = [
        _("Mediator"),
        _("Team"),
        _("Commune"),
        _("District"),
        _("Recognised on"),
        _("Deadline"),
        _("Status"),
        _("Days past the deadline"),
    ]
    content = write_workbook(
        str(_("Training deadlines")),
        [str(header) for header in headers],
        (
            [
                row.mediator.full_name,
                row.mediator.team.name,
                row.mediator.team.commune.name,
                row.district,
                row.mediator.recognised_on.strftime("%d/%m/%Y"),
                row.deadline.strftime("%d/%m/%Y"),
                str(row.status.label),
                max(row.days_overdue, 0),
            ]
            for row in rows
        ),
    )
    DataExport.objects.create(
        user=request.user,
        what=str(_("Training deadlines of new mediators")),
        rows=len(rows),
        filters=request.GET.urlencode()[:500],
        address=request.META.get("REMOTE_ADDR"),
    )
    return xlsx_response(content, f"han-tap-huan-{today:%Y-%m-%d}")


class OfficerListForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx or .xls)"))
    send_email = forms.BooleanField(
        label=_("Send a set-password email"),
        required=False,
        help_text=_(
            "For the rows with an email: the officer sets a password from a link in the email "
            "instead of receiving a one-time password."
        ),
    )


def can_create_officers(user) -> bool:
    return user.is_superuser or user.has_role(Role.PROVINCE_STAFF)


@never_cache
@login_required
def commune_officers(request):
    """Province staff create commune officers from an Excel list, all or nothing."""
    if not can_create_officers(request.user):
        raise PermissionDenied
    form = OfficerListForm(request.POST or None, request.FILES or None)
    context = {"form": form, "headers": [str(column[1]) for column in officers.COLUMNS]}
    if request.method != "POST":
        return render(request, "accounts/commune_officers.html", context)
    if not form.is_valid():
        return render(request, "accounts/commune_officers.html", context, status=400)
    upload = form.cleaned_data["file"]
    plan = officers.read_officers(upload)
    if not plan.ok:
        context.update(plan=plan, filename=upload.name)
        return render(request, "accounts/commune_officers.html", context, status=400)
    created = officers.create_officers(plan, request, form.cleaned_data["send_email"])
    return render(request, "accounts/commune_officers_done.html", {"created": created})


@require_safe
def library(request, audience=None):
    """The published training materials, for anyone (no login): a search without accents,
    filters by audience and year, twenty a page. ``audience`` fixed by the URL is the
    mediators' own view (``/tai-lieu/hoa-giai-vien/``)."""
    fixed = audience is not None
    if not fixed:
        audience = request.GET.get("audience")
        audience = audience if audience in Material.Kind.values else None
    text = materials_library.clean_search(request.GET.get("q"))
    year = materials_library.parse_year(request.GET.get("year"))
    found = materials_library.find(text, audience, year)
    page = Paginator(found, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "network/library.html",
        {
            "page": page,
            "q": text,
            "audience": audience,
            "audiences": Material.Kind.choices,
            "fixed_audience": fixed,
            "year": year,
            "years": materials_library.years(),
        },
    )


@require_safe
def material_file(request, pk):
    """A published material's file, as a download under its own name (never a path typed by
    anyone: the row is found by its id, the stored name was generated on upload)."""
    material = get_object_or_404(Material.objects.published().exclude(file=""), pk=pk)
    name = material.file_name or f"tai-lieu-{material.pk}{extension_of(material.file.name)}"
    return FileResponse(material.file.open("rb"), as_attachment=True, filename=name)
