"""Registry questions the pages ask: who must be trained soon."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet

from units.models import AdminUnit, Succession

from .dates import add_months
from .models import Mediator, TrainingStatus

PLAN_START = date(2024, 1, 1)  # the six-month rule applies to mediators recognised under the plan


@dataclass(frozen=True)
class DueMediator:
    mediator: Mediator
    deadline: date
    status: TrainingStatus
    days_left: int
    district: str = ""  # for lists grouped by district (``district_names``)

    @property
    def days_overdue(self):
        return -self.days_left


def mediators_due(mediators: QuerySet[Mediator], today: date, window_days: int = 30):
    """Untrained mediators whose six-month deadline has passed or falls within the window.

    Mediators who left before their deadline are not listed (the rule no longer applies).
    """
    horizon = today + timedelta(days=window_days)
    # deadline <= horizon means recognised on or before six months earlier; a few days
    # of slack cover month-end clamping, and the exact test follows in Python.
    latest_recognition = add_months(horizon, -6) + timedelta(days=3)
    candidates = (
        mediators.filter(recognised_on__gte=PLAN_START, recognised_on__lte=latest_recognition)
        .with_first_training()
        .filter(first_trained_on__isnull=True)
        .select_related("team__commune__parent")
        .order_by("team__commune__parent__name", "recognised_on", "full_name")
    )
    rows = []
    for mediator in candidates:
        deadline = mediator.training_deadline
        if deadline > horizon:
            continue
        status = mediator.training_status(today)
        if status in (TrainingStatus.OVERDUE, TrainingStatus.PENDING):
            rows.append(DueMediator(mediator, deadline, status, (deadline - today).days))
    return rows


def district_names(communes) -> dict[int, str]:
    """{commune id: its district} for lists that group people by district. A commune
    directly under the province (since 1/7/2025) is named by the district(s) its
    predecessors belonged to, marked former ("Thành phố Bắc Giang (cũ)"); "" when none."""
    communes = list(communes)
    names = {}
    formerly = {}
    for commune in communes:
        parent = commune.parent
        if parent is not None and parent.level == AdminUnit.Level.DISTRICT:
            names[commune.pk] = parent.name
        else:
            formerly[commune.pk] = set()
    rows = Succession.objects.filter(
        successor_id__in=formerly, predecessor__parent__level=AdminUnit.Level.DISTRICT
    ).values_list("successor_id", "predecessor__parent__name")
    for successor, district in rows:
        formerly[successor].add(district)
    for pk, districts in formerly.items():
        names[pk] = "; ".join(f"{name} (cũ)" for name in sorted(districts))
    return names
