"""Requests no page can answer, refused before any view sees them."""

import logging

from django.core.exceptions import SuspiciousOperation
from django.http import JsonResponse
from django.utils.translation import gettext as _


class NullCharacterInQuery(SuspiciousOperation):
    """A NUL in the query string: no filter or search ever holds one, and PostgreSQL refuses
    it in any text it is sent (a server error on every list filtered by text)."""


def reject_null_characters(get_response):
    """Answers a query string holding a NUL with a 400 (the Vietnamese page; JSON for the
    API), logged as suspicious (django.security)."""

    def middleware(request):
        if any("\x00" in "".join([key, *values]) for key, values in request.GET.lists()):
            if request.path.startswith("/api/"):
                # Logged as Django logs the exception it would otherwise raise.
                logging.getLogger("django.security.NullCharacterInQuery").error(
                    "NUL character in the query string"
                )
                return JsonResponse(
                    {"detail": _("The address holds a character no parameter may contain.")},
                    status=400,
                )
            raise NullCharacterInQuery("NUL character in the query string")
        return get_response(request)

    return middleware
