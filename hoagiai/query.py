"""Values read from a query string: a filter that is not one is ignored, never a 500."""

import re

_ID = re.compile(r"[0-9]{1,18}")  # ASCII digits only, and within a 64-bit integer


def parse_id(value) -> int | None:
    """A row id from ``?district=12``; None for anything else ("abc", "-1", "1e5", NUL, 20
    digits), which the page then treats as no filter."""
    if isinstance(value, str) and _ID.fullmatch(value.strip()):
        return int(value)
    return None
