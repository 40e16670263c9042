"""The public page (``/cong-khai/<year>/``): the province's targets, their trend and each
commune's totals for a year, counted only from the approved yearly reports, for anyone
without logging in.

Nothing personal reaches it: the engine's figures are counts per commune and year, and the
registers the other targets read are counted, never listed by person.

The page is the same for everyone, so its body is rendered once per version of the data it
reads and kept in the cache (``hoagiai.caching.cached``): a crowd costs one cache look-up a
request. The version is the generation of every model it reads (``PUBLIC_MODELS``): an
approval (or a reopening) saves the report and so drops it. The commune-year lines are not
among them on purpose: those of an approved report are frozen, change only after the report is
reopened (a save of the report), and the lines of drafts, recounted on every registry change,
are not shown here — following them would drop the page whenever anyone edits a mediator.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from hoagiai.caching import cached
from network.dates import cutoff_date
from network.models import (
    Material,
    ModelCommune,
    PilotCommune,
    Trainer,
    TrainerAttendance,
    Training,
)
from plans.models import Plan
from reports.models import CommuneYear, YearlyReport
from units.models import AdminUnit, Succession

from .dashboard import build_trend, o7_note
from .kpi import LINE_CODES, Kpi, KpiData, Result
from .models import Target

PUBLIC_MODELS = [
    YearlyReport,
    AdminUnit,
    Succession,
    Plan,
    Target,
    Material,
    ModelCommune,
    PilotCommune,
    Trainer,
    TrainerAttendance,
    Training,
]

# The commune totals the page shows (the report's own columns).
TOTALS = ["teams", "mediators", "cases_received", "cases_successful"]


def approved_lines_q(years) -> Q:
    """The commune-year lines covered by a report approved for their year: a district's
    communes (2024) or the commune itself (since 1/7/2025)."""
    covered = defaultdict(lambda: ({"district": set(), "commune": set()}))
    reports = YearlyReport.objects.filter(
        year__in=years, status=YearlyReport.Status.APPROVED
    ).values_list("year", "unit_id", "unit__level")
    for year, unit_id, level in reports.order_by():
        covered[year][level].add(unit_id)
    q = Q(pk__in=[])
    for year, units in covered.items():
        q |= Q(year=year) & (
            Q(commune_id__in=units["commune"]) | Q(commune__parent_id__in=units["district"])
        )
    return q


class ApprovedKpiData(KpiData):
    """The engine's data with only the lines of approved reports: a report submitted, returned
    or in draft adds nothing, so a rate is counted over the approved communes alone."""

    def line_rows(self):
        return super().line_rows().filter(approved_lines_q(self.years))


@dataclass
class Row:
    """A target on the public page: this year's result and its trend up to the year."""

    result: Result
    target: Target
    trend: object
    note: str = ""

    @property
    def status(self):
        if self.result.met is None:
            return "none"
        return "met" if self.result.met else "short"


@dataclass
class CommuneLine:
    code: str
    name: str
    district: str
    approved: bool
    figures: dict = field(default_factory=dict)


@dataclass
class PublicPage:
    year: int
    years: list[int]
    unit: AdminUnit
    cutoff: object
    from_reports: list[Row]  # the targets counted from the approved reports' lines
    from_registers: list[Row]  # those read from the Department's own registers
    communes: list[CommuneLine]
    totals: dict
    approved_count: int
    reporter_count: int
    by_districts: bool

    @property
    def unit_name(self):
        """The province as it reads inside a sentence: "tỉnh Bắc Ninh"."""
        return self.unit.name[:1].lower() + self.unit.name[1:]


def public_years(plan, today=None) -> list[int]:
    """The plan's years begun so far: a year not begun has no figures to publish."""
    this_year = (today or timezone.localdate()).year
    return [year for year in plan.years if year <= this_year]


