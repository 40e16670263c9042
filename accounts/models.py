from django.contrib.auth.models import AbstractUser, Group
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hoagiai.caching import cached


class Role(models.TextChoices):
    """The kinds of user; each is a Django group of the same name."""

    PROVINCE_STAFF = "province_staff", _("Department of Justice staff")
    DISTRICT_OFFICER = "district_officer", _("District officer")
    LEADERSHIP = "leadership", _("Leadership")
    # Since 1/7/2025 (no districts): a commune's People's Committee, scoped to its commune.
    COMMUNE_OFFICER = "commune_officer", _("Commune officer")


class User(AbstractUser):
    unit = models.ForeignKey(
        "units.AdminUnit",
        verbose_name=_("acts for unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_(
            "The district a district officer acts for. Empty for province-wide staff and "
            "leadership."
        ),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    # Who acts for which district is security-relevant: keep its history too.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self):
        # Vietnamese names put the family name first: "Nguyễn Thị" + "Hoa".
        return f"{self.last_name} {self.first_name}".strip()

    @cached_property
    def role_names(self) -> frozenset[str]:
        if self.pk is None or "groups" in getattr(self, "_prefetched_objects_cache", {}):
            # groups.all() reuses a prefetch (admin change list) instead of a query per row.
            return frozenset(group.name for group in self.groups.all())
        return cached(
            f"roles:{self.pk}",
            [Group, User.groups.through],
            lambda: frozenset(self.groups.values_list("name", flat=True)),
        )

    def has_role(self, role: Role) -> bool:
        return role.value in self.role_names

    @property
    def role_labels(self) -> list[str]:
        return [str(role.label) for role in Role if role.value in self.role_names]

    # The roles a form is about to give the user (its groups are saved after ``clean``);
    # None: the roles the user holds.
    pending_roles: frozenset[str] | None = None

    def clean(self):
        super().clean()
        roles = self.pending_roles
        if roles is None:
            roles = self.role_names if self.pk else frozenset()
        unit = self.unit if self.unit_id else None
        if Role.COMMUNE_OFFICER.value in roles:
            if problem := commune_officer_unit_problem(unit):
                raise ValidationError({"unit": problem})
        elif unit is not None and unit.level == "commune":
            raise ValidationError(
                {"unit": _("An account acts for a province or a district, not a commune.")}
            )


def commune_officer_unit_problem(unit, day=None) -> str | None:
    """Why ``unit`` cannot be a commune officer's unit on ``day`` (today), or None: it must
    be one commune that exists that day; a commune that ended names the one that took it."""
    from units.models import AdminUnit

    day = day or timezone.localdate()
    if unit is None:
        return _("A commune officer acts for one commune: choose the commune.")
    if unit.level != AdminUnit.Level.COMMUNE:
        return _("A commune officer acts for a commune, and %(unit)s is not a commune.") % {
            "unit": unit.name
        }
    if unit.is_valid_on(day):
        return None
    successor = unit.successors.filter(valid_from__lte=day).order_by("-valid_from").first()
    if successor is None:
        return _(
            "%(unit)s (%(code)s) does not exist today: choose a commune that exists today."
        ) % {"unit": unit.name, "code": unit.code}
    return _(
        "%(unit)s (%(code)s) ended on %(day)s and became part of %(new)s (%(new_code)s): "
        "choose %(new)s."
    ) % {
        "unit": unit.name,
        "code": unit.code,
        "day": f"{unit.valid_to:%d/%m/%Y}" if unit.valid_to else "",
        "new": successor.name,
        "new_code": successor.code,
    }


class DataExport(models.Model):
    """An export that carried people's data (names, and for mediators ethnicity and birth
    year: personal data under Decree 13/2023/NĐ-CP): who took it, when, what and how much."""

    user = models.ForeignKey(
        User, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    what = models.CharField(_("what"), max_length=100)
    rows = models.PositiveIntegerField(_("rows"))
    filters = models.CharField(_("filters"), max_length=500, blank=True)
    address = models.GenericIPAddressField(_("from address"), null=True, blank=True)

    class Meta:
        verbose_name = _("export of personal data")
        verbose_name_plural = _("exports of personal data")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.user}: {self.what} ({self.rows})"
