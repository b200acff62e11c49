"""The access matrix's world: one record of every kind in organisation A, all reachable from
the coach's caseload, and the personas who knock at its doors. Built once per test module
(tests/security/test_access_matrix.py), inside a transaction rolled back at the end."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.test import Client, override_settings
from django.utils import timezone

from evaluations.models import CallAttempt, Evaluation, ExitReview, FollowUpCall
from participants import plans
from participants.models import (
    Consent,
    Enrolment,
    EnrolmentCoach,
    ParticipantEvent,
    PlannedModule,
    Todo,
)
from portal.models import PortalAccess
from portal.services import portal_access_issue
from programme import two_factor
from programme.models import (
    ApiToken,
    Cohort,
    EligibilityCriterion,
    Module,
    PartnerOrganisation,
    Programme,
    Site,
    Staff,
    Track,
)
from programme.photos import room_photo_set
from programme.services import api_token_create
from reports.figures import Period
from reports.models import FunderSnapshot
from reports.services import funder_snapshot_request
from sessions.feeds import feed_create
from sessions.models import (
    AbsenceNotice,
    Attendance,
    CalendarFeed,
    Group,
    Series,
    Session,
    SessionKind,
)
from tests.evaluations.factories import (
    make_assessment,
    make_attempt,
    make_call,
    make_evaluation,
    make_exit_review,
)
from tests.factories import (
    make_answer,
    make_criterion,
    make_enrolment,
    make_interview,
    make_module,
    make_organisation,
    make_participant,
    make_partner,
    make_programme,
    make_staff,
)
from tests.reports.builders import amif
from tests.sessions.factories import (
    add_member,
    make_group,
    make_room,
    make_series,
    make_session,
    make_site,
)
from tests.trajectory.factories import (
    make_consent,
    make_goal,
    make_host,
    make_placement,
    make_referral,
    make_step,
    started,
)
from trajectory.models import ActionStep, Goal, Placement, Referral
from trajectory.services import step_mark_done

PIN = "2580"
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]

STAFF_PERSONAS = (
    "coach",
    "colleague",
    "manager",
    "administrator",
    "outsider",
    "outsider_manager",
)
# The participant of organisation B is on their own phone: nothing of A may reach it.
PERSONAS = ("anonymous", "participant", *STAFF_PERSONAS, "outsider_participant")

# Words that name organisation A's records: none may appear on a page another organisation
# reads, and none of the participant's on a colleague's list.
PARTICIPANT_MARKERS = ("Gebremariam", "Selamawit")
ORGANISATION_MARKERS = (*PARTICIPANT_MARKERS, "Vivre ensemble", "Groupe Matin Liège")


@dataclass
class World:
    staff: dict[str, Staff]
    programme: Programme
    participant: object
    enrolment: Enrolment
    exited: Enrolment
    goal: Goal
    step: ActionStep
    consent: Consent
    referral: Referral
    placement: Placement
    todo: Todo
    event: ParticipantEvent
    evaluation: Evaluation
    assessment: object
    exit_review: ExitReview
    call: FollowUpCall
    attempt: CallAttempt
    group: Group
    series: Series
    session: Session
    attendance: Attendance
    site: Site
    snapshot: FunderSnapshot
    portal_access: PortalAccess
    portal_code: str
    outsider_portal_code: str
    api_token: ApiToken
    feed: CalendarFeed
    api_keys: dict[str, str]
    # Within the coach's reach, for the write probes' valid bodies: a partner of every kind,
    # and a person of their caseload enrolled in the programme but in no group yet.
    partner: PartnerOrganisation
    newcomer: object
    second_programme: Programme
    room: object
    # The room of the world's session, with a photo of its entrance for the phone.
    photo_room: object
    # Records out of the coach's reach, by kind, each as {whose: pk}: organisation B's, and
    # (where a coach's reach is narrower than the organisation) the colleague's.
    others: dict[str, dict[str, int]]
    # "I can't come" the participant sent for the world's session, waiting for an answer.
    absence_notice: object = None
    # A co-coach of the enrolment who starts next month (not one of the personas, so no
    # persona's reach changes): the one a coach may end.
    co_coach: EnrolmentCoach | None = None
    # A cohort of the programme whose start date has come, nobody waiting for it yet.
    cohort: Cohort | None = None
    # A module of the programme in the enrolment's plan, and one not chosen yet.
    module: Module | None = None
    planned_module: PlannedModule | None = None
    other_module: Module | None = None
    # A step the participant ticked off on their phone: the one "undo" names.
    done_step: ActionStep | None = None
    # Someone of the coach's caseload in the intake of a programme with entry by cohort and
    # tracks, interviewed and found eligible: the intake's decision names a track and a cohort.
    intake: Enrolment | None = None
    intake_track: Track | None = None
    intake_cohort: Cohort | None = None


def build_world() -> World:
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        return _build()


def _build() -> World:
    today = timezone.localdate()
    mine = make_organisation(name="CPAS de Liège", city="Liège")
    theirs = make_organisation(name="OCMW Antwerpen", city="Antwerpen")
    staff = {
        "coach": make_staff(organisation=mine, role=Staff.Role.COACH, username="amina"),
        "colleague": make_staff(organisation=mine, role=Staff.Role.COACH, username="pieter"),
        "manager": make_staff(organisation=mine, role=Staff.Role.MANAGER, username="sophie"),
        "administrator": make_staff(
            organisation=mine, role=Staff.Role.ADMINISTRATOR, username="admin-liege"
        ),
        "outsider": make_staff(organisation=theirs, role=Staff.Role.COACH, username="jan"),
        "outsider_manager": make_staff(
            organisation=theirs, role=Staff.Role.MANAGER, username="els"
        ),
    }
    coach = staff["coach"].user
    programme = make_programme(organisation=mine, name="Vivre ensemble", code="vivre-ensemble")
    amif(programme)
    # Organisation B runs a programme of its own, so its people see lists that are not
    # empty by construction.
    theirs_programme = make_programme(organisation=theirs, name="Samen op weg", code="samen-op-weg")

    participant = make_participant(
        organisation=mine,
        coach=coach,
        first_name="Selamawit",
        last_name="Gebremariam",
        birth_date=datetime.date(1985, 7, 30),
        portal_language="en",
    )
    enrolment = started(make_enrolment(participant=participant, programme=programme, coach=coach))
    exited = make_enrolment(
        participant=participant,
        programme=programme,
        coach=coach,
        status=Enrolment.Status.EXITED,
        referred_on=today - datetime.timedelta(days=700),
        started_on=today - datetime.timedelta(days=650),
        exited_on=today - datetime.timedelta(days=30),
        exit_reason="completed",
        exit_destination="training",
    )
    goal = make_goal(enrolment=enrolment)
    step = make_step(goal=goal, who=ActionStep.Who.PARTICIPANT)
    done_step = step_mark_done(
        step=make_step(goal=goal, who=ActionStep.Who.PARTICIPANT, text="Ask for the bus pass"),
        by_participant=True,
    )
    module = make_module(programme=programme, name="Atelier cuisine")
    cohort = _cohort(programme, "Printemps", today)
    planned_module = plans.module_choose(enrolment=enrolment, module=module, by=coach)
    evaluation = make_evaluation(
        enrolment=enrolment, held_on=today - datetime.timedelta(days=1), scores={"autonomy": 1}
    )
    call = make_call(enrolment=exited)
    group = make_group(programme=programme, coaches=[coach], name="Groupe Matin Liège")
    add_member(group=group, participant=participant)
    series = make_series(programme=programme, group=group, facilitators=[coach])
    photo_room = make_room(organisation=mine, name="Salle Ourthe")
    room_photo_set(photo_room, b"\xff\xd8\xff photo", "image/jpeg")
    session = make_session(
        programme=programme,
        group=group,
        series=series,
        facilitators=[coach],
        expected=[participant],
        room=photo_room,
    )
    access, code = portal_access_issue(participant=participant, by=coach)
    access.pin_hash = make_password(PIN)
    access.save(update_fields=["pin_hash"])
    # Someone of organisation B, in a programme, with their own phone.
    stranger = make_participant(
        organisation=theirs, coach=staff["outsider"].user, first_name="Rahel", portal_language="en"
    )
    their_enrolment = started(make_enrolment(participant=stranger, programme=theirs_programme))
    outsider_code = _portal_code(stranger)
    their_group = make_group(
        programme=theirs_programme, coaches=[staff["outsider"].user], name="Groep Avond"
    )
    add_member(group=their_group, participant=stranger)
    their_site = make_site(organisation=theirs, name="Antenne Noord")
    # The colleague's own person and group in organisation A: out of the coach's reach.
    theirs_too = make_participant(
        organisation=mine, coach=staff["colleague"].user, first_name="Dawit", last_name="Mekonnen"
    )
    colleague_enrolment = started(
        make_enrolment(participant=theirs_too, programme=programme, coach=staff["colleague"].user)
    )
    colleague_group = make_group(
        programme=programme, coaches=[staff["colleague"].user], name="Groupe Soir Pieter"
    )
    add_member(group=colleague_group, participant=theirs_too)
    newcomer = make_participant(
        organisation=mine, coach=coach, first_name="Hanna", last_name="Berhane"
    )
    started(make_enrolment(participant=newcomer, programme=programme, coach=coach))
    # Someone admitted to the world's cohort and waiting for it to start.
    make_enrolment(
        participant=make_participant(
            organisation=mine, coach=coach, first_name="Yonas", last_name="Haile"
        ),
        programme=programme,
        coach=coach,
        status=Enrolment.Status.WAITING_LIST,
        waiting_since=timezone.now(),
        referred_on=today - datetime.timedelta(days=50),
        cohort=cohort,
    )
    intake, intake_track, intake_cohort = _intake(mine, coach, today)
    B, COLLEAGUE = "another organisation's", "another coach's"
    others = {
        "programme": {B: theirs_programme.pk},
        "group": {B: their_group.pk, COLLEAGUE: colleague_group.pk},
        "participant": {B: stranger.pk, COLLEAGUE: theirs_too.pk},
        "enrolment": {B: their_enrolment.pk, COLLEAGUE: colleague_enrolment.pk},
        "staff": {B: staff["outsider"].user.pk},
        "partner": {
            B: make_partner(
                organisation=theirs,
                name="Vluchtelingenwerk",
                receives_referrals=True,
                hosts_volunteers=True,
                provides_sessions=True,
            ).pk
        },
        "site": {B: their_site.pk},
        "room": {B: make_room(site=their_site).pk},
        "module": {B: make_module(programme=theirs_programme).pk},
        "track": {
            B: Track.objects.create(programme=theirs_programme, name="Kort", length_months=3).pk
        },
        "cohort": {B: _cohort(theirs_programme, "Lente", today).pk},
        "kind": {
            B: SessionKind.objects.create(
                programme=theirs_programme, code="taalcafe", name="Taalcafé"
            ).pk
        },
    }
    api_token, _key = api_token_create(user=coach, name="Spreadsheet sync")
    api_keys = {
        name: api_token_create(user=member.user, name="matrix")[1] for name, member in staff.items()
    }
    return World(
        staff=staff,
        programme=programme,
        participant=participant,
        enrolment=enrolment,
        exited=exited,
        goal=goal,
        step=step,
        consent=make_consent(participant=participant),
        referral=make_referral(enrolment=enrolment),
        placement=make_placement(enrolment=enrolment, host=make_host(organisation=mine)),
        todo=Todo.objects.create(
            enrolment=enrolment, kind="evaluation", label="Mid-way review", due_on=today
        ),
        event=ParticipantEvent.objects.create(
            participant=participant,
            kind=ParticipantEvent.Kind.QUALIFICATION_RECOGNITION,
            happened_on=today - datetime.timedelta(days=3),
            recorded_by=coach,
        ),
        evaluation=evaluation,
        assessment=make_assessment(participant=participant),
        exit_review=make_exit_review(enrolment=exited),
        call=call,
        attempt=make_attempt(call=call),
        group=group,
        series=series,
        session=session,
        attendance=session.attendances.get(),
        site=make_site(organisation=mine),
        snapshot=funder_snapshot_request(
            programme=programme,
            period=Period(today - datetime.timedelta(days=180), today),
            by=staff["manager"].user,
        ),
        portal_access=access,
        portal_code=code,
        outsider_portal_code=outsider_code,
        api_token=api_token,
        feed=feed_create(user=coach),
        api_keys=api_keys,
        partner=make_partner(
            organisation=mine,
            name="Maison des solidarités",
            receives_referrals=True,
            hosts_volunteers=True,
            provides_sessions=True,
        ),
        newcomer=newcomer,
        second_programme=make_programme(organisation=mine, name="Trajet emploi", code="emploi"),
        room=make_room(organisation=mine),
        photo_room=photo_room,
        others=others,
        absence_notice=AbsenceNotice.objects.create(
            attendance=session.attendances.get(), reason=AbsenceNotice.Reason.ILL
        ),
        co_coach=EnrolmentCoach.objects.create(
            enrolment=enrolment,
            coach=make_staff(organisation=mine, role=Staff.Role.COACH, username="ines").user,
            role=EnrolmentCoach.Role.LANGUAGE_COACH,
            since=today + datetime.timedelta(days=30),
        ),
        cohort=cohort,
        module=module,
        planned_module=planned_module,
        other_module=make_module(programme=programme, name="Atelier couture"),
        done_step=done_step,
        intake=intake,
        intake_track=intake_track,
        intake_cohort=intake_cohort,
    )


def _cohort(programme: Programme, name: str, today: datetime.date) -> Cohort:
    """A cohort whose start date has come (it can be started) and that still takes people."""
    return Cohort.objects.create(
        programme=programme,
        name=name,
        intake_opens_on=today - datetime.timedelta(days=60),
        intake_closes_on=today - datetime.timedelta(days=10),
        starts_on=today - datetime.timedelta(days=2),
        ends_on=today + datetime.timedelta(days=180),
    )


def _intake(organisation, coach, today: datetime.date):
    programme = make_programme(
        organisation=organisation,
        name="Parcours en cohortes",
        code="cohortes",
        entry_mode=Programme.EntryMode.COHORT,
    )
    track = Track.objects.create(programme=programme, name="Intensif", length_months=3)
    cohort = _cohort(programme, "Automne", today)
    person = make_participant(
        organisation=organisation, coach=coach, first_name="Mehari", last_name="Tesfay"
    )
    enrolment = make_enrolment(
        participant=person, programme=programme, coach=coach, status=Enrolment.Status.INTAKE
    )
    make_interview(enrolment=enrolment)
    criterion = make_criterion(programme=programme, kind=EligibilityCriterion.Kind.JUDGEMENT)
    make_answer(enrolment=enrolment, criterion=criterion, met=True)
    return enrolment, track, cohort


def _portal_code(participant) -> str:
    access, code = portal_access_issue(participant=participant, by=participant.coach)
    access.pin_hash = make_password(PIN)
    access.save(update_fields=["pin_hash"])
    return code


def staff_client(staff: Staff) -> Client:
    """Signed in, past the second factor (tests/security/test_two_factor.py walks that)."""
    client = Client()
    client.force_login(staff.user)
    session = client.session
    session[two_factor.STATE] = two_factor.DONE
    session.save()
    return client


def portal_client(code: str) -> Client:
    """A participant's phone, signed in through the real pages: the code, then the PIN."""
    client = Client()
    client.get(f"/p/{code}/")
    response = client.post("/p/pin/", {"pin": PIN})
    assert response.status_code == 302 and response.url == "/p/home/", response
    return client


def key_client(world: World, persona: str) -> Client:
    """Another system calling the API with the persona's personal key."""
    return Client(headers={"authorization": f"Bearer {world.api_keys[persona]}"})


def client_for(world: World, persona: str) -> Client:
    if persona == "anonymous":
        return Client()
    if persona == "participant":
        return portal_client(world.portal_code)
    if persona == "outsider_participant":
        return portal_client(world.outsider_portal_code)
    return staff_client(world.staff[persona])
