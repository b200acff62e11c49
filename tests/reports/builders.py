"""Small builders for the report tests: a person with an enrolment, a session attended."""

import datetime

from participants.models import Enrolment
from programme.models import ActivityMapping, IndicatorSet
from sessions import months
from sessions.models import Attendance, Session, SessionKind, ensure_default_kinds
from tests.factories import make_enrolment, make_participant


def amif(programme):
    programme.indicator_set = IndicatorSet.objects.get(funder="AMIF", version="2021-2027")
    programme.save(update_fields=["indicator_set"])
    ensure_default_kinds()
    for code, category in [
        ("language_practice", "language_course"),
        ("information_session", "civic_orientation"),
    ]:
        ActivityMapping.objects.create(
            programme=programme, category=category, session_kind_code=code
        )
    return programme


def person(organisation, programme, *, started, exited=None, nationality="SY", **kwargs):
    kwargs.setdefault("birth_date", datetime.date(1990, 1, 1))
    participant = make_participant(organisation=organisation, nationality=nationality, **kwargs)
    enrol(participant, programme, started=started, exited=exited)
    return participant


def enrol(participant, programme, *, started, exited=None, **fields):
    fields.setdefault("exit_reason", "completed" if exited else "")
    return make_enrolment(
        participant=participant,
        programme=programme,
        status=Enrolment.Status.EXITED if exited else Enrolment.Status.ACTIVE,
        referred_on=started - datetime.timedelta(days=20),
        started_on=started,
        exited_on=exited,
        **fields,
    )


def attended(participant, programme, *, kind: str, on: datetime.date):
    session = Session.objects.create(
        programme=programme,
        kind=SessionKind.objects.get(code=kind, programme__isnull=True),
        date=on,
        start_time=datetime.time(9),
        end_time=datetime.time(12),
        place="online",
    )
    row = Attendance.objects.create(
        session=session, participant=participant, status=Attendance.Status.PRESENT
    )
    months.rebuild(participant_ids=[participant.pk], programme_id=programme.pk)  # as services do
    return row
