"""Personal API keys: made on the user's page and shown once, kept as a hash, revocable."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programme.models import ApiToken
from programme.services import api_key_hash, api_token_create, api_token_revoke
from tests.helpers import login_url

URL = "/programmes/api-keys/"


def test_the_page_makes_a_key_and_shows_it_once(coach_client, coach):
    response = coach_client.post(URL, {"name": "Social file sync"})

    assert response.status_code == 200
    key = response.context["new_key"]
    assert key.startswith("prc_")
    assert key.encode() in response.content
    token = ApiToken.objects.get(user=coach.user)
    assert token.name == "Social file sync"
    assert token.key_hash == api_key_hash(key)
    assert key not in token.key_hash and token.prefix == key[:10]
    assert key.encode() not in coach_client.get(URL).content


def test_the_page_lists_only_ones_own_keys(coach_client, coach, colleague):
    api_token_create(user=coach.user, name="Mine")
    api_token_create(user=colleague.user, name="Theirs")

    response = coach_client.get(URL)

    assert b"Mine" in response.content
    assert b"Theirs" not in response.content


def test_a_key_needs_a_name(coach_client):
    response = coach_client.post(URL, {"name": "  "})

    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_the_page_needs_signing_in():
    assert Client().get(URL).url == login_url(URL)


def test_the_page_refuses_other_methods(coach_client):
    assert coach_client.put(URL).status_code == 405


def test_the_page_says_what_a_key_is_for_and_links_the_api_documentation(coach_client):
    content = coach_client.get(URL).content

    assert b"A key lets another system" in content
    assert b'href="/api/docs/"' in content


def test_the_user_menu_links_the_page(coach_client, manager_client):
    for client in (coach_client, manager_client):
        content = client.get(reverse("programme:list")).content

        assert f'href="{URL}"'.encode() in content


def test_the_user_menu_leaves_the_page_out_for_a_user_who_is_not_staff(db, client):
    # Someone without an organisation may sign in and change their password, but the keys
    # page would answer them 404.
    client.force_login(get_user_model().objects.create_user("visitor"))

    response = client.get(reverse("password_change"))

    assert response.status_code == 200
    assert b'class="dropdown"' in response.content
    assert URL.encode() not in response.content


def test_a_key_signs_in_and_notes_its_use(coach, participant):
    token, key = api_token_create(user=coach.user, name="Warehouse")
    client = Client(headers={"authorization": f"Bearer {key}"})

    response = client.get("/api/participants/")

    assert response.status_code == 200
    assert response.json()["count"] == 1
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_revoked_key_stops_working_at_once(coach_client, coach, participant):
    token, key = api_token_create(user=coach.user, name="Warehouse")
    client = Client(headers={"authorization": f"Bearer {key}"})
    assert client.get("/api/participants/").status_code == 200

    response = coach_client.post(f"{URL}{token.pk}/revoke/")

    assert response.status_code == 302
    refused = client.get("/api/participants/")
    assert refused.status_code == 401
    assert refused.json()["detail"] == "This API key is unknown or was revoked."
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_nobody_revokes_someone_elses_key(colleague_client, outsider_client, coach):
    token, _key = api_token_create(user=coach.user, name="Warehouse")

    assert colleague_client.post(f"{URL}{token.pk}/revoke/").status_code == 404
    assert outsider_client.post(f"{URL}{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_needs_post(coach_client, coach):
    token, _key = api_token_create(user=coach.user, name="Warehouse")

    assert coach_client.get(f"{URL}{token.pk}/revoke/").status_code == 405


def test_the_service_refuses_someone_elses_key(coach, colleague):
    token, _key = api_token_create(user=coach.user, name="Warehouse")

    with pytest.raises(ValidationError):
        api_token_revoke(token=token, by=colleague.user)


def test_a_deactivated_user_s_key_stops_working(coach, participant):
    _token, key = api_token_create(user=coach.user, name="Warehouse")
    coach.user.is_active = False
    coach.user.save()

    response = Client(headers={"authorization": f"Bearer {key}"}).get("/api/participants/")

    assert response.status_code == 401


@pytest.mark.parametrize("header", ["Bearer nope", "Bearer prc_unknown", "Token abc"])
def test_a_wrong_key_is_refused(participant, header):
    response = Client(headers={"authorization": header}).get("/api/participants/")

    assert response.status_code == 401


def test_use_is_written_back_at_most_every_few_minutes(coach, participant):
    token, key = api_token_create(user=coach.user, name="Warehouse")
    just_now = timezone.now() - datetime.timedelta(seconds=30)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=just_now)

    Client(headers={"authorization": f"Bearer {key}"}).get("/api/participants/")

    token.refresh_from_db()
    assert token.last_used_at == just_now
