from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from reports import reform

SHOWN = ("teams", "mediators", "cases_received")
LABELS = {
    "teams": gettext_lazy("teams"),
    "mediators": gettext_lazy("mediators"),
    "legal supports": gettext_lazy("legal supports"),
    "trainers": gettext_lazy("trainers"),
    "trainings": gettext_lazy("trainings"),
    "attendance": gettext_lazy("mediator attendance"),
    "commune-year rows": gettext_lazy("commune-year lines"),
    "commune-year figures": gettext_lazy("teams/mediators/cases"),
    "units loaded": gettext_lazy("units loaded"),
    "units ended": gettext_lazy("units ended on 30/06/2025"),
    "successions set by a person": gettext_lazy("successions set by a person"),
    "teams re-homed": gettext_lazy("teams moved to their new commune"),
    "teams renamed": gettext_lazy("teams renamed (a namesake in the new commune)"),
    "trainers moved or ended": gettext_lazy("provincial trainers moved, district trainers ended"),
    "pilot designations": gettext_lazy("pilot designations carried over"),
    "model communes": gettext_lazy("model-commune recognitions moved"),
    "commune-year rows merged": gettext_lazy("commune-year lines summed into the new communes"),
    "accounts deactivated": gettext_lazy("district officers' accounts deactivated"),
    "agencies renamed": gettext_lazy("agencies renamed"),
    "plan activities": gettext_lazy("activities reported on the plan"),
    "plan rows added": gettext_lazy("plan progress rows added (communes)"),
    "plan rows removed": gettext_lazy("plan progress rows removed (districts after 2025)"),
}


def label(key):
    """ "commune-year figures 2025" → its label and year."""
    name, _sep, year = key.rpartition(" ")
    if year.isdigit() and name in LABELS:
        return f"{LABELS[name]} {year}"
    return str(LABELS.get(key, key))


class Command(BaseCommand):
    help = (
        "Carry the portal across the 1/7/2025 arrangement of administrative units: load the "
        "new Tỉnh Bắc Ninh, end the old units, re-home the registry (all or nothing; a second "
        "run changes nothing)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--successor",
            action="append",
            default=[],
            metavar="OLD=NEW",
            help="The new commune that took an old commune missing from the official table, "
            "as decided by the Department (e.g. 07693=07682). Repeat for each.",
        )
        parser.add_argument(
            "--by",
            metavar="USERNAME",
            help="The account the history records the step under (the Department's).",
        )

    def handle(self, *args, successor, by, **options):
        user = None
        if by:
            user = User.objects.filter(username=by).first()
            if user is None:
                raise CommandError(_("No account is named %(name)s.") % {"name": by})
        successors = {}
        for pair in successor:
            old, sep, new = pair.partition("=")
            if not sep or not old.strip() or not new.strip():
                raise CommandError(
                    _("--successor %(pair)s: write it as OLD_CODE=NEW_CODE.") % {"pair": pair}
                )
            successors[old.strip()] = new.strip()
        try:
            outcome = reform.apply(successors, user)
        except reform.ReformError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{reform.REASON}")
        width = max((len(label(key)) for key in outcome.before), default=0)
        before_label, after_label = _("before"), _("after")
        self.stdout.write(f"  {'':<{width}}  {before_label:>18}  {after_label:>18}")
        for key in sorted(outcome.before):
            before, after = outcome.before[key], outcome.after[key]
            if isinstance(before, dict):
                # A year's figures (every one is compared): teams, mediators, cases shown.
                before, after = (
                    "/".join(str(figures[name]) for name in SHOWN) for figures in (before, after)
                )
            self.stdout.write(f"  {label(key):<{width}}  {before:>18}  {after:>18}")
        if not outcome.changed_anything:
            self.stdout.write(_("Applied before: nothing changed."))
            return
        for key, count in outcome.changes.items():
            if count:
                self.stdout.write(f"  {label(key)}: {count}")
        self.stdout.write(self.style.SUCCESS(_("Applied; the counts before and after match.")))
