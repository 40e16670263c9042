"""Calendar rules of the registry."""

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (31/8 + 6 → 28/2 or 29/2)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def cutoff_date(year: int) -> date:
    """The day a year's figures are counted as of (settings: 31/12 unless told otherwise)."""
    from django.conf import settings

    return date(year, settings.REPORT_CUTOFF_MONTH, settings.REPORT_CUTOFF_DAY)


def last_recognition_due_by(day: date) -> date:
    """The latest recognition date whose six-month deadline falls on or before ``day``.

    Clamping makes this more than ``day`` minus six months when ``day`` ends its month:
    recognised on 29, 30 or 31 August, the deadline is 28 February.
    """
    earliest = add_months(day, -6)
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return earliest.replace(day=calendar.monthrange(earliest.year, earliest.month)[1])
    return earliest
