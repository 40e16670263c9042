from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_mixins import ScopedAdminMixin, scope_related_queryset

from .models import AdminUnit, MediationTeam, Mediator, Trainer


class ParentUnitFilter(admin.SimpleListFilter):
    """Filter by parent unit, offering only units that have children (province, districts)."""

    title = _("parent unit")
    parameter_name = "parent"

    def lookups(self, request, model_admin):
        parents = scope_related_queryset(
            request.user, AdminUnit.objects.exclude(level=AdminUnit.Level.COMMUNE)
        )
        return [(unit.pk, unit.name) for unit in parents]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(parent_id=self.value())
        return queryset


class ChildUnitInline(admin.TabularInline):
    model = AdminUnit
    fk_name = "parent"
    fields = ["code", "name", "kind", "valid_to"]
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False
    verbose_name = _("unit below")
    verbose_name_plural = _("units below")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AdminUnit)
class AdminUnitAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "level", "parent", "children_link", "valid_to"]
    list_display_links = ["code", "name"]
    list_filter = ["level", "kind", ParentUnitFilter]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent", "successors"]
    list_select_related = ["parent"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["code", "name", "level", "kind", "parent"]}),
        (_("Validity and reorganisation"), {"fields": ["valid_from", "valid_to", "successors"]}),
    ]
    inlines = [ChildUnitInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(children_count=Count("children"))
        return queryset.order_by("code")

    @admin.display(description=_("units below"), ordering="children_count")
    def children_link(self, unit):
        if not unit.children_count:
            return "—"
        url = reverse("admin:network_adminunit_changelist") + f"?parent={unit.pk}"
        return format_html('<a href="{}">{} {}</a>', url, unit.children_count, _("units"))


@admin.register(MediationTeam)
class MediationTeamAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "commune", "ethnic_minority_area", "established_on", "dissolved_on"]
    list_filter = ["ethnic_minority_area", "commune__parent"]
    search_fields = ["name", "commune__name", "commune__code"]
    autocomplete_fields = ["commune"]
    list_select_related = ["commune"]


@admin.register(Mediator)
class MediatorAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["full_name", "team", "role", "sex", "recognised_on", "left_on"]
    list_filter = ["role", "sex", "team__commune__parent"]
    search_fields = ["full_name", "team__name", "team__commune__name"]
    autocomplete_fields = ["team"]
    list_select_related = ["team__commune"]
    date_hierarchy = "recognised_on"


@admin.register(Trainer)
class TrainerAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["full_name", "level", "unit", "agency", "active_from", "active_to"]
    list_filter = ["level", "unit"]
    search_fields = ["full_name", "agency", "unit__name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]
