from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.backup import restore
from units.models import AdminUnit


class Command(BaseCommand):
    help = (
        "Load a `backup` archive into a freshly migrated, empty database (all or nothing): "
        "create the database, run `migrate`, then this."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The .tar.gz archive written by `backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore even though the database already holds units (rows with the same "
            "ids are overwritten).",
        )

    def handle(self, *args, path, force, **options):
        if not Path(path).is_file():
            raise CommandError(f"No backup archive at {path}.")
        if AdminUnit.objects.exists() and not force:
            raise CommandError(
                "The database is not empty: restore into a freshly migrated database "
                "(or pass --force to overwrite rows with the same ids)."
            )
        counts = restore(Path(path))
        self.stdout.write(f"Restored {counts['rows']:,} rows and {counts['files']} files.")
