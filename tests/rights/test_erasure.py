"""Erasure on request: anonymise the person, keep what reports count, keep the audit log's
shape without their identity; refused while the funder's retention period holds unless a
manager records the legal basis."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit import services as audit
from audit.models import Event
from evaluations.models import ExitReview
from participants import services as participant_services
from participants.models import Participant
from rights import services
from rights.models import Erasure
from tests.evaluations.factories import make_exit_review, make_exited
from tests.helpers import login_url
from tests.trajectory.factories import make_goal, started
from trajectory.models import Goal

D = datetime.date


@pytest.fixture
def closed_long_ago(participant, enrolment):
    """A file closed in 2015: its five years of retention ended on 31 December 2020."""
    started(enrolment)
    make_exited(enrolment=enrolment, exited_on=D(2015, 6, 30))
    make_exit_review(enrolment=enrolment, limits="Troubles du sommeil, suivi psychologique")
    make_goal(enrolment=enrolment, text="Trouver un logement plus grand")
    return participant


def url(participant):
    return reverse("rights:erase", args=[participant.pk])


def test_retention_ends_on_31_december_five_years_after_the_closing_year(closed_long_ago):
    assert services.retention_ends(closed_long_ago) == D(2020, 12, 31)


def test_an_open_file_is_held(participant, enrolment):
    assert "still open" in services.erasure_hold(participant)
    with pytest.raises(ValidationError) as error:
        services.participant_erase(participant=participant, by=None)
    assert "legal basis" in str(error.value)
    assert not Erasure.objects.exists()
    assert Participant.objects.get().last_name == "Haile"


def test_within_retention_a_legal_basis_is_needed(participant, enrolment, manager):
    make_exited(enrolment=enrolment, exited_on=datetime.date.today())
    assert "kept until" in services.erasure_hold(participant)
    services.participant_erase(
        participant=participant, legal_basis="Recorded without a legal ground", by=manager.user
    )
    assert Erasure.objects.get().legal_basis == "Recorded without a legal ground"


def test_someone_never_enrolled_may_be_erased_at_once(participant):
    assert services.erasure_hold(participant) == ""
    services.participant_erase(participant=participant, by=None)
    assert Participant.objects.get().first_name == services.ERASED_FIRST_NAME


def test_erasure_removes_identity_and_free_text_and_keeps_the_counted_facts(
    closed_long_ago, manager, coach
):
    participant_services.participant_update(
        participant=closed_long_ago,
        data={"phone": "0470 12 34 56", "nationality": "ER", "residence_status": "refugee"},
        version=closed_long_ago.version,
        by=coach.user,
    )
    audit.record_event(action=Event.Action.VIEW, by=coach.user, participant=closed_long_ago)
    services.participant_erase(participant=closed_long_ago, by=manager.user)
    person = Participant.objects.get()
    assert person.first_name == "Erased"
    assert person.last_name == audit.pseudonym(person.pk)
    assert (person.national_number, person.phone) == ("", "")
    assert person.birth_date == D(1985, 7, 1)  # the year stays, for the age bands
    assert (person.gender, person.nationality.code, person.residence_status) == (
        "woman", "ER", "refugee"
    )  # fmt: skip
    review = ExitReview.objects.get()
    assert review.limits == "" and review.strengths == services.ERASED
    assert Goal.objects.get().text == services.ERASED
    enrolment = person.enrolments.get()
    assert (enrolment.status, enrolment.exited_on) == ("exited", D(2015, 6, 30))
    # The log keeps every row, with a pseudonym where the name was.
    names = set(Event.objects.values_list("participant_name", flat=True))
    assert names == {audit.pseudonym(person.pk)}
    assert not Event.objects.filter(note__icontains="Haile").exists()
    erase = Event.objects.get(action="erase")
    assert erase.actor_id == manager.user.pk and erase.participant_id == person.pk


def test_erasing_twice_is_refused(closed_long_ago):
    services.participant_erase(participant=closed_long_ago, by=None)
    with pytest.raises(ValidationError):
        services.participant_erase(participant=closed_long_ago, by=None)


# The page ---------------------------------------------------------------------------------------


def test_a_manager_erases_from_the_page(manager_client, closed_long_ago):
    response = manager_client.post(url(closed_long_ago), {"confirm": "on"})
    assert response.status_code == 302
    assert response.url == closed_long_ago.get_absolute_url()
    assert Participant.objects.get().first_name == "Erased"


def test_the_page_explains_the_hold_and_refuses_without_legal_basis(
    manager_client, participant, enrolment
):
    page = manager_client.get(url(participant))
    assert page.status_code == 200 and "still open" in page.text
    response = manager_client.post(url(participant), {"confirm": "on"})
    assert response.status_code == 200
    assert "write the legal basis" in response.text
    assert not Erasure.objects.exists()
    assert Participant.objects.get().first_name == "Selam"


def test_without_confirmation_nothing_is_erased(manager_client, closed_long_ago):
    response = manager_client.post(url(closed_long_ago), {})
    assert response.status_code == 200
    assert not Erasure.objects.exists()


def test_anonymous_is_sent_to_sign_in(client, participant):
    response = client.get(url(participant))
    assert response.status_code == 302 and response.url == login_url(url(participant))


def test_rejects_put(manager_client, participant):
    assert manager_client.put(url(participant)).status_code == 405


@pytest.mark.parametrize(
    "who", ["coach_client", "colleague_client", "administrator_client", "outsider_client",
            "outsider_manager_client"],
)  # fmt: skip
def test_only_the_organisations_managers_may_erase(request, who, closed_long_ago):
    # ASVS 5.0 V8.2.1: erasure is a manager's decision; others are not told the page exists.
    client = request.getfixturevalue(who)
    assert client.get(url(closed_long_ago)).status_code == 404
    assert client.post(url(closed_long_ago), {"confirm": "on"}).status_code == 404
    assert not Erasure.objects.exists()


def test_page_queries(manager_client, closed_long_ago, django_assert_num_queries):
    # session, user with their staff record and organisation (page header), participant, its
    # enrolments, their programmes, erasure already?, the last status change (when the file
    # closed)
    with django_assert_num_queries(7):
        manager_client.get(url(closed_long_ago))
