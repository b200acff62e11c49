"""The audit log itself: append-only, what an event holds, sensitive values left out."""

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from audit import services
from audit.models import AppendOnly, Event
from participants.models import Participant


@pytest.fixture
def request_from():
    def build(user=None, ip="203.0.113.7", agent="Firefox"):
        request = RequestFactory().get("/somewhere/", REMOTE_ADDR=ip, HTTP_USER_AGENT=agent)
        request.user = user
        return request

    return build


def test_record_event_keeps_who_what_when_and_where(coach, participant, request_from):
    # ASVS 5.0 V16.2.1: each log entry says when, where, who and what.
    event = services.record_event(
        action=Event.Action.VIEW,
        request=request_from(coach.user),
        object_type="participant",
        object_id=participant.pk,
        participant=participant,
    )
    event.refresh_from_db()
    assert event.actor_id == coach.user.pk
    assert event.actor_name == "Amina Benali"
    assert event.participant_id == participant.pk
    assert event.organisation_id == participant.organisation_id
    assert event.ip == "203.0.113.7"
    assert event.user_agent == "Firefox"
    assert event.at.utcoffset().total_seconds() == 0


def test_an_event_cannot_be_changed_or_deleted(participant):
    # ASVS 5.0 V16.4.2: logs are protected from modification.
    event = services.record_event(action=Event.Action.VIEW, participant=participant)
    event.note = "edited"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        Event.objects.all().delete()
    assert Event.objects.get().note == ""


def test_the_admin_is_read_only(administrator, request_from):
    model_admin = site._registry[Event]
    request = request_from(administrator.user)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_a_change_keeps_before_and_after_but_not_sensitive_values(participant, coach):
    before = services.snapshot(participant)
    participant.children = 3
    participant.residence_status = "subsidiary_protection"
    participant.last_name = "Tesfaye"
    participant.save()
    event = services.record_change(
        instance=participant, before=before, by=coach.user, participant=participant
    )
    assert event.action == Event.Action.UPDATE
    assert event.changes["children"] == [0, 3]
    assert event.changes["residence_status"] == "changed"
    assert event.changes["last_name"] == "changed"
    assert "Tesfaye" not in str(event.changes)
    assert "subsidiary" not in str(event.changes)


def test_nothing_is_recorded_when_nothing_changed(participant, coach):
    before = services.snapshot(participant)
    assert (
        services.record_change(
            instance=participant, before=before, by=coach.user, participant=participant
        )
        is None
    )
    assert not Event.objects.exists()


def test_failed_sign_in_and_refused_access(request_from, coach):
    # ASVS 5.0 V16.3.1 and V16.3.2: failed authentication and refused access are logged.
    services.sign_in_failed(request_from(), "amina")
    services.access_refused(request_from(coach.user))
    failed, refused = Event.objects.order_by("pk")
    assert (failed.action, failed.note, failed.actor_id) == ("sign_in_failed", "amina", None)
    assert (refused.action, refused.note, refused.actor_id) == (
        "access_refused",
        "/somewhere/",
        coach.user.pk,
    )


def test_pseudonymise_replaces_the_name_and_keeps_the_shape(participant, coach):
    services.record_event(action=Event.Action.VIEW, by=coach.user, participant=participant)
    services.record_event(action=Event.Action.VIEW, by=coach.user)
    services.pseudonymise(participant_id=participant.pk)
    mine, other = Event.objects.order_by("pk")
    assert mine.participant_name == services.pseudonym(participant.pk)
    assert "Selam" not in mine.participant_name
    assert mine.participant_id == participant.pk
    assert other.participant_name == ""
    assert Participant.objects.count() == 1


def test_on_postgresql_the_database_itself_refuses_edits(participant):
    # ASVS 5.0 V16.4.2: even a query that bypasses the model cannot rewrite or remove the log;
    # only the names may be replaced (pseudonymisation on erasure).
    from django.db import DatabaseError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    event = services.record_event(action=Event.Action.VIEW, participant=participant)
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(note="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_event")
    assert Event.objects.filter(pk=event.pk).update(participant_name="Person X") == 1
