"""Personal API keys end with the account events that end the owner's other ways in (a password
change, a deactivation, a reset of the second factor), expire, and can be seen and revoked by
the organisation's managers.

ASVS 5.0 V7.4.3 (sessions and tokens end when the account is disabled or its credentials
change), V13.3 (secrets have a lifetime), V8.3.1 (access decided on the server, for the
organisation only).
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from audit.models import Event
from programme import services
from programme.models import ApiToken
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
API = "/api/participants/"
KEYS = reverse("programme:api-keys")
ORGANISATION_KEYS = reverse("programme:organisation-api-keys")


def key_client(key: str) -> Client:
    return Client(headers={"authorization": f"Bearer {key}"})


@pytest.fixture
def coach_key(coach, participant):
    token, key = services.api_token_create(user=coach.user, name="Social file sync")
    assert key_client(key).get(API).status_code == 200
    return token, key


def test_a_key_ends_when_the_password_is_changed_on_the_page(coach_client, coach, coach_key):
    token, key = coach_key
    response = coach_client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "an0ther-l0ng-passphrase",
            "new_password2": "an0ther-l0ng-passphrase",
        },
    )
    assert response.status_code == 302

    refused = key_client(key).get(API)

    assert refused.status_code == 401
    token.refresh_from_db()
    assert token.ended_reason == ApiToken.Ended.PASSWORD
    assert token.revoked_at is not None


def test_a_key_ends_when_the_password_is_set_elsewhere(coach, coach_key):
    # The admin, a reset link and manage.py changepassword all end in set_password().
    token, key = coach_key
    user = get_user_model().objects.get(pk=coach.user.pk)
    user.set_password("an0ther-l0ng-passphrase")
    user.save()

    assert key_client(key).get(API).status_code == 401


def test_a_key_made_after_the_password_change_works(coach, participant, coach_key):
    old_token, _old_key = coach_key
    user = get_user_model().objects.get(pk=coach.user.pk)
    user.set_password("an0ther-l0ng-passphrase")
    user.save()

    _token, key = services.api_token_create(user=user, name="New sync")

    assert key_client(key).get(API).status_code == 200
    assert key_client(_old_key).get(API).status_code == 401


def test_a_key_stays_ended_after_the_account_is_deactivated_and_reactivated(coach, coach_key):
    token, key = coach_key
    services.staff_change(staff=coach, role=coach.role, site=coach.site, is_active=False)
    services.staff_change(staff=coach, role=coach.role, site=coach.site, is_active=True)

    assert key_client(key).get(API).status_code == 401
    token.refresh_from_db()
    assert token.ended_reason == ApiToken.Ended.DEACTIVATED


def test_a_key_used_while_the_account_is_inactive_stays_ended(coach, coach_key):
    # Deactivated another way than the staff page (the user admin): the first use ends it.
    token, key = coach_key
    get_user_model().objects.filter(pk=coach.user.pk).update(is_active=False)
    assert key_client(key).get(API).status_code == 401

    get_user_model().objects.filter(pk=coach.user.pk).update(is_active=True)

    assert key_client(key).get(API).status_code == 401
    token.refresh_from_db()
    assert token.ended_reason == ApiToken.Ended.DEACTIVATED


def test_a_key_ends_when_the_second_factor_is_reset(coach, administrator, coach_key):
    token, key = coach_key

    services.staff_second_factor_reset(staff=coach, by=administrator.user)

    assert key_client(key).get(API).status_code == 401
    token.refresh_from_db()
    assert token.ended_reason == ApiToken.Ended.SECOND_FACTOR
    assert token.revoked_by == administrator.user


def test_a_new_key_expires_after_a_year_unless_chosen_otherwise(coach_client, coach):
    coach_client.post(KEYS, {"name": "Default"})
    coach_client.post(KEYS, {"name": "Short", "lifetime": "30"})
    coach_client.post(KEYS, {"name": "Forever", "lifetime": "never"})

    expiry = dict(ApiToken.objects.values_list("name", "expires_at"))
    now = timezone.now()
    assert abs(expiry["Default"] - (now + datetime.timedelta(days=365))).total_seconds() < 60
    assert abs(expiry["Short"] - (now + datetime.timedelta(days=30))).total_seconds() < 60
    assert expiry["Forever"] is None


def test_the_keys_page_shows_the_expiry_and_offers_the_choice(coach_client, coach):
    token, _key = services.api_token_create(
        user=coach.user, name="Sync", lifetime=datetime.timedelta(days=90)
    )
    expires = date_format(timezone.localtime(token.expires_at), "SHORT_DATE_FORMAT")

    response = coach_client.get(KEYS)

    assert response.context["form"].fields["lifetime"].initial == "365"
    assert b'name="lifetime"' in response.content
    assert f"<td>{expires}</td>".encode() in response.content


def test_an_expired_key_is_refused(coach, participant):
    token, key = services.api_token_create(user=coach.user, name="Sync")
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )

    refused = key_client(key).get(API)

    assert refused.status_code == 401
    assert "expired" in refused.json()["detail"]


def test_an_unknown_lifetime_is_refused(coach_client):
    response = coach_client.post(KEYS, {"name": "Sync", "lifetime": "99999999999"})

    assert response.context["form"].errors["lifetime"]
    assert not ApiToken.objects.exists()


# The organisation's keys, for its managers -------------------------------------------------------


def test_a_manager_sees_the_organisation_s_keys(manager_client, coach, colleague, outsider):
    services.api_token_create(user=coach.user, name="Coach sync")
    services.api_token_create(user=colleague.user, name="Colleague export")
    services.api_token_create(user=outsider.user, name="Antwerp warehouse")

    response = manager_client.get(ORGANISATION_KEYS)

    assert response.status_code == 200
    assert b"Coach sync" in response.content
    assert b"Colleague export" in response.content
    assert b"Amina Benali" in response.content
    assert b"Antwerp warehouse" not in response.content


def test_a_manager_revokes_a_colleague_s_key_and_it_is_audited(
    manager_client, manager, coach, coach_key
):
    token, key = coach_key

    response = manager_client.post(
        reverse("programme:organisation-api-key-revoke", args=[token.pk])
    )

    assert response.status_code == 302
    assert key_client(key).get(API).status_code == 401
    token.refresh_from_db()
    assert token.ended_reason == ApiToken.Ended.MANAGER
    assert token.revoked_by == manager.user
    event = Event.objects.get(object_type="programme.apitoken", object_id=token.pk)
    assert event.actor_id == manager.user.pk
    assert event.organisation_id == coach.organisation_id
    assert event.changes["ended_reason"] == ["", "manager"]


def test_the_owner_sees_that_a_manager_ended_the_key(manager_client, coach_client, coach_key):
    token, _key = coach_key
    manager_client.post(reverse("programme:organisation-api-key-revoke", args=[token.pk]))

    assert b"Revoked by a manager" in coach_client.get(KEYS).content


@pytest.mark.parametrize("who", ["coach_client", "outsider_client"])
def test_a_coach_or_an_outsider_does_not_see_the_organisation_s_keys(request, who, coach_key):
    client = request.getfixturevalue(who)

    assert client.get(ORGANISATION_KEYS).status_code == 404


def test_another_organisation_s_manager_sees_none_of_its_keys(outsider_manager_client, coach_key):
    response = outsider_manager_client.get(ORGANISATION_KEYS)

    assert response.status_code == 200
    assert b"Social file sync" not in response.content
    assert response.context["tokens"] == []


@pytest.mark.parametrize("who", ["colleague_client", "outsider_client", "outsider_manager_client"])
def test_nobody_but_the_organisation_s_managers_revokes_its_keys(request, who, coach_key):
    token, key = coach_key
    client = request.getfixturevalue(who)

    response = client.post(reverse("programme:organisation-api-key-revoke", args=[token.pk]))

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert key_client(key).get(API).status_code == 200


def test_the_organisation_s_keys_page_refuses_other_methods(manager_client, coach_key):
    token, _key = coach_key
    assert manager_client.post(ORGANISATION_KEYS).status_code == 405
    revoke = reverse("programme:organisation-api-key-revoke", args=[token.pk])
    assert manager_client.get(revoke).status_code == 405


def test_the_organisation_s_keys_page_needs_signing_in():
    assert Client().get(ORGANISATION_KEYS).status_code == 302
