"""Erasure and retention (docs/data-protection.md explains the rules).

Erasing a person anonymises them rather than deleting rows: what they said and who they are
goes; the facts that funder reports count stay (gender, birth year, nationality, residence
status, dates and statuses, attendance, scores). A funder report already produced stores
figures, not people, so it renders the same afterwards; the audit log keeps its rows, with a
pseudonym where the name was.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from evaluations.models import (
    CallAttempt,
    DomainScore,
    Evaluation,
    ExitReview,
    FollowUpCall,
    LanguageAssessment,
)
from participants.models import (
    EligibilityAnswer,
    Enrolment,
    EnrolmentStatusChange,
    IntakeInterview,
    Participant,
    ParticipantEvent,
    PlannedModule,
    Todo,
)
from portal.models import PortalAccess
from rights.models import Erasure
from sessions.feeds import feeds_end
from sessions.models import Attendance, Group, InterpreterBooking, Series, Session, SmsMessage
from trajectory.models import ActionStep, Goal, Placement, Referral

ERASED = "—"
ERASED_FIRST_NAME = "Erased"
# What replaces the person's name in free text that stays (a group session's topic).
NAME_MARK = "[erased]"

# The rows linked to the person, by the path from each to them: their own records, and the
# shared ones where they took part (a group session's topic or notes may name them). Every
# free-text field of these rows is searched for the person's names.
LINKED = [
    (Enrolment, "participant"),
    (EnrolmentStatusChange, "enrolment__participant"),
    (EligibilityAnswer, "enrolment__participant"),
    (IntakeInterview, "enrolment__participant"),
    (PlannedModule, "enrolment__participant"),
    (Goal, "enrolment__participant"),
    (ActionStep, "goal__enrolment__participant"),
    (Placement, "enrolment__participant"),
    (Referral, "enrolment__participant"),
    (Todo, "enrolment__participant"),
    (ParticipantEvent, "participant"),
    (LanguageAssessment, "participant"),
    (Evaluation, "enrolment__participant"),
    (DomainScore, "evaluation__enrolment__participant"),
    (ExitReview, "enrolment__participant"),
    (FollowUpCall, "enrolment__participant"),
    (CallAttempt, "call__enrolment__participant"),
    (Attendance, "participant"),
    (SmsMessage, "participant"),
    (Session, "attendances__participant"),
    (Series, "sessions__attendances__participant"),
    (InterpreterBooking, "session__attendances__participant"),
    (Group, "memberships__participant"),
]


def _enrolments(participant: Participant) -> list[Enrolment]:
    # Read through .all() so that a list prefetched with its programmes costs nothing more.
    return list(participant.enrolments.all())


def closed_on(participant: Participant) -> datetime.date | None:
    """The day the person's last file closed; None while a file is open (or none exists)."""
    enrolments = _enrolments(participant)
    if not enrolments or any(e.is_open for e in enrolments):
        return None
    last = EnrolmentStatusChange.objects.filter(enrolment__participant=participant).aggregate(
        last=Max("changed_at")
    )["last"]
    days = [e.exited_on for e in enrolments if e.exited_on]
    if last:
        days.append(timezone.localdate(last))
    return max(days) if days else max(e.referred_on for e in enrolments)


def retention_ends(participant: Participant) -> datetime.date | None:
    """31 December of the year the last file closed, plus the longest retention period of the
    person's programmes. None while a file is open: the period has not started."""
    closed = closed_on(participant)
    if closed is None:
        return None
    years = max(e.programme.retention_years for e in _enrolments(participant))
    return datetime.date(closed.year + years, 12, 31)


def erasure_hold(participant: Participant, today: datetime.date | None = None) -> str:
    """Why the file must still be kept (empty when it may be erased)."""
    today = today or timezone.localdate()
    if not _enrolments(participant):
        return ""
    ends = retention_ends(participant)
    if ends is None:
        return _("A file of this person is still open: the funder's rules keep it.")
    if today <= ends:
        return _(
            "The funder requires this file to be kept until %(date)s (the retention period "
            "after the file was closed)."
        ) % {"date": ends.strftime("%d/%m/%Y")}
    return ""


