from django.core.management.base import BaseCommand

from plans import demo


class Command(BaseCommand):
    help = (
        "Give the plan's responsibilities demo statuses and activities (marked as demo) up to "
        "this year. seed_demo --clear removes them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same progress.")

    def handle(self, *args, seed, **options):
        if demo.demo_progress_exists():
            self.stdout.write("Demo progress is already present: nothing done.")
            return
        counts = demo.seed_progress(seed)
        summary = ", ".join(f"{key}: {value}" for key, value in sorted(counts.items()))
        self.stdout.write(f"Demo plan progress created ({summary}).")
