"""A participant sees only their own record: every portal URL is tried without a portal
session, with a staff session, with another participant's session and after revocation."""

import pytest
from django.test import Client
from django.utils import timezone

from portal.services import portal_access_revoke
from tests.evaluations.factories import make_evaluation, make_goal
from tests.factories import make_partner
from tests.sessions.factories import days_from_today, make_session
from trajectory.models import ActionStep


@pytest.fixture
def records(participant, active, programme):
    """One of each thing with an address of its own on the portal, all the participant's."""
    goal = make_goal(enrolment=active, text="Private goal")
    step = ActionStep.objects.create(goal=goal, text="Private step", who=ActionStep.Who.PARTICIPANT)
    evaluation = make_evaluation(enrolment=active, held_on=timezone.localdate())
    session = make_session(
        programme=programme, date=days_from_today(2), topic="Private topic", expected=[participant]
    )
    return {"step": step, "evaluation": evaluation, "session": session}


# (method, url, what the owner's phone gets)
def _urls(records):
    return [
        ("get", "/p/home/", 200),
        ("get", "/p/sessions/", 200),
        ("get", f"/p/sessions/{records['session'].pk}.ics", 200),
        ("get", "/p/calendar/", 200),
        ("get", f"/p/evaluation/{records['evaluation'].pk}/", 200),
        ("post", f"/p/steps/{records['step'].pk}/done/", 302),
    ]


def test_the_owner_reaches_every_page(portal, records):
    for method, url, status in _urls(records):
        assert getattr(portal, method)(url).status_code == status, url


def test_without_a_portal_session_every_page_sends_to_the_start(client, records):
    for method, url, _status in _urls(records):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response.url == "/p/", url
    assert ActionStep.objects.filter(status="done").count() == 0


@pytest.mark.parametrize("persona", ["coach_client", "manager_client", "outsider_client"])
def test_a_staff_session_opens_nothing(request, persona, records):
    staff = request.getfixturevalue(persona)
    for method, url, _status in _urls(records):
        response = getattr(staff, method)(url)
        assert response.status_code == 302 and response.url == "/p/", url
    assert ActionStep.objects.filter(status="done").count() == 0


def test_another_participant_gets_404_for_what_is_not_theirs(neighbour_portal, records):
    for method, url, _status in _urls(records):
        if url in {"/p/home/", "/p/sessions/", "/p/calendar/"}:
            html = getattr(neighbour_portal, method)(url).content.decode()
            assert "Private" not in html and "Selam" not in html, url
        else:
            assert getattr(neighbour_portal, method)(url).status_code == 404, url
    assert ActionStep.objects.filter(status="done").count() == 0


def test_after_revocation_every_page_sends_to_the_start(portal, participant, coach, records):
    portal_access_revoke(access=participant.portal_accesses.get(), by=coach.user)
    for method, url, _status in _urls(records):
        response = getattr(portal, method)(url)
        assert response.status_code == 302 and response.url == "/p/", url


def test_a_portal_session_opens_no_staff_page(portal, participant, active):
    for url in [
        f"/participants/{participant.pk}/",
        f"/participants/{participant.pk}/portal/",
        "/",
        f"/enrolments/{active.pk}/",
    ]:
        response = portal.get(url)
        assert response.status_code in {302, 404}, url
        assert "Selam" not in response.content.decode(), url


def test_sensitive_fields_never_reach_the_phone(participant, active, programme, coach):
    participant.national_number = "85073003328"
    participant.residence_status = "refugee"
    participant.save()
    evaluation = make_evaluation(
        enrolment=active, held_on=timezone.localdate(), notes="Coach's private notes"
    )
    evaluation.scores.update(comment="Coach's comment on the score")
    active.referrals_out.create(
        partner=make_partner(organisation=participant.organisation, name="Centre Exil"),
        kind="health", reason="Trauma therapy", shares_personal_data=False,
    )  # fmt: skip
    make_session(
        programme=programme, date=days_from_today(1), notes="Session notes", expected=[participant]
    )
    from tests.portal.factories import portal_client_for

    client, _access = portal_client_for(participant)
    pages = [
        client.get(url).content.decode()
        for url in ["/p/home/", "/p/sessions/", f"/p/evaluation/{evaluation.pk}/"]
    ]
    for html in pages:
        for secret in [
            "85073003328", "85.07.30", "Haile", "efugee", "private notes", "Coach's comment",
            "Trauma", "Exil", "Session notes",
        ]:  # fmt: skip
            assert secret not in html, secret


def test_the_service_worker_is_public_and_scoped_to_the_portal():
    response = Client().get("/p/sw.js")
    assert response.status_code == 200
    assert response["Service-Worker-Allowed"] == "/p/"
    assert response["Content-Type"].startswith("text/javascript")
