"""The in-portal list of the yearly-report emails (``Notice``): officers see their own
unit's, province staff and the leadership every unit's."""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts.scoping import scope_for
from hoagiai.query import parse_id
from hoagiai.text import strip_forbidden

from .models import Notice

STATES = {
    "sent": (_("sent"), {"sent_at__isnull": False}),
    "failed": (_("not sent: error"), {"sent_at__isnull": True, "error__gt": ""}),
    "pending": (_("waiting to be sent"), {"sent_at__isnull": True, "error": ""}),
}


@login_required
@permission_required("reports.view_yearlyreport", raise_exception=True)
def notices(request):
    scope = scope_for(request.user)
    rows = scope.filter(Notice.objects.all(), "unit")
    unit_id = request.GET.get("unit")
    unit = None
    if unit_id:
        # Another unit's notices look absent, as its report does.
        unit = scope.units().filter(pk=parse_id(unit_id) or 0).first()
        if unit is None:
            raise Http404
        rows = rows.filter(unit=unit)
    kind = request.GET.get("kind", "")
    if kind in Notice.Kind.values:
        rows = rows.filter(kind=kind)
    year = parse_id(request.GET.get("year"))
    if year:
        rows = rows.filter(year=year)
    state = request.GET.get("state", "")
    if state in STATES:
        rows = rows.filter(**STATES[state][1])
    query = strip_forbidden(request.GET.get("q", "")).strip()  # NUL: PostgreSQL refuses it
    if query:
        rows = rows.filter(unit__name__unaccent__icontains=query)
    page = Paginator(rows.select_related("unit", "event"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/notices.html",
        {
            "page": page,
            "unit": unit,
            "kinds": Notice.Kind.choices,
            "kind": kind,
            "years": sorted(
                set(scope.filter(Notice.objects.all(), "unit").values_list("year", flat=True)),
                reverse=True,
            ),
            "year": year,
            "states": [(key, label) for key, (label, _filter) in STATES.items()],
            "state": state,
            "q": query,
            "show_units": scope.unrestricted or unit is None,
        },
    )
