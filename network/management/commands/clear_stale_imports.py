from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

from network.admin_excel import IMPORTS_DIR


class Command(BaseCommand):
    help = "Delete uploaded Excel files whose import was previewed but never confirmed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours", type=int, default=24, help="Keep files younger than this (default 24)."
        )

    def handle(self, *args, hours, **options):
        if not default_storage.exists(IMPORTS_DIR):
            return
        limit = timezone.now() - timedelta(hours=hours)
        _dirs, files = default_storage.listdir(IMPORTS_DIR)
        removed = 0
        for name in files:
            path = f"{IMPORTS_DIR}/{name}"
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
                removed += 1
        self.stdout.write(f"Removed {removed} unconfirmed upload(s) older than {hours} h.")
