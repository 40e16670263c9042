from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render

from .models import Plan, Task, TaskAgency, TaskGroup


@login_required
def plan_overview(request):
    """The plan's section III as a table: each task with its agencies and timeline."""
    links = TaskAgency.objects.select_related("agency").order_by("role", "position")
    tasks = Task.objects.prefetch_related(Prefetch("agency_links", queryset=links), "milestones")
    groups = TaskGroup.objects.prefetch_related(Prefetch("tasks", queryset=tasks))
    plan = Plan.objects.prefetch_related(Prefetch("groups", queryset=groups)).first()
    if plan is None:
        raise Http404
    return render(request, "plans/overview.html", {"plan": plan})
