from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import HistoryAdmin

from .models import DataExport, User


class UserChangeForm(DjangoUserChangeForm):
    def clean(self):
        cleaned = super().clean()
        # User.clean checks the unit against the roles chosen here (groups are saved later).
        if "groups" in cleaned:
            self.instance.pending_roles = frozenset(group.name for group in cleaned["groups"])
        return cleaned


@admin.register(User)
class UserAdmin(HistoryAdmin, DjangoUserAdmin):
    form = UserChangeForm
    list_display = ["username", "get_full_name", "roles", "unit", "is_active", "last_login"]
    list_filter = ["groups", "is_active", "is_staff", "unit"]
    search_fields = ["username", "first_name", "last_name", "email", "unit__name"]
    autocomplete_fields = ["unit"]
    fieldsets = [
        DjangoUserAdmin.fieldsets[0],
        (
            DjangoUserAdmin.fieldsets[1][0],
            {"fields": [*DjangoUserAdmin.fieldsets[1][1]["fields"], "phone"]},
        ),
        (_("Role and area"), {"fields": ["groups", "unit"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("unit").prefetch_related("groups")

    @admin.display(description=_("roles"))
    def roles(self, user):
        return ", ".join(user.role_labels)


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin):
    """The log of exports of personal data: read by Sở Tư pháp, written only by exports."""

    list_display = ["at", "user", "what", "rows", "filters", "address"]
    list_filter = ["what"]
    search_fields = ["user__username", "user__last_name", "user__first_name"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
