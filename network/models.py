from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hoagiai.text import fold, natural_key
from hoagiai.uploads import storage_name
from units.models import AdminUnit, current_communes

from .dates import date_errors, is_due, training_deadline

MAJORITY_ETHNICITY = "Kinh"
# The 54 ethnic groups of Viet Nam, as the General Statistics Office names them.
ETHNICITIES = [
    "Kinh", "Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "Mông", "Dao", "Gia Rai",
    "Ê Đê", "Ba Na", "Sán Chay", "Chăm", "Cơ Ho", "Xơ Đăng", "Sán Dìu", "Hrê", "Ra Glai",
    "Mnông", "Thổ", "Xtiêng", "Khơ mú", "Bru Vân Kiều", "Cơ Tu", "Giáy", "Tà Ôi", "Mạ",
    "Giẻ Triêng", "Co", "Chơ Ro", "Xinh Mun", "Hà Nhì", "Chu Ru", "Lào", "La Chí", "Kháng",
    "Phù Lá", "La Hủ", "La Ha", "Pà Thẻn", "Lự", "Ngái", "Chứt", "Lô Lô", "Mảng", "Cơ Lao",
    "Bố Y", "Cống", "Si La", "Pu Péo", "Rơ Măm", "Brâu", "Ơ Đu",
]  # fmt: skip


def _dates(obj, *names):
    return {name: getattr(obj, name) for name in names}


def active_on(day, start="recognised_on", end="left_on", prefix=""):
    """Q for rows active on ``day``: started on or before it and not yet ended."""
    return Q(**{f"{prefix}{start}__lte": day}) & (
        Q(**{f"{prefix}{end}__isnull": True}) | Q(**{f"{prefix}{end}__gt": day})
    )


def team_active_on(day, prefix=""):
    return (
        Q(**{f"{prefix}established_on__isnull": True}) | Q(**{f"{prefix}established_on__lte": day})
    ) & (Q(**{f"{prefix}dissolved_on__isnull": True}) | Q(**{f"{prefix}dissolved_on__gt": day}))


class MediationTeamQuerySet(models.QuerySet):
    def active_on(self, day):
        return self.filter(team_active_on(day))

    def with_composition(self, day):
        """Annotate each team with its active mediators on ``day`` by what the Law counts.

        One GROUP BY query, whatever the number of teams (Law 35/2013 Art. 12).
        """
        active = active_on(day, prefix="mediators__")
        minority = ~Q(mediators__ethnicity__in=["", MAJORITY_ETHNICITY])
        queryset = self.annotate(
            mediator_count=models.Count("mediators", filter=active),
            leader_count=models.Count(
                "mediators", filter=active & Q(mediators__role=Mediator.Role.LEADER)
            ),
            woman_count=models.Count(
                "mediators", filter=active & Q(mediators__sex=Mediator.Sex.FEMALE)
            ),
            minority_count=models.Count("mediators", filter=active & minority),
        )
        return queryset.annotate(
            is_compliant=models.ExpressionWrapper(~INCOMPLETE, models.BooleanField())
        )

    def incomplete(self):
        """Teams short of the Law's composition (after ``with_composition``)."""
        return self.filter(INCOMPLETE)

    def compliant(self):
        return self.exclude(INCOMPLETE)


INCOMPLETE = (
    Q(leader_count=0)
    | Q(mediator_count__lt=3)
    | Q(woman_count=0)
    | Q(ethnic_minority_area=True, minority_count=0)
)


