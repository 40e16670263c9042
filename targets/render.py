"""The dashboard's cards and table of units, written as HTML here rather than in the template.

A warm dashboard request spent half its time in the template: some 15 cards and a table of
up to a hundred units × 7 targets, each value through a filter, each label through
``{% translate %}``, each attribute a variable lookup. Like the trend charts
(``Trend.chart``) and the report grid's inputs (``reports.forms.GridNumberInput``), they are
written here: every label translated once per page, every value formatted the pages' way
(``templatetags/kpi.py``), every text from the database or a translation escaped
(``_escape``, Django's ``conditional_escape`` without its wrappers).
"""

import html

from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from .templatetags.kpi import kpi_number, kpi_value, sort_key, status_label


def _escape(value) -> str:
    """conditional_escape without its wrappers (it runs hundreds of times a page)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _units_short(count) -> str:
    return ngettext("%(counter)s unit falls short", "%(counter)s units fall short", count) % {
        "counter": count
    }


class CardWriter:
    """Writes the dashboard's cards; the labels every card shares are translated once."""

    def __init__(self, board):
        self.board = board
        self.query = f"?unit={_escape(board.unit.code)}&amp;year={board.year:d}"
        self.labels = {
            "approved": _escape(gettext("approved")),
            "approved_title": _escape(
                gettext("approved district reports")
                if board.by_districts
                else gettext("approved commune reports")
            ),
            "provisional": _escape(gettext("provisional")),
            "provisional_title": _escape(gettext("provisional figures from the registry")),
            "fraction_title": _escape(gettext("numerator / denominator")),
            "received": _escape(gettext("successful ÷ cases received")),
            "concluded": _escape(gettext("successful ÷ cases concluded")),
            # Only a province's card is an average (``Card.per_unit``).
            "average": _escape(gettext("province average")),
            "value": _escape(gettext("value")),
            "target": _escape(gettext("target")),
            "projection": _escape(gettext("projection")),
            "year_shown": _escape(gettext("year shown")),
            "few": _escape(gettext("Too few years of figures to project a trend.")),
        }

    def __call__(self):
        return mark_safe("".join(self.card(card) for card in self.board.cards))

    def card(self, card):
        result, target, labels = card.result, card.target, self.labels
        url = reverse("target-detail", args=[result.code])
        parts = [
            f'<article class="kpi-card status-{card.status}">'
            f'<header><span class="code">{_escape(result.code)}</span> '
            f'<h2><a href="{_escape(url)}{self.query}">{_escape(target.title)}</a></h2></header>',
            self.figure(card),
        ]
        if result.source == "approved":
            parts.append(
                f'<p class="source"><span class="badge source-approved" '
                f'title="{labels["approved_title"]}">{labels["approved"]}</span></p>'
            )
        else:
            parts.append(
                f'<p class="source"><span class="badge source-provisional" '
                f'title="{labels["provisional_title"]}">{labels["provisional"]}</span></p>'
            )
        requirement = {"requirement": target.requirement_text, "deadline": target.deadline_year}
        verdict = (
            gettext("target %(requirement)s in every unit by %(deadline)s")
            if card.per_unit
            else gettext("target %(requirement)s by %(deadline)s")
        )
        parts.append(
            f'<p class="verdict"><span class="badge badge-{card.status}">'
            f"{_escape(status_label(result.met))}</span> {_escape(verdict % requirement)}</p>"
        )
        if result.denominator is not None:
            definition = ""
            if result.definition:
                definition = (
                    " · " + labels["received" if result.definition == "received" else "concluded"]
                )
            parts.append(
                f'<p class="fraction" title="{labels["fraction_title"]}">'
                f"{_escape(kpi_number(result.numerator))} / "
                f"{_escape(kpi_number(result.denominator))}"
                f"{definition}</p>"
            )
        if card.note:
            parts.append(f'<p class="note">{_escape(card.note)}</p>')
        parts.append(self.trend(card.trend))
        if result.short:
            kind = target.value_kind
            names = "".join(
                f"<li>{_escape(row['name'])} ({_escape(kpi_value(row['value'], kind))})</li>"
                for row in result.short
            )
            parts.append(
                f'<details class="short"><summary>{_escape(_units_short(len(result.short)))}'
                f"</summary><ul>{names}</ul></details>"
            )
        parts.append("</article>")
        return "".join(parts)

    def figure(self, card):
        """The value; for a target judged unit by unit, said to be the average, with the
        number of units short of the requirement beside it."""
        result = card.result
        value = _escape(kpi_value(result.value, card.target.value_kind))
        if not card.per_unit or result.value is None:
            return f'<p class="figure"><span class="value">{value}</span></p>'
        short = ""
        if result.short:
            short = (
                f' · <strong class="units-short">{_escape(_units_short(len(result.short)))}'
                "</strong>"
            )
        return (
            f'<p class="figure"><span class="value">{value}</span> '
            f'<span class="per-unit">{self.labels["average"]}{short}</span></p>'
        )

    def trend(self, trend):
        labels = self.labels
        if trend.projection is not None:
            caption = gettext("At this pace: %(value)s in %(year)s.") % {
                "value": kpi_value(trend.projection, trend.kind),
                "year": trend.deadline_year,
            }
        elif trend.no_projection == "deadline":
            caption = gettext("Deadline %(year)s reached: no projection.") % {
                "year": trend.deadline_year
            }
        elif trend.no_projection == "range":
            caption = gettext("The pace so far cannot go on until %(year)s: no projection.") % {
                "year": trend.deadline_year
            }
        else:
            caption = labels["few"]
        keys = [("series", labels["value"]), ("target", labels["target"])]
        if trend.projection is not None:
            keys.append(("projection", labels["projection"]))
        if trend.svg.get("selected"):
            keys.append(("selected", labels["year_shown"]))
        legend = " ".join(
            f'<span class="legend-item"><span class="key-{key}"></span>{label}</span>'
            for key, label in keys
        )
        return mark_safe(
            f'<figure class="trend">{trend.chart()}<figcaption>{_escape(caption)} '
            f'<span class="legend">{legend}</span></figcaption></figure>'
        )


