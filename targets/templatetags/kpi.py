"""How the dashboard writes values for people: 87,5%, 1.555,0 tổ/TVH, 23 (rounded half up:
hoagiai/numbers.py)."""

from django import template
from django.utils.translation import gettext as _

from hoagiai.numbers import decimal_text, percent

register = template.Library()


@register.filter
def kpi_value(value, kind):
    if value is None:
        return "—"
    if kind == "rate":
        return percent(value)
    if kind == "number":
        return kpi_number(value)
    if kind == "teams_per_trainer":
        return _("%(value)s teams/trainer") % {"value": decimal_text(value, 1, grouping=True)}
    if isinstance(value, float) and not value.is_integer():
        return decimal_text(value, 2, grouping=True)
    return decimal_text(int(value), 0, grouping=True)


@register.filter
def kpi_number(value):
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return decimal_text(value, 1, grouping=True)
    return decimal_text(int(value), 0, grouping=True)


@register.filter
def sort_key(value):
    """A number the table sorter can read ("" sorts last)."""
    return "" if value is None else f"{value:.6f}"


@register.simple_tag
def status_label(met, applies=True):
    if not applies:
        return _("not applicable")
    if met is None:
        return _("no data yet")
    return _("met") if met else _("not met")
