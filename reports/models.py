from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# The registry-derived figures of a line, in the order the report shows them; the officer
# may correct them. ``new_pending`` is shown for information only.
REGISTRY_FIELDS = [
    "teams",
    "compliant_teams",
    "supported_teams",
    "mediators",
    "women",
    "minority",
    "new_due",
    "new_trained_in_time",
    "trained_in_year",
    "trained",
    "with_material",
]
CASE_FIELDS = ["cases_received", "cases_successful", "cases_unsuccessful", "cases_in_progress"]
LINE_FIELDS = REGISTRY_FIELDS + CASE_FIELDS


class CommuneYear(models.Model):
    """A commune's figures for a year: a line of the yearly report that covers it.

    Case figures are kept as four numbers (received = successful + unsuccessful + in
    progress) so the success rate can be read on either basis (DESIGN §4, note on O8).
    """

    commune = models.ForeignKey(
        "units.AdminUnit",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="year_figures",
        limit_choices_to={"level": "commune"},
    )
    year = models.PositiveSmallIntegerField(_("year"))

    # Counted from the registry as of the year's cut-off (network.figures) and kept current
    # on every registry change while the report is a draft; a figure the officer
    # corrects is named in ``corrected_fields`` and left alone by the recount. Submitted and
    # approved reports' lines are not recounted (reports.figures).
    teams = models.PositiveIntegerField(_("teams"), default=0)
    compliant_teams = models.PositiveIntegerField(
        _("teams with the required composition"), default=0
    )
    supported_teams = models.PositiveIntegerField(
        _("teams supported by legal professionals"), default=0
    )
    mediators = models.PositiveIntegerField(_("mediators"), default=0)
    women = models.PositiveIntegerField(_("of whom women"), default=0)
    minority = models.PositiveIntegerField(_("of whom ethnic minority"), default=0)
    trained = models.PositiveIntegerField(_("mediators trained"), default=0)
    trained_in_year = models.PositiveIntegerField(_("of whom trained in the year"), default=0)
    with_material = models.PositiveIntegerField(_("mediators with the material set"), default=0)
    new_due = models.PositiveIntegerField(_("newly recognised, six months run out"), default=0)
    new_trained_in_time = models.PositiveIntegerField(
        _("of whom trained within six months"), default=0
    )
    new_pending = models.PositiveIntegerField(_("newly recognised, not yet due"), default=0)

    cases_received = models.PositiveIntegerField(_("cases received"), default=0)
    cases_successful = models.PositiveIntegerField(_("mediated successfully"), default=0)
    cases_unsuccessful = models.PositiveIntegerField(_("mediated unsuccessfully"), default=0)
    cases_in_progress = models.PositiveIntegerField(_("still in progress"), default=0)
    note = models.TextField(_("note"), blank=True)
    corrected_fields = models.JSONField(
        _("figures corrected by the reporting unit"), default=list, blank=True, editable=False
    )
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
        from .rules import line_errors

        problems = line_errors(self.figures())
        if problems:
            raise ValidationError({field: message for field, message in problems})

    def figures(self) -> dict[str, int]:
        """The line's figures as the report has them (``LINE_FIELDS``)."""
        return {name: getattr(self, name) for name in LINE_FIELDS}

    @property
    def success_rate(self):
        return self.cases_successful / self.cases_received if self.cases_received else None


class ReportQuerySet(models.QuerySet):
    def frozen(self):
        """Reports whose lines the registry recount leaves alone: under review or approved."""
        return self.filter(status__in=YearlyReport.FROZEN)


