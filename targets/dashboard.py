"""What the leadership dashboard shows, computed once per request from the KPI engine."""

import math
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from hoagiai.numbers import decimal_text, percent
from network.dates import reporting_period
from network.models import Material
from units.models import AdminUnit

from .kpi import CASES, RATES, Kpi, KpiData, Result, compare, ratio
from .models import Target

# The columns of the table of districts (or communes): rates any unit has, and O2a.
TABLE_CODES = ["O4", "O5", "O6a", "O6b", "O7", "O8a", "O2a"]
TABLE_LABELS = {
    "O4": _("full composition"),
    "O5": _("legal support"),
    "O6a": _("trained"),
    "O6b": _("trained within 6 months"),
    "O7": _("material set"),
    "O8a": _("success rate"),
    "O2a": _("teams per district trainer"),
}
# The trend chart's box: room on the left for the y-axis values, at the bottom for the years.
CHART = {"width": 300, "height": 150, "left": 40, "right": 16, "top": 10, "bottom": 24}
# A straight line through two years says little about 2030: a projection needs three.
MIN_PROJECTION_POINTS = 3
# The measures whose value has a floor and a ceiling a projection cannot pass.
RATE_CEILING = 1.0
# Fewer than one team per trainer is not a pace that can go on (more trainers than teams).
LEAST_TEAMS_PER_TRAINER = 1.0
# Targets judged unit by unit (each district alone): the province's figure is an average.
JUDGED_PER_UNIT = {"O2a", "T3.2"}


@dataclass
class Card:
    result: Result
    target: Target
    trend: "Trend"
    note: str = ""  # what the figure counts, where the plan's words leave it open
    # The province's figure of a target judged unit by unit (O2a, T3.2) is their average:
    # it may meet the requirement while some units do not.
    per_unit: bool = False

    @property
    def status(self):
        if self.result.met is None:
            return "none"
        return "met" if self.result.met else "short"


@dataclass
class Trend:
    """A target's values 2024→2030 with its threshold and a projection to the deadline."""

    code: str
    years: list[int]
    values: list[float | None]
    threshold: float | list[float]
    deadline_year: int
    kind: str
    projection: float | None = None
    # Why there is no projection: "few" (too few years), "deadline" (reached already),
    # "range" (the pace leaves what the measure can be); None when there is one.
    no_projection: str | None = None
    selected_year: int | None = None
    svg: dict = field(default_factory=dict)

    @property
    def known(self):
        return [(y, v) for y, v in zip(self.years, self.values, strict=True) if v is not None]

    def chart(self):
        """The inline SVG, written here rather than in the template: a dashboard draws one
        per target, and through the template's tags they took a quarter of the page's time.
        Every coordinate is text this module formatted (``_svg``); the texts are escaped.

        The target line is drawn first, wide, pale and dashed; the values over it, narrow,
        solid and with a dot per year: where they coincide both stay visible."""
        s = self.svg
        label = gettext("Trend of %(code)s by year") % {"code": self.code}
        parts = [
            f'<svg viewBox="0 0 {s["width"]} {s["height"]}" role="img" '
            f'aria-label="{escape(label)}">',
        ]
        if s["selected"]:
            sx, top, bottom = s["selected"]
            parts.append(
                f'<line x1="{sx}" y1="{top}" x2="{sx}" y2="{bottom}" class="selected-year"/>'
            )
        for gy, text in s["grid"]:
            parts.append(
                f'<line x1="{s["x0"]}" y1="{gy}" x2="{s["x1"]}" y2="{gy}" class="grid"/>'
                f'<text x="{s["x0"] - 4}" y="{gy}" class="value-tick">{escape(text)}</text>'
            )
        parts.append(
            f'<line x1="{s["x0"]}" y1="{s["axis_y"]}" x2="{s["x1"]}" y2="{s["axis_y"]}" '
            'class="axis"/>'
        )
        if s["band"]:
            upper, lower = s["band"]
            parts.append(
                f'<rect x="{s["x0"]}" y="{upper}" width="{s["x1"] - s["x0"]}" '
                f'height="{float(lower) - float(upper):.1f}" class="target-band"/>'
            )
        # A range (23–25 trainers) is a band with thin edges; a single threshold a line.
        line_class = "target-line edge" if s["band"] else "target-line"
        parts += [
            f'<line x1="{s["x0"]}" y1="{ty}" x2="{s["x1"]}" y2="{ty}" class="{line_class}"/>'
            for ty in s["thresholds"]
        ]
        parts += [
            f'<text x="{lx}" y="{s["label_y"]}" class="tick'
            f'{" selected" if year == self.selected_year else ""}">{year:d}</text>'
            for lx, year in s["labels"]
        ]
        if s["projection"]:
            x1, y1, x2, y2 = s["projection"]
            parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" class="projection"/>')
        if s["line"]:
            parts.append(f'<polyline points="{s["line"]}" class="series"/>')
        parts += [
            f'<circle cx="{px}" cy="{py}" r="{4 if year == self.selected_year else 3}" '
            f'class="point{" selected" if year == self.selected_year else ""}"/>'
            for px, py, year in s["points"]
        ]
        parts.append("</svg>")
        return mark_safe("".join(parts))


