from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.scoping import scope_for
from hoagiai.context_processors import organisation
from network.dates import cutoff_date
from network.spreadsheets import write_sheets, xlsx_response
from plans import progress
from plans.models import Plan
from units.models import AdminUnit

from . import dashboard as board
from . import public
from .kpi import Kpi
from .render import CardWriter, cards_html, units_table_html
from .templatetags.kpi import kpi_value, status_label


def _dashboard_for(request):
    """The dashboard the request asks for, within the user's scope (else 404)."""
    plan = Plan.objects.current()
    if plan is None:
        raise Http404
    scope = scope_for(request.user)
    default_year = min(max(timezone.localdate().year, plan.start_year), plan.end_year)
    year = request.GET.get("year") or str(default_year)
    if not year.isdigit() or int(year) not in plan.years:
        raise Http404
    year = int(year)
    # The units of the year: Tỉnh Bắc Giang and its districts for 2024, the new Tỉnh Bắc
    # Ninh and its communes after 1/7/2025 (codes are reused: read them as of the cut-off).
    cutoff = cutoff_date(year)
    code = request.GET.get("unit")
    unit = scope.units().by_code(code, cutoff) if code else None
    if unit is None and (
        not code
        or (
            AdminUnit.objects.by_code(code, cutoff) is None
            and AdminUnit.objects.filter(code=code).exists()
        )
    ):
        # No code, or a unit that did not exist in that year (a district after 2024): the
        # province of the year, for those who see the province.
        unit = AdminUnit.objects.root_province(cutoff) if scope.unrestricted else scope.unit
    if unit is None:
        raise Http404
    return plan, board.build(year, unit, list(plan.years))


@login_required
def dashboard(request):
    plan, data = _dashboard_for(request)
    scope = scope_for(request.user)
    parent = data.unit.parent if data.unit.parent and scope.contains(data.unit.parent) else None
    return render(
        request,
        "targets/dashboard.html",
        {
            "plan": plan,
            "board": data,
            "years": list(plan.years),
            "parent": parent,
            # Drawn in Python (targets/render.py): through the template they took half
            # of a warm request.
            "cards": cards_html(data),
            "units_table": units_table_html(
                data, [(code, board.TABLE_LABELS[code]) for code in data.table_codes]
            ),
            "today": timezone.localdate(),
            # Beside the targets: how the plan's tasks stand, group by group (plans app).
            "progress": progress.unit_summary(data.unit, timezone.localdate()),
        },
    )


@login_required
def target_detail(request, code):
    """One target: its plan text and measure, this year's figures, both success-rate bases."""
    plan, data = _dashboard_for(request)
    card = next((card for card in data.cards if card.result.code == code), None)
    if card is None:
        raise Http404
    bases = None
    if code in ("O8a", "O8b"):
        kpis = {
            basis: Kpi(data.year, data.unit, basis=basis) for basis in ("received", "concluded")
        }
        bases = [
            (basis, next(r for r in kpi.results() if r.code == code)) for basis, kpi in kpis.items()
        ]
    years = list(zip(card.trend.years, card.trend.values, strict=True))
    return render(
        request,
        "targets/detail.html",
        {
            "plan": plan,
            "board": data,
            "card": card,
            "bases": bases,
            "years": years,
            "trend": CardWriter(data).trend(card.trend),
        },
    )


@login_required
def dashboard_export(request):
    """The dashboard on screen as a workbook: the targets, then the table of units."""
    plan, data = _dashboard_for(request)
    targets = [
        [
            card.result.code,
            str(card.target.title),
            kpi_value(card.result.value, card.target.value_kind),
            card.target.requirement_text,
            card.result.numerator,
            card.result.denominator,
            _("approved") if card.result.source == "approved" else _("provisional"),
            status_label(card.result.met),
        ]
        for card in data.cards
    ]
    units = [
        [row["code"], row["name"]]
        + [
            kpi_value(row["cells"][code]["value"], row["cells"][code]["kind"])
            for code in data.table_codes
        ]
        for row in data.rows
    ]
    content = write_sheets(
        [
            (
                _("Targets %(year)s") % {"year": data.year},
                [
                    _("Code"),
                    _("Target"),
                    _("Value"),
                    _("Met when"),
                    _("Numerator"),
                    _("Denominator"),
                    _("Source of the figures"),
                    _("Assessment"),
                ],
                targets,
            ),
            (
                _("By unit"),
                [_("Code"), _("Unit")]
                + [f"{code} {board.TABLE_LABELS[code]}" for code in data.table_codes],
                units,
            ),
        ]
    )
    return xlsx_response(content, f"chi-tieu-{data.unit.code}-{data.year}")


@require_safe
def public_page(request, year=None):
    """The province's targets and the communes' totals for a year, from the approved reports
    only, for anyone (no login). The body is the same for everyone: rendered once per version
    of its data and kept in the cache (``targets.public``); for visitors who are not logged in
    the whole page is (nothing in it is theirs: no message, no menu of their own)."""
    plan = Plan.objects.current()
    if plan is None:
        raise Http404
    years = public.public_years(plan)
    year = public.default_year(plan) if year is None else year
    if year not in years:
        raise Http404
    if request.user.is_authenticated:
        body = mark_safe(public.cached_body(plan, year, years))
        return render(request, "targets/public.html", {"body": body, "year": year})
    return HttpResponse(public.cached_page(plan, year, years, organisation(request)))
