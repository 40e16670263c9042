from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.scoping import scope_for
from plans.models import Plan
from targets.models import Target


@login_required
def home(request):
    return render(
        request,
        "home.html",
        {
            "plan": Plan.objects.current(),
            "targets": Target.objects.all(),
            "scope": scope_for(request.user),
        },
    )