def build_trend(target, values_by_year, selected_year=None, this_year=None, ceiling=None):
    """The trend of ``target`` over ``values_by_year``; projected to its deadline when
    there are enough years, the deadline is still ahead of ``this_year`` (today's) and the
    pace stays within what the measure can be: a rate between 0 and 100%, a count between
    0 and ``ceiling`` (when it has one), at least one team per trainer."""
    years = sorted(values_by_year)
    this_year = this_year or timezone.localdate().year
    trend = Trend(
        code=target.code,
        years=years,
        values=[values_by_year[year] for year in years],
        threshold=(
            [float(target.threshold), float(target.threshold_upper)]
            if target.comparator == "between"
            else float(target.threshold)
        ),
        deadline_year=target.deadline_year,
        kind=target.value_kind,
        selected_year=selected_year,
    )
    trend.projection, trend.no_projection = _projection(trend, this_year, ceiling)
    trend.svg = _svg(trend)
    return trend


def _projection(trend, this_year, ceiling):
    """(the value at the deadline at the pace so far, None) or (None, why not)."""
    known = trend.known
    if len(known) < MIN_PROJECTION_POINTS:
        return None, "few"
    if trend.deadline_year <= this_year or trend.deadline_year <= known[-1][0]:
        return None, "deadline"
    value = _linear_projection(known, trend.deadline_year)
    if trend.kind == Target.ValueKind.RATE:
        return min(max(value, 0.0), RATE_CEILING), None
    if trend.kind == Target.ValueKind.TEAMS_PER_TRAINER:
        return (value, None) if value >= LEAST_TEAMS_PER_TRAINER else (None, "range")
    # A count: whole units, never below 0 nor above what there is to count.
    value = max(value, 0.0)
    if ceiling is not None:
        value = min(value, float(ceiling))
    return float(round(value)), None


def _linear_projection(points, year):
    """Least-squares line through the years so far, read at ``year``."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread
    return mean_y + slope * (year - mean_x)


def _nice_top(value):
    """The y-axis' top: 1, 2, 2.5 or 5 times a power of ten, at or above ``value``."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


_AXIS_TEXTS = {}


@receiver(setting_changed)
def _forget_axis_texts(**kwargs):
    """A test that changes the language or the number formats writes them again."""
    _AXIS_TEXTS.clear()


def _axis_text(value, kind):
    """A y-axis value as people write it (0%, 50%, 100%; 2,5; 1.000): a handful of
    different ones on a page of fifteen charts, each written once per language."""
    key = (value, kind, get_language())
    text = _AXIS_TEXTS.get(key)
    if text is None:
        if kind == Target.ValueKind.RATE:
            text = percent(value, 0)
        else:
            text = decimal_text(value, 0 if float(value).is_integer() else 1, grouping=True)
        if len(_AXIS_TEXTS) < 10_000:  # the tops are a few round numbers; bounded anyway
            _AXIS_TEXTS[key] = text
    return text


