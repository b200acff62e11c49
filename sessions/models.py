"""Groups, recurring series, sessions, attendance, interpreter bookings and calendar feeds.

Who is expected at a session is the set of its Attendance rows: scheduling a group's session
creates a row ("expected") for each member, adding a member to a group creates rows for the
group's coming sessions, and recording attendance changes a row's status. A member whose
enrolment is paused has a "paused" row instead: on the list, expected by nobody. Conflicts, the
attendance page and the rates all read those rows.
"""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from evaluations.models import Cefr
from participants.choices import Schooling
from participants.models import Participant
from programme.models import Cohort, Module, PartnerOrganisation, Programme, Room, Site
from programme.text_limits import LONG_NOTE, NOTE

# The kinds every programme has; a programme may add its own SessionKind rows.
DEFAULT_KINDS = {
    "individual_coaching": _("Individual coaching"),
    "intake_interview": _("Intake interview"),
    "information_session": _("Information session"),
    "psychosocial_session": _("Psychosocial session"),
    "excursion": _("Excursion"),
    "workshop": _("Workshop"),
    "language_practice": _("Language practice"),
    "collective_coaching": _("Collective coaching"),
    "evaluation_interview": _("Evaluation interview"),
    "other": _("Other"),
}
WEEKDAY_NAMES = [
    _("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"),
    _("Sunday"),
]  # fmt: skip
INDIVIDUAL_KINDS = {"individual_coaching", "intake_interview", "evaluation_interview"}


class SessionKindQuerySet(models.QuerySet):
    def for_programme(self, programme):
        return self.filter(Q(programme__isnull=True) | Q(programme=programme))


class SessionKind(models.Model):
    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="session_kinds",
        verbose_name=_("programme"),
        help_text=_("Empty for the kinds every programme has."),
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)

    objects = SessionKindQuerySet.as_manager()

    class Meta:
        ordering = ["programme_id", "name"]
        verbose_name = _("session kind")
        verbose_name_plural = _("session kinds")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="session_kind_unique_code"),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(programme__isnull=True),
                name="session_kind_unique_global",
            ),
        ]

    def __str__(self):
        if self.programme_id is None and self.code in DEFAULT_KINDS:
            return str(DEFAULT_KINDS[self.code])
        return self.name

    @property
    def is_individual(self) -> bool:
        return self.code in INDIVIDUAL_KINDS


def ensure_default_kinds() -> None:
    """Create any missing default kind. Run by the migration, and again where kinds are
    chosen, since a database emptied by `flush` (tests, `load_demo_data --reset`) loses them."""
    existing = set(
        SessionKind.objects.filter(programme__isnull=True).values_list("code", flat=True)
    )
    missing = [code for code in DEFAULT_KINDS if code not in existing]
    SessionKind.objects.bulk_create(
        [SessionKind(code=code, name=str(DEFAULT_KINDS[code])) for code in missing],
        ignore_conflicts=True,
    )


class GroupQuerySet(models.QuerySet):
    def coached_by(self, user):
        """The groups `user` is one of the coaches of: theirs to plan and fill."""
        return self.filter(
            pk__in=Group.coaches.through.objects.filter(user=user).values("group_id")
        )

    def for_coach(self, user):
        """The groups a coach sees: those they coach, and those with someone of their caseload
        among the members (seeing is not acting: see `coached_by`)."""
        members = GroupMembership.objects.filter(
            group=models.OuterRef("pk"), participant__in=Participant.objects.in_caseload_of(user)
        )
        return self.filter(Q(coaches=user) | models.Exists(members)).distinct()


