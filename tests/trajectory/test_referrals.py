"""Referrals to partners: sharing personal data rests on the participant's consent for that
partner, or on an explicit override whose reason and author are kept."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from participants.models import Enrolment
from tests.factories import make_partner
from tests.helpers import login_url
from tests.trajectory.factories import make_consent, make_referral, started
from trajectory import services
from trajectory.models import Referral
from trajectory.views import referrals_panel

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
Status = Referral.Status


@pytest.fixture
def active(enrolment):
    return started(enrolment)


@pytest.fixture
def partner(organisation):
    return make_partner(organisation=organisation, name="Solentra", receives_referrals=True)


def refer(enrolment, partner, coach, **kwargs):
    kwargs.setdefault("kind", Referral.Kind.TRAUMA_THERAPY)
    kwargs.setdefault("sent_on", TODAY)
    kwargs.setdefault("reason", "Nightmares since the journey")
    kwargs.setdefault("shares_personal_data", True)
    return services.referral_create(enrolment=enrolment, partner=partner, by=coach.user, **kwargs)


# --- consent -----------------------------------------------------------------------------------


def test_sharing_rests_on_the_consent_for_that_partner(active, participant, partner, coach):
    consent = make_consent(participant=participant, partner=partner)
    referral = refer(active, partner, coach, consent_override_reason="not needed")
    assert referral.consent == consent
    # With a valid consent there is nothing to override.
    assert referral.consent_override_reason == ""
    assert not referral.consent_overridden


def test_without_consent_the_coach_must_say_why(active, partner, coach):
    with pytest.raises(ValidationError) as refused:
        refer(active, partner, coach)
    assert "has not agreed to share data with Solentra" in str(
        refused.value.error_dict["consent_override_reason"]
    )
    assert not Referral.objects.exists()


def test_an_override_keeps_the_reason_and_who(active, partner, coach):
    referral = refer(active, partner, coach, consent_override_reason="  Acute crisis  ")
    assert referral.consent is None
    assert referral.consent_override_reason == "Acute crisis"
    assert referral.created_by == coach.user
    assert referral.consent_overridden


def test_a_withdrawn_consent_does_not_count(active, participant, partner, coach):
    make_consent(participant=participant, partner=partner, withdrawn_on=TODAY)
    with pytest.raises(ValidationError):
        refer(active, partner, coach)


def test_a_consent_for_another_partner_does_not_count(active, participant, partner, coach):
    make_consent(participant=participant, partner=make_partner(organisation=partner.organisation))
    make_consent(participant=participant, purpose="processing")
    with pytest.raises(ValidationError):
        refer(active, partner, coach)


def test_a_consent_given_after_the_referral_does_not_count(active, participant, partner, coach):
    make_consent(participant=participant, partner=partner, given_on=TODAY)
    with pytest.raises(ValidationError):
        refer(active, partner, coach, sent_on=TODAY - datetime.timedelta(days=1))


def test_a_consent_of_another_participant_does_not_count(active, coach, partner):
    from tests.factories import make_participant

    someone_else = make_participant(coach=coach.user)
    make_consent(participant=someone_else, partner=partner)
    with pytest.raises(ValidationError):
        refer(active, partner, coach)


def test_a_referral_sharing_nothing_needs_no_consent(active, partner, coach):
    referral = refer(
        active, partner, coach, shares_personal_data=False, consent_override_reason="x"
    )
    assert referral.consent is None
    assert referral.consent_override_reason == ""


def test_the_database_refuses_sharing_without_consent_or_reason(active, partner, coach):
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.create(
            enrolment=active,
            partner=partner,
            kind="legal",
            reason="x",
            shares_personal_data=True,
        )


# --- other rules -------------------------------------------------------------------------------


def test_only_the_organisations_partners_that_take_referrals(active, coach, other_organisation):
    for partner in (
        make_partner(organisation=other_organisation),
        make_partner(organisation=active.participant.organisation, receives_referrals=False),
    ):
        with pytest.raises(ValidationError) as refused:
            refer(active, partner, coach, shares_personal_data=False)
        assert "partner" in refused.value.error_dict


def test_dates_and_reason_are_checked(active, partner, coach):
    for kwargs in (
        {"sent_on": TODAY + datetime.timedelta(days=1)},
        {"sent_on": active.referred_on - datetime.timedelta(days=1)},
        {"reason": "  "},
    ):
        with pytest.raises(ValidationError):
            refer(active, partner, coach, shares_personal_data=False, **kwargs)
    assert not Referral.objects.exists()


def test_a_referral_may_follow_the_exit(active, partner, coach):
    """A follow-up call may find that a former participant needs help."""
    Enrolment.objects.filter(pk=active.pk).update(status="exited")
    active.status = "exited"
    assert refer(active, partner, coach, shares_personal_data=False)


@pytest.mark.parametrize("status", ["closed", "not_admitted", "referred"])
def test_no_referral_from_a_file_closed_or_not_opened(active, partner, coach, status):
    active.status = status
    with pytest.raises(ValidationError):
        refer(active, partner, coach, shares_personal_data=False)


def test_the_status_follows_the_partners_answer(active, coach):
    referral = make_referral(enrolment=active, sent_on=TODAY - datetime.timedelta(days=30))
    day = TODAY - datetime.timedelta(days=20)
    services.referral_update_status(referral=referral, status="waiting_list", on=day, by=coach.user)
    services.referral_update_status(
        referral=referral, status="started", on=TODAY - datetime.timedelta(days=2), by=coach.user
    )
    referral.refresh_from_db()
    assert referral.started_on == TODAY - datetime.timedelta(days=2)
    assert referral.waiting_days == 28
    with pytest.raises(ValidationError) as refused:
        services.referral_update_status(referral=referral, status="ended", on=TODAY, by=coach.user)
    assert "outcome" in refused.value.error_dict
    services.referral_update_status(
        referral=referral, status="ended", on=TODAY, outcome="Sleeps better", by=coach.user
    )
    referral.refresh_from_db()
    assert (referral.status, referral.ended_on, referral.outcome) == (
        "ended",
        TODAY,
        "Sleeps better",
    )
    assert referral.is_finished


def test_a_referral_still_waiting_counts_its_days(active):
    referral = make_referral(enrolment=active, sent_on=TODAY - datetime.timedelta(days=12))
    assert referral.waiting_days == 12


@pytest.mark.parametrize(
    "start, to",
    [("sent", "ended"), ("started", "waiting_list"), ("ended", "started"), ("refused", "accepted")],
)
def test_impossible_transitions_are_refused(active, coach, start, to):
    referral = make_referral(enrolment=active, status=start)
    with pytest.raises(ValidationError) as refused:
        services.referral_update_status(
            referral=referral, status=to, on=TODAY, outcome="x", by=coach.user
        )
    assert refused.value.code == "transition"


def test_a_refusal_says_why(active, coach):
    referral = make_referral(enrolment=active)
    with pytest.raises(ValidationError):
        services.referral_update_status(
            referral=referral, status="refused", on=TODAY, by=coach.user
        )
    services.referral_update_status(
        referral=referral, status="refused", on=TODAY, outcome="Full until spring", by=coach.user
    )


def test_status_dates_are_checked(active, coach):
    referral = make_referral(enrolment=active, sent_on=TODAY - datetime.timedelta(days=3))
    for day in (TODAY + datetime.timedelta(days=1), TODAY - datetime.timedelta(days=4)):
        with pytest.raises(ValidationError):
            services.referral_update_status(
                referral=referral, status="accepted", on=day, by=coach.user
            )
    referral.refresh_from_db()
    assert referral.status == "sent"


# --- the pages ---------------------------------------------------------------------------------


def add_url(enrolment):
    return reverse("trajectory:referral-add", args=[enrolment.pk])


def post_data(partner, **kwargs):
    data = {
        "partner": partner.pk,
        "kind": "legal",
        "sent_on": TODAY.isoformat(),
        "reason": "Residence permit renewal",
        "shares_personal_data": "on",
    }
    data.update(kwargs)
    return data


def test_a_link_may_prefill_the_kind_and_reason(active, coach_client):
    response = coach_client.get(add_url(active), {"kind": "housing", "reason": "Lost her flat"})
    form = response.context["form"]
    assert form.initial == {"kind": "housing", "reason": "Lost her flat"}
    ignored = coach_client.get(add_url(active), {"kind": "spaceship"}).context["form"]
    assert "kind" not in ignored.initial


def test_a_coach_refers_with_consent(active, participant, partner, coach_client):
    make_consent(participant=participant, partner=partner)
    page = coach_client.get(add_url(active))
    assert "The person agreed to share data with: Solentra." in page.content.decode()
    response = coach_client.post(add_url(active), post_data(partner))
    assert response.status_code == 302
    assert response.url == active.get_absolute_url() + "#referrals"
    assert Referral.objects.get().consent is not None


def test_without_consent_the_form_asks_for_the_override(active, partner, coach_client):
    response = coach_client.post(add_url(active), post_data(partner))
    assert response.status_code == 200
    assert "has not agreed to share data with Solentra" in response.content.decode()
    # A reason typed without ticking the override does not count.
    response = coach_client.post(
        add_url(active), post_data(partner, consent_override_reason="Urgent")
    )
    assert response.status_code == 200
    # Ticked without a reason.
    response = coach_client.post(add_url(active), post_data(partner, consent_override="on"))
    assert "Write why the data is shared anyway." in response.content.decode()
    assert not Referral.objects.exists()
    response = coach_client.post(
        add_url(active),
        post_data(partner, consent_override="on", consent_override_reason="Hearing tomorrow"),
    )
    assert response.status_code == 302
    assert Referral.objects.get().consent_override_reason == "Hearing tomorrow"


def test_the_panel_shows_the_override_and_who_made_it(active, partner, coach, coach_client):
    refer(active, partner, coach, consent_override_reason="Hearing tomorrow")
    make_referral(
        enrolment=active, status="waiting_list", sent_on=TODAY - datetime.timedelta(days=9)
    )
    html = coach_client.get(active.get_absolute_url()).content.decode()
    assert 'id="referrals"' in html
    assert "Shared without consent" in html
    assert "Hearing tomorrow — Amina Benali" in html
    assert "9 days so far" in html


def test_the_status_page_updates_a_referral(active, coach_client):
    referral = make_referral(enrolment=active)
    url = reverse("trajectory:referral-status", args=[referral.pk])
    page = coach_client.get(url)
    assert [value for value, _label in page.context["form"].fields["status"].choices] == [
        "waiting_list",
        "accepted",
        "started",
        "refused",
    ]
    response = coach_client.post(url, {"status": "refused", "on": TODAY.isoformat(), "outcome": ""})
    assert "Say why it was refused." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "sent"
    response = coach_client.post(url, {"status": "accepted", "on": TODAY.isoformat()})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "accepted"


def test_a_finished_referral_leads_back(active, coach_client):
    referral = make_referral(enrolment=active, status="ended")
    url = reverse("trajectory:referral-status", args=[referral.pk])
    assert coach_client.get(url).status_code == 302


@pytest.mark.parametrize(
    "who",
    ["administrator_client", "outsider_client", "outsider_manager_client", "colleague_client"],
)
def test_people_out_of_reach_get_a_404(active, partner, who, request):
    client = request.getfixturevalue(who)
    referral = make_referral(enrolment=active)
    status_url = reverse("trajectory:referral-status", args=[referral.pk])
    assert client.get(add_url(active)).status_code == 404
    assert (
        client.post(add_url(active), post_data(partner, shares_personal_data="")).status_code == 404
    )
    assert client.get(status_url).status_code == 404
    assert (
        client.post(status_url, {"status": "accepted", "on": TODAY.isoformat()}).status_code == 404
    )
    assert Referral.objects.count() == 1


def test_a_manager_refers_too(active, partner, manager_client):
    response = manager_client.post(add_url(active), post_data(partner, shares_personal_data=""))
    assert response.status_code == 302


def test_anonymous_users_are_sent_to_log_in(active, client):
    assert client.get(add_url(active)).url == login_url(add_url(active))


def test_the_pages_reject_put(active, coach_client):
    referral = make_referral(enrolment=active)
    assert coach_client.put(add_url(active)).status_code == 405
    assert (
        coach_client.put(reverse("trajectory:referral-status", args=[referral.pk])).status_code
        == 405
    )


@pytest.mark.parametrize("size", [1, 20])
def test_the_panel_runs_one_query(active, coach, organisation, size, django_assert_num_queries):
    for n in range(size):
        partner = make_partner(organisation=organisation)
        consent = make_consent(participant=active.participant, partner=partner)
        make_referral(
            enrolment=active,
            partner=partner,
            shares_personal_data=True,
            consent=consent if n % 2 else None,
            consent_override_reason="" if n % 2 else "Urgent",
        )
    request = RequestFactory().get("/")
    # 1. the referrals with partner, consent and author
    with django_assert_num_queries(1):
        panel = referrals_panel(request, active)
    assert len(panel["referrals"]) == size


@pytest.mark.parametrize("size", [1, 20])
def test_the_form_page_runs_the_same_queries(
    active, organisation, coach_client, size, django_assert_num_queries
):
    for _n in range(size):
        make_consent(
            participant=active.participant, partner=make_partner(organisation=organisation)
        )
    # 1. the session  2. the user with their staff record and organisation (page header)
    # 3. the enrolment with participant, programme and coach, within reach
    # 4. the partners with a valid consent  5. the partners taking referrals (form)
    with django_assert_num_queries(5):
        response = coach_client.get(add_url(active))
    assert len(response.context["consented"]) == size
