"""Work done in a separate process against a real database file or server (DATABASE_URL), for
the tests that need more than one process: `python -m tests.integrity.scripts <command>`.

- `world <people> <coaches>`: an organisation, coaches with API keys, people with an active
  enrolment and a session they are expected at; prints what the clients need, as JSON.
- `churn`: multi-step services in a loop (a referral, the intake, admission with its to-dos,
  the action plan, attendance, the exit review with its follow-up calls), printing a line per
  round: the test kills it at a random moment.
- `check`: the domain invariants of every row, printed as JSON (an empty list when all hold).
"""

import datetime
import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count, OuterRef, Subquery  # noqa: E402
from django.utils import timezone  # noqa: E402

from evaluations.models import ExitReview, FollowUpCall  # noqa: E402
from evaluations.services import exit_record  # noqa: E402
from participants import services  # noqa: E402
from participants.models import Enrolment, EnrolmentStatusChange, Participant  # noqa: E402
from programme.models import Organisation, Programme, Staff  # noqa: E402
from programme.services import api_token_create, staff_create  # noqa: E402
from sessions.models import Attendance, Session, SessionKind  # noqa: E402
from sessions.services import attendance_record  # noqa: E402
from trajectory import services as trajectory  # noqa: E402
from trajectory.models import Goal  # noqa: E402

TODAY = timezone.localdate()


def _organisation(name="CPAS test") -> tuple[Organisation, Programme]:
    organisation, _ = Organisation.objects.get_or_create(name=name, defaults={"city": "Liège"})
    programme, _ = Programme.objects.get_or_create(
        organisation=organisation,
        code=f"p-{organisation.pk}",
        defaults={"name": "Vivre ensemble", "starts_on": datetime.date(2024, 1, 1)},
    )
    return organisation, programme


def _coach(organisation, n: int) -> Staff:
    existing = Staff.objects.filter(user__username=f"coach{n}").first()
    return existing or staff_create(
        organisation=organisation,
        role=Staff.Role.COACH,
        username=f"coach{n}",
        email=f"coach{n}@example.org",
        first_name="Coach",
        last_name=str(n),
        password="correct horse battery staple",
    )


def world(people: int, coaches: int) -> dict:
    organisation, programme = _organisation()
    staff = [_coach(organisation, n) for n in range(coaches)]
    persons = []
    for n in range(people):
        coach = staff[n % coaches].user
        person = services.participant_create(
            organisation=organisation,
            data={
                "first_name": f"Person{n}",
                "last_name": "Test",
                "gender": "woman",
                "birth_date": datetime.date(1990, 1, 1 + n % 28),
                "coach": coach,
            },  # fmt: skip
            by=coach,
        )
        enrolment = services.enrolment_refer(
            participant=person, programme=programme, coach=coach, by=coach,
            referred_on=TODAY - datetime.timedelta(days=90), referral_source="social_service",
        )  # fmt: skip
        Enrolment.objects.filter(pk=enrolment.pk).update(
            status="active", started_on=TODAY - datetime.timedelta(days=60)
        )
        persons.append(person)
    kind, _ = SessionKind.objects.get_or_create(code="workshop", defaults={"name": "Workshop"})
    session = Session.objects.create(
        programme=programme, kind=kind, date=TODAY, start_time=datetime.time(9),
        end_time=datetime.time(12), place="online",
    )  # fmt: skip
    session.facilitators.set([s.user for s in staff])
    Attendance.objects.bulk_create(Attendance(session=session, participant=p) for p in persons)
    return {
        "keys": [api_token_create(user=s.user, name="load test")[1] for s in staff],
        "participants": [p.pk for p in persons],
        "attendance": list(
            Attendance.objects.filter(session=session).order_by("pk").values_list("pk", flat=True)
        ),
    }


