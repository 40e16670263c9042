"""Read the plan as plain data: used by ``manage.py plan --json`` and anything else that
needs the plan outside the ORM."""

from django.db.models import Prefetch

from .models import Plan, Task, TaskGroup


def plan_as_dict(plan: Plan) -> dict:
    """The plan in the shape of DESIGN §5; every key is always present."""
    groups = TaskGroup.objects.filter(plan=plan).prefetch_related(
        Prefetch("tasks", queryset=Task.objects.with_agencies())
    )
    return {
        "plan": {
            "title": plan.title,
            "decision": plan.decision,
            "start_year": plan.start_year,
            "end_year": plan.end_year,
        },
        "groups": [
            {
                "number": str(group.number),
                "title": group.title,
                "tasks": [_task_as_dict(task) for task in group.tasks.all()],
            }
            for group in groups
        ],
    }


def _task_as_dict(task: Task) -> dict:
    lead_labels = {link.role_label for link in task.agency_links.all() if link.role_label}
    return {
        "number": task.number,
        "heading": task.heading,
        "text": task.text,
        "lead": [agency.name for agency in task.leads],
        "lead_role": lead_labels.pop() if lead_labels else "chủ trì",
        "partners": [agency.name for agency in task.partners],
        "timeline": {
            "kind": task.timeline_kind,
            "start_year": task.start_year,
            "end_year": task.end_year,
            "milestones": [
                {"year": milestone.year, "label": milestone.label}
                for milestone in task.milestones.all()
            ],
        },
    }
