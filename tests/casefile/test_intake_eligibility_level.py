"""The eligibility criterion "language level at least X" on the programme's scale, read from
the latest language assessment (evaluations.selectors.latest_scale_level) by the eligibility
step, composed in casefile because participants may not read evaluations. Below, at and
above the level; no assessment leaves it to the coach; overriding needs a reason."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from evaluations.selectors import latest_scale_level
from participants.models import EligibilityAnswer
from programme.models import EligibilityCriterion
from tests.evaluations.factories import make_assessment
from tests.factories import make_criterion
from tests.helpers import row_counts

pytestmark = pytest.mark.django_db
Kind = EligibilityCriterion.Kind


def url(enrolment) -> str:
    return reverse("participants:intake-eligibility", args=[enrolment.pk])


@pytest.fixture
def dutch(programme):
    programme.language_scale = "nt2"
    programme.save()
    return make_criterion(
        programme=programme, kind=Kind.MIN_LANGUAGE_LEVEL, min_language_level="1.1"
    )


def assess(participant, local_level, days_ago=1, language="nl"):
    return make_assessment(
        participant=participant,
        language=language,
        local_level=local_level,
        assessed_on=timezone.localdate() - datetime.timedelta(days=days_ago),
    )


def field(criterion):
    return f"criterion_{criterion.pk}"


# The level read --------------------------------------------------------------------------


def test_the_latest_assessment_of_the_scales_language_counts(participant):
    assess(participant, "1.2", days_ago=30)
    assess(participant, "alfa", days_ago=5)
    assess(participant, "fle_b1", days_ago=1, language="fr")  # French says nothing of Dutch
    assert latest_scale_level(participant, "nt2") == "alfa"


def test_a_latest_assessment_without_a_local_level_leaves_it_unknown(participant):
    assess(participant, "1.2", days_ago=30)
    assess(participant, "", days_ago=5)
    assert latest_scale_level(participant, "nt2") is None
    assert latest_scale_level(participant, "") is None


# The page --------------------------------------------------------------------------------


@pytest.mark.parametrize(("level", "computed"), [("alfa", False), ("1.1", True), ("2", True)])
def test_the_page_reads_the_level(enrolment, participant, dutch, coach_client, level, computed):
    assess(participant, level)
    form = coach_client.get(url(enrolment)).context["form"]
    [row] = form.rows
    assert row["computed"] is computed
    assert form[field(dutch)].initial == ("yes" if computed else "no")


def test_without_an_assessment_the_coach_decides(enrolment, dutch, coach_client):
    response = coach_client.get(url(enrolment))
    assert response.context["form"].rows[0]["computed"] is None
    assert "No language assessment gives a level" in response.content.decode()
    response = coach_client.post(url(enrolment), {field(dutch): "yes"})
    assert response.status_code == 302
    answer = EligibilityAnswer.objects.get()
    assert (answer.computed, answer.met, answer.override_reason) == (None, True, "")


def test_below_the_level_an_override_without_reason_is_refused(
    enrolment, participant, dutch, coach_client
):
    assess(participant, "alfa")
    before = row_counts()
    response = coach_client.post(url(enrolment), {field(dutch): "yes"})
    assert response.status_code == 200
    assert response.context["form"].errors[field(dutch)] == [
        "You changed what the data says: write why."
    ]
    assert row_counts() == before


def test_below_the_level_an_override_with_a_reason_is_kept(
    enrolment, participant, dutch, coach_client
):
    assess(participant, "alfa")
    response = coach_client.post(
        url(enrolment),
        {field(dutch): "yes", f"reason_{dutch.pk}": "Oral Dutch well above 1.1; writes little."},
    )
    assert response.status_code == 302
    answer = EligibilityAnswer.objects.get()
    assert (answer.computed, answer.met) == (False, True)
    assert answer.override_reason == "Oral Dutch well above 1.1; writes little."


def test_at_the_level_it_is_met_with_no_reason(enrolment, participant, dutch, coach_client):
    assess(participant, "1.1")
    response = coach_client.post(url(enrolment), {field(dutch): "yes"})
    assert response.status_code == 302
    assert EligibilityAnswer.objects.get().computed is True


def test_another_organisation_gets_a_404(enrolment, dutch, outsider_client):
    assert outsider_client.get(url(enrolment)).status_code == 404


# The criterion itself --------------------------------------------------------------------


def test_the_criterion_needs_a_level_of_the_programmes_scale(programme):
    criterion = EligibilityCriterion(programme=programme, kind=Kind.MIN_LANGUAGE_LEVEL)
    with pytest.raises(ValidationError, match="Give the minimum level"):
        criterion.clean()
    criterion.min_language_level = "1.1"
    with pytest.raises(ValidationError, match="language scale first"):
        criterion.clean()
    programme.language_scale = "fle"
    with pytest.raises(ValidationError, match="FLE scale"):
        criterion.clean()
    programme.language_scale = "nt2"
    criterion.clean()
    assert str(criterion) == "Language level 1.1 or higher (NT2)"
