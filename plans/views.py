from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render

from .models import Plan, Task, TaskGroup


@login_required
def plan_overview(request):
    """The plan's section III as a table: each task with its agencies and timeline."""
    groups = TaskGroup.objects.prefetch_related(
        Prefetch("tasks", queryset=Task.objects.with_agencies())
    )
    plan = Plan.objects.prefetch_related(Prefetch("groups", queryset=groups)).first()
    if plan is None:
        raise Http404
    return render(request, "plans/overview.html", {"plan": plan})
