"""The trajectory of an enrolment: the action plan (goals and their steps), referrals to
partner organisations and placements with host partners."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.formats import time_format
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext_lazy as _

from participants import choices
from participants.models import Consent, Enrolment
from programme import outcomes
from programme.models import Module, PartnerOrganisation, parse_weekdays, validate_weekdays
from programme.text_limits import LONG_NOTE, NOTE


class Goal(models.Model):
    """A goal of the action plan, in the participant's own words. Revising a goal closes it
    as "revised" and starts a new one that points back to it, so the history stays."""

    class Status(models.TextChoices):
        OPEN = "open", _("Working on it")
        ACHIEVED = "achieved", _("Achieved")
        DROPPED = "dropped", _("Dropped")
        REVISED = "revised", _("Revised")

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="goals", verbose_name=_("enrolment")
    )
    text = models.TextField(_("goal, in the participant's words"), max_length=NOTE)
    text_own_language = models.TextField(
        _("the same in their language"), max_length=NOTE, blank=True
    )
    own_language = models.CharField(
        _("their language"), max_length=10, choices=choices.LANGUAGES, blank=True
    )
    domain = models.CharField(
        _("outcome domain"), max_length=30, choices=outcomes.CHOICES, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    revises = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="revised_by",
        verbose_name=_("revises"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "participants_goal"  # kept from when the model lived there
        ordering = ["position", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self):
        return self.text

    def clean(self):
        if self.text_own_language and not self.own_language:
            raise ValidationError({"own_language": _("Say which language this is.")})

    @property
    def can_change(self) -> bool:
        """Open goals of open enrolments change; the rest is the plan's history."""
        return self.status == self.Status.OPEN and self.enrolment.is_open


class ActionStep(models.Model):
    """A step of the action plan towards a goal: who does what, by when. Not a to-do (a dated
    piece of the programme's work on the enrolment, planned from its template)."""

    class Who(models.TextChoices):
        COACH = "coach", _("The coach")
        TOGETHER = "together", _("Together")
        PARTICIPANT = "participant", _("The participant alone")

    class Status(models.TextChoices):
        OPEN = "todo", _("To do")  # stored as "todo"
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    text = models.CharField(_("step"), max_length=300)
    who = models.CharField(_("who does it"), max_length=20, choices=Who.choices)
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    # Set when the participant ticked it off themselves on their phone.
    done_by_participant = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "participants_step"  # kept from when the model lived there
        ordering = ["position", "pk"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", done_on__isnull=False) | ~Q(status="done"),
                name="step_done_has_date",
            )
        ]

    def __str__(self):
        return self.text

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return (
            self.status == self.Status.OPEN
            and self.due_on is not None
            and self.due_on < (today or timezone.localdate())
        )


class PlacementQuerySet(models.QuerySet):
    def overlapping(self, start: datetime.date, end: datetime.date):
        """Placements that count hours on some day from start to end: not cancelled, started
        by the end, and not over before the start. The exact days are left to
        Placement.hours_between, which also caps an open placement at today."""
        return (
            self.exclude(status=Placement.Status.CANCELLED)
            .filter(starts_on__lte=end)
            .filter(
                Q(ended_on__gte=start)
                | Q(ended_on__isnull=True, ends_on__isnull=True)
                | Q(ended_on__isnull=True, ends_on__gte=start)
            )
        )


