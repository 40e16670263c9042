from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from . import officers
from .models import Role


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lock-out page, in Vietnamese, saying how long the wait is."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"cooloff_minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


class OfficerListForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx or .xls)"))
    send_email = forms.BooleanField(
        label=_("Send a set-password email"),
        required=False,
        help_text=_(
            "For the rows with an email: the officer sets a password from a link in the email "
            "instead of receiving a one-time password."
        ),
    )


def can_create_officers(user) -> bool:
    return user.is_superuser or user.has_role(Role.PROVINCE_STAFF)


@never_cache
@login_required
def commune_officers(request):
    """Province staff create commune officers from an Excel list, all or nothing."""
    if not can_create_officers(request.user):
        raise PermissionDenied
    form = OfficerListForm(request.POST or None, request.FILES or None)
    context = {"form": form, "headers": [str(column[1]) for column in officers.COLUMNS]}
    if request.method != "POST":
        return render(request, "accounts/commune_officers.html", context)
    if not form.is_valid():
        return render(request, "accounts/commune_officers.html", context, status=400)
    upload = form.cleaned_data["file"]
    plan = officers.read_officers(upload)
    if not plan.ok:
        context.update(plan=plan, filename=upload.name)
        return render(request, "accounts/commune_officers.html", context, status=400)
    created = officers.create_officers(plan, request, form.cleaned_data["send_email"])
    return render(request, "accounts/commune_officers_done.html", {"created": created})
