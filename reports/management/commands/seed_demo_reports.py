from django.core.management.base import BaseCommand, CommandError

from reports import demo


class Command(BaseCommand):
    help = (
        "Open and move Bắc Giang's demo yearly reports through the workflow (marked is_demo), "
        "on top of the demo registry built by seed_demo. seed_demo --clear removes them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same reports.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when demo reports are already present (for the run script).",
        )

    def handle(self, *args, seed, if_empty, **options):
        if demo.demo_reports_exist():
            if if_empty:
                self.stdout.write("Demo reports are already present: nothing done.")
                return
            raise CommandError("Demo reports are already present: run seed_demo --clear first.")
        counts = demo.seed_reports(seed)
        summary = ", ".join(f"{status}: {count}" for status, count in sorted(counts.items()))
        self.stdout.write(f"Demo yearly reports created ({summary}).")
