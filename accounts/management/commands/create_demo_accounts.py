from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import create_demo_accounts
from accounts.models import Role


class Command(BaseCommand):
    help = "Create or reset one demo account per role and print the passwords (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts are for development only: DEBUG is off.")
        self.stdout.write("Demo accounts (development only; passwords change on every run):")
        for username, password, role in create_demo_accounts():
            if password is None:
                reason = (
                    "đơn vị cấp xã của tài khoản không còn tồn tại"
                    if role == Role.COMMUNE_OFFICER
                    else "không còn cấp huyện từ 01/7/2025, tài khoản đã ngừng hoạt động"
                )
                self.stdout.write(f"  {username:<12} {'—':<14} {role.label}: {reason}")
                continue
            self.stdout.write(f"  {username:<12} {password:<14} {role.label}")