class Group(models.Model):
    """A cohort of participants with its coaches, level band and capacity."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="groups", verbose_name=_("programme")
    )
    module = models.ForeignKey(
        Module,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="groups",
        verbose_name=_("module"),
    )
    name = models.CharField(_("name"), max_length=100)
    coaches = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="coached_groups",
        verbose_name=_("coaches"),
    )
    level_low = models.CharField(_("level from"), max_length=10, choices=Cefr.choices, blank=True)
    level_high = models.CharField(_("level to"), max_length=10, choices=Cefr.choices, blank=True)
    schooling_low = models.CharField(
        _("schooling from"),
        max_length=10,
        choices=Schooling.choices,
        blank=True,
        default="",
        db_default="",
    )
    schooling_high = models.CharField(
        _("schooling to"),
        max_length=10,
        choices=Schooling.choices,
        blank=True,
        default="",
        db_default="",
    )
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=12)
    site = models.ForeignKey(
        Site,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="groups",
        verbose_name=_("site"),
    )
    starts_on = models.DateField(_("start"), default=timezone.localdate)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="groups",
        verbose_name=_("cohort"),
    )

    objects = GroupQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "name"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("sessions:group", args=[self.pk])

    def clean(self):
        if (
            self.level_low
            and self.level_high
            and Cefr.rank(self.level_low) > Cefr.rank(self.level_high)
        ):
            raise ValidationError(
                {"level_high": _("The band must go from the lower level to the higher.")}
            )
        if (
            self.schooling_low
            and self.schooling_high
            and Schooling.values.index(self.schooling_low)
            > Schooling.values.index(self.schooling_high)
        ):
            raise ValidationError(
                {"schooling_high": _("The band must go from the lower schooling to the higher.")}
            )
        if self.module_id and self.module.programme_id != self.programme_id:
            raise ValidationError({"module": _("This module belongs to another programme.")})
        if self.cohort_id and self.cohort.programme_id != self.programme_id:
            raise ValidationError({"cohort": _("This cohort belongs to another programme.")})
        if self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The group cannot end before it starts.")})

    def members_on(self, day: datetime.date):
        return Participant.objects.filter(
            Q(group_memberships__left_on__isnull=True) | Q(group_memberships__left_on__gte=day),
            group_memberships__group=self,
            group_memberships__joined_on__lte=day,
        ).distinct()


class GroupMembership(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="group_memberships"
    )
    joined_on = models.DateField(_("joined"))
    left_on = models.DateField(_("left"), null=True, blank=True)
    # Why the coach added the person although the group's composition rules warned against it
    # (level or schooling band, mother-tongue share); empty when no rule was broken.
    override_reason = models.TextField(
        _("why added despite the warning"), max_length=NOTE, blank=True, default="", db_default=""
    )

    class Meta:
        ordering = ["group", "participant__last_name", "participant__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "participant"],
                condition=Q(left_on__isnull=True),
                name="membership_one_current",
            )
        ]

    def __str__(self):
        return f"{self.participant} in {self.group}"


class Place(models.TextChoices):
    ROOM = "room", _("Room")
    HOME = "home", _("Home visit")
    OUTSIDE = "outside", _("Outside address")
    ONLINE = "online", _("Online")
    PHONE = "phone", _("By phone")


class ScheduleFields(models.Model):
    """What a series and each of its sessions share."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="+", verbose_name=_("programme")
    )
    group = models.ForeignKey(
        Group,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("group"),
    )
    kind = models.ForeignKey(
        SessionKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind")
    )
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    start_time = models.TimeField(pgettext_lazy("time", "from"))
    end_time = models.TimeField(pgettext_lazy("time", "to"))
    place = models.CharField(_("place"), max_length=10, choices=Place.choices, default=Place.ROOM)
    room = models.ForeignKey(
        Room,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("room"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveSmallIntegerField(_("capacity"), null=True, blank=True)
    partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("facilitating partner"),
    )
    bring = models.CharField(_("what to bring"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), max_length=LONG_NOTE, blank=True)

    class Meta:
        abstract = True

    def clean(self):
        errors = {}
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = _("The end must come after the start.")
        if self.place == Place.ROOM and not self.room_id:
            errors["room"] = _("Choose the room.")
        if self.place == Place.OUTSIDE and not self.address:
            errors["address"] = _("Give the address.")
        if self.group_id and self.group.programme_id != self.programme_id:
            errors["group"] = _("This group belongs to another programme.")
        if errors:
            raise ValidationError(errors)

    @property
    def hours(self) -> float:
        start = datetime.datetime.combine(datetime.date.min, self.start_time)
        end = datetime.datetime.combine(datetime.date.min, self.end_time)
        return (end - start).total_seconds() / 3600


class Series(ScheduleFields):
    """A recurring schedule. Its sessions are created ahead of time; changing it "from a date
    on" ends it the day before and starts a new series, so past sessions never change."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Every week (or every few weeks)")
        MONTHLY = "monthly", _("Once a month, on the n-th weekday")

    frequency = models.CharField(
        _("repeats"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    interval = models.PositiveSmallIntegerField(
        _("every"), default=1, help_text=_("1 = every week, 2 = every two weeks…")
    )
    weekdays = models.CharField(
        _("weekdays"),
        max_length=20,
        help_text=_("Monday = 0 … Sunday = 6, comma-separated, e.g. 1,3"),
    )
    week_of_month = models.SmallIntegerField(
        _("week of the month"),
        null=True,
        blank=True,
        help_text=_("For monthly: 1 to 4, or -1 for the last."),
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    count = models.PositiveSmallIntegerField(_("number of sessions"), null=True, blank=True)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("facilitators")
    )
    previous = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("series")
        verbose_name_plural = _("series")

    def __str__(self):
        return self.topic or str(self.kind)

    def clean(self):
        super().clean()
        errors = {}
        days = self.weekday_list()
        if not days or any(day not in range(7) for day in days):
            errors["weekdays"] = _("Choose at least one weekday.")
        if self.frequency == self.Frequency.MONTHLY and self.week_of_month not in {1, 2, 3, 4, -1}:
            errors["week_of_month"] = _("Choose which week of the month.")
        if not self.ends_on and not self.count:
            errors["ends_on"] = _("Give a last day or a number of sessions.")
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The last day cannot be before the first.")
        if errors:
            raise ValidationError(errors)

    def rhythm(self) -> str:
        """In words: "every 2 weeks on Tuesday, Thursday", "on the 2nd Thursday of the month"."""
        names = [str(WEEKDAY_NAMES[day]) for day in self.weekday_list()]
        days = ", ".join(names)
        if self.frequency == self.Frequency.MONTHLY:
            if self.week_of_month == -1:
                return _("on the last %(days)s of the month") % {"days": days}
            return _("on %(days)s of week %(week)s of the month") % {
                "days": days,
                "week": self.week_of_month,
            }
        if self.interval == 1:
            return _("every week on %(days)s") % {"days": days}
        return _("every %(n)s weeks on %(days)s") % {"n": self.interval, "days": days}

    def weekday_list(self) -> list[int]:
        try:
            return sorted({int(day) for day in self.weekdays.split(",") if day.strip()})
        except ValueError:
            return []


class SessionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(cancelled_at__isnull=True)

    def _led_or_coached(self, user, since=None):
        led = Session.facilitators.through.objects.filter(user=user)
        coached = Session.objects.filter(group__coaches=user)
        if since is not None:
            led = led.filter(session__date__gte=since)
            coached = coached.filter(date__gte=since)
        return led.values("session_id").order_by(), coached.values("pk").order_by()

    def _expecting_caseload_of(self, user, since=None):
        """The sessions where someone of the caseload is expected, read from the caseload's
        attendance. It reads the caseload's whole history before the date drops the old rows,
        but starting from the window's sessions instead costs more: at national scale the demo
        coach's organisation has 26,000 sessions from 90 days back on, against 15,000
        attendance rows in the caseload's three years (on SQLite 0.7 s against 0.05 s)."""
        caseload = Participant.objects.in_caseload_of(user)
        rows = Attendance.objects.filter(participant__in=caseload)
        if since is not None:
            rows = rows.filter(session__date__gte=since)
        return rows.values("session_id")

    def for_coach(self, user, *, since=None):
        """The sessions a coach sees: those they lead, of a group they coach, or where someone
        of their caseload is expected. One list of ids, each part read through its index: three
        EXISTS joined by OR made the database test every session of the organisation (13 s
        for the API's list at national scale, where this takes a tenth of a second)."""
        led, coached = self._led_or_coached(user, since)
        expected = self._expecting_caseload_of(user, since).order_by()
        return self.filter(pk__in=led.union(coached, expected, all=True))

    def run_by(self, user):
        """The sessions a coach may move, cancel, add people or an interpreter to: those they
        lead, those of a group they coach, and those nobody owns (no facilitator, no coached
        group) where someone of their caseload is expected."""
        led, coached = self._led_or_coached(user)
        unowned = (
            Session.objects.filter(
                pk__in=self._expecting_caseload_of(user), facilitators__isnull=True
            )
            .exclude(group__coaches__isnull=False)
            .values("pk")
        )
        return self.filter(pk__in=led.union(coached, unowned.order_by(), all=True))

    def overlapping(self, day: datetime.date, start: datetime.time, end: datetime.time):
        return self.active().filter(date=day, start_time__lt=end, end_time__gt=start)


class Session(ScheduleFields):
    """One occurrence: individual or group, planned alone or by a series."""

    series = models.ForeignKey(
        Series,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("series"),
    )
    date = models.DateField(_("date"))
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="facilitated_sessions",
        verbose_name=_("facilitators"),
    )
    # Moved or edited by itself: a change to its series from a date on leaves it alone.
    detached = models.BooleanField(default=False, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Calendar apps reload an event when this changes (LAST-MODIFIED in the feeds).
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["date", "start_time", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [
            models.Index(fields=["programme", "date"]),
            models.Index(fields=["group", "date"]),
            models.Index(fields=["room", "date"]),
            models.Index(fields=["date", "start_time"]),
        ]

    def __str__(self):
        return f"{self.topic or self.kind} — {self.date:%d/%m/%Y} {self.start_time:%H:%M}"

    def get_absolute_url(self):
        return reverse("sessions:session", args=[self.pk])

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def starts_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.date, self.start_time))

    def ends_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.date, self.end_time))


