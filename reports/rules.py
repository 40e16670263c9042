"""What a yearly report's commune line must satisfy (errors) and what looks odd (warnings).

One set of rules for the online grid, the Excel upload and the admin: each returns
``(field, message)`` pairs in Vietnamese, and the caller names the commune (and the row).
Errors block saving; warnings do not, but the officer confirms them on submitting and the
reviewer sees them.
"""

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from hoagiai.numbers import percent

from .models import CommuneYear

# (part, whole): a part never exceeds its whole.
PARTS = [
    ("compliant_teams", "teams"),
    ("supported_teams", "teams"),
    ("women", "mediators"),
    ("minority", "mediators"),
    ("trained", "mediators"),
    ("with_material", "mediators"),
    ("trained_in_year", "trained"),
    ("new_trained_in_time", "new_due"),
]

# A commune's cases received this far from last year's (×3 or ÷3) is worth a second look,
# when either year has enough cases for the comparison to mean something.
CASES_FACTOR = 3
CASES_MINIMUM = 5
RATE_SHIFT = 0.20


def label(field: str) -> str:
    """A line field's name as column headers and messages show it."""
    return capfirst(str(CommuneYear._meta.get_field(field).verbose_name))


def line_errors(values: dict[str, int]) -> list[tuple[str, str]]:
    problems = []
    for name, value in values.items():
        if value is not None and value < 0:
            problems.append((name, _("must not be negative")))
    if problems:
        return problems
    parts = values["cases_successful"] + values["cases_unsuccessful"] + values["cases_in_progress"]
    if values["cases_received"] != parts:
        problems.append(
            (
                "cases_received",
                _(
                    "cases received (%(received)d) must equal successful + unsuccessful + "
                    "in progress (%(parts)d)"
                )
                % {"received": values["cases_received"], "parts": parts},
            )
        )
    for part, whole in PARTS:
        if values[part] > values[whole]:
            problems.append(
                (
                    part,
                    _("%(part)s (%(value)d) exceeds %(whole)s (%(total)d)")
                    % {
                        "part": label(part),
                        "value": values[part],
                        "whole": label(whole).lower(),
                        "total": values[whole],
                    },
                )
            )
    return problems


def line_warnings(values: dict[str, int], previous: dict[str, int] | None, year: int):
    """Odd but possible figures, compared with the same commune's line a year earlier."""
    warnings = []
    if values["teams"] and not values["trained"]:
        warnings.append(("trained", _("the commune has teams but no mediator trained")))
    if previous is None:
        return warnings
    now, before = values["cases_received"], previous["cases_received"]
    if max(now, before) >= CASES_MINIMUM and (
        now >= CASES_FACTOR * before or before >= CASES_FACTOR * now
    ):
        warnings.append(
            (
                "cases_received",
                _("cases received went from %(before)d in %(last)d to %(now)d")
                % {"before": before, "last": year - 1, "now": now},
            )
        )
    if now and before:
        rate, last_rate = values["cases_successful"] / now, previous["cases_successful"] / before
        if abs(rate - last_rate) > RATE_SHIFT:
            warnings.append(
                (
                    "cases_successful",
                    _("the success rate moved from %(before)s in %(last)d to %(now)s")
                    % {"before": percent(last_rate), "last": year - 1, "now": percent(rate)},
                )
            )
    return warnings
