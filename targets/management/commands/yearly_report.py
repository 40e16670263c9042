import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from plans.models import Plan
from targets import yearly_document as document


class Command(BaseCommand):
    help = (
        "Write the Department of Justice's yearly report as a Word document "
        "(Decree 30/2020/NĐ-CP), from the approved reports' figures."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--out", required=True, help="The .docx file to write.")

    def handle(self, *args, year, out, **options):
        plan = Plan.objects.current()
        if plan is None:
            return self._fail(_("No plan is loaded: load it first (manage.py loaddata plan)."))
        if year not in plan.years:
            return self._fail(
                _("Year %(year)d is outside the plan (%(first)d–%(last)d).")
                % {"year": year, "first": plan.start_year, "last": plan.end_year}
            )
        path = Path(out)
        if not path.parent.is_dir():
            return self._fail(_("The folder %(folder)s does not exist.") % {"folder": path.parent})
        content, built = document.render(year)
        path.write_bytes(content)
        if built.is_draft:
            self.stdout.write(
                _("Wrote %(path)s: a DRAFT, %(count)d of %(total)d reporting units not approved.")
                % {"path": path, "count": len(built.unapproved), "total": len(built.reporters)}
            )
        else:
            self.stdout.write(
                _("Wrote %(path)s: every report of %(year)d is approved.")
                % {"path": path, "year": year}
            )

    def _fail(self, message):
        """The message on stderr, exit code 2 (as ``kpi``)."""
        self.stderr.write(message)
        sys.exit(2)
