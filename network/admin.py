from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import (
    HistoryAdmin,
    IdListFilter,
    PlainTextAdminMixin,
    ScopedAdminMixin,
    ScopedForeignKeysMixin,
    scope_related_queryset,
)
from hoagiai import uploads
from units.models import AdminUnit, Succession

from .admin_excel import ExcelAdminMixin
from .imports import MediatorExcel, TeamExcel, TrainerExcel, TrainingExcel
from .models import (
    LegalSupport,
    Material,
    MediationTeam,
    Mediator,
    MediatorAttendance,
    ModelCommune,
    OfficialAttendance,
    PilotCommune,
    Trainer,
    TrainerAttendance,
    Training,
)


def district_filter(path):
    """A list filter by district along ``path``, offering only districts in the user's scope."""

    class DistrictFilter(IdListFilter):
        title = _("district")
        parameter_name = "district"

        def lookups(self, request, model_admin):
            districts = scope_related_queryset(request.user, AdminUnit.objects.districts())
            return [(unit.pk, unit.name) for unit in districts]

        def queryset(self, request, queryset):
            if chosen := self.id_value():
                return queryset.filter(**{path: chosen})
            return queryset

    return DistrictFilter


class ParentUnitFilter(IdListFilter):
    """Filter by parent unit, offering only units that have children (province, districts)."""

    title = _("parent unit")
    parameter_name = "parent"

    def lookups(self, request, model_admin):
        parents = scope_related_queryset(
            request.user, AdminUnit.objects.exclude(level=AdminUnit.Level.COMMUNE)
        )
        return [(unit.pk, unit.name) for unit in parents]

    def queryset(self, request, queryset):
        if chosen := self.id_value():
            return queryset.filter(parent_id=chosen)
        return queryset