def participant_erase(
    *,
    participant: Participant,
    legal_basis: str = "",
    reason: str = Erasure.Reason.REQUEST,
    today: datetime.date | None = None,
    by,
) -> Erasure:
    """Anonymise a person's file. While a legal hold applies (an open file, or the funder's
    retention period) it is refused unless a legal basis is given (a manager's decision)."""
    legal_basis = legal_basis.strip()
    if Erasure.objects.filter(participant=participant).exists():
        raise ValidationError(_("This person's file was already erased."))
    hold = erasure_hold(participant, today)
    if hold and not legal_basis:
        raise ValidationError(
            {
                "legal_basis": _(
                    "%(hold)s To erase it now anyway, write the legal basis for doing so."
                )
                % {"hold": hold}
            }
        )
    with transaction.atomic():
        person = Participant.objects.select_for_update().get(pk=participant.pk)
        pattern = names_pattern(person)
        # Whoever writes the legal basis may name the person: it stays, so it is scrubbed too.
        legal_basis = pattern.sub(NAME_MARK, legal_basis) if pattern else legal_basis
        # Searched before the names go, then the ways in are ended, then the file anonymised.
        scrubbed = _scrub_names(person, pattern)
        done = {
            "calendar_feeds_ended": feeds_end(participant=person),
            "portal_codes_revoked": _portal_end(person),
            "texts_scrubbed": len(scrubbed),
            "scrubbed": scrubbed,
        }
        _anonymise(person)
        erasure = Erasure.objects.create(
            participant=person, reason=reason, legal_basis=legal_basis, erased_by=by, done=done
        )
        audit.record_event(
            action=audit.Action.ERASE,
            by=by,
            object_type="participants.participant",
            object_id=person.pk,
            participant=person,
            note=(f"{reason}: {legal_basis}" if legal_basis else reason)[:300],
        )
        audit.pseudonymise(participant_id=person.pk)
    return erasure


def _anonymise(person: Participant) -> None:
    """Identity, contact data and free text go; the counted facts stay."""
    person.first_name = ERASED_FIRST_NAME
    person.last_name = audit.pseudonym(person.pk)
    # The year is kept for the age bands; mid-year is at most six months from the truth.
    person.birth_date = datetime.date(person.birth_date.year, 7, 1)
    person.national_number = ""
    person.phone = ""
    person.version += 1
    person.save()
    pk = person.pk
    enrolments = Enrolment.objects.filter(participant_id=pk)
    enrolments.update(referrer_name="", referral_reason="", decision_reason="")
    EnrolmentStatusChange.objects.filter(enrolment__in=enrolments).update(reason="")
    EligibilityAnswer.objects.filter(enrolment__in=enrolments).exclude(override_reason="").update(
        override_reason=ERASED
    )
    IntakeInterview.objects.filter(enrolment__in=enrolments).update(notes="")
    PlannedModule.objects.filter(enrolment__in=enrolments).update(note="")
    Goal.objects.filter(enrolment__in=enrolments).update(text=ERASED, text_own_language="")
    ActionStep.objects.filter(goal__enrolment__in=enrolments).update(text=ERASED)
    Todo.objects.filter(enrolment__in=enrolments).update(label="")
    Placement.objects.filter(enrolment__in=enrolments).update(tasks="", notes="")
    Referral.objects.filter(enrolment__in=enrolments).update(reason=ERASED, outcome="")
    Referral.objects.filter(enrolment__in=enrolments).exclude(consent_override_reason="").update(
        consent_override_reason=ERASED
    )
    ParticipantEvent.objects.filter(participant_id=pk).update(note="")
    LanguageAssessment.objects.filter(participant_id=pk).update(notes="")
    Evaluation.objects.filter(enrolment__in=enrolments).update(notes="")
    DomainScore.objects.filter(evaluation__enrolment__in=enrolments).update(comment="")
    ExitReview.objects.filter(enrolment__in=enrolments).update(
        strengths=ERASED, limits="", next_step=ERASED, contact_person=ERASED, contact_phone=""
    )
    FollowUpCall.objects.filter(enrolment__in=enrolments).update(help_notes="", notes="")
    CallAttempt.objects.filter(call__enrolment__in=enrolments).update(note="")
    Attendance.objects.filter(participant_id=pk).update(reason="")
    PortalAccess.objects.filter(participant_id=pk).update(contact_phone="")


