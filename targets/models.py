from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

_SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "==": "="}


class TargetManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


# Counted district by district: from 1/7/2025 there are no districts to count them over.
PER_DISTRICT = {"O2a", "T2.1", "T3.2"}


class Target(models.Model):
    """A measurable target (chỉ tiêu) of the plan; codes are stable (DESIGN §4)."""

    class Comparator(models.TextChoices):
        AT_LEAST = ">=", _("at least")
        MORE_THAN = ">", _("more than")
        AT_MOST = "<=", _("at most")
        EQUAL = "==", _("exactly")
        BETWEEN = "between", _("between")

    class ValueKind(models.TextChoices):
        RATE = "rate", _("rate (share of a whole)")
        TEAMS_PER_TRAINER = "teams_per_trainer", _("teams per trainer")
        COUNT = "count", _("count")

    class Scope(models.TextChoices):
        PROVINCE = "province", _("province only")
        DISTRICT = "district", _("province and each district")
        COMMUNE = "commune", _("province, districts and communes")
        PILOT_COMMUNES = "pilot_communes", _("pilot communes")

    code = models.CharField(_("code"), max_length=8, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("short title"), max_length=200)
    plan_text = models.TextField(_("text in the plan"))
    measure = models.TextField(_("how it is measured"))
    value_kind = models.CharField(_("kind of value"), max_length=20, choices=ValueKind.choices)
    comparator = models.CharField(_("comparator"), max_length=8, choices=Comparator.choices)
    threshold = models.DecimalField(_("threshold"), max_digits=10, decimal_places=4)
    threshold_upper = models.DecimalField(
        _("upper threshold"),
        max_digits=10,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_('Upper bound for "between"; for O6a the upper aim (90%).'),
    )
    deadline_year = models.PositiveSmallIntegerField(_("deadline year"))
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices)
    source_clause = models.CharField(_("source clause"), max_length=200)
    task = models.ForeignKey(
        "plans.Task",
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="targets",
        help_text=_("The task of section III this target comes from, if any."),
    )
    # Targets counted district by district (O2a, T2.1, T3.2) stop applying when the district
    # level ends (1/7/2025); the Department may set a province- or commune-level target in
    # their place, from a year on.
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replacements",
        help_text=_(
            "A target counted per district that this one replaces after the district level "
            "ended on 1/7/2025."
        ),
    )
    from_year = models.PositiveSmallIntegerField(
        _("applies from year"),
        null=True,
        blank=True,
        help_text=_("For a replacement: the first year it is counted."),
    )

    history = HistoricalRecords()
    objects = TargetManager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["position", "code"]

    def __str__(self):
        return f"{self.code}: {self.title}"

    def natural_key(self):
        return (self.code,)

    @property
    def requirement_text(self) -> str:
        """The requirement as people write it: "≥ 85%", "≤ 80 tổ/tập huấn viên", "23–25"."""
        if self.comparator == self.Comparator.BETWEEN:
            text = f"{self._format(self.threshold)}–{self._format(self.threshold_upper)}"
        else:
            text = f"{_SYMBOLS[self.comparator]} {self._format(self.threshold)}"
        if self.value_kind == self.ValueKind.TEAMS_PER_TRAINER:
            return _("%(requirement)s teams per trainer") % {"requirement": text}
        return text

    def _format(self, value: Decimal) -> str:
        suffix = ""
        if self.value_kind == self.ValueKind.RATE:
            value, suffix = value * 100, "%"
        value = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
        return formats.number_format(value) + suffix

    def clean(self):
        if self.replaces_id:
            if self.replaces.code not in PER_DISTRICT:
                raise ValidationError(
                    {"replaces": _("Only a target counted per district can be replaced.")}
                )
            if self.scope not in (self.Scope.PROVINCE, self.Scope.COMMUNE):
                raise ValidationError(
                    {"scope": _("A replacement is counted for the province or the communes.")}
                )
            if self.from_year is None:
                raise ValidationError({"from_year": _("Say from which year it is counted.")})
        if self.comparator == self.Comparator.BETWEEN:
            if self.threshold_upper is None:
                raise ValidationError({"threshold_upper": _('"Between" needs an upper threshold.')})
            if self.threshold is not None and self.threshold_upper < self.threshold:
                raise ValidationError(
                    {"threshold_upper": _("The upper threshold cannot be below the threshold.")}
                )
