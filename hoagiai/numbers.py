"""How numbers are written for people: rounded half up, never truncated (23/30 → 76,7%).

Django's ``number_format`` cuts the digits past ``decimal_pos`` off (76.666… → "76,6"), and
Python's ``round`` and format specs round half to even on the binary value (0.1235 is
0.12349999… in binary). The pages, the exports and the admin write numbers through the two
functions here: the decimal as written (its shortest form), rounded half up. JSON keeps the
exact value (DESIGN §4: pages round for people).
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats

HUNDRED = Decimal(100)


def as_decimal(value) -> Decimal:
    """``value`` as the decimal it is written as: 0.1235 is 0.1235, not its binary twin."""
    if isinstance(value, Decimal):
        return value
    return Decimal(repr(float(value)) if isinstance(value, float) else str(value))


def rounded(value, places: int = 1) -> Decimal:
    """``value`` rounded half up (away from zero) to ``places`` decimals."""
    return as_decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def decimal_text(value, places: int = 1, grouping: bool = False) -> str:
    """``value`` rounded half up and written the page's way: 1.234,5 in Vietnamese."""
    return formats.number_format(rounded(value, places), places, force_grouping=grouping)


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