def _portal_end(person: Participant) -> int:
    """Their code stops working, and with it every phone signed in with it (portal.access
    checks the code at every page). Returns how many codes were revoked."""
    return PortalAccess.objects.filter(participant=person, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def names_pattern(person: Participant) -> re.Pattern | None:
    """The person's names, in full and word by word (three letters or more, so that a short
    particle does not match everywhere), their register number and phone, as whole words in
    any case."""
    first, last = person.first_name.strip(), person.last_name.strip()
    found = {f"{first} {last}", f"{last} {first}", first, last}
    found.update(word for word in f"{first} {last}".split() if len(word) >= 3)
    found.update(value for value in (person.national_number, person.phone) if value)
    found = sorted((value for value in found if len(value.strip()) >= 2), key=len, reverse=True)
    if not found:
        return None
    alternatives = "|".join(re.escape(value) for value in found)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _free_text_fields(model) -> list[models.Field]:
    """The fields people type sentences into: not codes, choices, links or addresses of mail."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, (models.CharField, models.TextField))
        and not isinstance(field, (models.EmailField, models.URLField, models.SlugField))
        and not field.choices
        and field.editable
    ]


def _scrub_names(person: Participant, pattern: re.Pattern | None) -> list[dict]:
    """Replace the person's names by NAME_MARK in every free-text field of the rows linked to
    them. Returns what was changed ({record, id, field}), for the erasure record."""
    if pattern is None:
        return []
    scrubbed = []
    now = timezone.now()
    for model, path in LINKED:
        concrete = {field.name: field for field in model._meta.concrete_fields}
        fields = _free_text_fields(model)
        names = [field.name for field in fields]
        limits = {field.name: field.max_length for field in fields}
        rows = model.objects.filter(**{path: person}).distinct().values("pk", *names)
        for row in rows:
            changes = {}
            for name in names:
                value = row[name] or ""
                new = pattern.sub(NAME_MARK, value)
                if new != value:
                    changes[name] = new[: limits[name]] if limits[name] else new
            if not changes:
                continue
            for name in changes:
                scrubbed.append({"record": model._meta.label_lower, "id": row["pk"], "field": name})
            extra = {}
            # Whoever holds the row (a colleague's form, a calendar app) sees that it changed.
            if "version" in concrete:
                extra["version"] = F("version") + 1
            if getattr(concrete.get("updated_at"), "auto_now", False):
                extra["updated_at"] = now
            model.objects.filter(pk=row["pk"]).update(**changes, **extra)
    return scrubbed


def retention_expired(today: datetime.date | None = None) -> list[Participant]:
    """People whose every file is closed and whose retention period is over, not yet erased."""
    today = today or timezone.localdate()
    finished = list(Enrolment.FINISHED)
    candidates = (
        Participant.objects.filter(enrolments__isnull=False, erasure__isnull=True)
        .exclude(enrolments__in=Enrolment.objects.filter(~Q(status__in=finished)))
        .distinct()
        .prefetch_related("enrolments__programme")
    )
    expired = []
    for person in candidates:
        ends = retention_ends(person)
        if ends is not None and ends < today:
            expired.append(person)
    return expired


def retention_apply(*, today: datetime.date | None = None) -> list[Erasure]:
    """Anonymise every file whose retention period is over (manage.py apply_retention)."""
    today = today or timezone.localdate()
    return [
        participant_erase(participant=person, reason=Erasure.Reason.RETENTION, today=today, by=None)
        for person in retention_expired(today)
    ]
