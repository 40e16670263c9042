"""Emails about the yearly reports, and the record of each one (``Notice``).

Two sources of notices:

- reminders to each reporting unit whose report for the year is not submitted yet (none,
  a draft, or returned): 7 days and 1 day before the deadline, and the day after
  (``create_reminders``, from the daily command ``send_report_notices``);
- a return or an approval, recorded with the workflow step itself (``services.step``),
  sent as soon as the step commits (``send_now``) and retried by the daily command.

Every notice is a row first and an email second: the row is unique (a reminder per kind,
unit and year; a return or approval per workflow step), so the same notice is never
recorded twice, and a notice is sent only while it is unsent and claimed by the one
sender sending it (``_claim``), so it is never sent twice either. Each message is sent on
its own over one connection: an address the mail server refuses fails that unit's notice
(logged, its error kept on the row for staff to see) and the others still go.
"""

import base64
import contextlib
import logging
import smtplib
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role, User
from plans.models import Plan

from . import services
from .models import Notice, YearlyReport

logger = logging.getLogger(__name__)

Kind = Notice.Kind
Status = YearlyReport.Status

# When each reminder may go out, in days from the deadline (first, last). A day the
# command did not run (a server down) is caught up while the window is open; once it has
# closed the reminder is not sent at all: "due in 7 days" read on the eve of the deadline
# would mislead, and an overdue reminder months later helps nobody.
WINDOWS = {
    Kind.DUE_IN_7: (-7, -2),
    Kind.DUE_IN_1: (-1, 0),
    Kind.OVERDUE: (1, 30),
}
# A return or approval that could not be sent is tried again for this many days.
RETRY_DAYS = 30
# A sender that crashed leaves its claim behind; another takes it over after this long.
CLAIM_TIMEOUT = timedelta(minutes=15)
BATCH = 500
OFFICER_ROLES = [Role.DISTRICT_OFFICER.value, Role.COMMUNE_OFFICER.value]


class MailServerUnreachable(Exception):
    """The mail server cannot be reached; the message says so in Vietnamese."""


@dataclass
class Outcome:
    sent: int = 0
    failed: int = 0  # recorded with an error (refused, or nobody to send it to)
    refused: int = 0  # of which the mail server refused
    skipped: int = 0  # no longer to be sent: the report was submitted, or moved on
    created: int = 0  # reminders recorded by this run
    # One line per notice handled, for the command: failures and skips always, each
    # message sent only with ``detail`` (10,000 lines on a deadline day otherwise).
    lines: list[str] = field(default_factory=list)
    detail: bool = False


def in_window(kind, due_on: date, today: date) -> bool:
    first, last = WINDOWS[kind]
    return first <= (today - due_on).days <= last


def _years() -> list[int]:
    plan = Plan.objects.current()
    return list(plan.years) if plan else []


def create_reminders(today: date, units_for: Callable = services.reporting_units) -> int:
    """Record the reminders due today (not yet recorded) of every unit expected to report
    (``units_for(year)``, a queryset of units) whose report is not submitted; the number
    recorded. A reminder whose window has closed is never recorded."""
    with transaction.atomic():  # one commit, not one per INSERT of a batch
        return _record_reminders(today, units_for)


def _record_reminders(today, units_for) -> int:
    created = 0
    for year, due_on in services.deadlines(_years()).items():
        kinds = [kind for kind in WINDOWS if in_window(kind, due_on, today)]
        if not kinds:
            continue
        units = units_for(year)
        reports = dict(
            YearlyReport.objects.filter(year=year, unit__in=units).values_list("unit_id", "pk")
        )
        done = set(
            YearlyReport.objects.filter(
                year=year, unit__in=units, status__in=YearlyReport.FROZEN
            ).values_list("unit_id", flat=True)
        )
        unit_ids = [pk for pk in units.values_list("pk", flat=True) if pk not in done]
        for kind in kinds:
            recorded = set(
                Notice.objects.filter(kind=kind, year=year).values_list("unit_id", flat=True)
            )
            new = [
                Notice(
                    kind=kind,
                    unit_id=unit_id,
                    year=year,
                    report_id=reports.get(unit_id),
                    due_on=due_on,
                )
                for unit_id in unit_ids
                if unit_id not in recorded
            ]
            # A second run at the same moment: the constraint keeps one of each.
            Notice.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
            created += len(new)
    return created


