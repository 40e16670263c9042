"""Requests no page can answer, refused before any view sees them."""

from django.core.exceptions import SuspiciousOperation


class NullCharacterInQuery(SuspiciousOperation):
    """A NUL in the query string: no filter or search ever holds one, and PostgreSQL refuses
    it in any text it is sent (a server error on every list filtered by text)."""


def reject_null_characters(get_response):
    """Answers a query string holding a NUL with a 400 (the Vietnamese page), logged as
    suspicious (django.security)."""

    def middleware(request):
        if any("\x00" in "".join([key, *values]) for key, values in request.GET.lists()):
            raise NullCharacterInQuery("NUL character in the query string")
        return get_response(request)

    return middleware
