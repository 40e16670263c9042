import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hoagiai.caching import cached
from units.models import AdminUnit

from .evidence import storage_name

_TASK_NUMBER = re.compile(r"^(\d+)(?:\.(\d+))?([a-z]?)$")


def task_sort_key(number: str) -> int:
    """Order task numbers as people read them: 2.3a < 2.3b < 2.4 < 9.2 < 10.1.

    "10.1" sorts after "9.2" and "2.3a" before "2.4", which plain text ordering gets wrong.
    """
    match = _TASK_NUMBER.match(number or "")
    if not match:
        raise ValueError(f"Not a task number: {number!r}")
    group, item, letter = match.groups()
    letter_rank = ord(letter) - ord("a") + 1 if letter else 0
    return int(group) * 10_000 + int(item or 0) * 100 + letter_rank


class PlanManager(models.Manager):
    def get_by_natural_key(self, decision):
        return self.get(decision=decision)

    def current(self):
        """The plan the portal follows (the first loaded), or None; kept in the cache."""
        return cached("plan:current", [Plan], lambda: self.order_by("pk").first())


class Plan(models.Model):
    title = models.CharField(_("title"), max_length=300)
    decision = models.CharField(
        _("implements decision"), max_length=40, unique=True, help_text=_("e.g. 315/QĐ-TTg")
    )
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    issued_by = models.CharField(_("issued by"), max_length=200, blank=True)
    start_year = models.PositiveSmallIntegerField(_("start year"))
    end_year = models.PositiveSmallIntegerField(_("end year"))
    whole_province_from = models.DateField(
        _("covers the whole province from"),
        null=True,
        blank=True,
        help_text=_(
            "The plan was written for Bắc Giang: after the 1/7/2025 merger its targets cover "
            "the communes that came from it. Set a date to widen them to every commune of the "
            "province from that day on."
        ),
    )

    history = HistoricalRecords()
    objects = PlanManager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=F("start_year")), name="plan_years_in_order"
            ),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.decision,)

    @property
    def years(self):
        return range(self.start_year, self.end_year + 1)

    def area_communes(self, province, year, former=None):
        """The communes of ``province`` the targets cover in ``year``, as a queryset of ids,
        or None for every commune it has. A province formed by a merger covers the
        communes that came from the provinces before it (``former``, read when not given),
        until the plan is widened."""
        if province.level != AdminUnit.Level.PROVINCE:
            return None
        if self.whole_province_from and self.whole_province_from.year <= year:
            return None
        if former is None:
            former = list(province.predecessors.values_list("pk", flat=True))
        if not former:
            return None
        came_from = Q(predecessors__parent__in=former) | Q(predecessors__parent__parent__in=former)
        return AdminUnit.objects.filter(came_from, parent=province).values("pk").distinct()


class TaskGroupManager(models.Manager):
    def get_by_natural_key(self, decision, number):
        return self.get(plan__decision=decision, number=number)

    def cached(self):
        """Every group, in order; kept in the cache (they change with the plan only)."""
        return cached("task-groups", [TaskGroup], lambda: list(self.all()))


