from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CommuneYear(models.Model):
    """A commune's figures for a year: the lines the district's yearly report will group.

    Case figures are kept as four numbers (received = successful + unsuccessful + in
    progress) so the success rate can be read on either basis (DESIGN §4, note on O8).
    """

    commune = models.ForeignKey(
        "network.AdminUnit",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="year_figures",
        limit_choices_to={"level": "commune"},
    )
    year = models.PositiveSmallIntegerField(_("year"))

    # Counted from the registry as of the year's cut-off (network.figures), kept current
    # on every registry change until the district's report for the year is approved.
    teams = models.PositiveIntegerField(_("teams"), default=0, editable=False)
    compliant_teams = models.PositiveIntegerField(
        _("teams with the required composition"), default=0, editable=False
    )
    supported_teams = models.PositiveIntegerField(
        _("teams supported by legal professionals"), default=0, editable=False
    )
    mediators = models.PositiveIntegerField(_("mediators"), default=0, editable=False)
    women = models.PositiveIntegerField(_("of whom women"), default=0, editable=False)
    minority = models.PositiveIntegerField(_("of whom ethnic minority"), default=0, editable=False)
    trained = models.PositiveIntegerField(_("mediators trained"), default=0, editable=False)
    with_material = models.PositiveIntegerField(
        _("mediators with the material set"), default=0, editable=False
    )
    new_due = models.PositiveIntegerField(
        _("newly recognised, six months run out"), default=0, editable=False
    )
    new_trained_in_time = models.PositiveIntegerField(
        _("of whom trained within six months"), default=0, editable=False
    )
    new_pending = models.PositiveIntegerField(
        _("newly recognised, not yet due"), default=0, editable=False
    )

    cases_received = models.PositiveIntegerField(_("cases received"), default=0)
    cases_successful = models.PositiveIntegerField(_("mediated successfully"), default=0)
    cases_unsuccessful = models.PositiveIntegerField(_("mediated unsuccessfully"), default=0)
    cases_in_progress = models.PositiveIntegerField(_("still in progress"), default=0)
    note = models.TextField(_("note"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    history = HistoricalRecords()
    scope_path = "commune"

    class Meta:
        verbose_name = _("commune figures for a year")
        verbose_name_plural = _("commune figures by year")
        ordering = ["-year", "commune__code"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "year"], name="commune_year_unique"),
            models.CheckConstraint(
                condition=Q(
                    cases_received=F("cases_successful")
                    + F("cases_unsuccessful")
                    + F("cases_in_progress")
                ),
                name="commune_year_cases_add_up",
            ),
        ]

    def __str__(self):
        return f"{self.commune} — {self.year}"

    def clean(self):
        parts = self.cases_successful + self.cases_unsuccessful + self.cases_in_progress
        if self.cases_received != parts:
            raise ValidationError(
                {
                    "cases_received": _(
                        "Cases received (%(received)d) must equal successful + unsuccessful + "
                        "in progress (%(parts)d)."
                    )
                    % {"received": self.cases_received, "parts": parts}
                }
            )

    @property
    def success_rate(self):
        return self.cases_successful / self.cases_received if self.cases_received else None