class MediationTeam(models.Model):
    """A tổ hòa giải of a thôn or tổ dân phố (Law 35/2013/QH13 Art. 12)."""

    commune = models.ForeignKey(
        AdminUnit,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="mediation_teams",
        limit_choices_to=current_communes,
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
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)
    # The name as it sorts for people ("Tổ 2" before "Tổ 10"; hoagiai.text.natural_key),
    # kept by ``save`` and by the bulk paths (``fill_derived``).
    sort_name = models.CharField(_("name for sorting"), max_length=255, default="", editable=False)

    history = HistoricalRecords()
    objects = MediationTeamQuerySet.as_manager()
    scope_path = "commune"  # the unit a row belongs to, for accounts.scoping
    derived_fields = ["sort_name"]

    class Meta:
        verbose_name = _("mediation team")
        verbose_name_plural = _("mediation teams")
        ordering = ["commune__code", "sort_name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "name"], name="team_unique_name_in_commune"),
        ]

    def __str__(self):
        return f"{self.name} ({self.commune})"

    def save(self, *args, **kwargs):
        self.fill_derived()
        fields = kwargs.get("update_fields")
        if fields is not None and "name" in fields:
            kwargs["update_fields"] = {*fields, "sort_name"}
        super().save(*args, **kwargs)

    def fill_derived(self):
        self.sort_name = natural_key(self.name)[:255]

    def composition_gaps(self) -> list[str]:
        """What the team lacks, in words (needs ``with_composition``)."""
        gaps = []
        if self.leader_count == 0:
            gaps.append(_("no team leader"))
        if self.mediator_count < 3:
            gaps.append(_("fewer than 3 mediators"))
        if self.woman_count == 0:
            gaps.append(_("no woman mediator"))
        if self.ethnic_minority_area and self.minority_count == 0:
            gaps.append(_("no ethnic-minority mediator"))
        return gaps

    def clean(self):
        if self.commune_id and self.commune.level != AdminUnit.Level.COMMUNE:
            raise ValidationError({"commune": _("A mediation team belongs to a commune.")})
        if self.commune_id and not self.commune.is_valid_on(timezone.localdate()):
            successor = self.commune.successors.first()
            raise ValidationError(
                {
                    "commune": _("%(commune)s ended on %(day)s: its teams are in %(successor)s.")
                    % {
                        "commune": self.commune.name,
                        "day": f"{self.commune.valid_to:%d/%m/%Y}",
                        "successor": successor.name if successor else "—",
                    }
                }
            )
        if errors := date_errors(_dates(self, "established_on", "dissolved_on")):
            raise ValidationError(errors)
        if self.established_on and self.dissolved_on and self.dissolved_on < self.established_on:
            raise ValidationError(
                {"dissolved_on": _("A team cannot be dissolved before it was established.")}
            )


class TrainingStatus(models.TextChoices):
    IN_TIME = "in_time", _("trained in time")
    LATE = "late", _("trained late")
    OVERDUE = "overdue", _("overdue, not trained")
    PENDING = "pending", _("not yet due")
    LEFT = "left", _("left before the deadline")


def training_status(recognised_on, left_on, trained_on, day):
    """The 6-month rule for a newly recognised mediator, as of ``day`` (its close: a
    training held that day counts, and a deadline on that day has come: ``is_due``)."""
    deadline = training_deadline(recognised_on)
    if trained_on is not None and trained_on <= day:
        return TrainingStatus.IN_TIME if trained_on <= deadline else TrainingStatus.LATE
    if left_on is not None and left_on <= min(day, deadline):
        return TrainingStatus.LEFT
    return TrainingStatus.OVERDUE if is_due(deadline, day) else TrainingStatus.PENDING


# A mediator counts as trained (targets O6a, O6b) after a course for mediators under the
# Ministry's framework programme.
COUNTS_AS_TRAINING = Q(training__audience="mediators", training__programme="framework")


def fill_derived(objs) -> list[str]:
    """Fill the computed columns of ``objs`` (one model) before a bulk write, which skips
    ``save``; returns their names, for ``bulk_update``'s list of fields."""
    objs = list(objs)
    if not objs or not hasattr(objs[0], "fill_derived"):
        return []
    for obj in objs:
        obj.fill_derived()
    return list(type(objs[0]).derived_fields)


