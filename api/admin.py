from django.contrib import admin, messages
from django.utils.translation import gettext as _

from accounts.admin_mixins import HistoryAdmin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(HistoryAdmin):
    """Tokens are issued here, per account (superusers: the group permissions of the roles
    hold none), and shown once, on the page after saving."""

    list_display = ["prefix", "user", "name", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["prefix", "name", "user__username"]
    autocomplete_fields = ["user"]
    fields = ["user", "name", "is_active", "prefix", "created_at"]
    readonly_fields = ["prefix", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        # The account a token acts for never changes: issue a new token instead.
        return [*self.readonly_fields, "user"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        token = None if change else obj.issue()
        super().save_model(request, obj, form, change)
        if token:
            messages.warning(
                request,
                _(
                    "The token for %(user)s is: %(token)s — copy it now: it is shown only "
                    "this once and cannot be read again. Send it in the header "
                    "“Authorization: Bearer <token>”."
                )
                % {"user": obj.user, "token": token},
            )