def _sendable(today: date) -> Q:
    """The unsent notices still worth sending: reminders inside their window, returns and
    approvals of the last ``RETRY_DAYS`` days."""
    wanted = Q(
        kind__in=[Kind.RETURNED, Kind.APPROVED],
        created_at__date__gte=today - timedelta(RETRY_DAYS),
    )
    for year, due_on in services.deadlines(_years()).items():
        for kind in WINDOWS:
            if in_window(kind, due_on, today):
                wanted |= Q(kind=kind, year=year)
    return Q(sent_at__isnull=True) & wanted


def _claim(ids: list[int], now: datetime) -> list[Notice]:
    """Take the unsent notices among ``ids`` that nobody else is sending."""
    token = uuid.uuid4()
    Notice.objects.filter(pk__in=ids, sent_at__isnull=True).filter(
        Q(claim__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT)
    ).update(claim=token, claimed_at=now)
    return list(Notice.objects.filter(claim=token).select_related("unit", "event").order_by("pk"))


def recipients(unit_ids: Iterable[int]) -> dict[int, list[str]]:
    """The addresses of each unit's active officers (district or commune) with an email."""
    found = defaultdict(list)
    rows = (
        User.objects.filter(unit_id__in=unit_ids, is_active=True, groups__name__in=OFFICER_ROLES)
        .exclude(email="")
        .values_list("unit_id", "email")
        .distinct()
        .order_by("unit_id", "email")
    )
    for unit_id, email in rows:
        found[unit_id].append(email)
    return found


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def compose(notice: Notice, report: YearlyReport | None, due_on: date, today: date):
    """The subject and the plain-text body of the notice, in Vietnamese."""
    unit, year = notice.unit.name, notice.year
    day = due_on.strftime("%d/%m/%Y")
    url = site_url(reverse("reports:report", args=[notice.unit.code, year]))
    names = {"unit": unit, "year": year, "day": day, "url": url}
    lines = [_("To the officers of %(unit)s,") % names, ""]
    if notice.kind in Notice.REMINDERS:
        if notice.kind == Kind.OVERDUE:
            subject = _("Overdue: the %(year)d yearly report of %(unit)s was due on %(day)s")
        else:
            subject = _("Reminder: the %(year)d yearly report of %(unit)s is due on %(day)s")
        if report is None:
            lines.append(_("The %(year)d yearly report of %(unit)s has not been started.") % names)
        else:
            lines.append(
                _("The %(year)d yearly report of %(unit)s is not submitted yet (%(status)s).")
                % {**names, "status": report.get_status_display()}
            )
        days = (due_on - today).days
        if days > 0:
            lines.append(
                ngettext(
                    "The deadline is %(day)s, in %(days)d day.",
                    "The deadline is %(day)s, in %(days)d days.",
                    days,
                )
                % {**names, "days": days}
            )
        elif days == 0:
            lines.append(_("The deadline is today, %(day)s.") % names)
        else:
            lines.append(
                _("The deadline was %(day)s: the report is late. Submit it as soon as you can.")
                % names
            )
        lines += ["", _("Fill it in and submit it here: %(url)s") % names]
    else:
        event = notice.event
        names["at"] = timezone.localtime(event.at).strftime("%d/%m/%Y %H:%M")
        if notice.kind == Kind.RETURNED:
            subject = _("The %(year)d yearly report of %(unit)s was returned for correction")
            lines.append(
                _(
                    "On %(at)s the Department of Justice returned the %(year)d yearly report "
                    "of %(unit)s for correction."
                )
                % names
            )
            lines += ["", _("The reviewer's comment:"), event.comment, ""]
            lines.append(_("Correct the report and submit it again by %(day)s: %(url)s") % names)
        else:
            subject = _("The %(year)d yearly report of %(unit)s was approved")
            lines.append(
                _(
                    "On %(at)s the Department of Justice approved the %(year)d yearly report of "
                    "%(unit)s; its figures are now final."
                )
                % names
            )
            if event.comment:
                lines += ["", _("The reviewer's comment:"), event.comment]
            lines += ["", _("The report: %(url)s") % names]
    lines += [
        "",
        "-- ",
        _(
            "Sent by the grassroots mediation portal of the Department of Justice; do not "
            "reply to this message. Every notice sent to your unit: %(url)s"
        )
        % {"url": site_url(reverse("reports:notices"))},
    ]
    return subject % names, "\n".join(lines)


