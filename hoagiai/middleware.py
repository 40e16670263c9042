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


def method_not_allowed_page(get_response):
    """Django answers a GET to a POST-only view (logging out, a report's workflow step) with
    an empty 405 — a blank page in the browser. It gets the site's Vietnamese page instead,
    with a way back; the ``Allow`` header stays."""
    from django.template.loader import render_to_string

    def middleware(request):
        response = get_response(request)
        if response.status_code == 405 and not response.content:
            response.content = render_to_string("405.html", request=request)
            response["Content-Type"] = "text/html; charset=utf-8"
        return response

    return middleware