class TaskGroup(models.Model):
    """One of the numbered groups of tasks in section III of the plan."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="groups"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.TextField(_("title"))

    history = HistoricalRecords()
    objects = TaskGroupManager()

    class Meta:
        verbose_name = _("task group")
        verbose_name_plural = _("task groups")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="taskgroup_unique_number"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def natural_key(self):
        return (*self.plan.natural_key(), self.number)

    natural_key.dependencies = ["plans.plan"]


class AgencyManager(models.Manager):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class Agency(models.Model):
    """A body the plan names as lead or partner, once, with its level qualifier."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("province level")
        DISTRICT = "district", _("each district")
        COMMUNE = "commune", _("each commune")
        GRASSROOTS = "grassroots", _("grassroots (village, residential group)")
        SAME_LEVEL = "same_level", _("same level as the lead")
        ALL_LEVELS = "all_levels", _("all levels")

    name = models.CharField(_("name"), max_length=200, unique=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    is_generic = models.BooleanField(
        _("generic"),
        default=False,
        help_text=_('A catch-all such as "các cơ quan, tổ chức có liên quan".'),
    )
    other_names = models.TextField(
        _("other names in the plan"),
        blank=True,
        help_text=_("Other wordings the plan uses for this agency, one per line."),
    )

    history = HistoricalRecords()
    objects = AgencyManager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["is_generic", "name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)


class TaskQuerySet(models.QuerySet):
    def with_agencies(self):
        """Prefetch the agencies in the plan's order (leads, then partners) and milestones."""
        links = TaskAgency.objects.select_related("agency").order_by("role", "position")
        return self.prefetch_related(models.Prefetch("agency_links", queryset=links), "milestones")

    def get_by_natural_key(self, decision, number):
        return self.get(group__plan__decision=decision, number=number)


# How long a task's text is on the timeline and in the admin's lists.
SHORT_TEXT = 90


class Task(models.Model):
    """A numbered item of section III (1, 2.1 … 10.2); 2.3's two bullets are 2.3a and 2.3b."""

    class TimelineKind(models.TextChoices):
        RANGE = "range", _("year range")
        ANNUAL = "annual", _("every year")
        MILESTONES = "milestones", _("milestones")

    group = models.ForeignKey(
        TaskGroup, verbose_name=_("task group"), on_delete=models.CASCADE, related_name="tasks"
    )
    number = models.CharField(_("number"), max_length=8, help_text=_("e.g. 2.1 or 2.3a"))
    sort_key = models.PositiveIntegerField(_("order"), editable=False, db_index=True)
    heading = models.TextField(
        _("heading"), blank=True, help_text=_("The text of the parent item, for 2.3a and 2.3b.")
    )
    text = models.TextField(_("text"))
    agencies = models.ManyToManyField(
        Agency, through="TaskAgency", verbose_name=_("agencies"), related_name="tasks"
    )
    timeline_kind = models.CharField(
        _("timeline"), max_length=12, choices=TimelineKind.choices, default=TimelineKind.RANGE
    )
    start_year = models.PositiveSmallIntegerField(_("start year"))
    end_year = models.PositiveSmallIntegerField(_("end year"))
    timeline_text = models.CharField(
        _("timeline as written"), max_length=200, blank=True, help_text=_("The plan's wording.")
    )

    history = HistoricalRecords()
    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="task_unique_number"),
            models.CheckConstraint(
                condition=Q(end_year__gte=F("start_year")), name="task_years_in_order"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.short_text}"

    def save(self, *args, **kwargs):
        self.sort_key = task_sort_key(self.number)
        super().save(*args, **kwargs)

    @property
    def short_text(self):
        """The text on one or two lines (timeline, admin): cut after a clause where one ends
        far enough in, else between two syllables, never inside one ("công ch…")."""
        text = " ".join(self.text.split())
        if len(text) <= SHORT_TEXT:
            return text
        head = text[: SHORT_TEXT - 1]
        clause = max(head.rfind(mark) for mark in (",", ";", ":"))
        if clause >= SHORT_TEXT // 2:
            return head[:clause] + "…"
        if text[len(head)] != " ":  # the head ends inside a syllable: drop that syllable
            head = head[: head.rfind(" ")]
        return head.rstrip(" ,;:-") + "…"

    def natural_key(self):
        return (*self.group.plan.natural_key(), self.number)

    natural_key.dependencies = ["plans.taskgroup"]

    def clean(self):
        errors = {}
        try:
            task_sort_key(self.number)
        except ValueError:
            errors["number"] = _('A task number looks like "2", "2.1" or "2.3a".')
        if (
            self.group_id
            and self.number
            and not self.number.split(".")[0].startswith(str(self.group.number))
        ):
            errors["number"] = _("The task number must start with its group's number.")
        if self.start_year and self.end_year:
            if self.end_year < self.start_year:
                errors["end_year"] = _("The end year cannot be before the start year.")
            plan = self.group.plan if self.group_id else None
            if plan and not (plan.start_year <= self.start_year <= self.end_year <= plan.end_year):
                errors["start_year"] = _(
                    "The years must lie within the plan (%(start)d–%(end)d)."
                ) % {
                    "start": plan.start_year,
                    "end": plan.end_year,
                }
        if errors:
            raise ValidationError(errors)

    def agencies_in_role(self, role):
        """Agencies of this task in a role, in the plan's order (uses prefetched links)."""
        return [link.agency for link in self.agency_links.all() if link.role == role]

    @property
    def leads(self):
        return self.agencies_in_role(TaskAgency.Role.LEAD)

    @property
    def partners(self):
        return self.agencies_in_role(TaskAgency.Role.PARTNER)


class TaskAgencyManager(models.Manager):
    def get_by_natural_key(self, decision, number, agency_name, role):
        return self.get(
            task__group__plan__decision=decision,
            task__number=number,
            agency__name=agency_name,
            role=role,
        )


class TaskAgency(models.Model):
    """An agency's part in a task: lead (chủ trì) or partner (phối hợp)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("lead")
        PARTNER = "partner", _("partner")

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="agency_links"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="task_links"
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices)
    role_label = models.CharField(
        _("role as written"),
        max_length=60,
        blank=True,
        help_text=_('When the plan words the role differently, e.g. "chủ trì tham mưu".'),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()
    objects = TaskAgencyManager()

    class Meta:
        verbose_name = _("task agency")
        verbose_name_plural = _("task agencies")
        ordering = ["task__sort_key", "role", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "agency", "role"], name="taskagency_unique_role"
            ),
        ]

    def __str__(self):
        return f"{self.task.number}: {self.agency} ({self.get_role_display()})"

    def natural_key(self):
        return (*self.task.natural_key(), self.agency.name, self.role)

    natural_key.dependencies = ["plans.task", "plans.agency"]


class MilestoneManager(models.Manager):
    def get_by_natural_key(self, decision, number, year, label):
        return self.get(
            task__group__plan__decision=decision, task__number=number, year=year, label=label
        )


class Milestone(models.Model):
    """A dated step of a task with a milestone timeline (10.1: Kiểm tra, Sơ kết, Tổng kết)."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="milestones"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    label = models.CharField(_("label"), max_length=60)

    history = HistoricalRecords()
    objects = MilestoneManager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["task__sort_key", "year", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "year", "label"], name="milestone_unique_per_year"
            ),
        ]

    def __str__(self):
        return f"{self.label} {self.year}"

    def natural_key(self):
        return (*self.task.natural_key(), self.year, self.label)

    natural_key.dependencies = ["plans.task"]


