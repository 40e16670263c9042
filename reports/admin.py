from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_mixins import ScopedAdminMixin
from network.admin import district_filter
from network.figures import FIELDS

from .models import CommuneYear


@admin.register(CommuneYear)
class CommuneYearAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
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
    autocomplete_fields = ["commune"]
    list_select_related = ["commune"]
    # The registry counts are kept current from the registry (reports.figures): shown, never
    # typed. People enter the case figures.
    readonly_fields = FIELDS
    fieldsets = [
        (None, {"fields": ["commune", "year"]}),
        (
            _("Cases"),
            {
                "fields": [
                    "cases_received",
                    "cases_successful",
                    "cases_unsuccessful",
                    "cases_in_progress",
                    "note",
                ]
            },
        ),
        (_("Counted from the registry"), {"fields": FIELDS}),
    ]

    @admin.display(description=_("success rate"))
    def rate(self, figures):
        rate = figures.success_rate
        return "—" if rate is None else f"{rate:.1%}".replace(".", ",")
