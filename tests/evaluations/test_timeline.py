"""Language assessments on the participant file's timeline."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations.timeline import assessment_entries
from participants import timeline
from tests.evaluations.factories import make_assessment
from tests.factories import make_participant

pytestmark = pytest.mark.django_db


def test_the_provider_is_registered():
    assert assessment_entries in timeline._providers


def test_each_assessment_is_an_entry(participant, coach):
    make_assessment(
        participant=participant,
        assessed_on=datetime.date(2025, 3, 3),
        oral="a2",
        reading="a1",
        writing="a1",
        local_level="1.2",
    )

    [entry] = assessment_entries(participant)

    assert entry.when == datetime.date(2025, 3, 3)
    assert entry.kind == "language-assessment"
    assert entry.title == "Language assessment: A2 oral · A1 reading · A1 writing"
    assert entry.detail == "Local scale: 1.2"
    assert entry.by == "Amina Benali"
    assert entry.url == reverse("evaluations:language", args=[participant.pk])


def test_an_assessment_without_local_level_or_assessor(participant):
    make_assessment(participant=participant, assessed_by=None)
    [entry] = assessment_entries(participant)
    assert (entry.detail, entry.by) == ("", "")


def test_only_the_persons_own_assessments(participant, coach):
    make_assessment(participant=make_participant(coach=coach.user))
    assert assessment_entries(participant) == []


def test_they_take_their_place_on_the_file(participant, enrolment, coach_client):
    now = timezone.now()
    enrolment.changes.create(to_status="referred", changed_at=now - datetime.timedelta(days=10))
    make_assessment(
        participant=participant,
        assessed_on=timezone.localdate() - datetime.timedelta(days=5),
        oral="a1",
    )
    make_assessment(participant=participant, assessed_on=timezone.localdate(), oral="a2")

    response = coach_client.get(participant.get_absolute_url())

    titles = [entry.title for entry in response.context["timeline"]]
    assert titles == [
        "Language assessment: A2 oral · A1 reading · A1 writing",
        "Language assessment: A1 oral · A1 reading · A1 writing",
        "Vivre ensemble: Referred",
    ]
    url = reverse("evaluations:language", args=[participant.pk])
    assert f'<a href="{url}">Language assessment: A2 oral' in response.content.decode()


@pytest.mark.parametrize("size", [1, 20])
def test_the_file_runs_the_same_queries_for_1_or_20_assessments(
    participant, coach_client, size, django_assert_num_queries
):
    for n in range(size):
        make_assessment(
            participant=participant, assessed_on=timezone.localdate() - datetime.timedelta(days=n)
        )
    # 1. the session  2. the user with their staff record and organisation (page header)
    # 3. the participant with their referent coach, within the user's reach
    # 4. the audit event recording the view
    # Timeline, participants: 5. the status changes  6. the intake interviews  7. the goals
    #    8. their steps  9. the consents  10. the referrals  11. the placements
    # Timeline, evaluations: 12. the language assessments with their assessor
    #    13. the evaluations  14. their coach's scores  15. the exit reviews
    #    16. the follow-up calls
    # Timeline, sessions: 17. the attendance rows with session, kind, group and recorder
    # 18. the enrolments with programme and coach  19. the languages  20. the consents
    with django_assert_num_queries(20):
        response = coach_client.get(participant.get_absolute_url())
    assert len(response.context["timeline"]) == size
