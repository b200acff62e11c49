"""A small world for the API tests, and `more_of_everything` to grow it for query counts."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from evaluations.models import Evaluation, FollowUpCall, LanguageAssessment
from participants.models import Enrolment, Participant
from sessions.models import Attendance, Group, Series, Session
from tests.evaluations.factories import make_assessment, make_call, make_evaluation
from tests.factories import make_enrolment, make_participant, make_status_change
from tests.sessions.factories import add_member, make_group, make_series, make_session
from tests.trajectory.factories import make_host, make_placement, make_referral, started
from trajectory.models import Placement, Referral


@dataclass
class World:
    participant: Participant
    enrolment: Enrolment
    placement: Placement
    referral: Referral
    evaluation: Evaluation
    assessment: LanguageAssessment
    call: FollowUpCall
    group: Group
    series: Series
    session: Session
    attendance: Attendance


def make_world(*, coach, participant, enrolment) -> World:
    started(enrolment)
    make_status_change(enrolment=enrolment, to_status="referred")
    make_status_change(enrolment=enrolment, from_status="referred", to_status="active")
    earlier = make_enrolment(
        participant=participant,
        programme=enrolment.programme,
        status=Enrolment.Status.EXITED,
        referred_on=timezone.localdate() - datetime.timedelta(days=700),
        started_on=timezone.localdate() - datetime.timedelta(days=650),
        exited_on=timezone.localdate() - datetime.timedelta(days=400),
        exit_reason="completed",
        exit_destination="training",
    )
    group = make_group(programme=enrolment.programme, coaches=[coach.user])
    add_member(group=group, participant=participant)
    series = make_series(programme=enrolment.programme, group=group, facilitators=[coach.user])
    session = make_session(
        programme=enrolment.programme,
        group=group,
        series=series,
        facilitators=[coach.user],
        expected=[participant],
    )
    return World(
        participant=participant,
        enrolment=enrolment,
        placement=make_placement(
            enrolment=enrolment, host=make_host(organisation=participant.organisation)
        ),
        referral=make_referral(enrolment=enrolment),
        evaluation=make_evaluation(enrolment=enrolment, scores={"oral_language": 2}),
        assessment=make_assessment(participant=participant),
        call=make_call(enrolment=earlier),
        group=group,
        series=series,
        session=session,
        attendance=session.attendances.get(),
    )


def more_of_everything(world: World, coach, count: int) -> None:
    """`count` more people on the coach's caseload, each with a record of every kind, so a
    list at 1 row and at many can be compared."""
    for i in range(count):
        person = make_participant(organisation=world.participant.organisation, coach=coach.user)
        enrolment = started(make_enrolment(participant=person, programme=world.enrolment.programme))
        make_status_change(enrolment=enrolment, to_status="active")
        earlier = make_enrolment(
            participant=person,
            programme=world.enrolment.programme,
            status=Enrolment.Status.EXITED,
            referred_on=timezone.localdate() - datetime.timedelta(days=700),
            started_on=timezone.localdate() - datetime.timedelta(days=650),
            exited_on=timezone.localdate() - datetime.timedelta(days=400),
            exit_reason="completed",
            exit_destination="training",
        )
        make_placement(enrolment=enrolment, host=world.placement.host)
        make_referral(enrolment=enrolment, partner=world.referral.partner)
        make_evaluation(enrolment=enrolment, scores={"oral_language": 3, "autonomy": 2})
        make_assessment(participant=person)
        make_call(enrolment=earlier)
        add_member(group=world.group, participant=person)
        group = make_group(programme=world.enrolment.programme, coaches=[coach.user])
        series = make_series(programme=world.enrolment.programme, group=group)
        make_session(
            programme=world.enrolment.programme,
            group=group,
            series=series,
            facilitators=[coach.user],
            expected=[person],
            date=timezone.localdate() - datetime.timedelta(days=i + 2),
        )
        Attendance.objects.create(session=world.session, participant=person)
