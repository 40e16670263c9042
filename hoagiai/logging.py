"""What every log line says about the request it came from: its path and the user's id."""

import logging

from django.contrib.auth import SESSION_KEY
from django.utils.functional import empty


class RequestContextFilter(logging.Filter):
    """Adds ``path`` and ``user_id`` to each record ("-" outside a request or for a visitor).

    Django passes the request with the errors it logs (``django.request``). The user is read
    only when the request has loaded it already: logging must never query the database that
    may be what failed."""

    def filter(self, record):
        request = getattr(record, "request", None)
        record.path = getattr(request, "path", None) or "-"
        record.user_id = _user_id(request)
        return True


def _user_id(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "_wrapped", None) is not empty:
        return str(user.pk) if user.is_authenticated else "-"
    session = getattr(request, "session", None)
    if session is not None and hasattr(session, "_session_cache"):  # read already
        return str(session.get(SESSION_KEY) or "-")
    return "-"
