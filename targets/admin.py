from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import HistoryAdmin

from .models import Target


@admin.register(Target)
class TargetAdmin(HistoryAdmin):
    list_display = ["code", "title", "threshold_display", "deadline_year", "scope", "task"]
    list_display_links = ["code", "title"]
    list_filter = ["scope", "value_kind", "deadline_year"]
    search_fields = ["code", "title", "plan_text"]
    autocomplete_fields = ["task"]
    fieldsets = [
        (None, {"fields": ["code", "position", "title", "plan_text", "source_clause", "task"]}),
        (
            _("Measure"),
            {
                "fields": [
                    "measure",
                    "value_kind",
                    "comparator",
                    "threshold",
                    "threshold_upper",
                    "deadline_year",
                    "scope",
                ]
            },
        ),
        (
            _("After the district level ended (1/7/2025)"),
            {"fields": ["replaces", "from_year"]},
        ),
    ]

    @admin.display(description=_("met when"))
    def threshold_display(self, target):
        return target.requirement_text