def _svg(trend):
    """Coordinates and texts for the inline SVG (no chart library, prints as drawn)."""
    c = CHART
    thresholds = trend.threshold if isinstance(trend.threshold, list) else [trend.threshold]
    numbers = [v for v in trend.values if v is not None] + thresholds
    if trend.projection is not None:
        numbers.append(trend.projection)
    top = 1.0 if trend.kind == Target.ValueKind.RATE else _nice_top(max(numbers) * 1.05)
    inner_w = c["width"] - c["left"] - c["right"]
    inner_h = c["height"] - c["top"] - c["bottom"]
    first, last = trend.years[0], max(trend.years[-1], trend.deadline_year)

    # Coordinates as text with a decimal point: the template would otherwise localise
    # 62.5 into "62,5", which SVG cannot read.
    def x(year):
        return f"{c['left'] + inner_w * (year - first) / max(last - first, 1):.1f}"

    def y(value):
        return f"{c['top'] + inner_h * (1 - value / top):.1f}"

    points = [(x(year), y(value), year) for year, value in trend.known]
    data = {
        "width": c["width"],
        "height": c["height"],
        "points": points,
        "line": " ".join(f"{px},{py}" for px, py, _year in points),
        "thresholds": [y(t) for t in thresholds],
        "band": (y(thresholds[1]), y(thresholds[0])) if len(thresholds) == 2 else None,
        "grid": [(y(top * share), _axis_text(top * share, trend.kind)) for share in (0, 0.5, 1)],
        "x0": c["left"],
        "x1": c["width"] - c["right"],
        "axis_y": c["height"] - c["bottom"],
        "label_y": c["height"] - 6,
        "labels": [(x(year), year) for year in range(first, last + 1)],
        "selected": None,
        "projection": None,
    }
    if trend.selected_year is not None and first <= trend.selected_year <= last:
        data["selected"] = (x(trend.selected_year), c["top"], c["height"] - c["bottom"])
    if trend.projection is not None and points:
        data["projection"] = (*points[-1][:2], x(trend.deadline_year), y(trend.projection))
    return data


@dataclass
class Dashboard:
    year: int
    cutoff: object
    unit: AdminUnit
    cards: list[Card]
    rows: list[dict]
    pilot_rate: float | None
    other_rate: float | None
    basis: str
    source: str
    unapproved: list[tuple[str, str]]
    approved_count: int
    reporter_count: int = 0
    # The years before this unit existed are the sums of the units it was formed from.
    summed_before: object = None
    # Targets that no longer apply at this unit, with why (the district-level ones).
    not_applying: list = None
    # Whether the unit's lines are reported by districts (2024) or by communes (2025 on).
    by_districts: bool = True
    # The level of the units in the table: a province's districts (2024) or its communes.
    child_level: str | None = None

    @property
    def table_codes(self):
        """The table's columns: O2a (teams per district trainer) only for districts."""
        return [code for code in TABLE_CODES if code != "O2a" or self.child_level == "district"]

    @property
    def approved_codes(self):
        """The codes whose card reads the approved reports' figures (``Result.source``)."""
        return [card.result.code for card in self.cards if card.result.source == "approved"]

    @property
    def provisional_codes(self):
        """The codes whose card stays provisional: read from the live registers, or from
        lines whose reports are not all approved."""
        return [card.result.code for card in self.cards if card.result.source != "approved"]


def build(year, unit, years):
    """The dashboard for ``unit`` in ``year``; trends over ``years`` (the plan's)."""
    this_year = timezone.localdate().year
    shown = [other for other in years if other <= this_year]
    data = KpiData(unit, [*shown, year])  # one set of queries for the year and its trend
    kpi = Kpi(year, unit, data=data)
    every_result = kpi.results()  # once: the engine's work is most of a warm request
    results = [r for r in every_result if r.applies]
    history = {
        other: {r.code: r.value for r in Kpi(other, unit, data=data).results()}
        for other in shown
        if other != year
    }
    history[year] = {r.code: r.value for r in every_result}
    cards = []
    per_unit = unit.level == AdminUnit.Level.PROVINCE and data.has_districts
    for result in results:
        values = {other: history.get(other, {}).get(result.code) for other in years}
        # O1 counts the kinds of material with one published: never more than there are.
        ceiling = result.denominator if result.code == "O1" else None
        trend = build_trend(result.target, values, year, this_year, ceiling)
        card = Card(
            result, result.target, trend, per_unit=per_unit and result.code in JUDGED_PER_UNIT
        )
        if result.code == "O6b":
            card.note = o6b_note(year)
        if result.code == "O7":
            card.note = o7_note(kpi)
        cards.append(card)
    return Dashboard(
        year=year,
        cutoff=kpi.cutoff,
        unit=unit,
        cards=cards,
        rows=child_rows(kpi),
        pilot_rate=pilot_rate(kpi, pilot=True),
        other_rate=pilot_rate(kpi, pilot=False),
        basis=kpi.basis,
        source=kpi.source,
        unapproved=kpi.unapproved,
        approved_count=len(data.reporters) - len(kpi.unapproved),
        reporter_count=len(data.reporters),
        summed_before=unit.valid_from if data.reference["lineage"] else None,
        not_applying=[(r.code, r.reason) for r in every_result if r.reason],
        by_districts=data.reported_by_districts,
        child_level=data.child_level,
    )