def churn() -> None:
    organisation, programme = _organisation("CPAS churn")
    coach = _coach(organisation, 99).user
    kind, _ = SessionKind.objects.get_or_create(code="workshop", defaults={"name": "Workshop"})
    n = Participant.objects.count()
    while True:
        n += 1
        person = services.participant_create(
            organisation=organisation,
            data={
                "first_name": f"Churn{n}",
                "last_name": "Test",
                "gender": "man",
                "birth_date": datetime.date(1980, 1, 1 + n % 28),
                "coach": coach,
            },  # fmt: skip
            languages=[{"language": "ar", "use": "mother_tongue"}],
            by=coach,
        )
        enrolment = services.enrolment_refer(
            participant=person, programme=programme, coach=coach, by=coach,
            referred_on=TODAY - datetime.timedelta(days=30), referral_source="self",
        )  # fmt: skip
        services.intake_interview_record(
            enrolment=enrolment,
            data={
                "held_on": TODAY - datetime.timedelta(days=20),
                "duration_minutes": 60,
                "support": "none",
            },  # fmt: skip
            by=coach,
        )
        services.enrolment_change_status(
            enrolment=enrolment, to_status="active", on=TODAY - datetime.timedelta(days=10),
            by=coach,
        )  # fmt: skip
        goal = trajectory.goal_create(enrolment=enrolment, text="Speak Dutch at work", by=coach)
        trajectory.step_add(goal=goal, text="Join the language café", who="participant", by=coach)
        goal = trajectory.goal_revise(goal=goal, text="Speak Dutch with colleagues", by=coach)
        session = Session.objects.create(
            programme=programme, kind=kind, date=TODAY, start_time=datetime.time(9),
            end_time=datetime.time(12), place="online",
        )  # fmt: skip
        Attendance.objects.create(session=session, participant=person)
        attendance_record(
            session=session, participant=person, status="present", version=1, by=coach
        )
        enrolment.refresh_from_db()
        exit_record(
            enrolment=enrolment, exited_on=TODAY, exit_reason="completed",
            exit_destination="training", strengths="Punctual", next_step="Training",
            contact_person="The social antenna", by=coach,
        )  # fmt: skip
        print(f"round {n}", flush=True)


def check() -> list[str]:
    problems = []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA integrity_check")
            result = [row[0] for row in cursor.fetchall()]
            if result != ["ok"]:
                problems.append(f"integrity_check: {result}")
            cursor.execute("PRAGMA foreign_key_check")
            problems += [f"foreign key: {row}" for row in cursor.fetchall()]
    last = EnrolmentStatusChange.objects.filter(enrolment=OuterRef("pk")).order_by("-pk")
    for pk, status, last_status in Enrolment.objects.annotate(
        last=Subquery(last.values("to_status")[:1])
    ).values_list("pk", "status", "last"):
        if status != last_status:
            problems.append(f"enrolment {pk} is {status} but its last change says {last_status}")
    exited = Enrolment.objects.filter(status="exited", exit_review__isnull=True)
    problems += [
        f"enrolment {pk} exited without its review" for pk in exited.values_list("pk", flat=True)
    ]
    reviewed = ExitReview.objects.exclude(enrolment__status__in=["exited", "closed"])
    problems += [
        f"review {pk} of an enrolment not exited" for pk in reviewed.values_list("pk", flat=True)
    ]
    started = Enrolment.objects.filter(started_on__isnull=False).annotate(n=Count("todos"))
    bare = started.filter(n=0).values_list("pk", flat=True)
    problems += [f"enrolment {pk} started without to-dos" for pk in bare]
    revised = Goal.objects.filter(status="revised", revised_by__isnull=True)
    problems += [
        f"goal {pk} revised without a new version" for pk in revised.values_list("pk", flat=True)
    ]
    for review in ExitReview.objects.select_related("enrolment__programme"):
        expected = len(review.enrolment.programme.follow_up_offsets)
        calls = FollowUpCall.objects.filter(enrolment_id=review.enrolment_id).count()
        if calls < expected:
            problems.append(f"enrolment {review.enrolment_id} exited with {calls} calls planned")
    return problems


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "world":
        print(json.dumps(world(int(sys.argv[2]), int(sys.argv[3]))))
    elif command == "churn":
        churn()
    elif command == "check":
        print(json.dumps(check()))
