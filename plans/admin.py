from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import (
    HistoryAdmin,
    IdListFilter,
    PlainTextAdminMixin,
    ScopedAdminMixin,
)

from .models import (
    Activity,
    Agency,
    Evidence,
    Milestone,
    Plan,
    Responsibility,
    Task,
    TaskAgency,
    TaskGroup,
)


class TaskGroupInline(PlainTextAdminMixin, admin.TabularInline):
    model = TaskGroup
    fields = ["number", "title"]
    extra = 0
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(HistoryAdmin):
    list_display = ["title", "decision", "start_year", "end_year", "whole_province_from"]
    search_fields = ["title", "decision"]
    inlines = [TaskGroupInline]


class TaskInline(PlainTextAdminMixin, admin.TabularInline):
    model = Task
    fields = ["number", "text", "timeline_kind", "start_year", "end_year"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(TaskGroup)
class TaskGroupAdmin(HistoryAdmin):
    list_display = ["number", "title", "task_count"]
    list_display_links = ["number", "title"]
    list_filter = ["plan"]
    search_fields = ["title"]
    inlines = [TaskInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(task_count=Count("tasks"))

    @admin.display(description=_("tasks"), ordering="task_count")
    def task_count(self, group):
        return group.task_count


class TaskGroupFilter(IdListFilter):
    """Groups by number with a shortened title: the full titles run to several lines."""

    title = _("task group")
    parameter_name = "group"

    def lookups(self, request, model_admin):
        return [(group.pk, Truncator(str(group)).chars(48)) for group in TaskGroup.objects.all()]

    def queryset(self, request, queryset):
        if chosen := self.id_value():
            return queryset.filter(group_id=chosen)
        return queryset


class AgencyFilter(IdListFilter):
    title = _("agency")
    parameter_name = "agency"

    def lookups(self, request, model_admin):
        return [(agency.pk, agency.name) for agency in Agency.objects.all()]

    def queryset(self, request, queryset):
        if chosen := self.id_value():
            return queryset.filter(agency_links__agency_id=chosen).distinct()
        return queryset


class LeadAgencyFilter(AgencyFilter):
    title = _("lead agency")
    parameter_name = "lead"

    def queryset(self, request, queryset):
        if chosen := self.id_value():
            return queryset.filter(
                agency_links__agency_id=chosen, agency_links__role=TaskAgency.Role.LEAD
            ).distinct()
        return queryset


class TaskAgencyInline(PlainTextAdminMixin, admin.TabularInline):
    model = TaskAgency
    fields = ["role", "agency", "role_label", "position"]
    autocomplete_fields = ["agency"]
    extra = 1
    verbose_name = _("lead or partner agency")
    verbose_name_plural = _("lead and partner agencies")


class MilestoneInline(PlainTextAdminMixin, admin.TabularInline):
    model = Milestone
    fields = ["year", "label"]
    extra = 0


@admin.register(Task)
class TaskAdmin(HistoryAdmin):
    list_display = ["number", "task_text", "group_number", "lead_list", "partner_list", "timeline"]
    list_display_links = ["number", "task_text"]
    list_filter = [TaskGroupFilter, "timeline_kind", LeadAgencyFilter, AgencyFilter]
    search_fields = ["number", "text", "heading"]
    ordering = ["sort_key"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["group", "number", "heading", "text"]}),
        (_("Timeline"), {"fields": ["timeline_kind", "start_year", "end_year", "timeline_text"]}),
    ]
    inlines = [TaskAgencyInline, MilestoneInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("group").with_agencies()

    @admin.display(description=_("task"))
    def task_text(self, task):
        return task.short_text

    @admin.display(description=_("group"), ordering="group__number")
    def group_number(self, task):
        return task.group.number

    @admin.display(description=_("lead agencies"))
    def lead_list(self, task):
        return "; ".join(agency.name for agency in task.leads)

    @admin.display(description=_("partner agencies"))
    def partner_list(self, task):
        return "; ".join(agency.name for agency in task.partners)

    @admin.display(description=_("timeline"), ordering="start_year")
    def timeline(self, task):
        return task.timeline_text or f"{task.start_year}–{task.end_year}"


@admin.register(Agency)
class AgencyAdmin(HistoryAdmin):
    list_display = ["name", "level", "is_generic", "tasks_link"]
    list_filter = ["level", "is_generic"]
    search_fields = ["name", "other_names"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(task_count=Count("task_links__task", distinct=True))
        )

    @admin.display(description=_("tasks"), ordering="task_count")
    def tasks_link(self, agency):
        url = reverse("admin:plans_task_changelist") + f"?agency={agency.pk}"
        return format_html('<a href="{}">{}</a>', url, agency.task_count)


class ReportedOnPagesMixin(ScopedAdminMixin):
    """Progress is reported on the progress pages (who may report which row is decided
    there); the admin shows the rows and their history, read-only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EvidenceInline(PlainTextAdminMixin, admin.TabularInline):
    model = Evidence
    fields = ["name", "kind", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    extra = 0


@admin.register(Responsibility)
class ResponsibilityAdmin(ReportedOnPagesMixin, HistoryAdmin):
    list_display = ["task", "agency", "unit", "year", "status", "in_plan", "page"]
    list_filter = ["year", "status", "in_plan", "agency"]
    search_fields = ["task__number", "agency__name__unaccent", "unit__name__unaccent"]
    list_select_related = ["task", "agency", "unit"]

    @admin.display(description=_("progress page"))
    def page(self, row):
        url = reverse("progress-cell", args=[row.task.number, row.year])
        return format_html('<a href="{}#r{}">{}</a>', url, row.pk, _("Open"))


@admin.register(Activity)
class ActivityAdmin(ReportedOnPagesMixin, HistoryAdmin):
    list_display = ["held_on", "responsibility", "participants", "budget", "created_by"]
    list_filter = ["responsibility__year"]
    search_fields = ["description", "responsibility__task__number"]
    list_select_related = ["responsibility__task", "responsibility__agency", "created_by"]
    inlines = [EvidenceInline]