class Responsibility(models.Model):
    """A lead agency's share of a task in one year of its timeline: the unit progress is
    reported for. Expanded from the plan (``plans.progress.sync``), never typed.

    "UBND cấp huyện" becomes one row per district; agencies below the district (UBND cấp xã,
    tổ hòa giải) are reported by their district, so they get one row per district too. From
    1/7/2025 there are no districts: the district rows end with 2025 and the local agencies'
    rows continue as each commune's ("UBND cấp xã"). A provincial agency has one row, ``unit``
    empty.
    """

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="responsibilities"
    )
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT)
    unit = models.ForeignKey(
        "units.AdminUnit",
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsibilities",
        limit_choices_to={"level__in": ["district", "commune"]},
        help_text=_("A district until 30/6/2025, a commune since; empty for a provincial agency."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    milestones = models.CharField(
        _("milestones"), max_length=120, blank=True, help_text=_("e.g. Kiểm tra, Sơ kết")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    # A row the plan no longer asks for (its timeline or agencies changed) but that already
    # holds progress: kept, so no one's work is lost, and shown apart.
    in_plan = models.BooleanField(_("in the plan"), default=True)
    # The status was set by the demo data (seed_demo_progress); seed_demo --clear resets it.
    status_is_demo = models.BooleanField(_("demo status"), default=False, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()
    scope_path = "unit"

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        ordering = ["task__sort_key", "year", "agency__name", "unit__level", "unit__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "agency", "unit", "year"],
                name="responsibility_unique_per_unit",
            ),
            models.UniqueConstraint(
                fields=["task", "agency", "year"],
                condition=Q(unit__isnull=True),
                name="responsibility_unique_provincial",
            ),
        ]

    def __str__(self):
        return f"{self.task.number} · {self.unit_name} · {self.year}"

    @property
    def unit_name(self):
        if self.unit_id is None:
            return self.agency.name
        return _("%(agency)s — %(district)s") % {
            "agency": self.agency.name,
            "district": self.unit.name,
        }

    def is_overdue(self, today) -> bool:
        """Derived, never stored: its year is over and the work is not done."""
        return self.status != self.Status.DONE and today.year > self.year


def evidence_path(evidence, filename):
    """A generated name: a person's file name can be longer than a disk allows (255 bytes).
    The person's name is kept in ``Evidence.name``, for display and download."""
    return f"evidence/{evidence.activity.responsibility.year}/{storage_name(filename)}"


class Activity(models.Model):
    """Something done for a responsibility: when, what, who took part, what it cost."""

    responsibility = models.ForeignKey(
        Responsibility,
        verbose_name=_("responsibility"),
        on_delete=models.CASCADE,
        related_name="activities",
    )
    held_on = models.DateField(_("date"))
    description = models.TextField(_("what was done"))
    participants = models.PositiveIntegerField(_("participants"), default=0)
    budget = models.PositiveBigIntegerField(_("budget used (VND)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    history = HistoricalRecords()
    scope_path = "responsibility__unit"

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.held_on:%d/%m/%Y}: {self.description[:60]}"


class Evidence(models.Model):
    """A file proving an activity: PDF, Word, Excel or an image, checked by its content."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    history = HistoricalRecords()
    scope_path = "activity__responsibility__unit"

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["pk"]

    def __str__(self):
        return self.name
