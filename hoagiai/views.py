from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.templatetags.static import static

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


def favicon(request):
    """Browsers ask for /favicon.ico on every page where no icon is linked (the admin's)."""
    return redirect(static("favicon.svg"))
