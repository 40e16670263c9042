from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .units import CODE_WIDTH


class AdminUnitQuerySet(models.QuerySet):
    def within(self, unit):
        """The unit itself and every unit below it (a province's districts and communes)."""
        return self.filter(Q(pk=unit.pk) | Q(parent=unit) | Q(parent__parent=unit))

    def communes(self):
        return self.filter(level=AdminUnit.Level.COMMUNE)

    def districts(self):
        return self.filter(level=AdminUnit.Level.DISTRICT)

    def get_by_natural_key(self, code):
        return self.get(code=code)


class AdminUnit(models.Model):
    """A province, a district-level unit or a commune-level unit, by its GSO code."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("province level")
        DISTRICT = "district", _("district level")
        COMMUNE = "commune", _("commune level")

    class Kind(models.TextChoices):
        PROVINCE = "province", _("province")
        CITY = "city", _("city")
        TOWN = "town", _("town")
        RURAL_DISTRICT = "rural_district", _("rural district")
        URBAN_DISTRICT = "urban_district", _("urban district")
        WARD = "ward", _("ward")
        COMMUNE = "commune", _("commune")
        TOWNSHIP = "township", _("township")

    code = models.CharField(
        _("GSO code"),
        max_length=5,
        unique=True,
        validators=[RegexValidator(r"^\d+$", _("The code may contain digits only."))],
        help_text=_("Zero-padded: 2 digits for a province, 3 for a district, 5 for a commune."),
    )
    name = models.CharField(_("name"), max_length=120)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(
        _("valid to"),
        null=True,
        blank=True,
        help_text=_("Last day the unit existed, e.g. before a merger. Empty while it exists."),
    )
    successors = models.ManyToManyField(
        "self",
        verbose_name=_("successor units"),
        symmetrical=False,
        blank=True,
        related_name="predecessors",
        help_text=_("Units that took over this unit's area after a reorganisation."),
    )

    history = HistoricalRecords(m2m_fields=[successors])
    objects = AdminUnitQuerySet.as_manager()
    scope_path = ""  # a unit is its own scope (see accounts.scoping)

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="adminunit_valid_to_after_from",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)

    def clean(self):
        errors = {}
        width = CODE_WIDTH.get(self.level)
        if width and self.code and len(self.code) != width:
            errors["code"] = _("A %(level)s code has exactly %(width)d digits.") % {
                "level": self.get_level_display(),
                "width": width,
            }
        parent_error = self._parent_error()
        if parent_error:
            errors["parent"] = parent_error
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = _("The end of validity cannot be before its start.")
        if errors:
            raise ValidationError(errors)

    def _parent_error(self):
        parent = self.parent
        if self.level == self.Level.PROVINCE:
            return _("A province has no parent unit.") if parent else None
        if parent is None:
            return _("A district or commune must belong to a parent unit.")
        if self.pk and parent.pk == self.pk:
            return _("A unit cannot be its own parent.")
        if parent.level == self.Level.COMMUNE:
            return _("No unit can belong to a commune-level unit.")
        if self.level == self.Level.DISTRICT and parent.level != self.Level.PROVINCE:
            return _("A district-level unit belongs to a province.")
        return None

    @property
    def district(self):
        """The district a commune belongs to, or None (a commune may sit under the province)."""
        if self.level == self.Level.DISTRICT:
            return self
        if self.parent and self.parent.level == self.Level.DISTRICT:
            return self.parent
        return None


class MediationTeam(models.Model):
    """A tổ hòa giải of a thôn or tổ dân phố (Law 35/2013/QH13 Art. 12)."""

    commune = models.ForeignKey(
        AdminUnit,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="mediation_teams",
        limit_choices_to={"level": AdminUnit.Level.COMMUNE},
    )
    name = models.CharField(
        _("name"), max_length=200, help_text=_("The village or residential group it serves.")
    )
    ethnic_minority_area = models.BooleanField(
        _("ethnic-minority area"),
        default=False,
        help_text=_("The Law then requires at least one ethnic-minority mediator."),
    )
    established_on = models.DateField(_("established on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)

    history = HistoricalRecords()
    scope_path = "commune"  # the unit a row belongs to, for accounts.scoping

    class Meta:
        verbose_name = _("mediation team")
        verbose_name_plural = _("mediation teams")
        ordering = ["commune__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "name"], name="team_unique_name_in_commune"),
        ]

    def __str__(self):
        return f"{self.name} ({self.commune})"

    def clean(self):
        if self.commune_id and self.commune.level != AdminUnit.Level.COMMUNE:
            raise ValidationError({"commune": _("A mediation team belongs to a commune.")})
        if self.established_on and self.dissolved_on and self.dissolved_on < self.established_on:
            raise ValidationError(
                {"dissolved_on": _("A team cannot be dissolved before it was established.")}
            )


class Mediator(models.Model):
    """A hòa giải viên, recognised by the commune chairman's decision (Law Art. 8)."""

    class Sex(models.TextChoices):
        FEMALE = "F", _("female")
        MALE = "M", _("male")

    class Role(models.TextChoices):
        LEADER = "leader", _("team leader")
        MEMBER = "member", _("mediator")

    team = models.ForeignKey(
        MediationTeam,
        verbose_name=_("mediation team"),
        on_delete=models.PROTECT,
        related_name="mediators",
    )
    full_name = models.CharField(_("full name"), max_length=120)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=60, blank=True)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    recognised_on = models.DateField(_("recognised on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    history = HistoricalRecords()
    scope_path = "team__commune"

    class Meta:
        verbose_name = _("mediator")
        verbose_name_plural = _("mediators")
        ordering = ["team", "full_name"]

    def __str__(self):
        return self.full_name

    def clean(self):
        if self.left_on and self.recognised_on and self.left_on < self.recognised_on:
            raise ValidationError(
                {"left_on": _("A mediator cannot leave before being recognised.")}
            )


class Trainer(models.Model):
    """A tập huấn viên of the provincial or a district pool (tasks 3.1, 3.2)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("province level")
        DISTRICT = "district", _("district level")

    full_name = models.CharField(_("full name"), max_length=120)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        related_name="trainers",
        limit_choices_to={"level__in": [AdminUnit.Level.PROVINCE, AdminUnit.Level.DISTRICT]},
        help_text=_("The province for a provincial trainer, the district for a district one."),
    )
    agency = models.CharField(
        _("agency"), max_length=200, blank=True, help_text=_("Where the trainer works.")
    )
    active_from = models.DateField(_("active from"))
    active_to = models.DateField(_("active to"), null=True, blank=True)

    history = HistoricalRecords()
    scope_path = "unit"

    class Meta:
        verbose_name = _("trainer")
        verbose_name_plural = _("trainers")
        ordering = ["level", "unit__code", "full_name"]

    def __str__(self):
        return self.full_name

    def clean(self):
        errors = {}
        if self.unit_id and self.level and self.unit.level != self.level:
            errors["unit"] = _("A %(level)s trainer belongs to a unit of that level.") % {
                "level": self.get_level_display()
            }
        if self.active_to and self.active_from and self.active_to < self.active_from:
            errors["active_to"] = _("The end of activity cannot be before its start.")
        if errors:
            raise ValidationError(errors)
