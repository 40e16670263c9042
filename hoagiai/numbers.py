"""How numbers are written for people: rounded half up, never truncated (23/30 → 76,7%).

Django's ``number_format`` cuts the digits past ``decimal_pos`` off (76.666… → "76,6"), and
Python's ``round`` and format specs round half to even on the binary value (0.1235 is
0.12349999… in binary). The pages, the exports and the admin write numbers through the two
functions here: the decimal as written (its shortest form), rounded half up. JSON keeps the
exact value (DESIGN §4: pages round for people).
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import formats
from django.utils.translation import get_language

HUNDRED = Decimal(100)


def as_decimal(value) -> Decimal:
    """``value`` as the decimal it is written as: 0.1235 is 0.1235, not its binary twin."""
    if isinstance(value, Decimal):
        return value
    return Decimal(repr(float(value)) if isinstance(value, float) else str(value))


QUANTA = {places: Decimal(1).scaleb(-places) for places in range(4)}


def rounded(value, places: int = 1) -> Decimal:
    """``value`` rounded half up (away from zero) to ``places`` decimals."""
    quantum = QUANTA.get(places) or Decimal(1).scaleb(-places)
    return as_decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)


def decimal_text(value, places: int = 1, grouping: bool = False) -> str:
    """``value`` rounded half up and written the page's way: 1.234,5 in Vietnamese.

    The same text as Django's ``number_format`` of the rounded value, written here: a
    dashboard writes hundreds of numbers a page, and the general function (three format
    lookups a number) took a tenth of the request (tests/test_figures.py compares them)."""
    number = rounded(value, places)
    decimal_separator, thousand_separator, group = _separators(get_language())
    if not isinstance(group, int):  # a sequence of group sizes (Indian style): Django's way
        return formats.number_format(number, places, force_grouping=grouping)
    text = f"{number if number else abs(number):f}"  # no "-0,0"
    sign = ""
    if text[0] == "-":
        sign, text = "-", text[1:]
    whole, _point, fraction = text.partition(".")
    if (grouping or settings.USE_THOUSAND_SEPARATOR) and group and len(whole) > group:
        head = len(whole) % group or group
        whole = whole[:head] + "".join(
            thousand_separator + whole[start : start + group]
            for start in range(head, len(whole), group)
        )
    if places > 0:
        return sign + whole + decimal_separator + fraction
    return sign + whole


_SEPARATORS = {}


def _separators(language):
    """(decimal separator, thousand separator, grouping) of ``language``, read once."""
    found = _SEPARATORS.get(language)
    if found is None:
        found = _SEPARATORS[language] = tuple(
            formats.get_format(name, language)
            for name in ("DECIMAL_SEPARATOR", "THOUSAND_SEPARATOR", "NUMBER_GROUPING")
        )
    return found


@receiver(setting_changed)
def _forget_separators(**kwargs):
    """A test that changes the language or the format settings reads them again."""
    _SEPARATORS.clear()


def format_int(value) -> str:
    """A count for people, its thousands grouped the page's way: 1555 → "1.555"; None → "—".
    (Grouping is not on for every number: years and codes are numbers too.)"""
    if value is None:
        return "—"
    return formats.number_format(value, 0, force_grouping=True)


def percent(fraction, places: int = 1) -> str:
    """A fraction as a percentage for people: 23/30 → "76,7%", 1/8 → "12,5%"; None → "—"."""
    if fraction is None:
        return "—"
    return decimal_text(as_decimal(fraction) * HUNDRED, places) + "%"
