"""The report page's grid: its columns in groups under two header rows, and its rows with
each cell's value, input, warning and registry count.

Fifteen figures do not fit a screen under their full names (a header wrapped to six
lines and pushed the case columns the warnings point at off-screen), so each column has
a short label under its group's heading; the full name is the header's tooltip and the
warnings' text.
"""

from dataclasses import dataclass

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from hoagiai.numbers import format_int

from .models import LINE_FIELDS, CommuneYear

# (group heading, [(field, short label)]) in the order of LINE_FIELDS.
GROUPS = [
    (
        _("Mediation teams"),
        [
            ("teams", _("total")),
            ("compliant_teams", _("with the required composition")),
            ("supported_teams", _("supported by legal professionals")),
        ],
    ),
    (
        _("Mediators"),
        [
            ("mediators", _("total")),
            ("women", _("women")),
            ("minority", _("ethnic minority")),
        ],
    ),
    (
        _("Newly recognised"),
        [
            ("new_due", _("six months run out")),
            ("new_trained_in_time", _("trained within six months")),
        ],
    ),
    (
        _("Training and materials"),
        [
            ("trained_in_year", _("trained in the year")),
            ("trained", _("trained in all")),
            ("with_material", _("with the material set")),
        ],
    ),
    (
        _("Cases"),
        [
            ("cases_received", _("received")),
            ("cases_successful", _("mediated successfully")),
            ("cases_unsuccessful", _("mediated unsuccessfully")),
            ("cases_in_progress", _("still in progress")),
        ],
    ),
]
FIRST_OF_GROUP = {fields[0][0] for _heading, fields in GROUPS}
assert [name for _group, columns in GROUPS for name, _label in columns] == LINE_FIELDS


@dataclass
class Column:
    name: str
    label: str  # short, under the group's heading
    title: str  # the field's full name
    warned: bool = False  # a warning points at this column


@dataclass
class Group:
    heading: str
    columns: list[Column]

    @property
    def span(self):
        return len(self.columns)


def columns(warned_fields=()) -> list[Group]:
    """The grid's header: groups of columns, those a warning points at marked."""
    return [
        Group(
            str(heading),
            [
                Column(
                    name,
                    str(label),
                    capfirst(str(CommuneYear._meta.get_field(name).verbose_name)),
                    name in warned_fields,
                )
                for name, label in fields
            ],
        )
        for heading, fields in GROUPS
    ]


def cell_id(commune_code: str, field: str) -> str:
    """The id of a cell, which a warning links to (the browser scrolls it into view)."""
    return f"o-{commune_code}-{field}"


def rows(lines, line_forms, warned: dict, registry: dict, pilots: set) -> list[dict]:
    """A row per line: the commune, its form (when editable) and a cell per figure."""
    forms_by_commune = {form.line.commune_id: form for form in line_forms or []}
    result = []
    for line in lines:
        line_form = forms_by_commune.get(line.commune_id)
        cells = []
        for name in LINE_FIELDS:
            value = getattr(line, name)
            cells.append(
                {
                    "name": name,
                    "id": cell_id(line.commune.code, name),
                    "group_start": name in FIRST_OF_GROUP,
                    "value": value,
                    "shown": format_int(value),
                    "field": line_form[name] if line_form else None,
                    "warning": warned.get((line.commune_id, name)),
                    # Every key present: a key the template misses costs an exception.
                    "registry": (
                        format_int(registry.get(line.commune_id, {}).get(name, 0))
                        if name in line.corrected_fields
                        else None
                    ),
                }
            )
        result.append(
            {
                "line": line,
                "form": line_form,
                "pilot": line.commune_id in pilots,
                "cells": cells,
            }
        )
    return result
