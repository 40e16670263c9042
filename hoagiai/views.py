from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone

from accounts.scoping import scope_for
from plans.models import Plan

from . import home as todo


@login_required
def home(request):
    """What to do now, for the user's role (``hoagiai.home``), and the plan in a line."""
    return render(
        request,
        "home.html",
        {
            "plan": Plan.objects.current(),
            "scope": scope_for(request.user),
            **todo.for_user(request.user, timezone.localdate()),
        },
    )


def favicon(request):
    """Browsers ask for /favicon.ico on every page where no icon is linked (the admin's)."""
    return redirect(static("favicon.svg"))
