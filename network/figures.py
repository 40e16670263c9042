"""A commune's registry figures for a year, counted as of the year's cut-off date.

These are the registry half of the commune-year lines (DESIGN §3): teams, compliant teams,
supported teams, mediators (women, ethnic minority, trained, with the material set), and the
six-month rule for the mediators whose deadline falls in the year. A handful of grouped
queries serve any number of communes; ``reports`` stores the result and the KPI engine reads it.
"""

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q

from .dates import (
    cutoff_date,
    falls_due_in,
    is_due,
    last_recognition_due_by,
    reporting_period,
    training_deadline,
)
from .models import (
    COUNTS_AS_TRAINING,
    MAJORITY_ETHNICITY,
    LegalSupport,
    MediationTeam,
    Mediator,
    MediatorAttendance,
    TrainingStatus,
    active_on,
    training_status,
)

FIELDS = [
    "teams",
    "compliant_teams",
    "supported_teams",
    "mediators",
    "women",
    "minority",
    "trained",
    "trained_in_year",
    "with_material",
    "new_due",
    "new_trained_in_time",
    "new_pending",
]


def trained_by(day: date, since: date | None = None):
    """Exists: the mediator attended a framework-programme training held by ``day``
    (and on or after ``since``)."""
    courses = MediatorAttendance.objects.filter(
        COUNTS_AS_TRAINING, mediator=OuterRef("pk"), training__held_on__lte=day
    )
    if since:
        courses = courses.filter(training__held_on__gte=since)
    return Exists(courses)


def commune_figures(year: int, commune_ids=None) -> dict[int, dict[str, int]]:
    """{commune id: {field: count}} for communes with any team or mediator on the cut-off."""
    day = cutoff_date(year)
    figures = defaultdict(lambda: dict.fromkeys(FIELDS, 0))

    teams = MediationTeam.objects.active_on(day)
    if commune_ids is not None:
        teams = teams.filter(commune_id__in=commune_ids)
    supported = LegalSupport.objects.filter(team=OuterRef("pk"), start_on__lte=day).filter(
        Q(end_on__isnull=True) | Q(end_on__gt=day)
    )
    rows = (
        teams.with_composition(day)
        .annotate(supported=Exists(supported))
        .values_list("commune_id", "is_compliant", "supported")
    )
    for commune_id, compliant, is_supported in rows:
        line = figures[commune_id]
        line["teams"] += 1
        line["compliant_teams"] += bool(compliant)
        line["supported_teams"] += bool(is_supported)

    mediators = Mediator.objects.filter(active_on(day), team__in=teams)
    minority = ~Q(ethnicity__in=["", MAJORITY_ETHNICITY])
    counts = mediators.values("team__commune_id").annotate(
        total=Count("pk"),
        women=Count("pk", filter=Q(sex=Mediator.Sex.FEMALE)),
        minority=Count("pk", filter=minority),
        trained=Count("pk", filter=Q(trained_by(day))),
        trained_in_year=Count("pk", filter=Q(trained_by(day, since=date(year, 1, 1)))),
        with_material=Count("pk", filter=Q(material_access_on__lte=day)),
    )
    for row in counts:
        line = figures[row["team__commune_id"]]
        line["mediators"] = row["total"]
        for key in ("women", "minority", "trained", "trained_in_year", "with_material"):
            line[key] = row[key]

    # The six-month rule (target O6b), by the year in which the deadline falls (DESIGN §4):
    # due = deadlines after the previous cut-off, on or before this one, whatever the
    # mediators did since (leaving before the deadline untrained takes them out of the
    # count); pending = recognised by the cut-off, deadline still to come (measured the
    # next year, never dropped).
    previous = reporting_period(year)[0]
    # Recognised after this bound, the deadline falls after the previous cut-off; a few
    # days of slack cover month-end clamping, the exact test follows in Python.
    since = last_recognition_due_by(previous) - timedelta(days=3)
    newcomers = Mediator.objects.filter(recognised_on__gt=since, recognised_on__lte=day)
    if commune_ids is not None:
        newcomers = newcomers.filter(team__commune_id__in=commune_ids)
    rows = newcomers.with_first_training().values_list(
        "team__commune_id", "recognised_on", "left_on", "first_trained_on"
    )
    for commune_id, recognised_on, left_on, trained_on in rows:
        deadline = training_deadline(recognised_on)
        if is_due(deadline, previous):
            continue  # measured in an earlier year
        status = training_status(recognised_on, left_on, trained_on, day)
        if status == TrainingStatus.LEFT:
            continue
        line = figures[commune_id]
        if not falls_due_in(deadline, year):
            line["new_pending"] += 1
            continue
        line["new_due"] += 1
        line["new_trained_in_time"] += status == TrainingStatus.IN_TIME
    return dict(figures)