class Attendance(models.Model):
    class Status(models.TextChoices):
        EXPECTED = "expected", _("Not recorded yet")
        PRESENT = "present", _("Present")
        LATE = "late", _("Late")
        EXCUSED = "excused", _("Excused absence")
        ABSENT = "absent", _("Unexcused absence")
        # On the list during a pause of the enrolment, expected by nobody: set and lifted by
        # the pause and the resume (casefile.lifecycle), never tapped, counted nowhere.
        PAUSED = "paused", _("Paused")

    ATTENDED = {Status.PRESENT, Status.LATE}
    ABSENCES = {Status.EXCUSED, Status.ABSENT}
    # What a coach recorded: the rates, "recorded" counts and reports read only these.
    RECORDED = ATTENDED | ABSENCES
    # Every row but a paused one: the sessions a person is on the list of (agenda, portal,
    # calendar feed, conflicts, "people expected").
    NOT_PAUSED = RECORDED | {Status.EXPECTED}

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="attendances"
    )
    status = models.CharField(
        _("attendance"), max_length=10, choices=Status.choices, default=Status.EXPECTED
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    # Raised at each recording: a tap based on an older version is refused, not applied.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["session", "participant__last_name", "participant__first_name"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "participant"], name="attendance_once")
        ]
        indexes = [models.Index(fields=["participant", "status"])]

    def __str__(self):
        return f"{self.participant} — {self.session}: {self.get_status_display()}"


