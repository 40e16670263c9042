from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.backup import backup


class Command(BaseCommand):
    help = (
        "Write the whole portal (every row with its audit history, users, groups, and the "
        "uploaded evidence files) to one .tar.gz archive; `restore` loads it back."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help="Where to write (default: hoagiai-backup-YYYYMMDD-HHMM.tar.gz here).",
        )

    def handle(self, *args, path, **options):
        target = Path(path or f"hoagiai-backup-{timezone.localtime():%Y%m%d-%H%M}.tar.gz")
        counts = backup(target)
        self.stdout.write(
            f"Backup written to {target}: {counts['rows']:,} rows, {counts['files']} files."
        )