def o6b_note(year):
    """Which new mediators O6b counts in ``year``: those whose six-month deadline falls in
    the year's reporting period (DESIGN §4)."""
    previous, cutoff = reporting_period(year)
    return gettext(
        "Counts the new mediators whose six-month training deadline falls from %(start)s "
        "to %(end)s (a deadline on the cut-off day included); those recognised later are "
        "counted in the year their deadline falls."
    ) % {
        "start": date_format(previous + timedelta(days=1), "SHORT_DATE_FORMAT"),
        "end": date_format(cutoff, "SHORT_DATE_FORMAT"),
    }


def o7_note(kpi):
    """What the mediators of O7 could reach in the library: the materials for mediators
    published by the cut-off (a material counts from its publication date)."""
    count = sum(
        1
        for kind, day in kpi.data.materials
        if kind == Material.Kind.FOR_MEDIATORS and day <= kpi.cutoff
    )
    return ngettext(
        "%(count)d material for mediators published in the library by %(day)s.",
        "%(count)d materials for mediators published in the library by %(day)s.",
        count,
    ) % {"count": count, "day": date_format(kpi.cutoff, "SHORT_DATE_FORMAT")}


def pilot_rate(kpi, pilot):
    """Success rate of the pilot communes, or of the others, on the engine's basis."""
    totals = {name: kpi.total(name) for name in (*CASES, *(f"pilot_{name}" for name in CASES))}
    if pilot:
        return ratio(*kpi.success(totals, prefix="pilot_"))
    others = {name: totals[name] - totals[f"pilot_{name}"] for name in CASES}
    return ratio(*kpi.success(others))


def child_rows(kpi):
    """One row per district (or commune) with the table's targets, from the same lines."""
    targets = {t.code: t for t in kpi.data.targets if t.code in TABLE_CODES}
    rows = []
    for unit_id, (code, name, level) in sorted(kpi.names.items(), key=lambda i: i[1][0]):
        line = kpi.lines.get(unit_id)
        cells = {}
        for target_code in TABLE_CODES:
            target = targets.get(target_code)
            value = _child_value(kpi, target_code, unit_id, line, level)
            met = None
            if target and value is not None:
                met = compare(value, target.comparator, float(target.threshold))
            elif (
                target_code == "O2a"
                and level == AdminUnit.Level.DISTRICT
                and line
                and line["teams"]
            ):
                met = False  # teams and no district trainer at all
            kind = target.value_kind if target else "rate"
            cells[target_code] = {
                "value": value,
                "met": met,
                # The column header names the unit; cells show the number alone.
                "kind": "number" if kind == Target.ValueKind.TEAMS_PER_TRAINER else kind,
            }
        rows.append(
            {
                "code": code,
                "name": name,
                "level": level,
                "cells": cells,
                "teams": line["teams"] if line else 0,
            }
        )
    return rows


def _child_value(kpi, code, unit_id, line, level):
    if code == "O2a":
        if level != AdminUnit.Level.DISTRICT or not line or not line["teams"]:
            return None
        trainers = kpi.trainers.get((unit_id, "district"), {}).get("total", 0)
        return ratio(line["teams"], trainers)
    if not line:
        return None
    if code == "O8a":
        return ratio(*kpi.success(line))
    part, whole = RATES[code]
    return ratio(line[part], line[whole])
