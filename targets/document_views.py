"""The Sở Tư pháp's own yearly report: the Word file and the text staff write before it
(``targets.yearly_document``). The report is read from the approved yearly reports through
the KPI engine, so it lives above both (tests/test_layers.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.scoping import scope_for
from reports import services
from reports.forms import ProvinceReportTextForm

from . import yearly_document as document

view_required = permission_required("reports.view_yearlyreport", raise_exception=True)


def _document_year(request, year) -> int:
    """The Sở's own yearly report: province staff who review reports (404 for an officer,
    as for the consolidated workbook; 403 for the leadership, who read but do not write)."""
    if year not in services.report_years() or not scope_for(request.user).unrestricted:
        raise Http404
    if not services.can_review(request.user):
        raise PermissionDenied
    return year


@login_required
@view_required
def yearly_document(request, year):
    """The Word file of the Sở's report for the year, from the approved figures."""
    _document_year(request, year)
    content, built = document.render(year)
    response = HttpResponse(content, content_type=document.CONTENT_TYPE)
    name = document.file_name(year, built.is_draft)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@view_required
def yearly_document_text(request, year):
    """The narrative of the Sở's report, saved per year (with history) before the file is
    made; the page also says which units' reports are not approved yet."""
    _document_year(request, year)
    text = document.text_for(year)
    data = request.POST if request.method == "POST" else None
    form = ProvinceReportTextForm(data, instance=text)
    if request.method == "POST":
        if form.is_valid():
            saved = form.save(commit=False)
            saved.updated_by = request.user
            saved._history_user = request.user
            saved.save()
            messages.success(
                request, _("The text of the %(year)d report was saved.") % {"year": year}
            )
            if "download" in request.POST:
                return redirect("yearly-document", year)
            return redirect("yearly-document-text", year)
        messages.error(request, _("Nothing was saved: correct the fields marked below."))
    built = document.YearlyDocument(year, text)
    history = []
    if text.pk:
        history = list(text.history.select_related("history_user").order_by("-history_date")[:5])
    return render(
        request,
        "targets/yearly_document_text.html",
        {
            "year": year,
            "form": form,
            "saved": bool(text.pk),
            "unapproved": built.unapproved,
            "reporters": len(built.reporters),
            "history": history,
        },
        status=400 if form.errors else 200,
    )
