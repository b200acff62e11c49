"""What the portal reads of the participant's trajectory: their own record only, and only what
is theirs to see. Notes, free text of evaluations, scores given by the coach, health,
residence and referral details never leave the staff pages."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils import timezone

from evaluations.models import Evaluation, FollowUpCall
from evaluations.services import EVALUATION_STATUSES, EXIT_EVALUATION_STATUSES
from participants.models import Enrolment, Participant, PlannedModule
from programme.models import Room, RoomPhoto
from sessions.models import Attendance, InterpreterBooking, Place, Session
from trajectory.models import ActionStep, Goal, Placement

UPCOMING_DAYS = 60
HOME_SESSIONS = 5
# A self-assessment is asked for an evaluation held in the last four weeks: the meeting with
# the coach, then the person's own view of it at home, in their language.
SELF_ASSESSMENT_DAYS = 28
OPEN_PLAN = [Enrolment.Status.ACTIVE, Enrolment.Status.PAUSED]


@dataclass
class SessionCard:
    session: Session
    address: str
    interpreter: InterpreterBooking | None
    bring: list = field(default_factory=list)  # pictograms (portal.content.BRING)
    kind_icon: str = "calendar"


def upcoming_sessions(
    participant: Participant, *, limit: int | None = HOME_SESSIONS, days: int = UPCOMING_DAYS
):
    today = timezone.localdate()
    now = timezone.localtime().time()
    sessions = (
        Session.objects.filter(
            attendances__participant=participant,
            # Not the sessions of a pause: nobody expects them there.
            attendances__status__in=Attendance.NOT_PAUSED,
            programme__organisation_id=participant.organisation_id,
            date__range=(today, today + datetime.timedelta(days=days)),
        )
        .exclude(date=today, end_time__lt=now)
        .select_related("kind", "room__site", "group__module")
        .prefetch_related(
            "facilitators",
            Prefetch(
                "interpreters",
                queryset=InterpreterBooking.objects.exclude(
                    status=InterpreterBooking.Status.CANCELLED
                ),
            ),
        )
        .order_by("date", "start_time", "pk")
    )
    if limit:
        sessions = sessions[:limit]
    return [_card(session, participant) for session in sessions]


def sessions_later(participant: Participant, *, after_days: int) -> bool:
    """Whether sessions come after the first `after_days` days, within the portal's horizon."""
    today = timezone.localdate()
    return Session.objects.filter(
        attendances__participant=participant,
        attendances__status__in=Attendance.NOT_PAUSED,
        programme__organisation_id=participant.organisation_id,
        date__gt=today + datetime.timedelta(days=after_days),
        date__lte=today + datetime.timedelta(days=UPCOMING_DAYS),
    ).exists()


def _card(session: Session, participant: Participant) -> SessionCard:
    address = ""
    if session.place == Place.ROOM and session.room_id:
        address = session.room.address or session.room.site.address
    elif session.place == Place.OUTSIDE:
        address = session.address
    bookings = list(session.interpreters.all())
    mine = [b for b in bookings if b.language == participant.interpreter_language]
    return SessionCard(session=session, address=address, interpreter=(mine or [None])[0])


def participant_session(participant: Participant, pk: int) -> Session | None:
    return (
        Session.objects.filter(attendances__participant=participant, pk=pk)
        .select_related("kind", "group", "room__site")
        .first()
    )


def photo_room(participant: Participant | None, staff, pk: int) -> Room | None:
    """A room with a photo of its entrance, for a participant who has a session in that room
    or for staff of the room's organisation; None for anyone else (and when there is none)."""
    rooms = Room.objects.exclude(photo_digest="").only("pk", "photo_digest")
    if staff is not None:
        return rooms.filter(pk=pk, site__organisation_id=staff.organisation_id).first()
    if participant is None:
        return None
    theirs = Session.objects.filter(
        attendances__participant=participant,
        programme__organisation_id=participant.organisation_id,
    ).values("room_id")
    return rooms.filter(
        pk=pk, pk__in=theirs, site__organisation_id=participant.organisation_id
    ).first()


def room_photo(room: Room) -> RoomPhoto | None:
    return RoomPhoto.objects.filter(room=room).first()


def open_goals(participant: Participant) -> list[Goal]:
    steps = ActionStep.objects.exclude(status=ActionStep.Status.DROPPED)
    return list(
        Goal.objects.filter(
            enrolment__participant=participant,
            enrolment__status__in=OPEN_PLAN,
            status=Goal.Status.OPEN,
        ).prefetch_related(Prefetch("steps", queryset=steps))
    )


def own_step(participant: Participant, pk: int) -> ActionStep | None:
    """A step the participant may tick themselves: theirs alone, in an open plan."""
    return (
        ActionStep.objects.filter(
            pk=pk,
            who=ActionStep.Who.PARTICIPANT,
            goal__enrolment__participant=participant,
            goal__enrolment__status__in=OPEN_PLAN,
        )
        .select_related("goal__enrolment")
        .first()
    )


def current_placements(participant: Participant) -> list[Placement]:
    return list(
        Placement.objects.filter(
            enrolment__participant=participant,
            status__in=[Placement.Status.PLANNED, Placement.Status.ONGOING],
        )
        .select_related("host")
        .order_by("starts_on", "pk")
    )


def my_modules(participant: Participant) -> list[PlannedModule]:
    """The modules of the person's plan in the programmes they follow now, in the plan's
    order: planned, being tried, running or done (a module stopped is left out)."""
    return list(
        PlannedModule.objects.filter(
            enrolment__participant=participant, enrolment__status__in=OPEN_PLAN
        )
        .exclude(status=PlannedModule.Status.STOPPED)
        .select_related("module")
        .order_by("enrolment_id", "position", "pk")
    )


def after_programme(participant: Participant) -> bool:
    """Left the programme: exited, with no enrolment running or about to start."""
    Status = Enrolment.Status
    statuses = set(
        Enrolment.objects.filter(participant=participant).values_list("status", flat=True)
    )
    return Status.EXITED in statuses and statuses <= {
        Status.EXITED,
        Status.CLOSED,
        Status.NOT_ADMITTED,
    }


def next_follow_up_call(participant: Participant) -> FollowUpCall | None:
    return (
        FollowUpCall.objects.pending()
        .filter(enrolment__participant=participant)
        .order_by("due_on", "pk")
        .first()
    )


def self_assessments(participant: Participant):
    """Evaluations the person can still give their own scores for: recent, and of an
    enrolment that still takes evaluations of that kind."""
    since = timezone.localdate() - datetime.timedelta(days=SELF_ASSESSMENT_DAYS)
    exit_kind = Q(kind=Evaluation.Kind.EXIT)
    return (
        Evaluation.objects.filter(enrolment__participant=participant, held_on__gte=since)
        .filter(
            (~exit_kind & Q(enrolment__status__in=list(EVALUATION_STATUSES)))
            | (exit_kind & Q(enrolment__status__in=list(EXIT_EVALUATION_STATUSES)))
        )
        .select_related("enrolment__programme")
        .order_by("-held_on", "-pk")
    )
