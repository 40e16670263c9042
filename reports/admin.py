from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import HistoryAdmin, ScopedAdminMixin
from hoagiai.numbers import percent
from network.admin import district_filter

from .models import CASE_FIELDS, REGISTRY_FIELDS, CommuneYear, ReportDeadline, YearlyReport


class ReadOnlyAdminMixin:
    """Rows that change only through the yearly report pages (and their workflow)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        # Every field, the non-editable ones too: the history page builds a form from them.
        return [field.name for field in self.model._meta.fields]


@admin.register(CommuneYear)
class CommuneYearAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, HistoryAdmin):
    list_display = [
        "commune",
        "year",
        "cases_received",
        "cases_successful",
        "cases_unsuccessful",
        "cases_in_progress",
        "rate",
    ]
    list_filter = ["year", district_filter("commune__parent")]
    search_fields = ["commune__name__unaccent", "commune__code"]
    list_select_related = ["commune"]
    fieldsets = [
        (None, {"fields": ["commune", "year", "corrected_fields"]}),
        (_("Cases"), {"fields": [*CASE_FIELDS, "note"]}),
        (_("Counted from the registry"), {"fields": [*REGISTRY_FIELDS, "new_pending"]}),
    ]

    @admin.display(description=_("success rate"))
    def rate(self, figures):
        rate = figures.success_rate
        return percent(rate)


@admin.register(YearlyReport)
class YearlyReportAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, HistoryAdmin):
    list_display = ["unit", "year", "status", "submitted_at", "approved_at", "page"]
    list_filter = ["year", "status"]
    search_fields = ["unit__name__unaccent", "unit__code"]
    list_select_related = ["unit"]
    exclude = []

    @admin.display(description=_("report page"))
    def page(self, report):
        url = reverse("reports:report", args=[report.unit.code, report.year])
        return format_html('<a href="{}">{}</a>', url, _("Open"))


@admin.register(ReportDeadline)
class ReportDeadlineAdmin(HistoryAdmin):
    list_display = ["year", "due_on"]
