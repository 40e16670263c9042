import json as json_module
import sys

from django.core.management.base import BaseCommand

from network.dates import cutoff_date
from plans.models import Plan
from targets.kpi import Kpi
from units.models import AdminUnit


class Command(BaseCommand):
    help = "Print every target of the plan for a year and a unit (DESIGN §5)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--unit", help="GSO code; the root province when left out.")
        parser.add_argument("--json", action="store_true", help="Print JSON (docs/interfaces.md).")

    def handle(self, *args, year, unit, json: bool, **options):
        plan = Plan.objects.current()
        if plan is None or year not in plan.years:
            years = f"{plan.start_year}–{plan.end_year}" if plan else "none loaded"
            return self._fail(f"Year {year} is outside the plan ({years}).")
        # Codes are reused (24 was Bắc Giang, is now Bắc Ninh): a code means the unit that
        # had it on the year's cut-off, or else the last one that had it during the year.
        cutoff = cutoff_date(year)
        if unit:
            target_unit = AdminUnit.objects.by_code(unit, cutoff) or (
                AdminUnit.objects.filter(code=unit, valid_to__year=year)
                .order_by("-valid_to")
                .first()
            )
            if target_unit is None:
                return self._fail(f"Unknown unit code in {year}: {unit}")
        else:
            target_unit = AdminUnit.objects.root_province(cutoff)
            if target_unit is None:
                return self._fail("No province is loaded.")
        kpi = Kpi(year, target_unit)
        results = kpi.results()
        if not json:
            for result in results:
                shown = "n/a" if not result.applies else result.value
                self.stdout.write(f"{result.code:<5} {shown!s:<22} met={result.met}")
            return
        data = {
            "year": year,
            "unit": {
                "code": target_unit.code,
                "name": target_unit.name,
                "level": target_unit.level,
            },
            "cutoff": kpi.cutoff.isoformat(),
            "targets": [result.as_json() for result in results],
        }
        self.stdout.write(json_module.dumps(data, ensure_ascii=False, indent=2))

    def _fail(self, message):
        self.stderr.write(message)
        sys.exit(2)
