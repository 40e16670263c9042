from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import create_demo_accounts


class Command(BaseCommand):
    help = "Create or reset one demo account per role and print the passwords (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts are for development only: DEBUG is off.")
        self.stdout.write("Demo accounts (development only; passwords change on every run):")
        for username, password, role in create_demo_accounts():
            if password is None:
                self.stdout.write(
                    f"  {username:<12} {'—':<14} {role.label}: "
                    "không còn cấp huyện từ 01/7/2025, tài khoản đã ngừng hoạt động"
                )
                continue
            self.stdout.write(f"  {username:<12} {password:<14} {role.label}")