class AttendanceMonth(models.Model):
    """A person's recorded attendance in one programme and month, per kind of session and
    module, kept so the reports need not read every attendance row of a year: how many
    sessions that took place were recorded (present, late, excused or unexcused absence), how
    many attended (present or late), and the first day attended. Rebuilt from the attendance
    by `sessions.months.rebuild` wherever recorded attendance or a session it counts changes
    (the same places that refresh an enrolment’s attendance rate), never edited by hand."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # its first day
    kind = models.ForeignKey(SessionKind, on_delete=models.CASCADE, related_name="+")
    # The session's group's module (none for an individual session), as the group has it.
    module = models.ForeignKey(
        Module, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded = models.PositiveIntegerField()
    attended = models.PositiveIntegerField()
    first_attended = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["programme", "month", "participant"], name="attendance_month_idx"),
            models.Index(fields=["participant", "programme"], name="attendance_month_person"),
        ]

    def __str__(self):
        return f"{self.participant_id} · {self.programme_id} · {self.month:%Y-%m}"


class InterpreterBooking(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="interpreters")
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=Participant._meta.get_field("interpreter_language").choices,
    )
    provider = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("provider"),
    )
    interpreter_name = models.CharField(_("interpreter"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )

    class Meta:
        ordering = ["session", "language"]
        verbose_name = _("interpreter booking")
        verbose_name_plural = _("interpreter bookings")

    def __str__(self):
        return f"{self.get_language_display()} — {self.get_status_display()}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A secret address for a calendar app to subscribe to: a coach's sessions or a
    participant's. Revoking it makes the address answer 404 at once."""

    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feeds",
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feeds"
    )
    # The language the holder used when they made the address: a calendar app asking for the
    # feed sends none we could trust.
    language = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, participant__isnull=True)
                | Q(user__isnull=True, participant__isnull=False),
                name="feed_has_one_owner",
            )
        ]

    def __str__(self):
        return f"feed of {self.user or self.participant}"

    def get_absolute_url(self):
        return reverse("sessions:feed", args=[self.token])


class AbsenceNotice(models.Model):
    """ "I can't come", said by the participant on their phone for a session they are
    expected at: a proposed excused absence until a coach confirms it (the attendance row
    becomes an excused absence with this reason) or rejects it."""

    class Reason(models.TextChoices):
        # The staff's words; the phone shows its own, with a picture (portal.content).
        ILL = "ill", _("Ill")
        CHILD_ILL = "child_ill", _("Child ill")
        APPOINTMENT = "appointment", _("Appointment")
        TRANSPORT = "transport", _("Transport")
        OTHER = "other", _("Other reason")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed excused absence")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    attendance = models.OneToOneField(Attendance, on_delete=models.CASCADE, related_name="notice")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("absence notice")
        verbose_name_plural = _("absence notices")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.attendance}: {self.get_reason_display()} ({self.status})"


class SmsMessage(models.Model):
    """One text message about a session to one participant (sessions.sms), kept as sent so
    the participant file shows what reached the person. `key` names the event the message
    is about (the reminder for this date and time, this move, this cancellation): a second
    run finds it and sends nothing again."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder")
        MOVED = "moved", _("Session moved")
        CANCELLED = "cancelled", _("Session cancelled")

    class Status(models.TextChoices):
        PENDING = "pending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Not sent")

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="sms_messages"
    )
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="sms_messages"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=120, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    language = models.CharField(max_length=10)
    body = models.TextField(_("message"), max_length=640)
    error = models.CharField(_("error"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        indexes = [models.Index(fields=["participant", "created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.participant_id}: {self.status}"
