"""What a unit changed in its report since the Sở Tư pháp returned it (or reopened it), and
when it was submitted last.

The figures as they stood at the return are read from the lines' and the report's history
(django-simple-history: every save of a line or a report is recorded), so the reviewer
sees, commune by commune, which figures the unit corrected — from what to what — before
approving the resubmitted report.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.text import Truncator, capfirst

from hoagiai.numbers import format_int

from .models import LINE_FIELDS, CommuneYear, ReportEvent, YearlyReport
from .services import DISTRICT_ONLY, HEADER_FIELDS, RETURNS


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class LineChanges:
    commune_name: str
    changes: list[Change]


@dataclass
class SinceReturn:
    returned: ReportEvent
    lines: list[LineChanges] = field(default_factory=list)
    header: list[Change] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.lines or self.header)


def _label(model, name: str) -> str:
    return capfirst(str(model._meta.get_field(name).verbose_name))


def _shown(value) -> str:
    if isinstance(value, int):
        return format_int(value)
    # Texts (difficulties, proposals) by their first words, never cut inside one.
    return Truncator(value).words(15) if value else "—"


def submissions(events) -> tuple[datetime | None, datetime | None, int]:
    """(first, latest, how many) submissions among the report's events."""
    times = [event.at for event in events if event.action == ReportEvent.Action.SUBMIT]
    if not times:
        return None, None, 0
    return times[0], times[-1], len(times)


def last_return(events) -> ReportEvent | None:
    returns = [event for event in events if event.action in RETURNS]
    return returns[-1] if returns else None


def since_return(report: YearlyReport, lines, events) -> SinceReturn | None:
    """The changes since the latest return or reopening; None when it was never returned.

    ``lines`` are the report's lines now, ``events`` its workflow steps in order."""
    returned = last_return(events)
    if returned is None:
        return None
    result = SinceReturn(returned)
    lines = list(lines)
    before_lines, before_header = _at_return(report, lines, returned)
    for line in lines:
        before = before_lines.get(line.commune_id)
        if before is None:
            continue
        changes = [
            Change(_label(CommuneYear, name), _shown(before[name]), _shown(getattr(line, name)))
            for name in LINE_FIELDS
            if name in before and before[name] != getattr(line, name)
        ]
        if changes:
            result.lines.append(LineChanges(line.commune.name, changes))
    names = [
        name
        for name in HEADER_FIELDS
        if name in before_header and not (report.is_commune_report and name in DISTRICT_ONLY)
    ]
    result.header = [
        Change(
            _label(YearlyReport, name), _shown(before_header[name]), _shown(getattr(report, name))
        )
        for name in names
        if before_header[name] != getattr(report, name)
    ]
    return result


def _at_return(report, lines, returned) -> tuple[dict[int, dict], dict]:
    """({commune id: figures}, {header field: value}) as they stood at the return: kept
    with the step, or, for a step recorded before it kept them, read from the history."""
    if returned.figures:
        kept = returned.figures
        lines_then = {int(pk): values for pk, values in kept.get("lines", {}).items()}
        return lines_then, kept.get("header", {})
    records = CommuneYear.history.filter(
        history_date__lte=returned.at,
        year=report.year,
        commune_id__in=[line.commune_id for line in lines],
    ).latest_of_each()
    lines_then = {
        record.commune_id: {name: getattr(record, name) for name in LINE_FIELDS}
        for record in records
    }
    header = report.history.filter(history_date__lte=returned.at).first()
    header_then = {name: getattr(header, name) for name in HEADER_FIELDS} if header else {}
    return lines_then, header_then
