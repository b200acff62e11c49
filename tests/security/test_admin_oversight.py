"""Roles as documented (docs/data-protection.md, "Who sees what"): an organisation's
administrator reads the audit log and lifts the sign-in lock-outs of their own organisation,
and nothing of another's; the superuser's reading of participant data in the admin is itself
in the audit log; the admin's filters and drop-downs never name another organisation's
programmes, sites or modules."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from audit import services as audit
from audit.models import Event
from programme.models import ActivityMapping, Room
from sessions.models import SessionKind
from tests.factories import make_enrolment, make_module, make_participant

pytestmark = pytest.mark.django_db
EVENTS = reverse("admin:audit_event_changelist")
LOCK_OUTS = reverse("admin:axes_accessattempt_changelist")


def lock_out(username: str) -> AccessAttempt:
    return AccessAttempt.objects.create(
        username=username,
        ip_address="192.0.2.10",
        user_agent="Firefox",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=5,
    )


# The audit log -------------------------------------------------------------------------------


def test_an_administrator_reads_their_organisations_audit_log_only(
    participant, outsider, coach, administrator_client
):
    ours = audit.record_event(action=Event.Action.VIEW, by=coach.user, participant=participant)
    foreign = make_participant(organisation=outsider.organisation, last_name="Janssens")
    theirs = audit.record_event(action=Event.Action.VIEW, by=outsider.user, participant=foreign)
    # A colleague's event about no organisation (a wrong second-factor code) is theirs too;
    # an anonymous failed sign-in is nobody's organisation's.
    colleague_note = audit.record_event(action=Event.Action.SIGN_IN_FAILED, by=coach.user)
    anonymous = audit.record_event(action=Event.Action.SIGN_IN_FAILED, note="root")

    response = administrator_client.get(EVENTS)

    assert response.status_code == 200
    shown = set(response.context["cl"].result_list)
    assert {ours, colleague_note} <= shown
    assert theirs not in shown
    assert anonymous not in shown
    detail = reverse("admin:audit_event_change", args=[theirs.pk])
    assert administrator_client.get(detail).status_code == 302  # "does not exist"


def test_the_audit_log_stays_read_only_for_an_administrator(coach, administrator_client):
    event = audit.record_event(
        action=Event.Action.UPDATE, by=coach.user, organisation_id=coach.organisation_id
    )
    page = administrator_client.get(reverse("admin:audit_event_change", args=[event.pk]))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert administrator_client.get(reverse("admin:audit_event_add")).status_code == 403
    delete = reverse("admin:audit_event_delete", args=[event.pk])
    assert administrator_client.post(delete, {"post": "yes"}).status_code == 403


@pytest.mark.parametrize("persona", ["coach_client", "manager_client"])
def test_coaches_and_managers_do_not_reach_the_admins_audit_log(request, persona):
    response = request.getfixturevalue(persona).get(EVENTS)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


# Lock-outs -----------------------------------------------------------------------------------


def test_an_administrator_sees_and_lifts_their_colleagues_lock_outs_only(
    coach, outsider, administrator_client
):
    ours = lock_out("amina")
    theirs = lock_out("jan")
    unknown = lock_out("nobody-here")

    response = administrator_client.get(LOCK_OUTS)
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [ours]

    lifted = administrator_client.post(
        reverse("admin:axes_accessattempt_delete", args=[ours.pk]), {"post": "yes"}
    )
    assert lifted.status_code == 302
    assert not AccessAttempt.objects.filter(pk=ours.pk).exists()

    refused = administrator_client.post(
        reverse("admin:axes_accessattempt_delete", args=[theirs.pk]), {"post": "yes"}
    )
    assert refused.status_code == 302
    assert AccessAttempt.objects.filter(pk__in=[theirs.pk, unknown.pk]).count() == 2


def test_the_superuser_sees_every_lock_out(coach, outsider, superuser_client):
    lock_out("amina")
    lock_out("jan")
    assert len(superuser_client.get(LOCK_OUTS).context["cl"].result_list) == 2


# The superuser's reading of personal data -----------------------------------------------------


def test_the_superusers_admin_views_of_participants_are_audited(
    participant, programme, superuser, superuser_client
):
    enrolment = make_enrolment(participant=participant, programme=programme)

    superuser_client.get(reverse("admin:participants_participant_changelist"))
    superuser_client.get(reverse("admin:participants_participant_change", args=[participant.pk]))
    superuser_client.get(reverse("admin:participants_enrolment_change", args=[enrolment.pk]))

    events = Event.objects.filter(actor_id=superuser.pk, action=Event.Action.VIEW).order_by("pk")
    assert [(e.object_type, e.participant_id) for e in events] == [
        ("admin participants.participant list", None),
        ("admin participants.participant", participant.pk),
        ("admin participants.enrolment", participant.pk),
    ]
    # The file's own history shows them, as it shows a coach's views.
    assert events[1].organisation_id == participant.organisation_id
    assert events[1].participant_name == "Selam Haile"


# Scoped filters and drop-downs ----------------------------------------------------------------


def test_the_admins_filters_name_only_the_own_organisations_records(
    organisation, other_organisation, programme, other_programme, administrator_client
):
    own_site = organisation.sites.create(name="Antenne Sainte-Marguerite")
    foreign_site = other_organisation.sites.create(name="Antenne Borgerhout")
    Room.objects.create(site=own_site, name="Salle 1")
    Room.objects.create(site=foreign_site, name="Lokaal 2")
    SessionKind.objects.create(programme=programme, name="Atelier vélo", code="atelier-velo")
    SessionKind.objects.create(programme=other_programme, name="Fietsatelier", code="fiets")

    rooms = administrator_client.get(reverse("admin:programme_room_changelist"))
    kinds = administrator_client.get(reverse("admin:activities_sessionkind_changelist"))

    assert "Sainte-Marguerite" in rooms.content.decode()
    assert "Borgerhout" not in rooms.content.decode()
    assert "Vivre ensemble" in kinds.content.decode()
    assert "Samen op weg" not in kinds.content.decode()


def test_the_admins_drop_downs_name_only_the_own_organisations_records(
    programme, other_programme, administrator_client
):
    make_module(programme=programme, name="Table de conversation")
    make_module(programme=other_programme, name="Taalcafé Noord")

    page = administrator_client.get(
        reverse("admin:programme_programme_change", args=[programme.pk])
    )

    html = page.content.decode()
    assert "Table de conversation" in html
    assert "Taalcafé Noord" not in html
    inlines = page.context["inline_admin_formsets"]
    mappings = next(f for f in inlines if f.formset.model is ActivityMapping).formset
    assert {m.name for m in mappings.empty_form.fields["module"].queryset} == {
        "Table de conversation"
    }


def test_the_superuser_still_sees_every_organisations_names(
    organisation, other_organisation, superuser_client
):
    Room.objects.create(site=organisation.sites.create(name="Antenne A"), name="Salle 1")
    Room.objects.create(site=other_organisation.sites.create(name="Antenne B"), name="Lokaal 2")
    html = superuser_client.get(reverse("admin:programme_room_changelist")).content.decode()
    assert "Antenne A" in html and "Antenne B" in html