def _refusal(error: Exception) -> str:
    """What the mail server said, in Vietnamese, for the notice's error."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return _("The mail server refused %(addresses)s: %(reason)s") % {
            "addresses": ", ".join(error.recipients),
            "reason": "; ".join(
                f"{code} {_decode(message)}" for code, message in error.recipients.values()
            ),
        }
    if isinstance(error, smtplib.SMTPResponseException):
        return _("The mail server refused the message: %(reason)s") % {
            "reason": f"{error.smtp_code} {_decode(error.smtp_error)}"
        }
    return _("The message could not be sent: %(reason)s") % {"reason": error}


def _transient(error: Exception) -> bool:
    """A 4xx answer (try later), as opposed to a refusal for good (5xx)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _message in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and 400 <= error.smtp_code < 500


def _decode(message) -> str:
    return message.decode(errors="replace") if isinstance(message, bytes) else str(message)


def _unreachable(error: Exception) -> str:
    return _("The mail server cannot be reached (%(reason)s): nothing was sent.") % {
        "reason": error or type(error).__name__
    }


def encoded_header(text: str) -> str:
    """``text`` as RFC 2047 encoded words (UTF-8, base64, whole characters, at most 45
    bytes each), or as it is when ASCII. Python's email package writes the same but looks
    for the shortest encoding character by character: 1 ms of the 1.4 ms a message took
    to build, 10 s of a deadline day's 10,000 reminders."""
    if text.isascii():
        return text
    data, words, start = text.encode(), [], 0
    while start < len(data):
        end = min(start + 45, len(data))
        while end < len(data) and data[end] & 0xC0 == 0x80:  # inside a character
            end -= 1
        words.append(f"=?utf-8?b?{base64.b64encode(data[start:end]).decode()}?=")
        start = end
    return " ".join(words)


def sender_address() -> str:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((encoded_header(name), address)) if name else address


class NoticeEmail(EmailMessage):
    """An email whose subject is encoded by ``encoded_header``."""

    def message(self, **kwargs):
        subject = self.subject
        self.subject = encoded_header(subject)
        try:
            return super().message(**kwargs)
        finally:
            self.subject = subject


class _Sender:
    """One connection, opened at the first message, reopened once if the server drops it."""

    def __init__(self, connection: BaseEmailBackend | None):
        self.connection = connection or get_connection()
        self.opened = False
        self.address = sender_address()

    def open(self):
        try:
            self.connection.open()
        except (OSError, smtplib.SMTPException) as error:
            raise MailServerUnreachable(_unreachable(error)) from error
        self.opened = True

    def send(self, message: EmailMessage):
        if not self.opened:
            self.open()
        message.connection = self.connection
        try:
            self.connection.send_messages([message])
        except smtplib.SMTPServerDisconnected:
            self.close()
            self.open()
            self.connection.send_messages([message])

    def close(self):
        if self.opened:
            self.opened = False
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.connection.close()


def _latest_events(report_ids) -> dict[int, int]:
    return dict(
        YearlyReport.objects.filter(pk__in=report_ids)
        .annotate(latest=Max("events__pk"))
        .values_list("pk", "latest")
    )