class YearlyReport(models.Model):
    """A reporting unit's report for a year: its lines, its own figures and text.

    The reporting unit is a district for 2024 (its lines are the ``CommuneYear`` rows of
    its communes) and, since districts ended on 30/6/2025, a commune reporting straight
    to the Sở Tư pháp (its one line is its own row). The report holds the workflow
    (draft → submitted → returned … → approved) and a version number that every save
    raises, so two people saving the same report cannot overwrite each other.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned for correction")
        APPROVED = "approved", _("approved")

    EDITABLE = (Status.DRAFT, Status.RETURNED)
    FROZEN = (Status.SUBMITTED, Status.APPROVED)

    unit = models.ForeignKey(
        "units.AdminUnit",
        verbose_name=_("reporting unit"),
        on_delete=models.PROTECT,
        related_name="yearly_reports",
        limit_choices_to={"level__in": ["district", "commune"]},
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    district_trainers = models.PositiveIntegerField(_("district trainers"), default=0)
    district_trainers_trained = models.PositiveIntegerField(_("of whom trained"), default=0)
    trainings_held = models.PositiveIntegerField(_("trainings held"), default=0)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    budget_spent = models.PositiveBigIntegerField(_("budget spent (VND)"), default=0)
    difficulties = models.TextField(_("difficulties"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    history = HistoricalRecords()
    objects = ReportQuerySet.as_manager()
    scope_path = "unit"

    class Meta:
        verbose_name = _("yearly report")
        verbose_name_plural = _("yearly reports")
        ordering = ["-year", "unit__code"]
        permissions = [("review_yearlyreport", _("Can return or approve yearly reports"))]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="yearly_report_unique"),
            models.CheckConstraint(
                condition=Q(district_trainers_trained__lte=F("district_trainers")),
                name="yearly_report_trained_within_trainers",
            ),
        ]

    def __str__(self):
        return _("%(unit)s — report %(year)s") % {"unit": self.unit, "year": self.year}

    @property
    def is_editable(self):
        return self.status in self.EDITABLE

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED

    @property
    def is_commune_report(self):
        return self.unit.level == "commune"

    def commune_ids_q(self) -> Q:
        """Which communes' lines the report holds, as a filter on ``commune``: the
        district's communes, or the commune itself."""
        if self.is_commune_report:
            return Q(commune_id=self.unit_id)
        return Q(commune__parent_id=self.unit_id)

    def lines(self):
        """The commune-year rows the report covers, by commune code."""
        return (
            CommuneYear.objects.filter(self.commune_ids_q(), year=self.year)
            .select_related("commune")
            .order_by("commune__code")
        )


class ReportEvent(models.Model):
    """One step of a report's workflow: who, when, from which status to which, and why."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("submit")
        RETURN = "return", _("return")
        APPROVE = "approve", _("approve")
        REOPEN = "reopen", _("reopen")

    report = models.ForeignKey(
        YearlyReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    from_status = models.CharField(
        _("from status"), max_length=10, choices=YearlyReport.Status.choices
    )
    to_status = models.CharField(_("to status"), max_length=10, choices=YearlyReport.Status.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)
    # The warnings the officer confirmed when submitting, as they read then.
    warnings = models.JSONField(_("warnings confirmed"), default=list, blank=True)
    # On a return or a reopening: the lines' figures and the report's own as they stood, so
    # the reviewer later sees what the unit changed ({"lines": {commune id: {field: value}},
    # "header": {field: value}}; reports.resubmission).
    figures = models.JSONField(_("figures at this step"), default=dict, blank=True)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.report}: {self.get_action_display()}"

    @property
    def by(self) -> str:
        if self.user is None:
            return "—"
        return self.user.get_full_name() or self.user.username


class GroupResult(models.Model):
    """What the reporting unit did for a task group it leads (section V of the plan)."""

    report = models.ForeignKey(
        YearlyReport,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="group_results",
    )
    group = models.ForeignKey(
        "plans.TaskGroup", verbose_name=_("task group"), on_delete=models.PROTECT
    )
    text = models.TextField(_("results"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("results of a task group")
        verbose_name_plural = _("results by task group")
        ordering = ["group__number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "group"], name="group_result_unique"),
        ]

    def __str__(self):
        return f"{self.report}: {self.group}"


class ReportDeadline(models.Model):
    """When the reports for a year are due; later ones show as late."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    due_on = models.DateField(_("due on"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report deadline")
        verbose_name_plural = _("report deadlines")
        ordering = ["year"]

    def __str__(self):
        return f"{self.year}: {self.due_on:%d/%m/%Y}"

    def clean(self):
        # A year's report counts the whole year: it cannot be due before the year is over.
        if self.year and self.due_on and self.due_on <= date(self.year, 12, 31):
            raise ValidationError(
                {
                    "due_on": _(
                        "The %(year)d reports cover the whole year: their deadline must come "
                        "after 31/12/%(year)d, and %(day)s does not."
                    )
                    % {"year": self.year, "day": self.due_on.strftime("%d/%m/%Y")}
                }
            )


