"""The coach's page for the participant's phone: make a code, print the paper, revoke."""

import pytest

from portal.models import PortalAccess
from portal.services import access_for_code
from tests.helpers import login_url
from tests.portal.factories import make_access, row_counts


def url(participant):
    return f"/participants/{participant.pk}/portal/"


def test_the_coach_makes_a_code_and_prints_the_paper(coach_client, participant, coach):
    response = coach_client.post(
        url(participant), {"action": "issue", "contact_phone": "04 220 12 34"}
    )
    assert response.status_code == 302 and response.url == url(participant) + "handout/"
    access = PortalAccess.objects.get(participant=participant)
    assert access.created_by == coach.user and access.contact_phone == "04 220 12 34"
    response = coach_client.get(response.url)
    html = response.content.decode()
    assert "<svg" in html and "Selam" in html
    code = coach_client.session["portal_handout"][str(participant.pk)]
    assert access_for_code(code) == access
    assert f"http://testserver/p/{code}" in html
    assert " ".join([code[:4], code[4:8], code[8:]]) in html


def test_the_paper_shows_the_steps_in_the_participants_language(coach_client, participant):
    participant.portal_language = "ar"
    participant.save()
    coach_client.post(url(participant), {"action": "issue", "contact_phone": ""})
    html = coach_client.get(url(participant) + "handout/").content.decode()
    assert 'lang="ar" dir="rtl"' in html
    assert "امسح رمز QR" in html


def test_the_paper_cannot_be_printed_again_without_a_new_code(coach_client, participant):
    make_access(participant=participant)
    response = coach_client.get(url(participant) + "handout/")
    assert response.status_code == 302 and response.url == url(participant)


def test_the_page_shows_the_state_of_the_code(coach_client, participant):
    access, _code = make_access(participant=participant)
    access.failed_attempts = 10
    access.blocked_at = access.created_at
    access.save()
    html = coach_client.get(url(participant)).content.decode()
    assert "blocked after too many wrong PINs" in html


def test_the_coach_revokes_the_code(coach_client, participant, coach):
    access, code = make_access(participant=participant)
    response = coach_client.post(url(participant), {"action": "revoke"})
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.revoked_by == coach.user
    assert access_for_code(code) is None


def test_a_phone_number_too_long_is_refused_and_nothing_written(coach_client, participant):
    before = row_counts()
    response = coach_client.post(url(participant), {"action": "issue", "contact_phone": "1" * 41})
    assert response.status_code == 200
    assert b"Ensure this value has at most 40 characters" in response.content
    assert row_counts() == before


def test_an_unknown_action_is_a_bad_request(coach_client, participant):
    assert coach_client.post(url(participant), {"action": "x"}).status_code == 400


def test_the_manager_sees_it(manager_client, participant):
    assert manager_client.get(url(participant)).status_code == 200


def test_wrong_method(coach_client, participant):
    assert coach_client.put(url(participant)).status_code == 405
    assert coach_client.post(url(participant) + "handout/").status_code == 405


def test_anonymous_goes_to_the_login(client, participant):
    for path in [url(participant), url(participant) + "handout/"]:
        response = client.get(path)
        assert response.status_code == 302 and response.url == login_url(path)


@pytest.mark.parametrize(
    "persona", ["administrator_client", "outsider_client", "outsider_manager_client",
                "colleague_client"],
)  # fmt: skip
def test_others_get_404_and_write_nothing(request, persona, participant):
    other = request.getfixturevalue(persona)
    before = row_counts()
    for path in [url(participant), url(participant) + "handout/"]:
        assert other.get(path).status_code == 404
    assert other.post(url(participant), {"action": "issue"}).status_code == 404
    assert row_counts() == before


def test_the_participant_file_links_to_the_page(coach_client, participant):
    html = coach_client.get(f"/participants/{participant.pk}/").content.decode()
    assert url(participant) in html


@pytest.mark.parametrize("accesses", [1, 20])
def test_the_page_queries_do_not_grow(
    coach_client, participant, accesses, django_assert_num_queries
):
    for _ in range(accesses):
        make_access(participant=participant)
    # 1 session, 2 user with their staff record and the organisation named in the page
    # header, 3 participant in the coach's reach, 4 the working code with who made it.
    with django_assert_num_queries(4):
        assert coach_client.get(url(participant)).status_code == 200
