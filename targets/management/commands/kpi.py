import json as json_module
import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from network.dates import cutoff_date
from plans.models import Plan
from targets.kpi import Kpi
from targets.templatetags.kpi import status_label
from units.models import AdminUnit


class Command(BaseCommand):
    help = "Print every target of the plan for a year and a unit (DESIGN §5)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--unit", help="GSO code; the root province when left out.")
        parser.add_argument("--json", action="store_true", help="Print JSON (docs/interfaces.md).")

    def handle(self, *args, year, unit, json: bool, **options):
        plan = Plan.objects.current()
        if plan is None:
            return self._fail(_("No plan is loaded: load it first (manage.py loaddata plan)."))
        if year not in plan.years:
            return self._fail(
                _("Year %(year)d is outside the plan (%(first)d–%(last)d).")
                % {"year": year, "first": plan.start_year, "last": plan.end_year}
            )
        # Codes are reused (24 was Bắc Giang, is now Bắc Ninh): a code means the unit that
        # had it on the year's cut-off, or else the last one that had it during the year.
        cutoff = cutoff_date(year)
        if unit is not None:
            # An empty code (--unit '') is a code like any other, and no unit has it: refused,
            # never read as "the province".
            target_unit = AdminUnit.objects.by_code(unit, cutoff) or (
                AdminUnit.objects.filter(code=unit, valid_to__year=year)
                .order_by("-valid_to")
                .first()
            )
            if target_unit is None:
                return self._fail(
                    _("No unit has the code “%(code)s” in %(year)d.") % {"code": unit, "year": year}
                )
        else:
            target_unit = AdminUnit.objects.root_province(cutoff)
            if target_unit is None:
                return self._fail(_("No province is loaded."))
        kpi = Kpi(year, target_unit)
        results = kpi.results()
        if not json:
            for result in results:
                shown = result.value if result.applies else _("not applicable")
                verdict = status_label(result.met, result.applies)
                self.stdout.write(f"{result.code:<5} {_none(shown)!s:<22} {verdict}")
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
        """The message on stderr, exit code 2 (a bad year, unit or set-up)."""
        self.stderr.write(message)
        sys.exit(2)


def _none(value):
    return "—" if value is None else value
