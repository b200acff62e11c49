"""Organisations, their sites and staff, and the programmes they run."""

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from programme import indicators, outcomes
from programme.language_scales import LOCAL_LEVEL_CHOICES, LOCAL_LEVELS
from programme.text_limits import LONG_NOTE, NOTE


def parse_week_list(value: str) -> list[int]:
    return sorted({int(part) for part in value.replace(";", ",").split(",") if part.strip()})


def validate_week_list(value: str) -> None:
    try:
        weeks = parse_week_list(value)
    except ValueError:
        raise ValidationError(
            _("Write whole numbers of weeks separated by commas, e.g. 4, 13, 26."),
            code="invalid_weeks",
        ) from None
    if any(week < 1 or week > 260 for week in weeks):
        raise ValidationError(_("Each number of weeks must be between 1 and 260."))


class Organisation(models.Model):
    class Kind(models.TextChoices):
        CPAS = "cpas", _("Public social welfare centre (CPAS/OCMW)")
        ASSOCIATION = "association", _("Association")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CPAS)
    city = models.CharField(_("city"), max_length=100, blank=True)
    language = models.CharField(
        _("working language"),
        max_length=2,
        choices=[("fr", "Français"), ("nl", "Nederlands")],
        default="fr",
        help_text=_("The language of the group work; new participant files start from it."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class Site(models.Model):
    """An antenna or office of an organisation, where people are received and groups meet."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="sites", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="site_unique_name")
        ]

    def __str__(self):
        return self.name


class Staff(models.Model):
    """A user's place in one organisation, and the role that decides what they may do there."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", _("Administrator")
        MANAGER = "manager", _("Manager")
        COACH = "coach", _("Coach")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="staff", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    site = models.ForeignKey(
        Site, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("site")
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self):
        return (
            f"{self.user.get_full_name() or self.user.get_username()} ({self.get_role_display()})"
        )

    def clean(self):
        if self.site_id and self.site.organisation_id != self.organisation_id:
            raise ValidationError({"site": _("This site belongs to another organisation.")})

    @property
    def is_manager(self) -> bool:
        return self.role == self.Role.MANAGER

    @property
    def is_coach(self) -> bool:
        return self.role == self.Role.COACH

    @property
    def works_with_participants(self) -> bool:
        """Coaches (their caseload) and managers (the whole organisation) open participant
        files; administrators configure the organisation and never need to."""
        return self.role in {self.Role.MANAGER, self.Role.COACH}


class PartnerOrganisation(models.Model):
    """An outside organisation a programme works with: it receives referrals, hosts
    volunteers or provides sessions (one partner can do all three)."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="partners",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    services = models.CharField(
        _("services"),
        max_length=300,
        blank=True,
        help_text=_("e.g. trauma therapy, debt mediation"),
    )
    receives_referrals = models.BooleanField(_("receives referrals"), default=False)
    hosts_volunteers = models.BooleanField(_("hosts volunteers"), default=False)
    provides_sessions = models.BooleanField(_("provides sessions"), default=False)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="partner_unique_name")
        ]

    def __str__(self):
        return self.name


class Programme(models.Model):
    class EntryMode(models.TextChoices):
        CONTINUOUS = "continuous", _("Continuous entry")
        COHORT = "cohort", _("By cohort")

    class ModulePath(models.TextChoices):
        SEQUENCE = "sequence", _("In sequence, the same for everyone")
        CHOSEN = "chosen", _("Chosen per person, in any order")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    description = models.TextField(_("description"), max_length=LONG_NOTE, blank=True)
    funder = models.CharField(_("funder"), max_length=200, blank=True, help_text=_("e.g. AMIF"))
    funding_reference = models.CharField(_("funding reference"), max_length=100, blank=True)
    starts_on = models.DateField(_("start of the period"))
    ends_on = models.DateField(_("end of the period"), null=True, blank=True)
    planned_length_months = models.PositiveSmallIntegerField(
        _("planned trajectory length (months)"), default=6
    )
    entry_mode = models.CharField(
        _("entry mode"), max_length=20, choices=EntryMode.choices, default=EntryMode.CONTINUOUS
    )
    module_path = models.CharField(
        _("path through the modules"),
        max_length=20,
        choices=ModulePath.choices,
        default=ModulePath.CHOSEN,
        help_text=_(
            "In sequence: each person's module plan is the programme's modules in their order, "
            "made when they start. Chosen: the coach picks each person's modules, in any order."
        ),
    )
    target_participants = models.PositiveIntegerField(
        _("target: participants"), null=True, blank=True
    )
    target_completion_rate = models.PositiveSmallIntegerField(
        _("target: completion rate (%)"), null=True, blank=True
    )
    target_work_ready_rate = models.PositiveSmallIntegerField(
        _("target: leaving ready for work (%)"), null=True, blank=True
    )
    sites = models.ManyToManyField(Site, blank=True, verbose_name=_("sites"))
    language_scale = models.CharField(
        _("local language scale"),
        max_length=10,
        choices=[
            ("nt2", _("Dutch as a second language (NT2 1.1–4)")),
            ("fle", _("French as a foreign language (alpha, FLE A1–C1)")),
        ],
        blank=True,
        help_text=_("Shown beside the CEFR level in language assessments."),
    )
    max_mother_tongue_share = models.PositiveSmallIntegerField(
        _("largest share of one mother tongue in a group (%)"),
        null=True,
        blank=True,
        help_text=_("Keeps the group language Dutch or French. Empty: no limit."),
    )
    min_hours_per_week = models.DecimalField(
        _("required attendance (hours per week)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("e.g. 21 for an intensive collective module."),
    )
    outcome_domains = models.JSONField(
        _("outcome domains evaluated"),
        default=outcomes.default_domains,
        blank=True,
        help_text=_("The domains each evaluation scores, in this order."),
    )
    follow_up_weeks = models.CharField(
        _("follow-up calls (weeks after exit)"),
        max_length=60,
        blank=True,
        default="4, 13, 26",
        validators=[validate_week_list],
        help_text=_(
            "Comma-separated, e.g. 4, 13, 26: four weeks, three months and six months after "
            "exit. Empty: no follow-up calls."
        ),
    )
    follow_up_max_attempts = models.PositiveSmallIntegerField(
        _("call attempts before “unreachable”"),
        default=3,
        validators=[MinValueValidator(1)],
    )
    # The funder's document-retention period (FUNDER-INDICATORS.md): 5 years from 31 December
    # of the year of the last payment, approximated as the end of the year the file was closed.
    # `manage.py apply_retention` anonymises the files whose time is up.
    retention_years = models.PositiveSmallIntegerField(
        _("years a closed file is kept"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_(
            "Counted from 31 December of the year the file was closed. After that the person's "
            "file is anonymised; the figures of funder reports stay."
        ),
    )
    indicator_set = models.ForeignKey(
        "IndicatorSet",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name=_("indicator set"),
        help_text=_("The funder's list of indicators this programme reports against."),
    )
    co_funding_sets = models.ManyToManyField(
        "IndicatorSet",
        blank=True,
        related_name="co_funded_programmes",
        verbose_name=_("also reports against"),
        help_text=_("Other funders' lists, for a programme co-funded by several (e.g. ESF+)."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self):
        return self.name

    def clean(self):
        if self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The period cannot end before it starts.")})
        unknown = set(self.outcome_domains or []) - set(outcomes.BY_CODE)
        if unknown:
            raise ValidationError(
                {
                    "outcome_domains": _("Unknown outcome domain: %(codes)s")
                    % {"codes": ", ".join(sorted(unknown))}
                }
            )

    @property
    def follow_up_offsets(self) -> list[int]:
        """Weeks after exit at which former participants are called, in order."""
        return parse_week_list(self.follow_up_weeks)

    def domains(self) -> list[outcomes.Domain]:
        return [outcomes.BY_CODE[code] for code in self.outcome_domains if code in outcomes.BY_CODE]

    def trajectory_template(self) -> list["TodoTemplate"]:
        """The programme's own template, or the default one when it has none."""
        steps = list(self.template_steps.all())
        return steps or default_template_steps(self)


class TodoTemplate(models.Model):
    """One line of a programme's trajectory template. On admission each line becomes one or
    more dated to-dos on the enrolment, so no evaluation depends on a coach remembering it."""

    class Kind(models.TextChoices):
        INTAKE_FOLLOW_UP = "intake_follow_up", _("Follow-up meeting after intake")
        LANGUAGE_TEST = "language_test", _("Language test")
        BASELINE = "baseline", _("Baseline evaluation")
        MIDWAY = "midway", _("Mid-way evaluation")
        EXIT = "exit", _("Exit evaluation")
        OTHER = "other", _("Other")

    class Anchor(models.TextChoices):
        START = "start", _("after the start")
        PLANNED_END = "planned_end", _("after the planned end (negative: before)")

    programme = models.ForeignKey(
        "Programme", on_delete=models.CASCADE, related_name="template_steps"
    )
    kind = models.CharField(_("what"), max_length=30, choices=Kind.choices)
    label = models.CharField(
        _("label"), max_length=200, blank=True, help_text=_("Empty: the name of the kind.")
    )
    offset_weeks = models.SmallIntegerField(_("weeks"), default=0)
    anchor = models.CharField(
        _("counted from"), max_length=20, choices=Anchor.choices, default=Anchor.START
    )
    repeat_every_weeks = models.PositiveSmallIntegerField(
        _("then every … weeks"),
        null=True,
        blank=True,
        help_text=_("Repeats until the planned end, e.g. 13 for a quarterly review."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("trajectory template step")
        verbose_name_plural = _("trajectory template")

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return self.label or str(self.get_kind_display())

    def clean(self):
        if self.repeat_every_weeks == 0:
            raise ValidationError({"repeat_every_weeks": _("Repeat at least every week.")})


def default_template_steps(programme) -> list[TodoTemplate]:
    """What a programme without its own template plans: a baseline and a language test in the
    first weeks, a follow-up meeting a month in, a quarterly review and an exit evaluation at
    the planned end. Unsaved rows: the programme's admin page saves its own."""
    kind = TodoTemplate.Kind
    rows = [
        (kind.BASELINE, 2, TodoTemplate.Anchor.START, None),
        (kind.LANGUAGE_TEST, 2, TodoTemplate.Anchor.START, None),
        (kind.INTAKE_FOLLOW_UP, 4, TodoTemplate.Anchor.START, None),
        (kind.MIDWAY, 13, TodoTemplate.Anchor.START, 13),
        (kind.EXIT, 0, TodoTemplate.Anchor.PLANNED_END, None),
    ]
    return [
        TodoTemplate(
            programme=programme,
            kind=step_kind,
            offset_weeks=weeks,
            anchor=anchor,
            repeat_every_weeks=repeat,
            position=position,
        )
        for position, (step_kind, weeks, anchor, repeat) in enumerate(rows)
    ]


def parse_weekdays(value: str) -> list[int]:
    """Monday = 0 … Sunday = 6, comma-separated: the encoding of a series' weekdays."""
    return sorted({int(day) for day in value.split(",") if day.strip()})


def validate_weekdays(value: str) -> None:
    try:
        days = parse_weekdays(value)
    except ValueError:
        days = None
    if days is None or any(day not in range(7) for day in days):
        raise ValidationError(
            _("Write weekdays as numbers, Monday = 0 … Sunday = 6, comma-separated, e.g. 1,3."),
            code="invalid_weekdays",
        )


class Phase(models.Model):
    """A stage of a programme that people go through in order (orientation, workshops,
    preparation), with the length it is expected to take."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="phases", verbose_name=_("programme")
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    min_weeks = models.PositiveSmallIntegerField(
        _("expected length from (weeks)"), null=True, blank=True
    )
    max_weeks = models.PositiveSmallIntegerField(
        _("expected length up to (weeks)"),
        null=True,
        blank=True,
        help_text=_("People still in the phase after this many weeks are flagged."),
    )
    description = models.TextField(_("description"), max_length=LONG_NOTE, blank=True)

    class Meta:
        ordering = ["programme", "position", "pk"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")

    def __str__(self):
        return self.name

    def clean(self):
        if self.min_weeks and self.max_weeks and self.max_weeks < self.min_weeks:
            raise ValidationError(
                {"max_weeks": _("The longest expected length cannot be shorter than the shortest.")}
            )


class Track(models.Model):
    """One planned length of a programme that offers several (a short intensive track and a
    longer one). An enrolment on a track is planned to last the track's length."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="tracks", verbose_name=_("programme")
    )
    name = models.CharField(_("name"), max_length=200)
    length_months = models.PositiveSmallIntegerField(
        _("planned length (months)"), validators=[MinValueValidator(1)]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["programme", "position", "pk"]
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="track_unique_name")
        ]

    def __str__(self):
        return self.name


class CohortQuerySet(models.QuerySet):
    def next_for_admission(self, on: datetime.date):
        """The cohort someone admitted on `on` joins: the one whose intake window is open that
        day (the earliest to start), else the next one to start whose intake has not closed
        (its window opens later). A cohort whose intake has closed takes nobody more."""
        return (
            self.filter(intake_closes_on__gte=on, ends_on__gte=on)
            .order_by(
                models.Case(
                    models.When(intake_opens_on__lte=on, then=0),
                    default=1,
                    output_field=models.IntegerField(),
                ),
                "starts_on",
                "pk",
            )
            .first()
        )


class Cohort(models.Model):
    """People admitted to a programme with entry by cohort wait for the next cohort and start
    together on its start date."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="cohorts", verbose_name=_("programme")
    )
    name = models.CharField(_("name"), max_length=200)
    intake_opens_on = models.DateField(_("intake opens"))
    intake_closes_on = models.DateField(_("intake closes"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    track = models.ForeignKey(
        Track,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cohorts",
        verbose_name=_("track"),
    )
    # Set by the "start the cohort" action (casefile.lifecycle.cohort_start).
    started_at = models.DateTimeField(_("started"), null=True, blank=True, editable=False)

    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "starts_on", "pk"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="cohort_unique_name")
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if (
            self.intake_opens_on
            and self.intake_closes_on
            and (self.intake_closes_on < self.intake_opens_on)
        ):
            errors["intake_closes_on"] = _("The intake cannot close before it opens.")
        if self.starts_on and self.intake_opens_on and self.starts_on < self.intake_opens_on:
            errors["starts_on"] = _("The cohort cannot start before its intake opens.")
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            errors["ends_on"] = _("The cohort must end after it starts.")
        if self.track_id and self.programme_id and self.track.programme_id != self.programme_id:
            errors["track"] = _("This track belongs to another programme.")
        if errors:
            raise ValidationError(errors)


class Module(models.Model):
    """A part of a programme: individual coaching, a weekly group, a welcome day…"""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual coaching")
        GROUP = "group", _("Group sessions")
        INFORMATION = "information", _("Information sessions")
        WORKSHOP = "workshop", _("Workshops")
        EXCURSION = "excursion", _("Excursions")
        WELCOME = "welcome", _("Welcome module")
        PRE_ACTIVATION = "pre_activation", _("Pre-activation")
        COLLECTIVE = "collective", _("Intensive collective module")
        SOCIO_PROFESSIONAL = "socio_professional", _("Socio-professional preparation")
        OTHER = "other", _("Other")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="modules", verbose_name=_("programme")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    description = models.TextField(_("description"), max_length=LONG_NOTE, blank=True)
    phase = models.ForeignKey(
        Phase,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="modules",
        verbose_name=_("phase"),
    )
    # The rhythm as it was written before it had fields of its own; kept as a note.
    rhythm = models.CharField(
        _("rhythm (note)"), max_length=200, blank=True, help_text=_("e.g. two half-days a week")
    )
    sessions_per_week = models.PositiveSmallIntegerField(
        _("sessions per week"), null=True, blank=True
    )
    hours_per_week = models.DecimalField(
        _("hours per week"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    weekdays = models.CharField(
        _("weekdays"),
        max_length=20,
        blank=True,
        validators=[validate_weekdays],
        help_text=_("Monday = 0 … Sunday = 6, comma-separated, e.g. 1,3"),
    )
    length_weeks = models.PositiveSmallIntegerField(_("length (weeks)"), null=True, blank=True)

    class EvaluatedAt(models.TextChoices):
        NONE = "", _("Not evaluated per module")
        START_END = "start_end", _("At the start and at the end")
        START_MIDDLE_END = "start_middle_end", _("At the start, half-way and at the end")

    evaluated_at = models.CharField(
        _("evaluations in this module"),
        max_length=20,
        choices=EvaluatedAt.choices,
        blank=True,
        default=EvaluatedAt.NONE,
        # Rows written without it (the demo's bulk writer) are "not evaluated per module".
        db_default=EvaluatedAt.NONE,
        help_text=_(
            "Plans an evaluation to-do for each person at these moments of their time in the "
            "module (from joining its group to leaving it, or its length in weeks)."
        ),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    trial_sessions = models.PositiveSmallIntegerField(
        _("trial sessions"),
        default=0,
        validators=[MaxValueValidator(2)],
        help_text=_("How many sessions someone may try before choosing this module (0 to 2)."),
    )

    class Meta:
        ordering = ["programme", "position", "name"]
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.phase_id and self.programme_id and self.phase.programme_id != self.programme_id:
            errors["phase"] = _("This phase belongs to another programme.")
        days = self.weekday_list()
        if self.sessions_per_week and days and len(days) > self.sessions_per_week:
            errors["weekdays"] = _("More weekdays than sessions per week.")
        if errors:
            raise ValidationError(errors)

    def weekday_list(self) -> list[int]:
        try:
            return parse_weekdays(self.weekdays)
        except ValueError:
            return []

    def rhythm_text(self) -> str:
        """The structured rhythm in words: "2 sessions a week · 6 h a week · Tue, Thu"."""
        parts = []
        if self.sessions_per_week:
            parts.append(
                ngettext(
                    "%(count)s session a week", "%(count)s sessions a week", self.sessions_per_week
                )
                % {"count": self.sessions_per_week}
            )
        if self.hours_per_week is not None:
            parts.append(_("%(hours)s h a week") % {"hours": f"{float(self.hours_per_week):g}"})
        days = self.weekday_list()
        if days:
            parts.append(", ".join(str(WEEKDAYS_ABBR[day]) for day in days))
        if self.length_weeks:
            parts.append(
                ngettext("%(count)s week", "%(count)s weeks", self.length_weeks)
                % {"count": self.length_weeks}
            )
        return " · ".join(parts)

    def planned_hours(self, weeks: float) -> float | None:
        """What the module's rhythm plans over `weeks` weeks, or None when it gives no hours."""
        if self.hours_per_week is None:
            return None
        return float(self.hours_per_week) * weeks


class EligibilityCriterion(models.Model):
    """One condition for admission. Some are read from the participant's data (the coach may
    override them with a written reason); the others are the coach's judgement at intake."""

    class Kind(models.TextChoices):
        PROTECTION_STATUS = "protection_status", _("Recognised refugee or subsidiary protection")
        THIRD_COUNTRY_NATIONAL = "third_country_national", _("Non-EU national")
        INTEGRATION_INCOME = "integration_income", _("Receives the integration income")
        MIN_AGE = "min_age", _("Minimum age")
        CIVIC_INTEGRATION = "civic_integration", _("Civic-integration course completed")
        MIN_LANGUAGE_LEVEL = "min_language_level", _("Minimum language level")
        JUDGEMENT = "judgement", _("Coach's judgement at intake")

    COMPUTED_KINDS = {
        Kind.PROTECTION_STATUS,
        Kind.THIRD_COUNTRY_NATIONAL,
        Kind.INTEGRATION_INCOME,
        Kind.MIN_AGE,
        Kind.CIVIC_INTEGRATION,
        Kind.MIN_LANGUAGE_LEVEL,
    }

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="criteria",
        verbose_name=_("programme"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    label = models.CharField(
        _("label"),
        max_length=200,
        blank=True,
        help_text=_("Shown to the coach; required for a judgement."),
    )
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    min_language_level = models.CharField(
        _("minimum language level"),
        max_length=10,
        choices=LOCAL_LEVEL_CHOICES,
        blank=True,
        default="",
        db_default="",
        help_text=_("On the programme's language scale, read from the latest language assessment."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["programme", "position", "pk"]
        verbose_name = _("eligibility criterion")
        verbose_name_plural = _("eligibility criteria")

    def __str__(self):
        if self.label:
            return self.label
        if self.kind == self.Kind.MIN_AGE and self.min_age:
            return _("%(age)s years or older") % {"age": self.min_age}
        if self.kind == self.Kind.MIN_LANGUAGE_LEVEL and self.min_language_level:
            scale, label, _cefr = LOCAL_LEVELS[self.min_language_level]
            return _("Language level %(level)s or higher (%(scale)s)") % {
                "level": label,
                "scale": scale.upper(),
            }
        return str(self.get_kind_display())

    def clean(self):
        if self.kind == self.Kind.MIN_AGE and not self.min_age:
            raise ValidationError({"min_age": _("Give the minimum age.")})
        if self.kind == self.Kind.MIN_LANGUAGE_LEVEL:
            self._check_language_level()
        if self.kind == self.Kind.JUDGEMENT and not self.label:
            raise ValidationError({"label": _("Describe what the coach must judge.")})

    def _check_language_level(self):
        if not self.min_language_level:
            raise ValidationError({"min_language_level": _("Give the minimum level.")})
        scale = self.programme.language_scale if self.programme_id else ""
        if not scale:
            raise ValidationError(
                {"min_language_level": _("Give the programme a language scale first.")}
            )
        if LOCAL_LEVELS[self.min_language_level][0] != scale:
            raise ValidationError(
                {
                    "min_language_level": _("Choose a level of the programme's %(scale)s scale.")
                    % {"scale": scale.upper()}
                }
            )

    @property
    def is_computed(self) -> bool:
        return self.kind in self.COMPUTED_KINDS


class Room(models.Model):
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="rooms", verbose_name=_("site")
    )
    name = models.CharField(_("name"), max_length=100)
    capacity = models.PositiveSmallIntegerField(_("capacity"), null=True, blank=True)
    # A room in another building than the site's (an annex down the street): the phone's
    # map takes this address when it is given.
    address = models.CharField(
        _("address"),
        max_length=300,
        blank=True,
        help_text=_("Only when the room is not at the site's address."),
    )
    # The photo of the entrance lives in RoomPhoto, loaded only when the phone asks for it;
    # this digest says there is one and names its version (the ETag, the URL's cache key).
    photo_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["site", "name"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="room_unique_name")]

    def __str__(self):
        return f"{self.site} — {self.name}"


class RoomPhoto(models.Model):
    """The photo of a room's entrance, small and stripped of its metadata, kept in the
    database (the deployment serves no uploaded files)."""

    room = models.OneToOneField(
        Room, on_delete=models.CASCADE, primary_key=True, related_name="photo"
    )
    content = models.BinaryField()
    content_type = models.CharField(max_length=20)

    class Meta:
        verbose_name = _("photo of the entrance")
        verbose_name_plural = _("photos of the entrance")

    def __str__(self):
        return str(self.room)


class ClosureDay(models.Model):
    """A day the organisation is closed besides public holidays; no session is planned on it."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="closure_days",
        verbose_name=_("organisation"),
    )
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("closure day")
        verbose_name_plural = _("closure days")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "date"], name="closure_day_unique")
        ]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.reason}".strip()


class IndicatorSet(models.Model):
    """One funder's list of indicators for one period. Next period's list is a new set (data);
    only a new way of counting needs code (a new rule in programme.indicators)."""

    funder = models.CharField(_("funder"), max_length=100, help_text=_("e.g. AMIF, ESF+"))
    name = models.CharField(_("name"), max_length=200)
    version = models.CharField(_("version"), max_length=40)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=300, blank=True, help_text=_("The regulation or guidance text.")
    )
    third_country_nationals_only = models.BooleanField(
        _("counts third-country nationals only"),
        default=False,
        help_text=_("AMIF counts only nationals of countries outside the EU, EEA and Switzerland."),
    )

    class Meta:
        ordering = ["funder", "-valid_from", "name"]
        verbose_name = _("indicator set")
        verbose_name_plural = _("indicator sets")
        constraints = [
            models.UniqueConstraint(
                fields=["funder", "name", "version"], name="indicator_set_unique_version"
            )
        ]

    def __str__(self):
        return f"{self.funder} — {self.name} ({self.version})"

    def clean(self):
        if self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The set cannot end before it starts.")})


class Indicator(models.Model):
    """One line of an indicator set: its code and wording as the funder writes them, and the
    counting rule (one of a fixed list, implemented in reports/) that produces its figure."""

    class Kind(models.TextChoices):
        OUTPUT = "output", _("Output")
        RESULT = "result", _("Result")
        CHARACTERISTIC = "characteristic", _("Characteristic at entry")

    indicator_set = models.ForeignKey(
        IndicatorSet,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("indicator set"),
    )
    code = models.CharField(_("code"), max_length=30)
    wording = models.TextField(_("wording"), max_length=NOTE)
    # A report is written in one language, indicator wording included (decision 19).
    wordings = models.JSONField(
        _("wording in other languages"),
        default=dict,
        blank=True,
        help_text=_('By language code, e.g. {"fr": "…", "nl": "…"}; others use the wording.'),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    rule = models.CharField(_("counting rule"), max_length=40, choices=indicators.RULE_CHOICES)
    argument = models.CharField(
        _("rule argument"),
        max_length=40,
        blank=True,
        help_text=_("For rules that count one of several things, which one."),
    )
    breakdowns = models.JSONField(
        _("breakdowns"),
        default=list,
        blank=True,
        help_text=_("Any of: gender, age, education."),
    )
    note = models.TextField(_("how it is counted"), max_length=NOTE, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["indicator_set", "position", "pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["indicator_set", "code"], name="indicator_unique_code")
        ]

    def __str__(self):
        return f"{self.code} {self.wording}"

    def wording_in(self, language: str | None) -> str:
        return (self.wordings or {}).get((language or "")[:2]) or self.wording

    def clean(self):
        errors = {}
        arguments = indicators.RULE_ARGUMENTS.get(self.rule)
        if arguments and self.argument not in arguments:
            errors["argument"] = _("Choose one of: %(values)s") % {
                "values": ", ".join(sorted(arguments))
            }
        if not arguments and self.argument:
            errors["argument"] = _("This rule takes no argument.")
        unknown = set(self.breakdowns or []) - set(indicators.BREAKDOWNS)
        if unknown:
            errors["breakdowns"] = _("Unknown breakdown: %(codes)s") % {
                "codes": ", ".join(sorted(unknown))
            }
        if errors:
            raise ValidationError(errors)


class ActivityMapping(models.Model):
    """Which of a programme's modules and session kinds count as a language course, a civic
    orientation course or personal professional guidance for the funder. Session kinds are
    named by code: they live in the sessions app, which this app must not import."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="activity_mappings",
        verbose_name=_("programme"),
    )
    category = models.CharField(
        _("counts as"), max_length=30, choices=indicators.ActivityCategory.choices
    )
    module = models.ForeignKey(
        Module,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("module"),
    )
    session_kind_code = models.SlugField(
        _("session kind (code)"),
        max_length=40,
        blank=True,
        help_text=_("e.g. information_session, individual_coaching, language_practice"),
    )

    class Meta:
        ordering = ["programme", "category", "pk"]
        verbose_name = _("activity counted for the funder")
        verbose_name_plural = _("activities counted for the funder")
        constraints = [
            models.CheckConstraint(
                condition=(Q(module__isnull=False) & Q(session_kind_code=""))
                | (Q(module__isnull=True) & ~Q(session_kind_code="")),
                name="activity_mapping_module_or_kind",
            )
        ]

    def __str__(self):
        return f"{self.module or self.session_kind_code} → {self.get_category_display()}"

    def clean(self):
        if bool(self.module_id) == bool(self.session_kind_code):
            raise ValidationError(_("Choose either a module or a session kind, not both."))
        if self.module_id and self.module.programme_id != self.programme_id:
            raise ValidationError({"module": _("This module belongs to another programme.")})


class IndicatorTarget(models.Model):
    """What the programme promised the funder for one indicator: over the whole programme
    (no date), or as a milestone to reach by a date."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="indicator_targets"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    target = models.PositiveIntegerField(_("target"))
    due_on = models.DateField(
        _("milestone date"),
        null=True,
        blank=True,
        help_text=_("Empty for the target of the whole programme; a date for a milestone."),
    )

    class Meta:
        ordering = ["indicator__position", "due_on"]
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "indicator"],
                condition=Q(due_on__isnull=True),
                name="indicator_target_unique",
            ),
            models.UniqueConstraint(
                fields=["programme", "indicator", "due_on"], name="indicator_milestone_unique"
            ),
        ]

    def __str__(self):
        if self.due_on:
            return f"{self.indicator.code}: {self.target} ({self.due_on:%d/%m/%Y})"
        return f"{self.indicator.code}: {self.target}"

    def clean(self):
        if (
            self.programme_id
            and self.indicator_id
            and (self.indicator.indicator_set_id != self.programme.indicator_set_id)
        ):
            raise ValidationError(
                {"indicator": _("This indicator is not in the programme's indicator set.")}
            )


def password_stamp(user) -> str:
    """A fingerprint of the user's password hash. A key made under one password stops working
    under the next one, however the password was changed (the page, a reset link, the admin,
    manage.py changepassword), as Django's sessions do. The hash is salted, so even the same
    password typed again gives a new stamp."""
    return hashlib.sha256(user.password.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self, now: datetime.datetime | None = None):
        """Neither revoked nor expired. The owner's password and account are checked on use
        (ApiToken.ended_because), as they live on another table."""
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now or timezone.now())
        )

    def of_organisation(self, organisation_id: int):
        return self.filter(user__staff__organisation_id=organisation_id)


class ApiToken(models.Model):
    """A personal key for another system (a social file software, a data warehouse) to use
    the API as this user, with this user's reach. Only a hash is kept: the key itself is shown
    once, when it is made, and cannot be read back.

    A key ends when its owner or a manager revokes it, when it expires, and with the events
    that end the owner's other ways in: a password change, a deactivation (it stays ended if
    the account comes back), a reset of the second factor."""

    class Ended(models.TextChoices):
        REVOKED = "revoked", _("Revoked by its owner")
        MANAGER = "manager", _("Revoked by a manager")
        EXPIRED = "expired", _("Expired")
        PASSWORD = "password", _("The password changed")
        DEACTIVATED = "deactivated", _("The account was deactivated")
        SECOND_FACTOR = "second_factor", _("The second factor was reset")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the key is for, e.g. “Social file sync”.")
    )
    # The first characters of the key, shown in the list so a user can tell their keys apart.
    prefix = models.CharField(_("starts with"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    # Empty: the key does not expire (the owner chose so when making it).
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    ended_reason = models.CharField(
        _("why it ended"), max_length=20, choices=Ended.choices, blank=True
    )
    password_stamp = models.CharField(max_length=64, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def ended_because(self, now: datetime.datetime | None = None) -> str:
        """Why the key no longer works (an ApiToken.Ended value), or "" while it does. Reads
        the owner: select it with the key."""
        if self.revoked_at is not None:
            return self.ended_reason or self.Ended.REVOKED
        if self.is_expired(now):
            return self.Ended.EXPIRED
        if not self.user.is_active:
            return self.Ended.DEACTIVATED
        if self.password_stamp != password_stamp(self.user):
            return self.Ended.PASSWORD
        return ""
