import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import Enrolment, Participant
from tests.factories import make_enrolment, make_interview, make_programme, make_status_change
from tests.helpers import login_url

pytestmark = pytest.mark.django_db
Status = Enrolment.Status


def url(participant) -> str:
    return reverse("participants:detail", args=[participant.pk])


def test_it_shows_the_file(participant, enrolment, coach, coach_client):
    participant.languages.create(language="ti", use="mother_tongue")
    make_status_change(enrolment=enrolment, to_status=Status.REFERRED, reason="Sent by the antenna")
    make_interview(
        enrolment=enrolment, support="interpreter", support_language="ti", duration_minutes=70
    )

    response = coach_client.get(url(participant))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Selam HAILE" in html
    assert "85.07.30-033.28" in html
    assert "Tigrinya" in html
    assert f'href="{enrolment.get_absolute_url()}"' in html
    timeline = response.context["timeline"]
    assert [entry.kind for entry in timeline] == ["interview", "status-referred"]
    assert timeline[0].detail == "70 minutes · Social interpreter (Tigrinya)"
    assert timeline[1].title == "Vivre ensemble: Referred"
    assert timeline[1].by == "Amina Benali"
    assert "Sent by the antenna" in html


def test_an_empty_file_says_so(participant, coach_client):
    html = coach_client.get(url(participant)).content.decode()
    assert "Not referred to a programme yet." in html
    assert "Nothing has happened yet." in html


def test_the_coach_of_one_enrolment_may_open_it(participant, colleague, colleague_client):
    make_enrolment(participant=participant, coach=colleague.user)
    assert colleague_client.get(url(participant)).status_code == 200


def test_a_manager_opens_any_file_of_the_organisation(participant, manager_client):
    assert manager_client.get(url(participant)).status_code == 200


def test_a_colleague_who_does_not_coach_the_person_gets_a_404(participant, colleague_client):
    assert colleague_client.get(url(participant)).status_code == 404


def test_another_organisation_gets_a_404(participant, outsider_client, outsider_manager_client):
    assert outsider_client.get(url(participant)).status_code == 404
    assert outsider_manager_client.get(url(participant)).status_code == 404


def test_an_administrator_gets_a_404(participant, administrator_client):
    assert administrator_client.get(url(participant)).status_code == 404


def test_an_unknown_file_is_a_404(coach_client):
    assert coach_client.get(reverse("participants:detail", args=[999999])).status_code == 404


def test_it_requires_login(participant, client):
    response = client.get(url(participant))
    assert response.status_code == 302
    assert response.url == login_url(url(participant))


def test_it_rejects_post(participant, coach_client):
    assert coach_client.post(url(participant)).status_code == 405


def fill_file(participant, coach, size):
    """`size` past enrolments, each with its status change and intake interview."""
    programme = make_programme(organisation=participant.organisation)
    for n in range(size):
        enrolment = make_enrolment(
            participant=participant,
            programme=programme,
            status=Status.CLOSED,
            coach=coach.user,
            referred_on=timezone.localdate() - datetime.timedelta(days=n),
        )
        make_status_change(
            enrolment=enrolment,
            from_status=Status.REFERRED,
            to_status=Status.CLOSED,
            reason="Moved",
        )
        make_interview(enrolment=enrolment)
    participant.languages.create(language="ti", use="mother_tongue")


@pytest.mark.parametrize("size", [1, 50])
def test_the_number_of_queries_does_not_grow_with_the_file(
    participant, coach, coach_client, size, django_assert_num_queries
):
    fill_file(participant, coach, size)
    # 1. the session  2. the user with their staff record and organisation (page header)
    # 3. the participant with their referent coach, within the user's reach
    # 4. the audit event recording the view
    # 5. the enrolments with programme and coach, once per status change with who made it
    #    (the list of programmes, and the status changes on the timeline)
    # 6. the consents with partner and recorder (the panel, and the timeline)
    # timeline, participants: 7. the intake interviews  8. goals, once per step done
    #    9. referrals  10. placements
    # timeline, evaluations: 11. language assessments  12. evaluations, once per domain the
    #    coach scored  13. the enrolments with their exit review, once per follow-up call
    #    that ended
    # timeline, sessions: 14. attendance rows
    # 15. the languages
    with django_assert_num_queries(15):
        response = coach_client.get(url(participant))
    assert len(response.context["timeline"]) == 2 * size


def test_it_shows_the_isced_band_funders_report(participant, coach_client):
    Participant.objects.filter(pk=participant.pk).update(schooling="isced3")
    html = coach_client.get(url(participant)).content.decode()
    assert "Upper secondary (ISCED 3)" in html
    assert "ISCED 3–4" in html
