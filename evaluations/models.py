"""Language assessments, evaluations with their domain scores, exit reviews and follow-up calls."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from participants import choices
from participants.models import Enrolment, Participant, co_coached_enrolments
from programme import outcomes
from programme.dates import not_in_future

# The local scales live with the programme, which names its scale and may require a level of
# it at intake; re-exported here for the modules that read them with the assessments.
from programme.language_scales import (
    LOCAL_LEVEL_CHOICES,
    LOCAL_LEVELS,
    SCALE_LANGUAGE,
)
from programme.language_scales import LOCAL_SCALES as LOCAL_SCALES
from programme.models import Module
from programme.text_limits import LONG_NOTE, NOTE


class Cefr(models.TextChoices):
    """CEFR levels, with the literacy stage below A1 that low-literate learners start from."""

    PRE_A1 = "pre_a1", _("Pre-A1 (literacy)")
    A1 = "a1", "A1"
    A2 = "a2", "A2"
    B1 = "b1", "B1"
    B2 = "b2", "B2"
    C1 = "c1", "C1"
    C2 = "c2", "C2"

    @classmethod
    def rank(cls, level: str) -> int:
        """0 for pre-A1 … 6 for C2: levels compared and averaged as numbers."""
        return cls.values.index(level)


class LanguageAssessmentQuerySet(models.QuerySet):
    def latest_per_participant(self):
        """The most recent assessment of each participant (one row each)."""
        latest = self.filter(participant=models.OuterRef("participant")).order_by(
            "-assessed_on", "-pk"
        )
        return self.filter(pk=models.Subquery(latest.values("pk")[:1]))


class LanguageAssessment(models.Model):
    """One dated test of the national language. A new test adds a row: the history shows
    progress and feeds the funder's "improved by one CEFR level" indicator."""

    SKILLS = ["oral", "reading", "writing"]  # the three levels each test gives

    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="language_assessments",
        verbose_name=_("participant"),
    )
    language = models.CharField(
        _("language tested"), max_length=2, choices=[("nl", _("Dutch")), ("fr", _("French"))]
    )
    assessed_on = models.DateField(_("date"), default=timezone.localdate)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("assessed by"),
    )
    oral = models.CharField(_("oral"), max_length=10, choices=Cefr.choices)
    reading = models.CharField(_("reading"), max_length=10, choices=Cefr.choices)
    writing = models.CharField(_("writing"), max_length=10, choices=Cefr.choices)
    local_level = models.CharField(
        _("level on the programme's scale"), max_length=10, choices=LOCAL_LEVEL_CHOICES, blank=True
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
    notes = models.TextField(_("notes"), max_length=LONG_NOTE, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LanguageAssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("language assessment")
        verbose_name_plural = _("language assessments")
        indexes = [models.Index(fields=["participant", "-assessed_on"])]

    def __str__(self):
        return f"{self.participant} — {self.assessed_on:%d/%m/%Y}"

    def clean(self):
        not_in_future(
            self.assessed_on,
            field="assessed_on",
            message=_("Record an assessment once it has taken place."),
        )
        if self.local_level in LOCAL_LEVELS:
            self._check_local_level()

    def _check_local_level(self):
        """The local level must belong to a scale of the language tested and roughly agree
        with the oral level, so the two scales never tell different stories."""
        scale, label, cefr = LOCAL_LEVELS[self.local_level]
        if self.language and SCALE_LANGUAGE[scale] != self.language:
            language = dict(self._meta.get_field("language").choices)[SCALE_LANGUAGE[scale]]
            message = _("The %(scale)s scale measures %(language)s, not the language tested.")
            raise ValidationError(
                {"local_level": message % {"scale": scale.upper(), "language": language}}
            )
        if self.oral in Cefr.values and abs(Cefr.rank(cefr) - Cefr.rank(self.oral)) > 1:
            message = _(
                "Level %(local)s matches about %(cefr)s, more than one step away from the "
                "oral level %(oral)s. Check both levels."
            )
            values = {"local": label, "cefr": Cefr(cefr).label, "oral": Cefr(self.oral).label}
            raise ValidationError({"local_level": message % values})

    @property
    def level_rank(self) -> float:
        """One number for grouping: the mean of the three skills (0 = pre-A1 … 6 = C2)."""
        return sum(Cefr.rank(level) for level in (self.oral, self.reading, self.writing)) / 3

    @property
    def summary(self) -> str:
        return _("%(oral)s oral · %(reading)s reading · %(writing)s writing") % {
            "oral": self.get_oral_display(),
            "reading": self.get_reading_display(),
            "writing": self.get_writing_display(),
        }


class Evaluation(models.Model):
    """A baseline, mid-way or exit evaluation: one score per outcome domain by the coach and,
    beside it, the participant's own."""

    class Kind(models.TextChoices):
        BASELINE = "baseline", _("Baseline")
        MIDWAY = "midway", _("Mid-way")
        EXIT = "exit", _("Exit")

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("enrolment")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    held_on = models.DateField(_("date"), default=timezone.localdate)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("evaluated by"),
    )
    notes = models.TextField(_("notes"), max_length=LONG_NOTE, blank=True)
    # Where the programme evaluates per module (Module.evaluated_at): the module evaluated.
    # Empty for the enrolment's own evaluations.
    module = models.ForeignKey(
        Module,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("module"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["held_on", "pk"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            # One baseline and one exit evaluation per enrolment; mid-way ones repeat.
            models.UniqueConstraint(
                fields=["enrolment", "kind"],
                condition=~models.Q(kind="midway"),
                name="evaluation_one_baseline_one_exit",
            )
        ]
        indexes = [models.Index(fields=["enrolment", "held_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.held_on:%d/%m/%Y}"

    def clean(self):
        if self.module_id and self.module.programme_id != self.enrolment.programme_id:
            raise ValidationError({"module": _("This module belongs to another programme.")})


class DomainScore(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    domain = models.CharField(_("domain"), max_length=30, choices=outcomes.CHOICES)
    coach_score = models.PositiveSmallIntegerField(
        _("coach's score"), choices=[(level, str(level)) for level in outcomes.LEVELS], null=True
    )
    participant_score = models.PositiveSmallIntegerField(
        _("participant's own score"),
        choices=[(level, str(level)) for level in outcomes.LEVELS],
        null=True,
        blank=True,
    )
    # Set when the participant gave their score themselves on their phone.
    participant_scored_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("comment"), max_length=NOTE, blank=True)

    class Meta:
        ordering = ["evaluation", "pk"]
        verbose_name = _("domain score")
        verbose_name_plural = _("domain scores")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "domain"], name="domain_score_unique"),
            models.CheckConstraint(
                condition=models.Q(coach_score__isnull=True)
                | models.Q(coach_score__gte=1, coach_score__lte=4),
                name="domain_score_coach_range",
            ),
            models.CheckConstraint(
                condition=models.Q(participant_score__isnull=True)
                | models.Q(participant_score__gte=1, participant_score__lte=4),
                name="domain_score_participant_range",
            ),
        ]

    def __str__(self):
        return f"{self.get_domain_display()}: {self.coach_score}"


class DomainProgress(models.Model):
    """An enrolment's progress in one outcome domain, kept so the dashboard need not read
    every score of a year: the coach's score at the baseline, the latest since (as one number
    that orders them, ending with the score: evaluations.progress), and the day of the
    enrolment's last evaluation, past which a period's figure must be read from the scores
    themselves. Only enrolments with both scores in the domain have a row. Counted again by
    `evaluations.progress.rebuild` whenever an evaluation is recorded or corrected, never
    edited by hand (decision 29)."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    # The enrolment's, read with it: a report over some programmes reads their rows only.
    programme = models.ForeignKey("programme.Programme", on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    domain = models.CharField(max_length=30)
    before = models.PositiveSmallIntegerField()
    latest = models.BigIntegerField()
    evaluated_until = models.DateField()

    class Meta:
        indexes = [
            models.Index(fields=["enrolment", "evaluated_until"], name="domain_progress_idx"),
            models.Index(fields=["programme", "evaluated_until"], name="domain_progress_programme"),
        ]

    def __str__(self):
        return f"{self.enrolment_id} · {self.domain}: {self.before} → {self.latest % 10}"


class ExitReview(models.Model):
    """The review that closes a trajectory: a socio-professional summary, the recommended next
    step and the person the participant can still turn to. Exit reason and destination are
    kept on the enrolment, which the exit service moves to "exited"."""

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.CASCADE, related_name="exit_review"
    )
    strengths = models.TextField(_("strengths"), max_length=NOTE)
    limits = models.TextField(_("limits and obstacles"), max_length=NOTE, blank=True)
    next_step = models.TextField(_("recommended next step"), max_length=NOTE)
    contact_person = models.CharField(_("who the person can still turn to"), max_length=200)
    contact_phone = models.CharField(_("contact's phone"), max_length=40, blank=True)
    # The funder's "was the activity helpful for your integration?" (AMIF R.2.9), asked at exit;
    # empty when not asked, and then the first follow-up call's answer counts.
    helped_integration = models.CharField(
        _("the programme helped their integration"),
        max_length=10,
        choices=[("yes", _("Yes")), ("partly", _("Partly")), ("no", _("No"))],
        blank=True,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("exit review")
        verbose_name_plural = _("exit reviews")

    def __str__(self):
        return str(self.enrolment)


class FollowUpCallQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=FollowUpCall.Status.PLANNED)

    def due(self, today=None):
        return self.pending().filter(due_on__lte=today or timezone.localdate())

    def for_coach(self, user):
        """The calls that are `user`'s to make: those of the enrolments they coached, and of
        the people they are the referent coach of. Unlike a to-do (`coached_by`), a call comes
        after the exit, when the person's referent coach may be the one who still knows them,
        so both coaches have it in their queue, and so has a current co-coach."""
        return self.filter(
            models.Q(enrolment__coach=user)
            | models.Q(enrolment__participant__coach=user)
            | models.Q(enrolment__in=co_coached_enrolments(user))
        )


class FollowUpCall(models.Model):
    """A call to a former participant some weeks after exit, planned at exit from the
    programme's intervals. Attempts are logged; after the programme's maximum without
    reaching the person, the call is marked unreachable."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("To call")
        REACHED = "reached", _("Reached")
        UNREACHABLE = "unreachable", _("Unreachable")
        CANCELLED = "cancelled", _("Cancelled")

    class Situation(models.TextChoices):
        EMPLOYED = "employed", _("Employed")
        SELF_EMPLOYED = "self_employed", _("Self-employed")
        TRAINING = "training", _("In training or education")
        VOLUNTEERING = "volunteering", _("Volunteering")
        LOOKING = "looking", _("Looking for work")
        INACTIVE = "inactive", _("Inactive")
        OTHER = "other", _("Other")

    class Helped(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="follow_up_calls"
    )
    weeks_after_exit = models.PositiveSmallIntegerField(_("weeks after exit"))
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    situation = models.CharField(
        _("situation"), max_length=20, choices=Situation.choices, blank=True
    )
    # Unknown until the person is reached (the constraint below asks for it then).
    needs_help = models.BooleanField(_("needs help"), null=True, blank=True)
    help_notes = models.TextField(_("what help"), max_length=NOTE, blank=True)
    helped_integration = models.CharField(
        _("the programme helped their integration"),
        max_length=10,
        choices=Helped.choices,
        blank=True,
    )
    notes = models.TextField(_("notes"), max_length=LONG_NOTE, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1)

    objects = FollowUpCallQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("follow-up call")
        verbose_name_plural = _("follow-up calls")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "weeks_after_exit"], name="follow_up_one_per_interval"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="reached")
                | (~models.Q(situation="") & models.Q(needs_help__isnull=False)),
                name="follow_up_reached_has_answers",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return f"{self.enrolment} — {self.due_on:%d/%m/%Y}"

    @property
    def interval(self) -> str:
        """Which call this is, as coaches say it: "4 weeks", "3 months", "6 months"."""
        weeks = self.weeks_after_exit
        if weeks < 9:
            return ngettext("%(count)s week", "%(count)s weeks", weeks) % {"count": weeks}
        months = round(weeks * 7 / 30.44)
        return ngettext("%(count)s month", "%(count)s months", months) % {"count": months}

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.status == self.Status.PLANNED and self.due_on < (today or timezone.localdate())


class CallAttempt(models.Model):
    class Outcome(models.TextChoices):
        REACHED = "reached", _("Reached")
        NO_ANSWER = "no_answer", _("No answer")
        WRONG_NUMBER = "wrong_number", _("Wrong number")

    call = models.ForeignKey(FollowUpCall, on_delete=models.CASCADE, related_name="attempts")
    attempted_at = models.DateTimeField(_("when"), default=timezone.now)
    attempted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["attempted_at", "pk"]
        verbose_name = _("call attempt")
        verbose_name_plural = _("call attempts")

    def __str__(self):
        return f"{self.get_outcome_display()} — {self.attempted_at:%d/%m/%Y %H:%M}"
