"""What the API reads, in plain data: units on a date with their successions, the figures
of approved reports, and one page of a registry list.

The KPI engine (targets.kpi) is reused as it is: the targets endpoint answers exactly what
``manage.py kpi --json`` prints, and the figures are the engine's commune-year lines.
"""

from datetime import date

from django.db.models import Prefetch, QuerySet

from targets.kpi import LINE_FIELDS, Kpi
from units.models import AdminUnit

# The dates the API reads units and the registry on: from the founding of the state to the
# end of the century (a later "today" would only repeat the units valid now).
FIRST_DAY = date(1945, 9, 2)
LAST_DAY = date(2100, 12, 31)


def unit_ref(unit: AdminUnit) -> dict:
    return {
        "code": unit.code,
        "name": unit.name,
        "level": unit.level,
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
    }


def units_on(day: date) -> QuerySet[AdminUnit]:
    """Units valid on ``day`` with their parent and their successions (two more queries per
    page, whatever its length)."""
    links = AdminUnit.objects.order_by("code")
    return (
        AdminUnit.objects.valid_on(day)
        .select_related("parent")
        .prefetch_related(
            Prefetch("successors", queryset=links), Prefetch("predecessors", queryset=links)
        )
    )


def unit_as_dict(unit: AdminUnit) -> dict:
    return {
        **unit_ref(unit),
        "kind": unit.kind,
        "parent": unit_ref(unit.parent) if unit.parent else None,
        "predecessors": [unit_ref(other) for other in unit.predecessors.all()],
        "successors": [unit_ref(other) for other in unit.successors.all()],
    }


def keyset_page(queryset: QuerySet, key: str, after, limit: int) -> tuple[list, object]:
    """One page of ``queryset`` ordered by ``key`` after the value ``after``, and the key of
    its last row when more rows follow (else None).

    No OFFSET and no COUNT: a late page costs what the first one does (an index range from
    ``after``), however long the list.
    """
    if after is not None:
        queryset = queryset.filter(**{f"{key}__gt": after})
    rows = list(queryset.order_by(key)[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (getattr(rows[-1], key) if more and rows else None)


def approved_figures(kpi: Kpi) -> dict:
    """The figures of ``kpi``'s unit and year per unit below it (districts for a province in
    2024, communes since; a commune's own line), counted only where the yearly report that
    covers the line is approved: the public sees nothing still in draft or under review."""
    data, year = kpi.data, kpi.year
    lines = kpi.lines
    reporters = data.reporters
    approved = data.approved.get(year, set())
    names = dict(data.names)
    if kpi.unit.level == AdminUnit.Level.COMMUNE:
        names = {kpi.unit.pk: (kpi.unit.code, kpi.unit.name, kpi.unit.level)}
    units, totals, counted = [], dict.fromkeys(LINE_FIELDS, 0), 0
    for pk, (code, name, level) in sorted(names.items(), key=lambda item: item[1][0]):
        reporter = pk if pk in reporters else _only(reporters)
        is_approved = reporter is not None and reporter in approved
        line = lines.get(pk)
        figures = None
        if is_approved and line:
            figures = {field: line[field] for field in LINE_FIELDS}
            counted += 1
            for field in LINE_FIELDS:
                totals[field] += line[field]
        units.append(
            {
                "code": code,
                "name": name,
                "level": level,
                "approved": is_approved,
                "figures": figures,
            }
        )
    return {
        "year": year,
        "unit": {"code": kpi.unit.code, "name": kpi.unit.name, "level": kpi.unit.level},
        "cutoff": kpi.cutoff.isoformat(),
        "reports_approved": len(approved & set(reporters)),
        "reports_expected": len(reporters),
        "totals": totals if counted else None,
        "units": units,
    }


def _only(reporters):
    """The one report covering every line below a district or a commune, or None."""
    return next(iter(reporters)) if len(reporters) == 1 else None