class MediatorQuerySet(models.QuerySet):
    def active_on(self, day):
        return self.filter(active_on(day))

    def with_first_training_per_row(self):
        """``first_trained_on`` as ``with_first_training`` gives it, read by a correlated
        subquery: for a list page, whose counts then leave it out instead of grouping every
        mediator with its courses (the admin's list took 2 s at province scale)."""
        first = (
            MediatorAttendance.objects.filter(
                mediator=models.OuterRef("pk"),
                training__held_on__gte=models.OuterRef("recognised_on"),
                training__audience="mediators",
                training__programme="framework",
            )
            .order_by("training__held_on")
            .values("training__held_on")[:1]
        )
        return self.annotate(first_trained_on=models.Subquery(first))

    def search(self, text: str):
        """Mediators whose name, team or commune holds every word of ``text``, typed with
        or without marks ("nguyen van" finds "Nguyễn Văn …"). Names and team names are
        matched on their stored folded forms (``name_folded``, indexed, and the team's
        ``sort_name``): no function runs per row. Communes, a few hundred rows, are folded
        in their own table."""
        queryset = self
        for word in (fold(text) or "").split():
            # A team's stored sort key is its folded name, numbers padded: "3" finds
            # "Thôn 3", not "Thôn 13".
            teams = MediationTeam.objects.filter(sort_name__contains=natural_key(word))
            communes = AdminUnit.objects.filter(name__unaccent__contains=word)
            queryset = queryset.filter(
                Q(name_folded__contains=word)
                | Q(team__in=teams.values("pk"))
                | Q(team__commune__in=communes.values("pk"))
            )
        return queryset

    def with_first_training(self):
        """Annotate ``first_trained_on``: the first framework course since recognition."""
        return self.annotate(
            first_trained_on=models.Min(
                "attendances__training__held_on",
                filter=Q(
                    attendances__training__held_on__gte=models.F("recognised_on"),
                    attendances__training__audience="mediators",
                    attendances__training__programme="framework",
                ),
            )
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
    ethnicity = models.CharField(
        _("ethnicity"), max_length=30, blank=True, choices=[(e, e) for e in ETHNICITIES]
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    recognised_on = models.DateField(
        _("recognised on"), help_text=_("Date of the commune chairman's decision.")
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)
    background = models.CharField(
        _("background"),
        max_length=200,
        blank=True,
        help_text=_("e.g. village head, retired teacher, police officer, jurist."),
    )
    material_access_on = models.DateField(
        _("has the training material set since"),
        null=True,
        blank=True,
        help_text=_("When the mediator could first access the Ministry's material set."),
    )
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)
    # The name lower-cased without marks, for the accent-insensitive search: kept by
    # ``save`` and by the bulk paths (``fill_derived``).
    name_folded = models.CharField(
        _("name without marks"), max_length=120, default="", editable=False, db_index=True
    )

    history = HistoricalRecords()
    objects = MediatorQuerySet.as_manager()
    scope_path = "team__commune"
    # Columns computed from others: bulk writes (imports, demo) fill and update them too.
    derived_fields = ["name_folded"]

    class Meta:
        verbose_name = _("mediator")
        verbose_name_plural = _("mediators")
        ordering = ["team", "full_name"]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.fill_derived()
        fields = kwargs.get("update_fields")
        if fields is not None and "full_name" in fields:
            kwargs["update_fields"] = {*fields, "name_folded"}
        super().save(*args, **kwargs)

    def fill_derived(self):
        self.name_folded = fold(self.full_name or "")

    def clean(self):
        dates = _dates(self, "recognised_on", "left_on", "material_access_on")
        if errors := date_errors(dates, self.birth_year):
            raise ValidationError(errors)
        if self.left_on and self.recognised_on and self.left_on < self.recognised_on:
            raise ValidationError(
                {"left_on": _("A mediator cannot leave before being recognised.")}
            )

    @property
    def training_deadline(self):
        """Six calendar months after recognition (target O6b)."""
        return training_deadline(self.recognised_on)

    def training_status(self, day, trained_on=None):
        """In time / late / overdue / pending / left, as of ``day``.

        ``trained_on`` is the first training attended on or after recognition
        (``Mediator.objects.with_first_training()`` annotates it as ``first_trained_on``).
        """
        if trained_on is None:
            trained_on = getattr(self, "first_trained_on", None)
        return training_status(self.recognised_on, self.left_on, trained_on, day)


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
    materials_received_on = models.DateField(
        _("given the materials on"),
        null=True,
        blank=True,
        help_text=_("When the trainer received the guidance materials (target O3)."),
    )
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    history = HistoricalRecords()
    scope_path = "unit"

    class Meta:
        verbose_name = _("trainer")
        verbose_name_plural = _("trainers")
        ordering = ["level", "unit__code", "full_name"]

    def __str__(self):
        return self.full_name

    def clean(self):
        errors = date_errors(_dates(self, "active_from", "active_to", "materials_received_on"))
        if self.unit_id and self.level and self.unit.level != self.level:
            errors["unit"] = _("A %(level)s trainer belongs to a unit of that level.") % {
                "level": self.get_level_display()
            }
        if self.active_to and self.active_from and self.active_to < self.active_from:
            errors["active_to"] = _("The end of activity cannot be before its start.")
        if errors:
            raise ValidationError(errors)


class LegalSupport(models.Model):
    """A legal professional supporting a team (target O5), for a dated period."""

    class Kind(models.TextChoices):
        LAWYER = "lawyer", _("lawyer")
        JURIST = "jurist", _("jurist")
        ASSESSOR = "assessor", _("people's assessor")
        POLICE = "police", _("police officer")
        FORMER_JUSTICE = "former_justice", _("former judge, prosecutor or investigator")
        LEGAL_OFFICIAL = "legal_official", _("official working in law")
        OTHER = "other", _("other")

    team = models.ForeignKey(
        MediationTeam,
        verbose_name=_("mediation team"),
        on_delete=models.CASCADE,
        related_name="legal_supports",
    )
    kind = models.CharField(_("kind of supporter"), max_length=20, choices=Kind.choices)
    supporter_name = models.CharField(_("supporter's name"), max_length=120, blank=True)
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("until"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    history = HistoricalRecords()
    scope_path = "team__commune"

    class Meta:
        verbose_name = _("legal support")
        verbose_name_plural = _("legal supports")
        ordering = ["team", "start_on"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.supporter_name or self.team}"

    def clean(self):
        if self.end_on and self.start_on and self.end_on < self.start_on:
            raise ValidationError({"end_on": _("The end cannot be before the start.")})


class Training(models.Model):
    """A training course (lớp tập huấn) with its attendance."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("province level")
        DISTRICT = "district", _("district level")
        COMMUNE = "commune", _("commune level")

    class Audience(models.TextChoices):
        TRAINERS = "trainers", _("trainers")
        MEDIATORS = "mediators", _("mediators")
        OFFICIALS = "officials", _("commune officials")

    class Programme(models.TextChoices):
        FRAMEWORK = "framework", _("Ministry of Justice framework programme")
        OTHER = "other", _("other programme")

    title = models.CharField(_("title"), max_length=300)
    held_on = models.DateField(_("held on"))
    organiser = models.ForeignKey(
        AdminUnit,
        verbose_name=_("organising unit"),
        on_delete=models.PROTECT,
        related_name="trainings",
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    programme = models.CharField(
        _("programme"), max_length=10, choices=Programme.choices, default=Programme.FRAMEWORK
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    history = HistoricalRecords()
    scope_path = "organiser"

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-held_on", "title"]

    def __str__(self):
        return f"{self.title} ({self.held_on:%d/%m/%Y})"

    def clean(self):
        if errors := date_errors(_dates(self, "held_on")):
            raise ValidationError(errors)


class TrainerAttendance(models.Model):
    training = models.ForeignKey(
        Training, verbose_name=_("training"), on_delete=models.CASCADE, related_name="trainers"
    )
    trainer = models.ForeignKey(
        Trainer, verbose_name=_("trainer"), on_delete=models.CASCADE, related_name="attendances"
    )

    history = HistoricalRecords()
    scope_path = "training__organiser"

    class Meta:
        verbose_name = _("trainer attendance")
        verbose_name_plural = _("trainer attendance")
        constraints = [
            models.UniqueConstraint(fields=["training", "trainer"], name="trainer_attends_once"),
        ]

    def __str__(self):
        return str(self.trainer)


class MediatorAttendance(models.Model):
    training = models.ForeignKey(
        Training, verbose_name=_("training"), on_delete=models.CASCADE, related_name="mediators"
    )
    mediator = models.ForeignKey(
        Mediator, verbose_name=_("mediator"), on_delete=models.CASCADE, related_name="attendances"
    )

    history = HistoricalRecords()
    scope_path = "training__organiser"

    class Meta:
        verbose_name = _("mediator attendance")
        verbose_name_plural = _("mediator attendance")
        constraints = [
            models.UniqueConstraint(fields=["training", "mediator"], name="mediator_attends_once"),
        ]

    def __str__(self):
        return str(self.mediator)


class OfficialAttendance(models.Model):
    """A commune official (leader of the commune committee, justice officer) at a training."""

    training = models.ForeignKey(
        Training, verbose_name=_("training"), on_delete=models.CASCADE, related_name="officials"
    )
    full_name = models.CharField(_("full name"), max_length=120)
    position = models.CharField(_("position"), max_length=120, blank=True)
    commune = models.ForeignKey(
        AdminUnit,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": AdminUnit.Level.COMMUNE},
    )

    history = HistoricalRecords()
    scope_path = "training__organiser"

    class Meta:
        verbose_name = _("commune official attendance")
        verbose_name_plural = _("commune official attendance")

    def __str__(self):
        return self.full_name


def material_path(material, filename):
    """A generated name (``hoagiai.uploads.storage_name``): the person's file name is kept in
    ``Material.file_name`` for the download, never used as a path."""
    return f"materials/{storage_name(filename)}"


class MaterialQuerySet(models.QuerySet):
    def published(self, day=None):
        """The materials published on or before ``day`` (today): the public library's, and
        what targets O1 and O7 count as of a cut-off."""
        return self.filter(published_on__lte=day or timezone.localdate())


class Material(models.Model):
    """A training or dissemination document (task 7.2, targets O1 and O7): published from
    its publication date, as a file kept by the portal or a link to where it is published."""

    class Kind(models.TextChoices):
        FOR_TRAINERS = "for_trainers", _("for trainers")
        FOR_MEDIATORS = "for_mediators", _("for mediators")
        DISSEMINATION = "dissemination", _("legal dissemination")

    title = models.CharField(_("title"), max_length=300)
    # The audience the material is written for (the plan's three kinds, target O1).
    kind = models.CharField(_("audience"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    file = models.FileField(_("file"), upload_to=material_path, max_length=300, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True, editable=False)
    link = models.URLField(_("published link"), blank=True)
    published_on = models.DateField(
        _("published on"),
        null=True,
        blank=True,
        help_text=_(
            "Empty while not yet published. The material is in the public library, and counts "
            "for targets O1 and O7, from this date."
        ),
    )
    publisher = models.ForeignKey(
        AdminUnit,
        verbose_name=_("publishing unit"),
        on_delete=models.PROTECT,
        related_name="materials",
    )
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    history = HistoricalRecords()
    objects = MaterialQuerySet.as_manager()
    scope_path = "publisher"

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["-published_on", "title"]

    def __str__(self):
        return self.title

    def clean(self):
        # Exactly one: the library serves the file or sends the reader to the link.
        if self.file and self.link:
            raise ValidationError(
                _("Give the material's file or its link, not both: the library offers one.")
            )
        if not (self.file or self.link):
            raise ValidationError(
                _("Attach the material's file or give the link where it is published.")
            )


class PilotCommune(models.Model):
    """A commune designated for chỉ đạo điểm (task 2.1) for a run of years."""

    commune = models.ForeignKey(
        AdminUnit,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="pilot_designations",
        limit_choices_to={"level": AdminUnit.Level.COMMUNE},
    )
    start_year = models.PositiveSmallIntegerField(_("from year"), default=2024)
    end_year = models.PositiveSmallIntegerField(_("to year"), default=2026)
    decision = models.CharField(_("decision"), max_length=120, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    history = HistoricalRecords()
    scope_path = "commune"

    class Meta:
        verbose_name = _("pilot commune")
        verbose_name_plural = _("pilot communes")
        ordering = ["commune__code", "start_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")), name="pilot_years_in_order"
            ),
        ]

    def __str__(self):
        return f"{self.commune} ({self.start_year}–{self.end_year})"

    def clean(self):
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": _("The end year cannot be before the start year.")})


class ModelCommune(models.Model):
    """A commune recognised as "Cấp xã điển hình về hòa giải ở cơ sở" (target O9)."""

    commune = models.ForeignKey(
        AdminUnit,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="model_recognitions",
        limit_choices_to={"level": AdminUnit.Level.COMMUNE},
    )
    year = models.PositiveSmallIntegerField(_("year"))
    decision = models.CharField(_("decision"), max_length=120)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    history = HistoricalRecords()
    scope_path = "commune"

    class Meta:
        verbose_name = _("model commune")
        verbose_name_plural = _("model communes")
        ordering = ["-year", "commune__code"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "year"], name="model_commune_once_a_year"),
        ]

    def __str__(self):
        return f"{self.commune} ({self.year})"
