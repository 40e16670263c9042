"""Which administrative units a user may read and write: one helper for every view.

Province staff and leadership see the whole province; a district officer sees its
district and the district's communes; a commune officer sees its commune, while that
commune exists (one that ended in the 1/7/2025 arrangement gives no scope); anyone else
sees nothing. The admin, the
exports, the imports and the report pages all ask this module.
"""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from units.models import AdminUnit

from .models import Role


@dataclass(frozen=True)
class Scope:
    unrestricted: bool
    unit: AdminUnit | None = None

    def units(self) -> QuerySet[AdminUnit]:
        if self.unrestricted:
            return AdminUnit.objects.all()
        if self.unit is None:
            return AdminUnit.objects.none()
        return AdminUnit.objects.within(self.unit)

    def filter(self, queryset: QuerySet, unit_path: str) -> QuerySet:
        """Rows of ``queryset`` whose unit (reached by ``unit_path``) lies in the scope.

        An empty ``unit_path`` means the rows are units themselves.
        """
        if self.unrestricted:
            return queryset
        if self.unit is None:
            return queryset.none()
        return queryset.filter(**{f"{unit_path or 'pk'}__in": self.units()})

    def contains(self, unit: AdminUnit | None) -> bool:
        if self.unrestricted:
            return True
        if self.unit is None or unit is None:
            return False
        return self.units().filter(pk=unit.pk).exists()


def scope_for(user) -> Scope:
    if not user.is_authenticated or not user.is_active:
        return Scope(unrestricted=False)
    if user.is_superuser or user.has_role(Role.PROVINCE_STAFF) or user.has_role(Role.LEADERSHIP):
        return Scope(unrestricted=True)
    if user.has_role(Role.DISTRICT_OFFICER):
        return Scope(unrestricted=False, unit=user.unit)
    if user.has_role(Role.COMMUNE_OFFICER):
        unit = user.unit
        if (
            unit is not None
            and unit.level == AdminUnit.Level.COMMUNE
            and unit.is_valid_on(timezone.localdate())
        ):
            return Scope(unrestricted=False, unit=unit)
    return Scope(unrestricted=False)
