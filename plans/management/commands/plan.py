import json

from django.core.management.base import BaseCommand, CommandError

from plans.models import Plan
from plans.services import plan_as_dict


class Command(BaseCommand):
    help = "Print the plan: its groups and tasks with lead and partner agencies and timeline."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print JSON (DESIGN §5).")

    def handle(self, *args, **options):
        plan = Plan.objects.current()
        if plan is None:
            raise CommandError("No plan is loaded. Run: manage.py loaddata plan", returncode=2)
        data = plan_as_dict(plan)
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(data["plan"]["title"])
        for group in data["groups"]:
            self.stdout.write(f"\n{group['number']}. {group['title']}")
            for task in group["tasks"]:
                timeline = task["timeline"]
                years = f"{timeline['start_year']}–{timeline['end_year']}"
                self.stdout.write(
                    f"  {task['number']:<5} {years}  chủ trì: {', '.join(task['lead'])}"
                )
