"""The language sticks: once the person has read their pages in their language, this phone
keeps it (a cookie that outlives the session), so every page after a sign-out, a revoke, a
block, a wrong code or a wrong address still speaks it, whatever the phone's own language."""

import pytest
from django.test import Client
from django.utils import translation

from portal.access import COOKIE
from portal.models import PortalAccess
from portal.services import BLOCK_AFTER, portal_access_revoke
from tests.portal.factories import make_access, portal_client_for

FRENCH_PHONE = {"HTTP_ACCEPT_LANGUAGE": "fr-BE,fr;q=0.9,en;q=0.8"}


def said(language: str, message: str) -> str:
    """The message as the person reads it in their language."""
    with translation.override(language):
        text = translation.gettext(message)
    assert text != message or language == "en", f"{message!r} is not translated into {language}"
    return text.replace("’", "&#x27;").replace("'", "&#x27;")


def in_language(response, language: str, *messages: str) -> None:
    html = response.content.decode()
    assert f'<html lang="{language}"' in html, html[:200]
    for message in messages:
        assert said(language, message) in html


@pytest.fixture
def tigrinya(participant, active):
    """Selam reads her pages in Tigrinya on a phone set to French."""
    participant.portal_language = "ti"
    participant.save()
    client, access = portal_client_for(participant)
    response = client.get("/p/home/", **FRENCH_PHONE)
    in_language(response, "ti")
    assert client.cookies[COOKIE].value == "ti"
    assert client.cookies[COOKIE]["httponly"] and client.cookies[COOKIE]["samesite"] == "Lax"
    return client, access


def test_signed_out(tigrinya):
    client, _access = tigrinya
    response = client.post("/p/signout/", follow=True, **FRENCH_PHONE)
    in_language(response, "ti", "You are signed out. To come back, open your code again.")


def test_revoked(tigrinya, coach):
    client, access = tigrinya
    portal_access_revoke(access=access, by=coach.user)
    response = client.get("/p/home/", follow=True, **FRENCH_PHONE)
    assert response.redirect_chain[-1][0] == "/p/"
    in_language(response, "ti", "Your code no longer works on this phone. Ask your coach.")


def test_an_unknown_code(tigrinya):
    client, _access = tigrinya
    response = client.get("/p/AAAABBBBCCCC/", **FRENCH_PHONE)
    assert response.status_code == 404
    in_language(response, "ti", "This code does not work")


def test_a_mistyped_code(tigrinya):
    client, _access = tigrinya
    client.post("/p/signout/")
    response = client.post("/p/", {"code": "AAAA"}, **FRENCH_PHONE)
    in_language(response, "ti", "This code does not work. Check it, or ask your coach.")


def test_a_blocked_code(tigrinya, participant):
    client, _access = tigrinya
    client.post("/p/signout/")
    # On the same phone, the person (or someone else) opens a code with the wrong PIN.
    access, code = make_access(participant=participant)
    PortalAccess.objects.filter(pk=access.pk).update(failed_attempts=BLOCK_AFTER - 1)
    client.get(f"/p/{code}/")
    response = client.post("/p/pin/", {"pin": "9731"}, follow=True, **FRENCH_PHONE)
    assert PortalAccess.objects.get(revoked_at__isnull=True).blocked_at is not None
    in_language(
        response, "ti", "Too many wrong PINs. This code is blocked. Ask your coach for a new code."
    )


def test_a_wrong_address(tigrinya):
    client, _access = tigrinya
    response = client.get("/p/nowhere/", **FRENCH_PHONE)
    assert response.status_code == 404
    in_language(response, "ti", "This page does not exist")
    client.post("/p/signout/")
    response = client.get("/p/steps/999999/nothing/", **FRENCH_PHONE)
    in_language(response, "ti", "This page does not exist")


def test_something_not_theirs(tigrinya):
    client, _access = tigrinya
    response = client.get("/p/evaluation/999999/", **FRENCH_PHONE)
    assert response.status_code == 404
    in_language(response, "ti", "This page does not exist", "My pages")


def test_a_language_chosen_before_signing_in_is_kept_too(client, db):
    client.post("/p/language/", {"language": "ar"})
    assert client.cookies[COOKIE].value == "ar"
    fresh = Client(**FRENCH_PHONE)
    fresh.cookies[COOKIE] = "ar"
    in_language(fresh.get("/p/"), "ar", "Open my pages")


def test_a_made_up_cookie_is_ignored(client, db):
    client.cookies[COOKIE] = "xx"
    assert '<html lang="fr"' in client.get("/p/", **FRENCH_PHONE).content.decode()


def test_the_choice_on_the_phone_wins_over_the_recorded_language(tigrinya):
    client, _access = tigrinya
    client.post("/p/language/", {"language": "uk"})
    client.post("/p/signout/")
    assert client.cookies[COOKIE].value == "uk"
    assert '<html lang="uk"' in client.get("/p/", **FRENCH_PHONE).content.decode()


def test_staff_pages_keep_to_the_staff_languages_and_their_404(coach_client):
    coach_client.cookies[COOKIE] = "ar"
    response = coach_client.get("/participants/", HTTP_ACCEPT_LANGUAGE="nl")
    assert '<html lang="nl"' in response.content.decode()
    assert "portal/not_found.html" not in [t.name for t in coach_client.get("/nowhere/").templates]