class Placement(models.Model):
    """Volunteering, a job tasting or an initiation internship with a host partner."""

    class Kind(models.TextChoices):
        VOLUNTEERING = "volunteering", _("Volunteering")
        JOB_TASTING = "job_tasting", _("Job tasting (about a week)")
        INTERNSHIP = "internship", _("Initiation internship (about three months)")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        ENDED = "ended", _("Ended")
        CANCELLED = "cancelled", _("Cancelled")

    class Outcome(models.TextChoices):
        CONTINUED = "continued", _("Continues as a volunteer")
        STOPPED = "stopped", _("Stopped")
        ARTICLE_60 = "article_60", _("Led to subsidised employment (art. 60 §7)")
        JOB = "job", _("Led to a job")
        TRAINING = "training", _("Led to a training")
        OTHER = "other", _("Other")

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="placements", verbose_name=_("enrolment")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    host = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("host"),
    )
    # A placement may be part of a module: VIA's one-week job tasting, the 3-month initiation
    # internship. Empty: a placement of its own.
    module = models.ForeignKey(
        Module,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="placements",
        verbose_name=_("within the module"),
    )
    role = models.CharField(_("role"), max_length=200)
    tasks = models.TextField(_("tasks"), max_length=NOTE, blank=True)
    hours_per_week = models.DecimalField(
        _("hours per week"), max_digits=4, decimal_places=1, validators=[MinValueValidator(0)]
    )
    schedule = models.CharField(
        _("schedule"), max_length=200, blank=True, help_text=_("e.g. Tuesday and Thursday 9–13")
    )
    # The same schedule as data, shown on the phone in the person's own language; the free
    # text above stays as a note for what does not fit (every other week, by phone first).
    weekdays = models.CharField(
        _("days"), max_length=20, blank=True, validators=[validate_weekdays]
    )
    starts_at = models.TimeField(_("from"), null=True, blank=True)
    ends_at = models.TimeField(_("until"), null=True, blank=True)
    supervisor_name = models.CharField(_("supervisor"), max_length=200, blank=True)
    supervisor_phone = models.CharField(_("supervisor's phone"), max_length=40, blank=True)
    supervisor_email = models.EmailField(_("supervisor's e-mail"), blank=True)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("planned end"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    outcome = models.CharField(
        _("how it ended"), max_length=20, choices=Outcome.choices, blank=True
    )
    notes = models.TextField(_("notes"), max_length=LONG_NOTE, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        db_table = "participants_placement"  # kept from when the model lived there
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="placement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | (Q(ended_on__isnull=False) & ~Q(outcome="")),
                name="placement_ended_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True, ends_at__isnull=True)
                | Q(starts_at__isnull=False, ends_at__gt=models.F("starts_at")),
                name="placement_hours_both_and_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.host}"

    @property
    def has_structured_schedule(self) -> bool:
        return bool(self.weekdays or self.starts_at)

    def schedule_display(self) -> str:
        """The days and hours in the active language ("Monday, Wednesday · 13:00–17:00"): day
        names from Django's own translations, times in the language's TIME_FORMAT."""
        parts = []
        if self.weekdays:
            separator = "، " if get_language_bidi() else ", "
            parts.append(
                separator.join(str(WEEKDAYS[day]) for day in parse_weekdays(self.weekdays))
            )
        if self.starts_at and self.ends_at:
            start, end = (time_format(t, "TIME_FORMAT") for t in (self.starts_at, self.ends_at))
            parts.append(f"{start}–{end}")
        return " · ".join(parts)

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.ENDED, self.Status.CANCELLED}

    def last_day(self, today: datetime.date | None = None) -> datetime.date:
        """The last day that counts: the day it ended, else the planned end, but never a day
        that has not come yet (nobody has worked those hours)."""
        today = today or timezone.localdate()
        if self.ended_on:
            return self.ended_on
        return min(self.ends_on, today) if self.ends_on else today

    def hours_between(
        self, start: datetime.date, end: datetime.date, today: datetime.date | None = None
    ) -> float:
        """Hours worked from start to end (both included): the weekly hours spread evenly over
        the days of the placement, a seventh a day. A cancelled placement counts none."""
        if self.status == self.Status.CANCELLED:
            return 0.0
        first = max(start, self.starts_on)
        last = min(end, self.last_day(today))
        days = (last - first).days + 1
        return float(self.hours_per_week) * days / 7 if days > 0 else 0.0


class Referral(models.Model):
    """A referral of the participant to a partner organisation (trauma therapy, legal advice…).
    Not to be confused with the referral into the programme, kept on the enrolment."""

    class Kind(models.TextChoices):
        TRAUMA_THERAPY = "trauma_therapy", _("Trauma therapy")
        LEGAL = "legal", _("Legal advice")
        HOUSING = "housing", _("Housing")
        LANGUAGE_COURSE = "language_course", _("Language course")
        MENTORING = "mentoring", _("Mentoring or sponsorship")
        DEBT = "debt", _("Debt mediation")
        HEALTH = "health", _("Health")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        WAITING_LIST = "waiting_list", _("On the waiting list")
        ACCEPTED = "accepted", _("Accepted")
        STARTED = "started", _("Started")
        ENDED = "ended", _("Ended")
        REFUSED = "refused", _("Refused")

    # Which status may follow which; a partner may skip the waiting list or even the
    # acceptance, and an accepted referral may end without ever starting.
    TRANSITIONS = {
        Status.SENT: {Status.WAITING_LIST, Status.ACCEPTED, Status.STARTED, Status.REFUSED},
        Status.WAITING_LIST: {Status.ACCEPTED, Status.STARTED, Status.REFUSED},
        Status.ACCEPTED: {Status.STARTED, Status.ENDED},
        Status.STARTED: {Status.ENDED},
        Status.ENDED: set(),
        Status.REFUSED: set(),
    }

    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="referrals_out",
        verbose_name=_("enrolment"),
    )
    partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("partner"),
    )
    kind = models.CharField(_("for"), max_length=20, choices=Kind.choices)
    sent_on = models.DateField(_("date"), default=timezone.localdate)
    reason = models.TextField(_("reason"), max_length=NOTE)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SENT
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), max_length=NOTE, blank=True)
    shares_personal_data = models.BooleanField(_("shares personal data with the partner"))
    # A referral that shares personal data rests on the participant's consent for that
    # partner, or on an explicit override whose reason and author are kept.
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    consent_override_reason = models.TextField(
        _("why without consent"), max_length=NOTE, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "participants_referral"  # kept from when the model lived there
        ordering = ["-sent_on", "-pk"]
        verbose_name = _("referral to a partner")
        verbose_name_plural = _("referrals to partners")
        constraints = [
            models.CheckConstraint(
                condition=Q(shares_personal_data=False)
                | Q(consent__isnull=False)
                | ~Q(consent_override_reason=""),
                name="referral_sharing_needs_consent_or_reason",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.partner}"

    def next_statuses(self) -> list[str]:
        return [s for s in self.Status if s in self.TRANSITIONS[self.Status(self.status)]]

    @property
    def is_finished(self) -> bool:
        return not self.TRANSITIONS[self.Status(self.status)]

    @property
    def consent_overridden(self) -> bool:
        return self.shares_personal_data and self.consent_id is None

    @property
    def waiting_days(self) -> int | None:
        """Days from sending to the start of the help (so far, while still waiting)."""
        if self.status in {self.Status.REFUSED}:
            return None
        end = self.started_on or (
            timezone.localdate()
            if self.status in {self.Status.SENT, self.Status.WAITING_LIST}
            else None
        )
        return (end - self.sent_on).days if end else None
