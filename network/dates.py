"""Calendar rules of the registry."""

import calendar
from datetime import date

from django.utils.translation import gettext_lazy as _

# No date of the registry can precede the state whose communes recognise mediators and
# form teams (2/9/1945). Earlier dates are typing slips: "1900", or an Excel serial number
# such as 1 (31/12/1899) in a cell left without date formatting.
EARLIEST = date(1945, 9, 2)
TOO_EARLY = _("%(date)s is before 02/09/1945: not a possible date here; check it")
BEFORE_BIRTH = _("%(date)s is before the year of birth (%(year)d); check both")


def too_early(day) -> str | None:
    """Why ``day`` cannot be a registry date, or None."""
    if day is not None and day < EARLIEST:
        return TOO_EARLY % {"date": day.strftime("%d/%m/%Y")}
    return None


def date_errors(days: dict, birth_year=None) -> dict[str, str]:
    """{field: why} for the dates ({field: date}) that cannot be right (forms, imports)."""
    errors = {}
    for name, day in days.items():
        if day is None:
            continue
        if problem := too_early(day):
            errors[name] = problem
        elif birth_year and day.year < birth_year:
            errors[name] = BEFORE_BIRTH % {"date": day.strftime("%d/%m/%Y"), "year": birth_year}
    return errors


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (31/8 + 6 → 28/2 or 29/2)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def cutoff_date(year: int) -> date:
    """The day a year's figures are counted as of (settings: 31/12 unless told otherwise)."""
    from django.conf import settings

    return date(year, settings.REPORT_CUTOFF_MONTH, settings.REPORT_CUTOFF_DAY)


def training_deadline(recognised_on: date) -> date:
    """Six calendar months after recognition, clamped to the month's end (target O6b)."""
    return add_months(recognised_on, 6)


def is_due(deadline: date, day: date) -> bool:
    """Whether a training deadline has come as of ``day`` (its close, like every count as
    of a day): a deadline on ``day`` itself is due. The one rule for "due" (DESIGN §4): the
    training status, the commune-year counts and so the KPI engine all ask it."""
    return deadline <= day


def reporting_period(year: int) -> tuple[date, date]:
    """(the previous year's cut-off, this year's): a year counts what falls after the
    first and on or before the second."""
    return cutoff_date(year - 1), cutoff_date(year)


def falls_due_in(deadline: date, year: int) -> bool:
    """Whether a training deadline falls in ``year``'s reporting period, so the year
    measures it (O6b): a mediator recognised in August is measured the next year."""
    previous, cutoff = reporting_period(year)
    return not is_due(deadline, previous) and is_due(deadline, cutoff)


def last_recognition_due_by(day: date) -> date:
    """The latest recognition date whose six-month deadline falls on or before ``day``.

    Clamping makes this more than ``day`` minus six months when ``day`` ends its month:
    recognised on 29, 30 or 31 August, the deadline is 28 February.
    """
    earliest = add_months(day, -6)
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return earliest.replace(day=calendar.monthrange(earliest.year, earliest.month)[1])
    return earliest