class Notice(models.Model):
    """An email about a unit's yearly report: a reminder before or after the deadline, or
    the news that the report was returned or approved — what was sent, to whom and when,
    or why it could not be (``reports.notices`` records and sends them).

    A reminder is sent once per kind, unit and year; a return or an approval once per
    workflow step (``event``)."""

    class Kind(models.TextChoices):
        DUE_IN_7 = "due_7", _("reminder: due in 7 days")
        DUE_IN_1 = "due_1", _("reminder: due tomorrow")
        OVERDUE = "overdue", _("reminder: overdue")
        RETURNED = "returned", _("report returned")
        APPROVED = "approved", _("report approved")

    REMINDERS = (Kind.DUE_IN_7, Kind.DUE_IN_1, Kind.OVERDUE)

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    unit = models.ForeignKey(
        "units.AdminUnit",
        verbose_name=_("reporting unit"),
        on_delete=models.PROTECT,
        related_name="report_notices",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    # None for a unit that never opened its report.
    report = models.ForeignKey(
        YearlyReport,
        verbose_name=_("report"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notices",
    )
    # The return or approval the notice tells of (None for a reminder).
    event = models.OneToOneField(
        ReportEvent,
        verbose_name=_("workflow step"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notice",
    )
    due_on = models.DateField(_("deadline"), null=True, blank=True)
    recipients = models.JSONField(_("recipients"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # The last attempt's failure, in Vietnamese (a refused address, no officer with an email).
    error = models.TextField(_("error"), blank=True)
    # Who is sending it right now (the daily command, or the request that returned the
    # report), so two senders never send the same notice; a claim older than
    # ``notices.CLAIM_TIMEOUT`` is a crashed sender's and is taken over.
    claim = models.UUIDField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "unit", "year"],
                condition=Q(kind__in=["due_7", "due_1", "overdue"]),
                name="notice_reminder_once",
            ),
        ]
        indexes = [models.Index(fields=["sent_at", "kind"], name="notice_pending")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.unit} — {self.year}"

    @property
    def is_sent(self):
        return self.sent_at is not None


class ProvinceReportText(models.Model):
    """What Sở Tư pháp writes into its yearly report to the Ministry and the province's
    People's Committee (targets.yearly_document): the narrative sections, who signs, who receives
    it. One per year, edited by province staff before the Word file is made; the figures
    are never stored here, they are read from the approved reports each time."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    number = models.CharField(
        _("document number"),
        max_length=20,
        blank=True,
        help_text=_("The number before “/BC-STP”; empty until the clerical office assigns it."),
    )
    issued_on = models.DateField(
        _("date of issue"), null=True, blank=True, help_text=_("Empty: left blank for signing.")
    )
    addressees = models.TextField(_("to (Kính gửi)"), help_text=_("One addressee per line."))
    direction = models.TextField(_("direction and implementation"), blank=True)
    difficulties = models.TextField(_("difficulties"), blank=True)
    outlook = models.TextField(_("tasks for the next year"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)
    signer_title = models.TextField(
        _("signer's title"), help_text=_("One line each, e.g. “KT. GIÁM ĐỐC” then “PHÓ GIÁM ĐỐC”.")
    )
    signer_name = models.CharField(_("signer's name"), max_length=100, blank=True)
    recipients = models.TextField(
        _("recipients (Nơi nhận)"), help_text=_("One recipient per line, without the dash.")
    )
    archive = models.CharField(_("filed at (Lưu)"), max_length=100, default="VT, PBGDPL")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("text of the Department's yearly report")
        verbose_name_plural = _("texts of the Department's yearly reports")
        ordering = ["-year"]

    def __str__(self):
        return _("Yearly report of the Department of Justice %(year)d") % {"year": self.year}