class ValidityFilter(admin.SimpleListFilter):
    """Units of today (the default people expect) or those that ended in a reorganisation."""

    title = _("validity")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return [("current", _("Valid today")), ("ended", _("Ended"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "current":
            return queryset.valid_on(today)
        if self.value() == "ended":
            return queryset.filter(valid_to__lt=today)
        return queryset


class ChildUnitInline(PlainTextAdminMixin, admin.TabularInline):
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


class SuccessionInline(admin.TabularInline):
    """Where the unit's area went: from the official table, or set by the Department where
    the table is silent (the transition refuses to run until every commune has one)."""

    model = Succession
    fk_name = "predecessor"
    fields = ["successor", "basis", "set_by_person"]
    autocomplete_fields = ["successor"]
    extra = 0
    verbose_name = _("successor unit")
    verbose_name_plural = _("successor units")


@admin.register(AdminUnit)
class AdminUnitAdmin(ScopedAdminMixin, HistoryAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "level",
        "parent",
        "children_link",
        "valid_from",
        "valid_to",
    ]
    list_display_links = ["code", "name"]
    list_filter = ["level", "kind", ValidityFilter, ParentUnitFilter]
    search_fields = ["code", "name__unaccent"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["code", "name", "level", "kind", "parent"]}),
        (_("Validity and reorganisation"), {"fields": ["valid_from", "valid_to"]}),
    ]
    inlines = [SuccessionInline, ChildUnitInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(children_count=Count("children"))
        return queryset.order_by(*AdminUnit._meta.ordering)

    @admin.display(description=_("units below"), ordering="children_count")
    def children_link(self, unit):
        if not unit.children_count:
            return "—"
        url = reverse("admin:units_adminunit_changelist") + f"?parent={unit.pk}"
        return format_html('<a href="{}">{} {}</a>', url, unit.children_count, _("units"))


class CompositionFilter(admin.SimpleListFilter):
    title = _("composition required by the Law")
    parameter_name = "composition"

    def lookups(self, request, model_admin):
        return [
            ("incomplete", _("Incomplete composition")),
            ("complete", _("Complete composition")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "incomplete":
            return queryset.incomplete()
        if self.value() == "complete":
            return queryset.compliant()
        return queryset


class ActiveFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "active"
    end_field = "left_on"

    def lookups(self, request, model_admin):
        return [("yes", _("active")), ("no", _("no longer active"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        ended = {f"{self.end_field}__lte": today}
        if self.value() == "yes":
            return queryset.exclude(**ended)
        if self.value() == "no":
            return queryset.filter(**ended)
        return queryset


class DissolvedFilter(ActiveFilter):
    end_field = "dissolved_on"

    def lookups(self, request, model_admin):
        return [("yes", _("active")), ("no", _("dissolved"))]


class MediatorInline(PlainTextAdminMixin, ScopedForeignKeysMixin, admin.TabularInline):
    model = Mediator
    fields = ["full_name", "sex", "birth_year", "ethnicity", "role", "recognised_on", "left_on"]
    extra = 0
    show_change_link = True


class LegalSupportInline(PlainTextAdminMixin, ScopedForeignKeysMixin, admin.TabularInline):
    model = LegalSupport
    fields = ["kind", "supporter_name", "start_on", "end_on"]
    extra = 0


@admin.register(MediationTeam)
class MediationTeamAdmin(ExcelAdminMixin, ScopedAdminMixin, HistoryAdmin):
    excel_class = TeamExcel
    excel_select_related = ["commune"]
    list_display = ["name", "commune", "minority_area", "mediator_count", "composition"]
    list_filter = [
        CompositionFilter,
        "ethnic_minority_area",
        district_filter("commune__parent"),
        DissolvedFilter,
    ]
    search_fields = ["name__unaccent", "commune__name__unaccent", "commune__code"]
    autocomplete_fields = ["commune"]
    list_select_related = ["commune"]
    inlines = [MediatorInline, LegalSupportInline]

    def get_queryset(self, request):
        # The composition's counts group the rows, and Django drops Meta.ordering from a
        # grouped query: order explicitly, or the team autocomplete pages at random.
        return (
            super()
            .get_queryset(request)
            .with_composition(timezone.localdate())
            .order_by(*MediationTeam._meta.ordering)
        )

    @admin.display(description=_("EM area"), boolean=True, ordering="ethnic_minority_area")
    def minority_area(self, team):
        return team.ethnic_minority_area

    @admin.display(description=_("mediators"), ordering="mediator_count")
    def mediator_count(self, team):
        return team.mediator_count

    @admin.display(description=_("composition"), ordering="is_compliant")
    def composition(self, team):
        gaps = team.composition_gaps()
        if not gaps:
            return _("complete")
        return _("incomplete: %(gaps)s") % {"gaps": "; ".join(str(gap) for gap in gaps)}


@admin.register(Mediator)
class MediatorAdmin(ExcelAdminMixin, ScopedAdminMixin, HistoryAdmin):
    excel_class = MediatorExcel
    excel_select_related = ["team__commune"]
    list_display = [
        "full_name",
        "team",
        "role",
        "sex",
        "ethnicity",
        "recognised_on",
        "training",
        "left_on",
    ]
    list_filter = [
        ActiveFilter,
        "role",
        "sex",
        district_filter("team__commune__parent"),
    ]
    search_fields = ["full_name__unaccent", "team__name__unaccent", "team__commune__name__unaccent"]
    autocomplete_fields = ["team"]
    list_select_related = ["team__commune"]
    date_hierarchy = "recognised_on"

    def get_queryset(self, request):
        return super().get_queryset(request).with_first_training_per_row()

    def get_search_results(self, request, queryset, search_term):
        """Name, team or commune, with or without marks, on the stored folded name
        (``MediatorQuerySet.search``); ``search_fields`` stays for the search box."""
        if not search_term.strip():
            return queryset, False
        return queryset.search(search_term), False

    @admin.display(description=_("training within 6 months"))
    def training(self, mediator):
        return mediator.training_status(timezone.localdate()).label


@admin.register(Trainer)
class TrainerAdmin(ExcelAdminMixin, ScopedAdminMixin, HistoryAdmin):
    excel_class = TrainerExcel
    excel_select_related = ["unit"]
    list_display = [
        "full_name",
        "level",
        "unit",
        "agency",
        "active_from",
        "active_to",
        "materials_received_on",
    ]
    list_filter = ["level", district_filter("unit"), "active_to"]
    search_fields = ["full_name__unaccent", "agency__unaccent", "unit__name__unaccent"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]


class TrainerAttendanceInline(PlainTextAdminMixin, ScopedForeignKeysMixin, admin.TabularInline):
    model = TrainerAttendance
    autocomplete_fields = ["trainer"]
    extra = 0


class MediatorAttendanceInline(PlainTextAdminMixin, ScopedForeignKeysMixin, admin.TabularInline):
    model = MediatorAttendance
    autocomplete_fields = ["mediator"]
    extra = 0


class OfficialAttendanceInline(PlainTextAdminMixin, ScopedForeignKeysMixin, admin.TabularInline):
    model = OfficialAttendance
    fields = ["full_name", "position", "commune"]
    autocomplete_fields = ["commune"]
    extra = 0


@admin.register(Training)
class TrainingAdmin(ExcelAdminMixin, ScopedAdminMixin, HistoryAdmin):
    excel_class = TrainingExcel
    excel_select_related = ["organiser"]
    list_display = ["title", "held_on", "organiser", "level", "audience", "programme", "attendees"]
    list_filter = ["level", "audience", "programme", district_filter("organiser")]
    search_fields = ["title__unaccent", "organiser__name__unaccent", "place__unaccent"]
    autocomplete_fields = ["organiser"]
    list_select_related = ["organiser"]
    date_hierarchy = "held_on"
    inlines = [TrainerAttendanceInline, MediatorAttendanceInline, OfficialAttendanceInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                trainer_total=Count("trainers", distinct=True),
                mediator_total=Count("mediators", distinct=True),
                official_total=Count("officials", distinct=True),
            )
        )

    @admin.display(description=_("attendees"))
    def attendees(self, training):
        return training.trainer_total + training.mediator_total + training.official_total


MATERIAL_FIELDS = ["title", "kind", "description", "file", "link", "published_on", "publisher"]


class MaterialForm(forms.ModelForm):
    """A material's file is checked as the plan's evidence files are (kind recognised by its
    content, size-limited) and stored under a generated name; the person's file name is kept
    for the download."""

    class Meta:
        model = Material
        fields = MATERIAL_FIELDS
        widgets = {"file": forms.ClearableFileInput(attrs={"accept": ",".join(uploads.ALLOWED)})}

        def formfield_callback(field, **kwargs):
            if isinstance(field, models.URLField):
                kwargs["assume_scheme"] = "https"
            return field.formfield(**kwargs)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            uploads.check(upload, settings.MATERIAL_MAX_BYTES, MATERIAL_TOO_LARGE)
            self.instance.file_name = uploads.display_name(upload.name)
        elif not upload:
            self.instance.file_name = ""
        return upload


MATERIAL_TOO_LARGE = _("“%(name)s” is %(size)s; a material's file may be at most %(limit)s.")


@admin.register(Material)
class MaterialAdmin(ScopedAdminMixin, HistoryAdmin):
    form = MaterialForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "kind", "publisher", "published_on", "file_or_link"]
    list_filter = ["kind", "published_on"]
    search_fields = ["title__unaccent", "description__unaccent"]
    autocomplete_fields = ["publisher"]
    list_select_related = ["publisher"]
    fields = [*MATERIAL_FIELDS[:4], "file_name", *MATERIAL_FIELDS[4:]]
    # The name the file is downloaded under (the stored name is generated).
    readonly_fields = ["file_name"]

    @admin.display(description=_("file or link"))
    def file_or_link(self, material):
        return material.file_name or material.link


@admin.register(PilotCommune)
class PilotCommuneAdmin(ScopedAdminMixin, HistoryAdmin):
    list_display = ["commune", "district", "start_year", "end_year", "decision"]
    list_filter = [district_filter("commune__parent"), "start_year"]
    search_fields = ["commune__name__unaccent", "commune__code"]
    autocomplete_fields = ["commune"]
    list_select_related = ["commune__parent"]

    @admin.display(description=_("district"), ordering="commune__parent__name")
    def district(self, pilot):
        return pilot.commune.parent


@admin.register(ModelCommune)
class ModelCommuneAdmin(ScopedAdminMixin, HistoryAdmin):
    list_display = ["commune", "year", "decision"]
    list_filter = ["year", district_filter("commune__parent")]
    search_fields = ["commune__name__unaccent", "commune__code", "decision"]
    autocomplete_fields = ["commune"]
    list_select_related = ["commune"]
