"""Access tokens for the registry endpoints of the JSON API (/api/v1/).

A token acts for one account, with exactly that account's scope (accounts.scoping). Only a
hash of it is stored: the token itself is shown once, when it is issued in the admin.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

PREFIX_LENGTH = 8


def hash_token(token: str) -> str:
    """The stored form of a token. A token is 256 random bits: a plain SHA-256 cannot be
    reversed or guessed, and looks it up in one indexed query (no slow password hash)."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def user_for(self, token: str):
        """The active account an active token acts for, or None."""
        found = (
            self.filter(key_hash=hash_token(token), is_active=True, user__is_active=True)
            .select_related("user")
            .first()
        )
        return found.user if found else None


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text=_("The token reads what this account may read, and nothing more."),
    )
    name = models.CharField(
        _("purpose"),
        max_length=120,
        help_text=_("What the token is for, e.g. the software that uses it."),
    )
    prefix = models.CharField(
        _("first characters"),
        max_length=PREFIX_LENGTH,
        editable=False,
        help_text=_("To recognise the token; the rest is not kept."),
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Untick to revoke the token at once.")
    )
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["key_hash"])
    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    def issue(self) -> str:
        """Give the token a new secret and return it: the only time it can be read."""
        token = secrets.token_urlsafe(32)
        self.prefix = token[:PREFIX_LENGTH]
        self.key_hash = hash_token(token)
        return token
