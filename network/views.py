from itertools import groupby

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from accounts.scoping import scope_for
from hoagiai.query import parse_id
from units.models import AdminUnit

from .models import Mediator, TrainingStatus
from .services import mediators_due


@login_required
@permission_required("network.view_mediator", raise_exception=True)
def training_due(request):
    """Mediators whose six-month training deadline is near or past, by district."""
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
    summary = [
        (name, sum(r.status == TrainingStatus.OVERDUE for r in group_rows), len(group_rows))
        for name, group_rows in (
            (name, list(group))
            for name, group in groupby(rows, key=lambda r: _district_name(r.mediator))
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
            "districts": districts,
            "district": district,
            "status": status,
            "statuses": [TrainingStatus.OVERDUE, TrainingStatus.PENDING],
            "total": len(rows),
        },
    )


def _district_name(mediator):
    district = mediator.team.commune.parent
    return district.name if district and district.level == AdminUnit.Level.DISTRICT else ""
