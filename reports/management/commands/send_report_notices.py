"""The daily run of the yearly-report emails (README, "Report reminders and notices")."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from reports import notices


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(
            _("--today takes a date as YYYY-MM-DD, not %(value)s.") % {"value": value}
        ) from error


class Command(BaseCommand):
    help = (
        "Record and send the yearly-report reminders due today (7 days and 1 day before the "
        "deadline, the day after) and every return or approval notice not sent yet."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Run as on this day (YYYY-MM-DD); default today.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what would be sent; send and record nothing.",
        )

    def handle(self, *args, today=None, dry_run=False, verbosity=1, **options):
        day = _day(today) if today else timezone.localdate()
        try:
            outcome = notices.run(day, dry_run=dry_run, detail=verbosity > 1)
        except notices.MailServerUnreachable as error:
            raise CommandError(str(error)) from error
        if verbosity > 1 or dry_run:
            for line in outcome.lines:
                self.stdout.write(line)
        summary = _("Sent: %(sent)d, failed: %(failed)d, skipped: %(skipped)d.") % {
            "sent": outcome.sent,
            "failed": outcome.failed,
            "skipped": outcome.skipped,
        }
        if dry_run:
            summary = _("Dry run, nothing was sent or recorded. %(summary)s") % {"summary": summary}
        self.stdout.write(summary)
        if outcome.refused and not outcome.sent:
            raise CommandError(
                _("The mail server refused every message (%(count)d): see the errors above.")
                % {"count": outcome.refused}
            )