def _send_batch(notices: list[Notice], sender: _Sender, today: date, outcome: Outcome):
    now = timezone.now()
    years = {notice.year for notice in notices}
    units = {notice.unit_id for notice in notices}
    due = services.deadlines(years)
    reports = {
        (report.unit_id, report.year): report
        for report in YearlyReport.objects.filter(unit_id__in=units, year__in=years)
    }
    latest = _latest_events([r.pk for r in reports.values()])
    addresses = recipients(units)
    pending = list(notices)
    try:
        while pending:
            notice = pending.pop(0)
            notice.claim = notice.claimed_at = None
            report = reports.get((notice.unit_id, notice.year))
            notice.report = report or notice.report
            if notice.kind in Notice.REMINDERS:
                moved_on = report is not None and report.status in YearlyReport.FROZEN
            else:
                moved_on = report is None or latest.get(report.pk) != notice.event_id
            if moved_on:
                outcome.skipped += 1
                outcome.lines.append(_("skipped (the report has moved on): %s") % notice)
                continue
            to = addresses.get(notice.unit_id, [])
            if notice.error and notice.recipients and notice.recipients == to:
                # The mail server refused these very addresses before: not again, until
                # staff correct them (the list in the portal shows the refusal).
                outcome.skipped += 1
                outcome.lines.append(
                    _("skipped (these addresses were refused before): %s") % notice
                )
                continue
            notice.subject, notice.body = compose(notice, report, due[notice.year], today)
            notice.recipients = to
            if not notice.recipients:
                notice.error = _(
                    "%(unit)s has no officer with an email address in the portal: the notice "
                    "was not sent. Give the unit's officer account an email address."
                ) % {"unit": notice.unit.name}
                outcome.failed += 1
                outcome.lines.append(f"{notice}: {notice.error}")
                continue
            message = NoticeEmail(notice.subject, notice.body, sender.address, notice.recipients)
            try:
                sender.send(message)
            except MailServerUnreachable:
                pending.insert(0, notice)
                raise
            except (smtplib.SMTPException, ValueError) as error:
                notice.error = _refusal(error)
                if _transient(error):
                    notice.recipients = []  # tried again next time, whoever they are
                outcome.failed += 1
                outcome.refused += 1
                outcome.lines.append(f"{notice}: {notice.error}")
                logger.warning("Notice %s to %s not sent: %s", notice.pk, notice.recipients, error)
                continue
            notice.sent_at, notice.error = now, ""
            outcome.sent += 1
            if outcome.detail:
                outcome.lines.append(
                    _("sent: %(notice)s → %(to)s")
                    % {"notice": notice, "to": ", ".join(notice.recipients)}
                )
    except MailServerUnreachable as error:
        for notice in pending:
            notice.claim = notice.claimed_at = None
            notice.recipients, notice.error = [], str(error)
        raise
    finally:
        _save(notices)


def _save(notices: list[Notice]):
    """Write back what the batch did, in one commit. An upsert on the primary key:
    ``bulk_update`` builds a CASE per field and row, and took ~90 % of the time for
    10,000 reminders."""
    fields = ["report", "recipients", "subject", "body", "sent_at", "error", "claim"]
    with transaction.atomic():
        Notice.objects.bulk_create(
            notices,
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=[*fields, "claimed_at"],
        )


def send_pending(today: date, connection=None, notice_ids=None, detail=False) -> Outcome:
    """Send the unsent notices still worth sending (``notice_ids``: only those)."""
    outcome = Outcome(detail=detail)
    ids = Notice.objects.filter(_sendable(today))
    if notice_ids is not None:
        ids = ids.filter(pk__in=notice_ids)
    ids = list(ids.order_by("pk").values_list("pk", flat=True))
    sender = _Sender(connection)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            for start in range(0, len(ids), BATCH):
                claimed = _claim(ids[start : start + BATCH], timezone.now())
                if claimed:
                    _send_batch(claimed, sender, today, outcome)
        finally:
            sender.close()
    return outcome


def run(today: date, dry_run=False, connection=None, units_for=None, detail=False) -> Outcome:
    """The daily run: record the reminders due today, then send every notice waiting.

    ``dry_run``: the same run inside a transaction rolled back at the end, with a backend
    that keeps the messages instead of sending them: what would be sent, nothing changed.
    """
    if not dry_run:
        created = create_reminders(today, units_for or services.reporting_units)
        outcome = send_pending(today, connection, detail=detail)
        outcome.created = created
        return outcome
    with transaction.atomic():
        created = create_reminders(today, units_for or services.reporting_units)
        outcome = send_pending(today, _KeepBackend(), detail=True)
        outcome.created = created
        transaction.set_rollback(True)
    return outcome


class _KeepBackend(BaseEmailBackend):
    """Sends nothing (a dry run)."""

    def send_messages(self, email_messages):
        return len(email_messages)


def send_now(notice_ids: Iterable[int]):
    """Try to send these notices at once (after a return or an approval commits). A
    failure is recorded on the notice and logged, never raised: the step is done, and the
    daily command tries again."""
    notice_ids = sorted(notice_ids)
    try:
        send_pending(timezone.localdate(), notice_ids=notice_ids)
    except MailServerUnreachable as error:
        logger.warning(
            "Notices %s not sent now; the daily command will retry: %s", notice_ids, error
        )
    except Exception:
        logger.exception("Notices %s not sent now; the daily command will retry", notice_ids)
