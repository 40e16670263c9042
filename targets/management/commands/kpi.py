import json as json_module
import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from targets.kpi import KpiRequestError, kpi_as_json, kpi_for
from targets.templatetags.kpi import status_label


class Command(BaseCommand):
    help = "Print every target of the plan for a year and a unit (DESIGN §5)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--unit", help="GSO code; the root province when left out.")
        parser.add_argument("--json", action="store_true", help="Print JSON (docs/interfaces.md).")

    def handle(self, *args, year, unit, json: bool, **options):
        try:
            kpi = kpi_for(year, unit)
        except KpiRequestError as error:
            # The message on stderr, exit code 2 (a bad year, unit or set-up).
            self.stderr.write(str(error))
            sys.exit(2)
        if json:
            data = kpi_as_json(kpi)
            self.stdout.write(json_module.dumps(data, ensure_ascii=False, indent=2))
            return
        for result in kpi.results():
            shown = result.value if result.applies else _("not applicable")
            verdict = status_label(result.met, result.applies)
            self.stdout.write(f"{result.code:<5} {_none(shown)!s:<22} {verdict}")


def _none(value):
    return "—" if value is None else value