def default_year(plan) -> int | None:
    """The latest finished year with an approved report (the current year's reports come in
    after it ends), else the latest year with one, else the latest year begun."""
    years = public_years(plan)
    if not years:
        return None
    this_year = timezone.localdate().year
    approved = cached(
        "public:approved-years",
        [YearlyReport],
        lambda: set(
            YearlyReport.objects.filter(status=YearlyReport.Status.APPROVED)
            .order_by()
            .values_list("year", flat=True)
            .distinct()
        ),
    )
    with_reports = [year for year in years if year in approved]
    finished = [year for year in with_reports if year < this_year]
    return (finished or with_reports or years)[-1]


def build(year: int, years: list[int]) -> PublicPage:
    """The page for ``year`` (one of ``years``, the plan's years begun so far)."""
    cutoff = cutoff_date(year)
    this_year = timezone.localdate().year
    unit = AdminUnit.objects.root_province(cutoff)
    trend_years = [other for other in years if other <= year]
    data = ApprovedKpiData(unit, trend_years)
    kpi = Kpi(year, unit, data=data)
    history = {
        other: {r.code: r.value for r in Kpi(other, unit, data=data).results()}
        for other in trend_years
    }
    from_reports, from_registers = [], []
    for result in kpi.results():
        if not result.applies:
            continue
        values = {other: history[other].get(result.code) for other in trend_years}
        # As on the dashboard: the year marked, O1 never above the kinds of material.
        ceiling = result.denominator if result.code == "O1" else None
        trend = build_trend(result.target, values, year, this_year, ceiling)
        row = Row(result, result.target, trend)
        if result.code == "O7":
            row.note = o7_note(kpi)
        (from_reports if result.code in LINE_CODES else from_registers).append(row)
    communes, totals = commune_lines(data, year)
    approved = data.approved.get(year, set())
    return PublicPage(
        year=year,
        years=years,
        unit=unit,
        cutoff=cutoff,
        from_reports=from_reports,
        from_registers=from_registers,
        communes=communes,
        totals=totals,
        approved_count=len(approved),
        reporter_count=len(data.reporters),
        by_districts=data.reported_by_districts,
    )


def commune_lines(data: ApprovedKpiData, year: int):
    """Each commune of the area in the year with its approved figures (none when its report
    is not approved), and their sum."""
    lineage = data.reference["lineage"]
    communes = [pk for pk in data.commune_children if pk not in lineage]
    units = AdminUnit.objects.filter(pk__in=communes).order_by()
    names = {
        pk: (code, name, parent)
        for pk, code, name, parent in units.values_list("pk", "code", "name", "parent__name")
    }
    rows = (
        CommuneYear.objects.filter(approved_lines_q([year]), year=year, commune_id__in=communes)
        .order_by()
        .values_list("commune_id", *TOTALS)
    )
    figures = {commune: dict(zip(TOTALS, values, strict=True)) for commune, *values in rows}
    lines = []
    for pk, (code, name, parent) in names.items():
        district = parent if data.reported_by_districts else ""
        lines.append(CommuneLine(code, name, district or "", pk in figures, figures.get(pk, {})))
    lines.sort(key=lambda line: (line.district, line.code))
    totals = {name: sum(line.figures.get(name, 0) for line in lines) for name in TOTALS}
    return lines, totals


def _key(year):
    return f"public-page:{year}:{timezone.localdate().isoformat()}"


def cached_body(plan, year: int, years: list[int]) -> str:
    """The page's body (``targets/public_body.html``), rendered once per version of its data."""
    return cached(
        _key(year),
        PUBLIC_MODELS,
        lambda: str(
            render_to_string("targets/public_body.html", {"page": build(year, years), "plan": plan})
        ),
    )


def cached_page(plan, year: int, years: list[int], site: dict) -> str:
    """The whole page as a visitor who is not logged in sees it: nothing in it is theirs (no
    message, no menu of their own), so it is kept whole. ``site``: the organisation's name
    (``hoagiai.context_processors.organisation``)."""
    return cached(
        f"{_key(year)}:anonymous",
        PUBLIC_MODELS,
        lambda: str(
            render_to_string(
                "targets/public.html",
                {"body": mark_safe(cached_body(plan, year, years)), "year": year, **site},
            )
        ),
    )
