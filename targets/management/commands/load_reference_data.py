from django.core.management import call_command
from django.core.management.base import BaseCommand

from units.models import AdminUnit

FIXTURES = ["units_bac_giang", "plan", "targets"]


class Command(BaseCommand):
    help = (
        "Load the plan, Bắc Giang's units and the targets into an empty database, each row "
        "with its first history entry. A database that has units is left as it is: loading "
        "again would put back what happened since (the units ended on 30/6/2025, the "
        "targets the Department edited)."
    )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        if AdminUnit.objects.exists():
            if verbosity >= 1:
                self.stdout.write("Reference data already loaded: nothing changed.")
            return
        call_command("loaddata", *FIXTURES, verbosity=verbosity)
        # Fixtures load without history; the first entry of each row, once.
        call_command("populate_history", auto=True, verbosity=verbosity)
