"""demo/bulk.py: the demo's fast inserts give back what the ORM would have written, on
SQLite and on PostgreSQL (CI runs both)."""

import datetime

import pytest
from django.utils import timezone

from demo import bulk
from participants.models import Enrolment, EnrolmentStatusChange, Participant
from sessions.models import Session, SessionKind, ensure_default_kinds

pytestmark = pytest.mark.django_db


def test_insert_objects_round_trips_every_kind_of_value(organisation, programme, coach):
    person = Participant(
        organisation=organisation,
        coach=coach.user,
        first_name="Senait",
        last_name="Haile",
        birth_date=datetime.date(1990, 4, 2),
        nationality="ER",  # a CountryField: the drivers get the code, not the object
        integration_income=True,
        children=2,
    )
    [person] = bulk.insert_objects([person])
    moment = timezone.make_aware(datetime.datetime(2025, 3, 4, 10, 30))
    enrolment = Enrolment(
        participant=person, programme=programme, coach=coach.user,
        status=Enrolment.Status.ACTIVE, referred_on=datetime.date(2025, 2, 1),
    )  # fmt: skip
    [enrolment] = bulk.insert_objects([enrolment])
    bulk.insert_objects(
        [
            EnrolmentStatusChange(
                enrolment=enrolment, from_status="", to_status=Enrolment.Status.ACTIVE,
                changed_at=moment, changed_by=coach.user,
            )
        ]
    )  # fmt: skip
    bulk.reset_sequences(Participant, Enrolment, EnrolmentStatusChange)

    stored = Participant.objects.get(pk=person.pk)
    assert (stored.first_name, stored.birth_date, stored.nationality.code) == (
        "Senait", datetime.date(1990, 4, 2), "ER",
    )  # fmt: skip
    assert stored.integration_income is True and stored.children == 2
    assert stored.created_at is not None  # auto_now_add filled in
    change = EnrolmentStatusChange.objects.get(enrolment=enrolment)
    assert change.changed_at == moment  # an aware moment, kept as the same instant
    assert change.to_status == "active"


def test_insert_writes_plain_rows_and_sequences_move_past_given_ids(programme):
    ensure_default_kinds()
    kind = SessionKind.objects.filter(programme__isnull=True).first()
    ids = bulk.next_ids(Session, 2)
    # Every column without a database default, as the demo gives them.
    rows = [
        (pk, programme.pk, kind.pk, day, datetime.time(9), datetime.time(12), "room", "", "",
         "", "", "", False, "", timezone.now(), timezone.now())
        for pk, day in zip(ids, [datetime.date(2025, 5, 5), datetime.date(2025, 5, 12)],
                           strict=True)
    ]  # fmt: skip
    fields = ["id", "programme_id", "kind_id", "date", "start_time", "end_time", "place",
              "topic", "address", "online_link", "bring", "notes", "detached",
              "cancel_reason", "created_at", "updated_at"]  # fmt: skip
    assert bulk.insert(Session, fields, rows) == 2
    bulk.reset_sequences(Session)

    stored = list(Session.objects.filter(pk__in=ids).order_by("date"))
    assert [(s.date, s.start_time, s.end_time) for s in stored] == [
        (datetime.date(2025, 5, 5), datetime.time(9), datetime.time(12)),
        (datetime.date(2025, 5, 12), datetime.time(9), datetime.time(12)),
    ]
    # The next row the application writes gets a fresh id, on PostgreSQL too.
    later = Session.objects.create(
        programme=programme, kind=kind, date=datetime.date(2025, 5, 19),
        start_time=datetime.time(9), end_time=datetime.time(12),
    )  # fmt: skip
    assert later.pk > max(ids)
