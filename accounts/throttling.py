"""Login throttling (django-axes) behind a reverse proxy.

Behind nginx every request comes from the proxy's address, so axes, keyed on username and
address, would let five failures from anyone lock that account for everyone. The client's
address is taken from ``X-Forwarded-For`` instead, but only when the request comes from a proxy
listed in ``TRUSTED_PROXIES``, and only the hops those proxies appended: whatever a client writes
into the header itself sits to their left and is never believed.

(django-ipware, axes' optional helper, counts the proxies inside the header rather than trusting
the proxy that connects, and returns no address at all for the usual one-proxy set-up, which
would put every client in one lock again.)

Two limits: ``AXES_FAILURE_LIMIT`` failures for one username from one address, and
``AXES_ADDRESS_FAILURE_LIMIT`` (higher: an office shares one address) from one address across
all usernames, so guessing many accounts from one place is stopped too. axes compares every
lock-out parameter with one limit; the handler below gives the address its own.
"""

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Sum


def _trusted(address, proxies) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_ip(request) -> str:
    """The client's address: the right-most hop not itself a trusted proxy (axes calls it)."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    while hops and _trusted(address, proxies):
        hop = hops.pop().strip()
        try:
            address = str(ipaddress.ip_address(hop))
        except ValueError:
            break  # a trusted proxy never writes this: keep the last address we can vouch for
    return address


class ThrottlingHandler(AxesDatabaseHandler):
    """axes' database handler with a limit of its own for an address across usernames."""

    def get_failures(self, request, credentials=None) -> int:
        # Each parameter's failures, scaled onto AXES_FAILURE_LIMIT: an address alone reaches
        # the limit when it reaches AXES_ADDRESS_FAILURE_LIMIT.
        limit = get_failure_limit(request, credentials)
        counts = []
        for parameter, attempts in zip(
            settings.AXES_LOCKOUT_PARAMETERS,
            self.get_user_attempts(request, credentials),
            strict=True,
        ):
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            if parameter == "ip_address":
                failures = failures * limit // settings.AXES_ADDRESS_FAILURE_LIMIT
            counts.append(failures)
        return max(counts, default=0)

    def reset_user_attempts(self, request, credentials=None) -> int:
        # A good login clears its own username's failures, never its address's: one valid
        # account must not wipe the count of guesses at the others.
        attempts = self.filter_user_attempts(request, credentials)
        count = 0
        for parameter, queryset in zip(settings.AXES_LOCKOUT_PARAMETERS, attempts, strict=True):
            if parameter != "ip_address":
                count += queryset.delete()[0]
        return count
