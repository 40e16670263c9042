"""The Sở Tư pháp's status board: one year's reporting units and where each report stands.

At 58–99 communes (and 10,000+ at national scale) the board is read from the database in
a fixed number of queries whatever the number of units: one aggregate for the counts per
status, one for the page of rows (the year's report joined to each unit, the latest
submission read by a subquery). Nothing is recomputed: the warnings shown are those the
unit confirmed at its latest submission (``ReportEvent.warnings``).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import (
    CharField,
    Count,
    ExpressionWrapper,
    F,
    FilteredRelation,
    JSONField,
    OuterRef,
    Q,
    Subquery,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from hoagiai.text import fold
from network.lookups import Unaccent
from units.models import AdminUnit

from . import services
from .models import ReportEvent, YearlyReport

Status = YearlyReport.Status
PAGE_SIZE = 100
SEARCH_LENGTH = 100

# The board's filters (the ``status`` GET parameter) and their labels.
FILTERS = {
    "not_submitted": gettext_lazy("not submitted"),
    "submitted": gettext_lazy("submitted"),
    "returned": gettext_lazy("returned"),
    "approved": gettext_lazy("approved"),
    "late": gettext_lazy("late"),
}


def _day_ends(due: date) -> datetime:
    """The moment the deadline's day ends in the portal's time zone: comparing with it needs
    no per-row date conversion."""
    return timezone.make_aware(datetime.combine(due + timedelta(days=1), time.min))


def is_late(first_submitted: datetime | None, due: date, today: date) -> bool:
    if first_submitted is None:
        return today > due
    return first_submitted >= _day_ends(due)


def late_q(due: date, today: date) -> Q:
    """Late: first submitted after the deadline's day (the first submission is what the
    deadline is checked against), or not submitted and the day passed."""
    late = Q(report__submitted_at__gte=_day_ends(due))
    if today > due:
        late |= Q(report__submitted_at__isnull=True)
    return late


def filter_q(name: str, due: date, today: date) -> Q:
    if name == "not_submitted":
        return Q(report__isnull=True) | Q(report__status=Status.DRAFT)
    if name == "late":
        return late_q(due, today)
    return Q(report__status=name)


def _search(units, text: str):
    """The units whose code starts with ``text`` or whose name holds it, typed with or
    without accents. The term is folded here, once: folded by the database it would be
    folded again for every row (``unaccent`` is not immutable)."""
    folded = ExpressionWrapper(Unaccent("name"), output_field=CharField())  # not bilateral
    return units.alias(folded_name=folded).filter(
        Q(code__startswith=text) | Q(folded_name__contains=fold(text))
    )


def clean_search(text: str | None) -> str:
    return (text or "").replace("\x00", "").strip()[:SEARCH_LENGTH]


@dataclass
class Row:
    unit: AdminUnit
    report_id: int | None
    status: str | None
    first_submitted: datetime | None
    last_submitted: datetime | None
    warnings: list[str]
    late: bool
    # Ready for the page (a hundred rows: the template only prints them).
    url: str = ""
    status_label: str = ""
    submitted_on: str = ""

    @property
    def can_approve(self) -> bool:
        return self.status == Status.SUBMITTED

    @property
    def clean(self) -> bool:
        """Submitted with no warning confirmed: what bulk approval takes."""
        return self.can_approve and not self.warnings


@dataclass
class Board:
    year: int
    due: date
    counts: dict[str, int]
    rows: list[Row]
    status: str = ""
    search: str = ""
    page: int = 1
    pages: int = 1
    matching: int = 0
    first: int = 0
    last: int = 0
    extra: dict = field(default_factory=dict)


def _latest_submission():
    return ReportEvent.objects.filter(
        report=OuterRef("report__id"), action=ReportEvent.Action.SUBMIT
    ).order_by("-at", "-pk")


def build(
    year: int,
    units=None,
    status: str = "",
    search: str = "",
    page: int = 1,
    today: date | None = None,
) -> Board:
    """The board of ``year`` over ``units`` (the year's reporting units by default)."""
    today = today or timezone.localdate()
    due = services.deadline(year)
    units = services.reporting_units(year) if units is None else units
    units = units.annotate(
        report=FilteredRelation("yearly_reports", condition=Q(yearly_reports__year=year))
    )
    search = clean_search(search)
    if search:
        units = _search(units, search)
    late = late_q(due, today)
    counts = units.aggregate(
        total=Count("pk"),
        not_started=Count("pk", filter=Q(report__isnull=True)),
        draft=Count("pk", filter=Q(report__status=Status.DRAFT)),
        submitted=Count("pk", filter=Q(report__status=Status.SUBMITTED)),
        returned=Count("pk", filter=Q(report__status=Status.RETURNED)),
        approved=Count("pk", filter=Q(report__status=Status.APPROVED)),
        late=Count("pk", filter=late),
    )
    counts["not_submitted"] = counts["not_started"] + counts["draft"]
    status = status if status in FILTERS else ""
    if status:
        units = units.filter(filter_q(status, due, today))
    matching = counts[status] if status else counts["total"]
    pages = max(1, -(-matching // PAGE_SIZE))
    page = min(max(page, 1), pages)
    offset = (page - 1) * PAGE_SIZE
    latest = _latest_submission()
    found = units.annotate(
        report_id=F("report__id"),
        report_status=F("report__status"),
        first_submitted=F("report__submitted_at"),
        last_submitted=Subquery(latest.values("at")[:1]),
        last_warnings=Subquery(latest.values("warnings")[:1], output_field=JSONField()),
    ).order_by("code", "pk")[offset : offset + PAGE_SIZE]
    # The report's address with the code left to fill: codes are digits only.
    address = reverse("reports:report", args=["CODE", year])
    labels = {status: capfirst(label) for status, label in Status.choices}
    not_started = _("Not started")
    rows = [
        Row(
            unit=unit,
            report_id=unit.report_id,
            status=unit.report_status,
            first_submitted=unit.first_submitted,
            last_submitted=unit.last_submitted,
            warnings=unit.last_warnings or [],
            late=is_late(unit.first_submitted, due, today),
            url=address.replace("CODE", unit.code) if unit.report_id else "",
            status_label=labels[unit.report_status] if unit.report_status else not_started,
            submitted_on=(
                date_format(timezone.localtime(unit.last_submitted), "SHORT_DATE_FORMAT")
                if unit.last_submitted
                else ""
            ),
        )
        for unit in found
    ]
    return Board(
        year=year,
        due=due,
        counts=counts,
        rows=rows,
        status=status,
        search=search,
        page=page,
        pages=pages,
        matching=matching,
        first=offset + 1 if rows else 0,
        last=offset + len(rows),
    )


# --- Bulk approval ---


@dataclass
class Skipped:
    name: str
    reason: str


def bulk_approve(user, year: int, report_ids) -> tuple[list[YearlyReport], list[Skipped]]:
    """Approve each chosen report of ``year`` that is submitted and had no warning at its
    latest submission, one by one through ``services.approve`` (its row lock, its event).

    Checked under the report's row lock, so a report returned and submitted again with
    warnings meanwhile is not approved. Returns the approved reports and the skipped ones
    with the reason, in Vietnamese."""
    if not services.can_review(user):
        raise PermissionDenied
    ids = sorted({int(value) for value in report_ids if str(value).isdigit()})
    found = {
        report.pk: report
        for report in YearlyReport.objects.filter(pk__in=ids, year=year).select_related("unit")
    }
    approved, skipped = [], []
    for pk in ids:
        report = found.get(pk)
        if report is None:
            skipped.append(
                Skipped(
                    _("Report no. %(id)d") % {"id": pk},
                    _("it is not a report of %(year)d.") % {"year": year},
                )
            )
            continue
        name = f"{report.unit.name} ({report.unit.code})"
        try:
            with transaction.atomic():
                locked = YearlyReport.objects.select_for_update().get(pk=pk)
                reason = _skip_reason(locked)
                if reason is None:
                    approved.append(services.approve(locked, user))
        except services.ReportError as error:
            reason = str(error)
        if reason:
            skipped.append(Skipped(name, reason))
    return approved, skipped


def _skip_reason(report: YearlyReport) -> str | None:
    if report.status != Status.SUBMITTED:
        return _("it is %(status)s now, not submitted.") % {"status": report.get_status_display()}
    event = report.events.filter(action=ReportEvent.Action.SUBMIT).order_by("-at", "-pk").first()
    count = len(event.warnings) if event else 0
    if count:
        return ngettext(
            "it was submitted with %(count)d warning confirmed: open it to review it.",
            "it was submitted with %(count)d warnings confirmed: open it to review them.",
            count,
        ) % {"count": count}
    return None
