"""Administrative units (province, district, commune) as the GSO codes them, over time.

The bottom of the house: every other app may read units; this app reads none of them.
"""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hoagiai.caching import cached

from .codes import CODE_WIDTH


def valid_on_q(day, prefix=""):
    """Q for units that existed on ``day`` (both ends inclusive; an empty end is open)."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


def current_communes():
    """``limit_choices_to`` for a commune chosen today: those that exist today (the ones that
    ended on 30/6/2025 live on in the history, not in new rows)."""
    return Q(level=AdminUnit.Level.COMMUNE) & valid_on_q(timezone.localdate())


class AdminUnitQuerySet(models.QuerySet):
    def within(self, unit):
        """The unit itself and every unit below it (a province's districts and communes)."""
        children = AdminUnit.objects.filter(parent=unit).values("pk")
        return self.filter(Q(pk=unit.pk) | Q(parent=unit) | Q(parent__in=children))

    def communes(self):
        return self.filter(level=AdminUnit.Level.COMMUNE)

    def districts(self):
        return self.filter(level=AdminUnit.Level.DISTRICT)

    def valid_on(self, day):
        return self.filter(valid_on_q(day))

    def by_code(self, code, day):
        """The unit that had ``code`` on ``day``, or None: one query on the (code, valid_from)
        index. GSO codes are reused (24 was Bắc Giang, is now Bắc Ninh): never look a unit up
        by its code alone."""
        return self.valid_on(day).filter(code=code).order_by().first()

    def root_province(self, day=None):
        """The province the plan is about on ``day`` (today by default): the first top-level
        province by code valid then (the national demo adds synthetic provinces after it)."""
        day = day or timezone.localdate()
        return cached(
            f"units:root-province:{day.isoformat()}",
            [AdminUnit],
            lambda: (
                self.valid_on(day)
                .filter(level=AdminUnit.Level.PROVINCE, parent=None)
                .order_by("code")
                .first()
            ),
        )

    def get_by_natural_key(self, code, valid_from=None):
        return self.get(code=code, valid_from=valid_from)


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
    valid_from = models.DateField(
        _("valid from"),
        null=True,
        blank=True,
        help_text=_("First day the unit existed. Empty for the units the plan started with."),
    )
    valid_to = models.DateField(
        _("valid to"),
        null=True,
        blank=True,
        help_text=_("Last day the unit existed, e.g. before a merger. Empty while it exists."),
    )
    is_demo = models.BooleanField(
        _("demo data"),
        default=False,
        editable=False,
        help_text=_("Synthetic units of the national-scale demo; seed_demo --clear removes them."),
    )

    successors = models.ManyToManyField(
        "self",
        verbose_name=_("successor units"),
        through="Succession",
        through_fields=("predecessor", "successor"),
        symmetrical=False,
        related_name="predecessors",
    )

    history = HistoricalRecords()
    objects = AdminUnitQuerySet.as_manager()
    scope_path = ""  # a unit is its own scope (see accounts.scoping)

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        # The same order on both databases: a unit without a start before its successor.
        ordering = ["code", models.F("valid_from").asc(nulls_first=True)]
        constraints = [
            # A code names one unit at a time: the (code, valid_from) index is also the one
            # "which unit had code X on day D" is answered from.
            models.UniqueConstraint(fields=["code", "valid_from"], name="unit_code_once_per_start"),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(valid_from__isnull=True),
                name="unit_code_once_without_start",
            ),
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
        return (self.code, self.valid_from.isoformat() if self.valid_from else None)

    def is_valid_on(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day
        )

    @property
    def period(self) -> str:
        """The validity as people read it: "đến 30/06/2025", "từ 01/07/2025"."""
        if self.valid_from and self.valid_to:
            return _("%(start)s–%(end)s") % {
                "start": f"{self.valid_from:%d/%m/%Y}",
                "end": f"{self.valid_to:%d/%m/%Y}",
            }
        if self.valid_to:
            return _("until %(end)s") % {"end": f"{self.valid_to:%d/%m/%Y}"}
        if self.valid_from:
            return _("since %(start)s") % {"start": f"{self.valid_from:%d/%m/%Y}"}
        return ""

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
        elif self.code and self._overlapping().exists():
            errors["code"] = _(
                "Another unit has this code over part of the same period: a code names one "
                "unit at a time."
            )
        if errors:
            raise ValidationError(errors)

    def _overlapping(self):
        others = AdminUnit.objects.filter(code=self.code).exclude(pk=self.pk)
        if self.valid_from:
            others = others.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from))
        if self.valid_to:
            others = others.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=self.valid_to))
        return others

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


class SuccessionQuerySet(models.QuerySet):
    def get_by_natural_key(self, predecessor, successor):
        return self.get(
            predecessor=AdminUnit.objects.get_by_natural_key(*predecessor),
            successor=AdminUnit.objects.get_by_natural_key(*successor),
        )


class Succession(models.Model):
    """An old unit's area went to a new unit on the new unit's first day.

    In the 1/7/2025 arrangement every old commune went whole into exactly one new commune,
    so a new commune's figure for a year before the cut is the sum of its predecessors'.
    """

    predecessor = models.ForeignKey(
        AdminUnit,
        verbose_name=_("former unit"),
        on_delete=models.PROTECT,
        related_name="successions",
    )
    successor = models.ForeignKey(
        AdminUnit,
        verbose_name=_("successor unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    basis = models.CharField(
        _("basis"),
        max_length=200,
        help_text=_("The resolution that decided it, or who set it where the table is silent."),
    )
    set_by_person = models.BooleanField(
        _("set by a person"),
        default=False,
        help_text=_("Not in the official conversion table: decided by the Department."),
    )

    history = HistoricalRecords()
    objects = SuccessionQuerySet.as_manager()
    scope_path = "predecessor"

    class Meta:
        verbose_name = _("succession")
        verbose_name_plural = _("successions")
        ordering = ["predecessor__code"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_once"),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor}"

    def natural_key(self):
        return (self.predecessor.natural_key(), self.successor.natural_key())

    natural_key.dependencies = ["units.adminunit"]

    def clean(self):
        if self.predecessor_id and self.successor_id:
            old, new = self.predecessor, self.successor
            if old.level != new.level:
                raise ValidationError(_("A unit is succeeded by a unit of the same level."))
            if new.valid_from is None or (old.valid_to and new.valid_from <= old.valid_to):
                raise ValidationError(
                    {"successor": _("The successor must start after the former unit ended.")}
                )


def last_reorganisation_on():
    """The first day of the latest reorganisation applied to the units (None if none).

    Figures of a year whose cut-off falls before it belong to units that no longer hold the
    registry: they stay as counted then.
    """
    return cached(
        "units:last-reorganisation",
        [Succession, AdminUnit],
        lambda: Succession.objects.aggregate(day=models.Max("successor__valid_from"))["day"],
    )
