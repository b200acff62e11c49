"""The file's history page: every change and every view, for the managers only."""

import pytest
from django.urls import reverse

from audit.models import Event
from participants import services
from tests.helpers import login_url


def url(participant):
    return reverse("rights:history", args=[participant.pk])


def test_a_manager_sees_changes_and_viewers(manager_client, coach_client, participant, coach):
    services.participant_update(
        participant=participant,
        data={"children": 2, "residence_status": "refugee"},
        version=participant.version,
        by=coach.user,
    )
    coach_client.get(participant.get_absolute_url())
    response = manager_client.get(url(participant))
    assert response.status_code == 200
    text = response.text
    assert "Amina Benali" in text  # changed the file, and viewed it
    assert "0 → 2" in text
    assert "changed (content not kept)" in text  # the residence status, without its value
    assert "Recognised refugee" not in text and ">refugee<" not in text
    viewers = list(response.context["viewers"])
    assert [(v["actor_name"], v["times"]) for v in viewers] == [("Amina Benali", 1)]


def test_opening_the_history_is_not_itself_a_view_of_the_file(manager_client, participant):
    manager_client.get(url(participant))
    assert not Event.objects.exists()


def test_rejects_post(manager_client, participant):
    assert manager_client.post(url(participant)).status_code == 405


def test_anonymous_is_sent_to_sign_in(client, participant):
    response = client.get(url(participant))
    assert response.status_code == 302 and response.url == login_url(url(participant))


@pytest.mark.parametrize(
    "who", ["coach_client", "colleague_client", "administrator_client", "outsider_client",
            "outsider_manager_client"],
)  # fmt: skip
def test_only_the_organisations_managers_see_it(request, who, participant):
    # ASVS 5.0 V8.2.1: function-level access: the history (who viewed a file) is for managers.
    assert request.getfixturevalue(who).get(url(participant)).status_code == 404


@pytest.mark.parametrize("events", [1, 30])
def test_queries_do_not_grow_with_the_history(
    manager_client, participant, manager, events, django_assert_num_queries
):
    from audit.services import record_event

    for _n in range(events):
        record_event(action=Event.Action.VIEW, by=manager.user, participant=participant)
    # session, user with their staff record and organisation (page header), participant,
    # events count, viewers, events page
    with django_assert_num_queries(6):
        manager_client.get(url(participant))


def test_the_file_links_to_it_for_managers_only(manager_client, coach_client, participant):
    assert url(participant) in manager_client.get(participant.get_absolute_url()).text
    coach_page = coach_client.get(participant.get_absolute_url()).text
    assert url(participant) not in coach_page
    assert reverse("rights:export-json", args=[participant.pk]) in coach_page
