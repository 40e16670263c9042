"""Admin scoping: a district officer's admin shows and accepts only its own district's rows."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from network.models import AdminUnit

from .scoping import scope_for


class ScopedAdminMixin:
    """Limit a ModelAdmin to the rows in the user's scope.

    The model's ``scope_path`` is the lookup to the administrative unit a row belongs to
    (``"commune"`` for a team, ``"team__commune"`` for a mediator). Rows outside the scope
    are absent from the change list, a 404 on a typed URL, and absent from every
    foreign-key dropdown and autocomplete.
    """

    def get_queryset(self, request):
        return scope_for(request.user).filter(super().get_queryset(request), self.model.scope_path)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None:
            field.queryset = scope_related_queryset(request.user, field.queryset)
        return field

    def save_model(self, request, obj, form, change):
        unit = _unit_at(obj, self.model.scope_path)
        if not scope_for(request.user).contains(unit):
            raise PermissionDenied(_("This unit is outside the area you are responsible for."))
        super().save_model(request, obj, form, change)


def scope_related_queryset(user, queryset):
    """Scope a dropdown's queryset when its model carries a unit (units, teams …)."""
    model = queryset.model
    scope = scope_for(user)
    if model is AdminUnit:
        return queryset.filter(pk__in=scope.units())
    path = getattr(model, "scope_path", None)
    if path:
        return scope.filter(queryset, path)
    return queryset


def _unit_at(obj, path):
    target = obj
    for part in path.split("__"):
        target = getattr(target, part, None)
        if target is None:
            return None
    return target
