import time

from django.core.management.base import BaseCommand, CommandError

from network import demo

# History rows for every demo row (DESIGN §6: bulk paths write history too), at both scales:
# measured on SQLite and PostgreSQL, history keeps the national scale within a few minutes.
HISTORY = {demo.PROVINCE: True, demo.NATIONAL: True}


class Command(BaseCommand):
    help = (
        "Build a deterministic, realistic demo data set marked is_demo: Bắc Giang's real units "
        "(province scale) or Bắc Giang plus 62 synthetic provinces (national scale). "
        "--clear removes the demo data and nothing else."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=demo.SCALES,
            help="province: ≈ 2,500 teams and 17,000 mediators in Bắc Giang; "
            "national: ≈ 87,000 teams and 550,000 mediators over 63 provinces.",
        )
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data (default 1).")
        parser.add_argument(
            "--clear",
            action="store_true",
            help="Remove the demo data (rows marked is_demo, their attendance and history). "
            "With --scale, build a new set afterwards.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when demo data is already present (for the run script).",
        )

    def handle(self, *args, scale, seed, clear, if_empty, **options):
        self.verbosity = options["verbosity"]
        if not scale and not clear:
            raise CommandError("Give --scale province|national, or --clear to remove demo data.")
        started = time.monotonic()
        try:
            if demo.demo_exists():
                if if_empty and not clear:
                    self.stdout.write(
                        "Demo data is already present: nothing done "
                        "(manage.py seed_demo --clear removes it)."
                    )
                    return
                if not clear:
                    self.stdout.write("Demo data is already present: clearing it first.")
                self._report("Removed", demo.clear_demo(), started)
            elif clear:
                self.stdout.write("No demo data to remove.")
            if not scale:
                return
            started = time.monotonic()
            self.stdout.write(f"Seeding the {scale}-scale demo data (seed {seed}) …")
            counts = demo.seed_demo(scale, seed, history=HISTORY[scale], progress=self._progress)
        except demo.DemoError as error:
            raise CommandError(str(error)) from error
        self._report("Created", counts, started)
        self.stdout.write(
            "History: one record per row." if HISTORY[scale] else "History: not written."
        )

    def _progress(self, message):
        if self.verbosity >= 2:
            self.stdout.write(message)

    def _report(self, verb, counts, started):
        self.stdout.write(f"{verb} in {time.monotonic() - started:.1f} s:")
        for label, count in sorted(counts.items()):
            self.stdout.write(f"  {count:>9,}  {label}")
        self.stdout.write(f"  {sum(counts.values()):>9,}  rows in all")
