"""Sensitive fields (residence status, health and psychological needs, free-text notes,
special categories) are shown to the participant's coaches and managers only, never on the
participant's phone, never in the aggregate reports (ASVS 5.0 V14.2.6: sensitive data is
exposed only where needed)."""

import pytest
from django.utils import timezone

from participants.models import EntryCharacteristics, IntakeInterview
from tests.evaluations.factories import make_evaluation
from tests.factories import make_partner
from tests.portal.factories import portal_client_for
from tests.sessions.factories import days_from_today, make_session
from tests.trajectory.factories import make_placement
from trajectory.models import Referral

SECRETS = {
    "interview": "Sleeps badly since the crossing",
    "referral": "Flashbacks, needs therapy in Tigrinya",
    "placement": "Depression treated by Dr Peeters",
    "evaluation": "Talked about her brother in detention",
}


@pytest.fixture
def sensitive_file(participant, enrolment, programme, coach):
    participant.residence_status = "subsidiary"
    participant.portal_language = "en"
    participant.save()
    enrolment.status = "active"
    enrolment.started_on = timezone.localdate() - timezone.timedelta(days=60)
    enrolment.save()
    IntakeInterview.objects.create(
        enrolment=enrolment, held_on=enrolment.referred_on, notes=SECRETS["interview"]
    )
    Referral.objects.create(
        enrolment=enrolment,
        partner=make_partner(organisation=participant.organisation),
        kind=Referral.Kind.TRAUMA_THERAPY,
        reason=SECRETS["referral"],
        shares_personal_data=False,
    )
    make_placement(enrolment=enrolment, notes=SECRETS["placement"])
    make_evaluation(enrolment=enrolment, notes=SECRETS["evaluation"], held_on=timezone.localdate())
    EntryCharacteristics.objects.create(
        participant=participant, special_categories_consent_on=timezone.localdate(), disability=True
    )
    make_session(programme=programme, date=days_from_today(2), expected=[participant])
    return participant


def test_the_portal_shows_none_of_it(sensitive_file, enrolment):
    client, _access = portal_client_for(sensitive_file)
    evaluation = enrolment.evaluations.get()
    pages = ["/p/home/", "/p/sessions/", "/p/calendar/", f"/p/evaluation/{evaluation.pk}/"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        for secret in SECRETS.values():
            assert secret not in text, (url, secret)
        assert "ubsidiary protection" not in text, url
        assert "Trauma therapy" not in text, url
        assert "disability" not in text.lower(), url


def test_the_coach_sees_the_residence_status_on_the_file(coach_client, sensitive_file):
    assert "Subsidiary protection" in coach_client.get(sensitive_file.get_absolute_url()).text


@pytest.mark.parametrize(
    "who", ["colleague_client", "administrator_client", "outsider_client",
            "outsider_manager_client"],
)  # fmt: skip
def test_nobody_else_reaches_the_pages_that_show_it(request, who, sensitive_file, enrolment):
    client = request.getfixturevalue(who)
    for url in [
        sensitive_file.get_absolute_url(),
        enrolment.get_absolute_url(),
        f"/enrolments/{enrolment.pk}/summary/",
        f"/participants/{sensitive_file.pk}/record.json",
    ]:
        assert client.get(url).status_code == 404, (who, url)


def test_the_funder_report_holds_no_personal_text(manager_client, sensitive_file, programme):
    from tests.reports.builders import amif

    amif(programme)
    response = manager_client.get(
        "/reports/funder/", {"programme": programme.pk, "start": "2020-01-01",
                             "end": timezone.localdate().isoformat()}
    )  # fmt: skip
    assert response.status_code == 200
    for secret in SECRETS.values():
        assert secret not in response.text
    assert "Selam" not in response.text and "Haile" not in response.text
