"""Participants, their language profile, and their enrolments from referral to closure."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, FilteredRelation, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from stdnum.be import bis as bis_number_rules
from stdnum.be import nn as national_number_rules
from stdnum.exceptions import ValidationError as NumberError

from participants import choices
from programme.dates import not_in_future
from programme.models import (
    Cohort,
    EligibilityCriterion,
    Module,
    Organisation,
    PartnerOrganisation,
    Programme,
    TodoTemplate,
    Track,
)
from programme.text_limits import LONG_NOTE, NOTE


def validate_national_number(value: str) -> None:
    """Belgian national register number (or BIS number): 11 digits whose check digits match,
    either for a birth before 2000 or, with a leading 2, from 2000 on."""
    try:
        national_number_rules.validate(value)
        return
    except NumberError:
        pass
    try:
        bis_number_rules.validate(value)
    except NumberError:
        raise ValidationError(
            _("This is not a valid national register number: check the 11 digits."),
            code="invalid_national_number",
        ) from None


def national_number_for(birth_date: datetime.date, sequence: int) -> str:
    """The register number of the person born on `birth_date` with this day's sequence number
    (1 to 997, odd for men, even for women): its check digits are 97 minus the first nine
    digits modulo 97, with a 2 before them for a birth from 2000 on."""
    digits = f"{birth_date:%y%m%d}{sequence:03d}"
    base = int(("2" if birth_date.year >= 2000 else "") + digits)
    return f"{digits}{97 - base % 97:02d}"


def birth_date_in_national_number(value: str) -> datetime.date | None:
    """The birth date a register or BIS number encodes (None when it encodes no full date)."""
    try:
        return national_number_rules.get_birth_date(value)
    except (NumberError, ValueError):
        # ValueError: python-stdnum reads the digits with int() before checking them.
        return None


def normalise_national_number(value: str) -> str:
    return national_number_rules.compact(value) if value else ""


def format_national_number(value: str) -> str:
    if not value:
        return ""
    return f"{value[0:2]}.{value[2:4]}.{value[4:6]}-{value[6:9]}.{value[9:11]}"


def age_on(birth_date: datetime.date, on: datetime.date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def co_coached_enrolments(user):
    """The ids of the enrolments `user` is a co-coach of today (`EnrolmentCoach`): a second
    coach beside the lead, from their start until the day they end."""
    return EnrolmentCoach.objects.current().filter(coach=user).order_by().values("enrolment_id")


def coached_by(user, *, via: str = "") -> Q:
    """Whose work an enrolment is: its own (lead) coach's and its current co-coaches', or, when
    it names no lead, the person's referent coach's. The one rule for to-dos, follow-up calls
    and a coach's Today; `via` is the path to the enrolment from the model filtered (e.g.
    "enrolment__")."""
    return (
        Q(**{f"{via}coach": user})
        | Q(**{f"{via}coach__isnull": True, f"{via}participant__coach": user})
        | Q(**{f"{via}pk__in": co_coached_enrolments(user)})
    )


class ParticipantQuerySet(models.QuerySet):
    def in_caseload_of(self, user):
        """A coach's caseload: the people they are the referent coach of, or coach of an
        enrolment of. Two lookups through their indexes joined as one list of ids; a test of
        every person of the organisation for either (OR with EXISTS) cost each coach page tens
        of milliseconds at national scale."""
        referent = Participant.objects.filter(coach=user).order_by().values("pk")
        enrolled = Enrolment.objects.filter(coach=user).order_by().values("participant_id")
        # A current co-coach of an enrolment has the person in their caseload too.
        co_coached = (
            EnrolmentCoach.objects.current()
            .filter(coach=user)
            .order_by()
            .values("enrolment__participant_id")
        )
        return self.filter(pk__in=referent.union(enrolled, co_coached, all=True))

    def possible_duplicates(
        self,
        *,
        national_number: str = "",
        first_name: str = "",
        last_name: str = "",
        birth_date: datetime.date | None = None,
    ):
        """The same register number, or the same names and birth date (ignoring case)."""
        match = Q(pk__in=[])
        if national_number:
            match |= Q(national_number=national_number)
        if first_name and last_name and birth_date:
            match |= Q(
                first_name__iexact=first_name.strip(),
                last_name__iexact=last_name.strip(),
                birth_date=birth_date,
            )
        return self.filter(match)

    def search(self, text: str):
        text = text.strip()
        if not text:
            return self
        if not any(ch.isalpha() for ch in text):
            # A register number, typed whole or in part, with or without its dots and dashes.
            digits = "".join(ch for ch in text if ch.isdigit())
            return self.filter(national_number__startswith=digits)
        query = Q()
        for word in text.split():
            query &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        return self.filter(query)


class Participant(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="participants",
        verbose_name=_("organisation"),
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("referent coach"),
        help_text=_("The coach the person turns to first."),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("date of birth"))
    gender = models.CharField(_("gender"), max_length=20, choices=choices.Gender.choices)
    national_number = models.CharField(
        _("national register number"),
        max_length=11,
        blank=True,
        validators=[validate_national_number],
        help_text=_("11 digits, e.g. 85.07.30-033.28. Optional."),
    )
    nationality = CountryField(_("nationality"), blank=True)
    country_of_birth = CountryField(_("country of birth"), blank=True)
    arrived_on = models.DateField(_("arrival in Belgium"), null=True, blank=True)
    residence_status = models.CharField(
        _("residence status"), max_length=30, choices=choices.ResidenceStatus.choices, blank=True
    )
    integration_income = models.BooleanField(_("receives the integration income"), default=False)
    civic_integration_completed = models.BooleanField(
        _("civic-integration course completed"), default=False
    )
    children = models.PositiveSmallIntegerField(_("children in the household"), default=0)
    childcare_needed = models.BooleanField(_("needs childcare to take part"), default=False)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # The person's own "no more text messages", set by the coach or on their phone; the
    # consent stays as it was (docs/decisions/0021-sms-reminders.md).
    sms_opt_out = models.BooleanField(
        _("no SMS reminders"),
        default=False,
        help_text=_("The person asked not to receive text messages about their sessions."),
    )
    portal_language = models.CharField(
        _("language for the participant pages"),
        max_length=10,
        choices=choices.LANGUAGES,
        default="fr",
    )
    interpreter_language = models.CharField(
        _("needs an interpreter for"),
        max_length=10,
        choices=choices.LANGUAGES,
        blank=True,
        help_text=_("Leave empty if no interpreter is needed."),
    )
    literacy = models.CharField(
        _("literacy"), max_length=20, choices=choices.Literacy.choices, blank=True
    )
    schooling = models.CharField(
        _("highest schooling completed"),
        max_length=10,
        choices=choices.Schooling.choices,
        blank=True,
    )
    schooling_years = models.PositiveSmallIntegerField(
        _("years of schooling"), null=True, blank=True
    )
    labour_market_status = models.CharField(
        _("labour-market status at entry"),
        max_length=30,
        choices=choices.LabourMarketStatus.choices,
        blank=True,
    )
    housing = models.CharField(
        _("housing situation at entry"), max_length=20, choices=choices.Housing.choices, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Raised by every save through the services: a form posted with an older version was
    # filled in before someone else's change and is refused instead of overwriting it.
    version = models.PositiveIntegerField(default=1)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "national_number"],
                condition=~Q(national_number=""),
                name="participant_unique_national_number",
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "last_name", "first_name"]),
            models.Index(fields=["organisation", "birth_date"]),
        ]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("participants:detail", args=[self.pk])

    def clean(self):
        not_in_future(
            self.birth_date,
            field="birth_date",
            message=_("The date of birth cannot be in the future."),
        )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def national_number_display(self) -> str:
        return format_national_number(self.national_number)

    def age(self, on: datetime.date | None = None) -> int:
        return age_on(self.birth_date, on or timezone.localdate())

    @property
    def is_third_country_national(self) -> bool | None:
        if not self.nationality:
            return None
        return self.nationality.code not in choices.EU_EEA_CH

    @property
    def isced_band(self) -> str:
        return choices.isced_band(self.schooling) if self.schooling else ""

    def get_isced_band_display(self) -> str:
        return str(choices.IscedBand(self.isced_band).label) if self.schooling else ""

    # The participant's file shows these twice, in its panels and on its timeline: each is
    # read once per participant object, which keeps the file within its query budget.

    @cached_property
    def file_enrolments(self) -> list["Enrolment"]:
        """The enrolments with their programme and coach and, in `history`, their status
        changes with who made them, in `interviews_held`, their intake interviews with who
        held them, in `current_co_coaches`, the co-coaches at work today with their user, in
        `plan_not_ended`, the modules of their plan not yet done or stopped, in the plan's
        order, and in `next_todo`, their first open to-do (or None; the file's "Now").

        One query rather than six: the enrolment comes once per combination of change,
        interview, co-coach and module (each of them few: an intake interview is rarely held
        twice, a co-coach or two, and the plan's modules end when the person exits), and is
        folded back here."""
        next_todo = (
            Todo.objects.open().filter(enrolment=OuterRef("pk")).order_by("due_on", "pk")[:1]
        )
        rows = (
            self.enrolments.annotate(
                change=FilteredRelation("changes"),
                interview=FilteredRelation("interviews"),
                co_coach=FilteredRelation(
                    "co_coaches",
                    condition=current_co_coach(timezone.localdate(), prefix="co_coaches__"),
                ),
                plan_entry=FilteredRelation(
                    "planned_modules",
                    condition=~Q(planned_modules__status__in=PlannedModule.ENDED),
                ),
                first_todo=FilteredRelation(
                    "todos", condition=Q(todos__pk=Subquery(next_todo.values("pk")))
                ),
            )
            .select_related(
                "programme",
                "coach",
                "change__changed_by",
                "interview__conducted_by",
                "co_coach__coach",
                "plan_entry__module",
                "first_todo",
            )
            .order_by(
                "-referred_on",
                "-pk",
                "change__changed_at",
                "change__pk",
                "interview__held_on",
                "interview__pk",
                "co_coach__since",
                "co_coach__pk",
                "plan_entry__position",
                "plan_entry__pk",
            )
        )
        # Each joined row, and the list of the enrolment it goes in.
        lists = {
            "change": "history",
            "interview": "interviews_held",
            "co_coach": "current_co_coaches",
            "plan_entry": "plan_not_ended",
        }
        enrolments: dict[int, Enrolment] = {}
        seen: set[tuple[str, int]] = set()
        for row in rows:
            enrolment = enrolments.setdefault(row.pk, row)
            if enrolment is row:
                for name in lists.values():
                    setattr(enrolment, name, [])
                enrolment.next_todo = getattr(row, "first_todo", None)
            for relation, name in lists.items():
                # An enrolment without any such row comes once, without the attribute.
                joined = getattr(row, relation, None)
                if joined is not None and (relation, joined.pk) not in seen:
                    seen.add((relation, joined.pk))
                    getattr(enrolment, name).append(joined)
        return list(enrolments.values())

    @cached_property
    def file_languages(self) -> list["LanguageSkill"]:
        """The languages the person speaks (participants.access.get_participant_file reads
        them with the person, in the same query)."""
        return list(self.languages.all())

    @cached_property
    def file_consents(self) -> list["Consent"]:
        """The consents with their partner and who recorded them."""
        return list(self.consents.select_related("partner", "recorded_by"))


class LanguageSkill(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=10, choices=choices.LANGUAGES)
    use = models.CharField(
        _("how the person uses it"), max_length=20, choices=choices.LanguageUse.choices
    )

    class Meta:
        ordering = ["participant", "use", "language"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "language"], name="language_skill_unique"
            )
        ]

    def __str__(self):
        return f"{self.get_language_display()} ({self.get_use_display()})"


class EnrolmentQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=Enrolment.FINISHED)

    def coached_by(self, user):
        """The enrolments whose work falls to `user` (see `coached_by` above)."""
        return self.filter(coached_by(user))

    def waiting(self):
        return self.filter(status=Enrolment.Status.WAITING_LIST)


class Enrolment(models.Model):
    """One participant in one programme, from referral to closure."""

    class Status(models.TextChoices):
        REFERRED = "referred", _("Referred")
        INTAKE = "intake", _("Intake")
        WAITING_LIST = "waiting_list", _("Waiting list")
        NOT_ADMITTED = "not_admitted", _("Not admitted")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        EXITED = "exited", _("Exited")
        CLOSED = "closed", _("Closed")

    # Which status may follow which. Anything else is refused with a plain message.
    TRANSITIONS = {
        Status.REFERRED: {Status.INTAKE, Status.CLOSED},
        Status.INTAKE: {Status.WAITING_LIST, Status.ACTIVE, Status.NOT_ADMITTED, Status.CLOSED},
        Status.WAITING_LIST: {Status.ACTIVE, Status.NOT_ADMITTED, Status.CLOSED},
        Status.NOT_ADMITTED: {Status.CLOSED},
        Status.ACTIVE: {Status.PAUSED, Status.EXITED},
        Status.PAUSED: {Status.ACTIVE, Status.EXITED},
        Status.EXITED: {Status.CLOSED},
        Status.CLOSED: set(),
    }
    FINISHED = {Status.NOT_ADMITTED, Status.EXITED, Status.CLOSED}

    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("participant"),
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("programme")
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("coach"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REFERRED
    )
    referred_on = models.DateField(_("referral date"))
    referral_source = models.CharField(
        _("referred by"), max_length=20, choices=choices.ReferralSource.choices
    )
    referring_partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_in",
        verbose_name=_("referring partner"),
    )
    referrer_name = models.CharField(
        _("who referred"),
        max_length=200,
        blank=True,
        help_text=_("Name and service of the person who referred"),
    )
    referral_reason = models.TextField(_("reason for the referral"), max_length=NOTE, blank=True)
    waiting_since = models.DateTimeField(_("on the waiting list since"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for not admitting"), max_length=NOTE, blank=True)
    started_on = models.DateField(_("start date"), null=True, blank=True)
    exited_on = models.DateField(_("exit date"), null=True, blank=True)
    exit_reason = models.CharField(
        _("exit reason"), max_length=20, choices=choices.ExitReason.choices, blank=True
    )
    drop_out_reason = models.CharField(
        _("drop-out reason"), max_length=20, choices=choices.DropOutReason.choices, blank=True
    )
    exit_destination = models.CharField(
        _("destination"), max_length=20, choices=choices.ExitDestination.choices, blank=True
    )
    # Kept up to date by the sessions app each time attendance is recorded
    # (participants.services.enrolment_set_attendance), so lists can sort and filter on them.
    attendance_rate = models.DecimalField(
        _("attendance rate (%)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    consecutive_absences = models.PositiveSmallIntegerField(_("absences in a row"), default=0)
    last_attended_on = models.DateField(_("last attended"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Programme structure (decision 23): the track sets the planned length; the cohort, in a
    # programme with entry by cohort, the day the person starts.
    track = models.ForeignKey(
        Track,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("track"),
    )
    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("cohort"),
    )

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["-referred_on", "-pk"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            # One open enrolment per person and programme; a finished one may be followed by
            # a new referral.
            models.UniqueConstraint(
                fields=["participant", "programme"],
                condition=~Q(status__in=["not_admitted", "exited", "closed"]),
                name="enrolment_one_open_per_programme",
            )
        ]
        indexes = [
            models.Index(fields=["programme", "status"]),
            models.Index(fields=["coach", "status"]),
        ]

    def __str__(self):
        return f"{self.participant} — {self.programme}"

    def get_absolute_url(self):
        return reverse("participants:enrolment", args=[self.pk])

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.Status(self.status)]

    def clean(self):
        errors = {}
        if self.track_id and self.track.programme_id != self.programme_id:
            errors["track"] = _("This track belongs to another programme.")
        if self.cohort_id and self.cohort.programme_id != self.programme_id:
            errors["cohort"] = _("This cohort belongs to another programme.")
        if errors:
            raise ValidationError(errors)

    @property
    def planned_length_months(self) -> int:
        """The planned length of this trajectory: its track's, else the programme's (a cohort
        with a track gives it to its members on admission). Reads the track or the programme:
        select them with the row."""
        if self.track_id:
            return self.track.length_months
        return self.programme.planned_length_months

    @property
    def is_open(self) -> bool:
        return self.status not in self.FINISHED

    @property
    def in_intake(self) -> bool:
        return self.status in {self.Status.REFERRED, self.Status.INTAKE, self.Status.WAITING_LIST}

    # The two intake checks read the related rows through .all(), so a page that prefetched
    # them asks the database nothing more.
    def eligibility_checked(self) -> bool:
        """Every criterion of the programme has an answer."""
        return len(self.eligibility.all()) >= len(self.programme.criteria.all())

    def interviewed(self) -> bool:
        return bool(self.interviews.all())

    def waiting_position(self) -> int | None:
        """1 for the person waiting longest in this programme."""
        if self.status != self.Status.WAITING_LIST or not self.waiting_since:
            return None
        ahead = (
            Enrolment.objects.waiting()
            .filter(programme_id=self.programme_id)
            .filter(
                Q(waiting_since__lt=self.waiting_since)
                | Q(waiting_since=self.waiting_since, pk__lt=self.pk)
            )
            .count()
        )
        return ahead + 1


def current_co_coach(on: datetime.date, prefix: str = "") -> Q:
    """A co-coach at work on a day: started, and not yet ended. With `prefix`, the same rule
    seen from a relation (`co_coaches__`), as a FilteredRelation's condition needs it."""
    return Q(**{f"{prefix}since__lte": on}) & (
        Q(**{f"{prefix}until__isnull": True}) | Q(**{f"{prefix}until__gt": on})
    )


class EnrolmentCoachQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        """Co-coaches at work on a day (today by default): started, and not yet ended."""
        return self.filter(current_co_coach(on or timezone.localdate()))


class EnrolmentCoach(models.Model):
    """A coach working on an enrolment beside its lead coach (`Enrolment.coach`): the
    activation coach beside the social worker, a language coach on the work floor. From
    `since` until the day before `until`, the person is in their caseload and the enrolment's
    work is theirs as much as the lead's."""

    class Role(models.TextChoices):
        SOCIAL_WORKER = "social_worker", _("Social worker")
        ACTIVATION_COACH = "activation_coach", _("Activation coach")
        LANGUAGE_COACH = "language_coach", _("Language coach")
        OTHER = "other", _("Other")

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="co_coaches", verbose_name=_("enrolment")
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="co_coached_enrolments",
        verbose_name=_("coach"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    since = models.DateField(_("since"), default=timezone.localdate)
    until = models.DateField(
        _("until"), null=True, blank=True, help_text=_("The first day they no longer coach.")
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = EnrolmentCoachQuerySet.as_manager()

    class Meta:
        ordering = ["enrolment", "since", "pk"]
        verbose_name = _("co-coach")
        verbose_name_plural = _("co-coaches")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "coach"],
                condition=Q(until__isnull=True),
                name="enrolment_coach_one_open",
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("since")),
                name="enrolment_coach_until_after_since",
            ),
        ]
        indexes = [models.Index(fields=["coach", "until"])]

    def __str__(self):
        return f"{self.coach} ({self.get_role_display()}) — {self.enrolment}"

    def is_current(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.since <= on and (self.until is None or self.until > on)


class EnrolmentStatusChange(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="changes")
    from_status = models.CharField(
        _("from"), max_length=20, choices=Enrolment.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=Enrolment.Status.choices)
    changed_at = models.DateTimeField(_("when"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("why"), max_length=NOTE, blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]
        indexes = [
            # Whether an enrolment reached a status during a period (the dashboard's intake),
            # answered from the index alone.
            models.Index(
                fields=["enrolment", "to_status", "changed_at"], name="status_change_to_status"
            ),
        ]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"


class PlannedModuleQuerySet(models.QuerySet):
    def current(self):
        """The modules the person is in now: running, or being tried."""
        return self.filter(status__in=PlannedModule.CURRENT)


class PlannedModule(models.Model):
    """One module in a person's plan: which module of the programme they follow, in which
    order, from when to when, and how it went. The plan belongs to the enrolment (decision
    22): groups belong to a module, and joining one puts the module in the plan."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        TRYING = "trying", _("Trying")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        STOPPED = "stopped", _("Stopped")

    class StopReason(models.TextChoices):
        NOT_CHOSEN = "not_chosen", _("Tried, not chosen")
        OTHER_MODULE = "other_module", _("Moved to another module")
        LEFT_GROUP = "left_group", _("Left the group")
        LEFT_PROGRAMME = "left_programme", _("Left the programme")
        HEALTH = "health", _("Health")
        OTHER = "other", _("Other reason")

    CURRENT = {Status.TRYING, Status.RUNNING}
    ENDED = {Status.DONE, Status.STOPPED}

    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="planned_modules",
        verbose_name=_("enrolment"),
    )
    module = models.ForeignKey(
        Module, on_delete=models.PROTECT, related_name="planned", verbose_name=_("module")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    stop_reason = models.CharField(
        _("why it stopped"), max_length=20, choices=StopReason.choices, blank=True
    )
    note = models.TextField(_("note"), max_length=NOTE, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlannedModuleQuerySet.as_manager()

    class Meta:
        ordering = ["enrolment", "position", "pk"]
        verbose_name = _("planned module")
        verbose_name_plural = _("planned modules")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "module"], name="planned_module_once_per_enrolment"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="planned_module_ends_after_start",
            ),
            # Trying, running or done means it started; a stopped module may never have.
            models.CheckConstraint(
                condition=Q(status__in=["planned", "stopped"]) | Q(starts_on__isnull=False),
                name="planned_module_started_has_start",
            ),
        ]
        indexes = [models.Index(fields=["module", "status"])]

    def __str__(self):
        return f"{self.module} ({self.get_status_display()})"

    def clean(self):
        if (
            self.module_id
            and self.enrolment_id
            and self.module.programme_id != self.enrolment.programme_id
        ):
            raise ValidationError({"module": _("This module belongs to another programme.")})

    @property
    def is_current(self) -> bool:
        return self.status in self.CURRENT


class EligibilityAnswer(models.Model):
    """The outcome of one criterion for one enrolment. For a computed criterion, `computed`
    keeps what the data said; a coach who overrides it must say why."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="eligibility")
    criterion = models.ForeignKey(
        EligibilityCriterion, on_delete=models.PROTECT, related_name="answers"
    )
    # None for a criterion the data cannot answer (a judgement): the coach's `met` alone.
    computed = models.BooleanField(_("result from the data"), null=True, blank=True)
    met = models.BooleanField(_("met"))
    override_reason = models.TextField(_("reason for overriding"), max_length=NOTE, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "criterion"], name="eligibility_one_answer"
            ),
            models.CheckConstraint(
                condition=Q(computed__isnull=True)
                | Q(met=models.F("computed"))
                | ~Q(override_reason=""),
                name="eligibility_override_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.criterion}: {'✓' if self.met else '✗'}"

    @property
    def overridden(self) -> bool:
        return self.computed is not None and self.computed != self.met


class IntakeInterview(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="interviews")
    held_on = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=60)
    support = models.CharField(
        _("interpreting"),
        max_length=20,
        choices=choices.IntakeSupport.choices,
        default=choices.IntakeSupport.NONE,
    )
    support_language = models.CharField(
        _("in which language"), max_length=10, choices=choices.LANGUAGES, blank=True
    )
    notes = models.TextField(_("notes"), max_length=LONG_NOTE, blank=True)
    conducted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "pk"]
        verbose_name = _("intake interview")
        verbose_name_plural = _("intake interviews")

    def __str__(self):
        return f"{self.enrolment} — {self.held_on}"

    def clean(self):
        not_in_future(
            self.held_on, field="held_on", message=_("Record an interview once it has taken place.")
        )
        if self.held_on and self.enrolment_id and self.held_on < self.enrolment.referred_on:
            raise ValidationError(
                {"held_on": _("The interview cannot be before the referral date.")}
            )
        if self.support != choices.IntakeSupport.NONE and not self.support_language:
            raise ValidationError(
                {"support_language": _("Say in which language the interpreter or mediator helped.")}
            )


class ConsentQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        """Given by that day and not withdrawn by then."""
        return self.filter(given_on__lte=day).filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day)
        )


class Consent(models.Model):
    """What the participant agreed to, for one purpose (and, for sharing, one partner). A
    withdrawn consent keeps its row: the date it stopped counting is part of the record."""

    class Purpose(models.TextChoices):
        PROCESSING = "processing", _("Processing of personal data by the programme")
        SHARING = "sharing", _("Sharing personal data with a partner")
        PHOTOS = "photos", _("Photos and video")
        # Text messages the day before a session and when one moves or is cancelled
        # (sessions.sms): sent only with this consent, to a person who has not opted out.
        SMS_REMINDERS = "sms_reminders", _("SMS reminders of sessions")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("partner"),
    )
    given_on = models.DateField(_("given on"), default=timezone.localdate)
    language = models.CharField(
        _("explained in"), max_length=10, choices=choices.LANGUAGES, blank=True
    )
    interpreter = models.BooleanField(_("with an interpreter"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_on", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose="sharing", partner__isnull=False)
                | (~Q(purpose="sharing") & Q(partner__isnull=True)),
                name="consent_partner_only_for_sharing",
            )
        ]

    def __str__(self):
        if self.partner_id:
            return f"{self.get_purpose_display()} — {self.partner}"
        return str(self.get_purpose_display())

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.given_on <= day and (self.withdrawn_on is None or self.withdrawn_on > day)


class TodoQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_on__isnull=True, cancelled=False)

    def overdue(self, today: datetime.date | None = None):
        return self.open().filter(due_on__lt=today or timezone.localdate())

    def for_coach(self, user):
        """The to-dos of the enrolments whose work falls to `user`."""
        return self.filter(coached_by(user, via="enrolment__"))


class Todo(models.Model):
    """A dated to-do on an enrolment, planned from the programme's trajectory template at
    admission (or added by hand). The app that does the work marks it done: recording an
    evaluation closes the matching evaluation to-do, and so on."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="todos")
    kind = models.CharField(_("what"), max_length=30, choices=TodoTemplate.Kind.choices)
    label = models.CharField(_("label"), max_length=200, blank=True)
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancelled = models.BooleanField(_("cancelled"), default=False)
    # An evaluation to-do of one module (Module.evaluated_at): closed by an evaluation of that
    # module, never by the enrolment's own baseline, mid-way or exit evaluation.
    module = models.ForeignKey(
        Module,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("module"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TodoQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("to-do")
        verbose_name_plural = _("to-dos")
        indexes = [models.Index(fields=["enrolment", "done_on", "due_on"])]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return self.label or str(self.get_kind_display())

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return (
            self.done_on is None
            and not self.cancelled
            and self.due_on < (today or timezone.localdate())
        )


class ParticipantEvent(models.Model):
    """A dated fact a funder counts and no other record holds: help with family reunification,
    an application to have a qualification recognised, for long-term residence…"""

    class Kind(models.TextChoices):
        FAMILY_REUNIFICATION_HELP = (
            "family_reunification_help",
            _("Information or help to apply for family reunification"),
        )
        QUALIFICATION_RECOGNITION = (
            "qualification_recognition",
            _("Applied to have a qualification or skills recognised"),
        )
        LONG_TERM_RESIDENCE = "long_term_residence", _("Applied for long-term residence")
        QUALIFICATION_GAINED = "qualification_gained", _("Gained a qualification")
        IMPROVED_LABOUR_MARKET = (
            "improved_labour_market",
            _("Better situation on the labour market (stable job, full time, promotion)"),
        )

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="events", verbose_name=_("participant")
    )
    kind = models.CharField(_("what"), max_length=40, choices=Kind.choices)
    happened_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_on", "-pk"]
        verbose_name = _("event for the funder")
        verbose_name_plural = _("events for the funder")
        indexes = [models.Index(fields=["kind", "happened_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.happened_on:%d/%m/%Y}"

    def clean(self):
        not_in_future(
            self.happened_on,
            field="happened_on",
            message=_("Record an event once it has happened."),
        )


class EntryCharacteristics(models.Model):
    """What the funder asks about a person at entry beyond the identity page. Empty means "not
    asked". Disability and minority are special categories of data: kept only with the
    person's explicit consent, shown only on this page and counted only in aggregates."""

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="entry_characteristics"
    )
    foreign_background = models.BooleanField(
        _("foreign background"),
        null=True,
        blank=True,
        help_text=_("Born abroad, or at least one parent born abroad."),
    )
    rural_area = models.BooleanField(_("lives in a rural area"), null=True, blank=True)
    special_categories_consent_on = models.DateField(
        _("explicit consent to record disability or minority, given on"), null=True, blank=True
    )
    disability = models.BooleanField(_("has a disability"), null=True, blank=True)
    minority = models.BooleanField(_("belongs to a minority (incl. Roma)"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("characteristics at entry")
        verbose_name_plural = _("characteristics at entry")
        constraints = [
            models.CheckConstraint(
                condition=Q(special_categories_consent_on__isnull=False)
                | (Q(disability__isnull=True) & Q(minority__isnull=True)),
                name="special_categories_need_consent",
            )
        ]

    def __str__(self):
        return str(self.participant)

    def clean(self):
        if self.special_categories_consent_on is None and (
            self.disability is not None or self.minority is not None
        ):
            raise ValidationError(
                _(
                    "Disability and minority can only be recorded with the person's explicit "
                    "consent: give the date they agreed, or leave both as “not asked”."
                )
            )