def cards_html(board):
    """The cards of ``board`` (a ``targets.dashboard.Dashboard``) as HTML."""
    return CardWriter(board)()


def units_table_html(board, columns):
    """The table of the units below ``board``'s unit: a row per unit, a cell per target of
    ``columns`` ([(code, label)]), shortfalls shaded and marked in words."""
    unit_label = _escape(gettext("Unit"))
    not_met = _escape(gettext("not met"))
    head = "".join(
        f'<th scope="col" class="num"><button type="button" data-sort="number">'
        f"{_escape(code)}<br><small>{_escape(label)}</small></button></th>"
        for code, label in columns
    )
    parts = [
        '<table class="table sortable" data-sortable><thead><tr>'
        f'<th scope="col"><button type="button" data-sort="text">{unit_label}</button></th>'
        f"{head}</tr></thead><tbody>"
    ]
    year = f"{board.year:d}"
    for row in board.rows:
        name = _escape(row["name"])
        cells = []
        for code, _label in columns:
            cell = row["cells"][code]
            value = _escape(kpi_value(cell["value"], cell["kind"]))
            if cell["met"] is False:
                cells.append(
                    f'<td class="num shortfall" data-value="{sort_key(cell["value"])}">'
                    f'{value} <span class="sr-flag">({not_met})</span></td>'
                )
            else:
                cells.append(f'<td class="num" data-value="{sort_key(cell["value"])}">{value}</td>')
        parts.append(
            f'<tr><th scope="row" data-value="{name}">'
            f'<a href="?unit={_escape(row["code"])}&amp;year={year}">{name}</a></th>'
            f"{''.join(cells)}</tr>"
        )
    parts.append("</tbody></table>")
    return mark_safe("".join(parts))
