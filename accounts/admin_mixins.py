"""Admin scoping: a district officer's admin shows and accepts only its own district's rows."""

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from hoagiai.query import parse_id
from hoagiai.text import refuse_control_characters

from .scoping import scope_for


class IdListFilter(admin.SimpleListFilter):
    """A list filter whose value is a row id. Anything else ("?district=abc") is refused the
    admin's own way, the whole list with its "?e=1" notice, instead of a server error."""

    def id_value(self) -> int | None:
        """The chosen id, None when none is chosen."""
        if not self.value():
            return None
        chosen = parse_id(self.value())
        if chosen is None:
            raise IncorrectLookupParameters(f"{self.parameter_name}={self.value()!r}")
        return chosen


class ScopedForeignKeysMixin:
    """Foreign-key choices (dropdowns, autocomplete, and the values a POST may send) limited
    to the user's scope; for ModelAdmins and their inlines alike."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None:
            field.queryset = scope_related_queryset(request.user, field.queryset)
        return field


class ScopedAdminMixin(ScopedForeignKeysMixin):
    """Limit a ModelAdmin to the rows in the user's scope.

    The model's ``scope_path`` is the lookup to the administrative unit a row belongs to
    (``"commune"`` for a team, ``"team__commune"`` for a mediator). Rows outside the scope
    are absent from the change list, a 404 on a typed URL, and absent from every
    foreign-key dropdown and autocomplete.
    """

    def get_queryset(self, request):
        return scope_for(request.user).filter(super().get_queryset(request), self.model.scope_path)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects to the index when an object is missing; out-of-scope rows
        # must look exactly like rows that do not exist, and a typed URL gets a 404.
        raise Http404

    def history_view(self, request, object_id, extra_context=None):
        # simple-history falls back to the history rows when the object is not in the
        # queryset; that would show another district's records, so check scope first.
        self._get_in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._get_in_scope_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _get_in_scope_or_404(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        return obj

    def save_model(self, request, obj, form, change):
        unit = _unit_at(obj, self.model.scope_path)
        if not scope_for(request.user).contains(unit):
            raise PermissionDenied(_("This unit is outside the area you are responsible for."))
        super().save_model(request, obj, form, change)


def scope_related_queryset(user, queryset):
    """Scope a dropdown's queryset when its model carries a unit (units, teams …)."""
    model = queryset.model
    scope = scope_for(user)
    path = getattr(model, "scope_path", None)
    if path is not None:
        return scope.filter(queryset, path)
    return queryset


def _unit_at(obj, path):
    target = obj
    for part in filter(None, path.split("__")):
        target = getattr(target, part, None)
        if target is None:
            return None
    return target


class PlainTextAdminMixin:
    """Every text field of the admin's forms (ModelAdmins and inlines) refuses control and
    bidi-override characters: they broke every export of the row (issue 13)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return refuse_control_characters(super().formfield_for_dbfield(db_field, request, **kwargs))


class HistoryAdmin(PlainTextAdminMixin, SimpleHistoryAdmin):
    """simple-history's admin, except that its history page saves nothing for a user who
    may only view the row (simple-history checks only the view permission there)."""

    def action_checkbox(self, obj):
        """Django's row checkbox, written directly: rendered through the form widget's
        template it took a third of a 100-row list's time (the mediator search)."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is None:
                raise Http404
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
