"""Getting in without e-mail: the link in the QR code (or the code typed from paper), then
the PIN; long sessions on the person's own phone, short ones on a shared phone."""

import pytest
from django.conf import settings
from django.test import Client

from portal import access as portal_session
from portal.models import PortalAccess
from portal.services import BLOCK_AFTER, format_code
from tests.portal.factories import PIN, make_access, sign_in


def test_the_link_asks_for_the_pin_and_leaves_the_address_bar(client, participant, active):
    _access, code = make_access(participant=participant)
    response = client.get(f"/p/{code}/")
    assert response.status_code == 302 and response.url == "/p/pin/"
    response = client.get("/p/pin/")
    assert response.status_code == 200
    assert b"Hello Selam!" in response.content
    assert b"Your PIN" in response.content
    # Nothing personal before the PIN: not even the family name.
    assert b"Haile" not in response.content


def test_first_use_chooses_a_pin_then_opens_the_home_page(client, participant, active):
    access, code = make_access(participant=participant, pin=None)
    client.get(f"/p/{code}/")
    response = client.get("/p/pin/")
    assert b"Choose your PIN" in response.content
    response = client.post("/p/pin/", {"pin": "2580", "pin_again": "2580"})
    assert response.status_code == 302 and response.url == "/p/home/"
    access.refresh_from_db()
    assert access.has_pin
    assert client.get("/p/home/").status_code == 200


def test_a_pin_typed_differently_is_refused_with_a_plain_message(client, participant, active):
    access, code = make_access(participant=participant, pin=None)
    client.get(f"/p/{code}/")
    response = client.post("/p/pin/", {"pin": "2580", "pin_again": "2581"})
    assert response.status_code == 200
    assert b"The two PINs are not the same. Try again." in response.content
    access.refresh_from_db()
    assert not access.has_pin
    assert client.get("/p/home/").status_code == 302


def test_the_code_can_be_typed_from_paper(client, participant, active):
    _access, code = make_access(participant=participant)
    response = client.post("/p/", {"code": format_code(code).lower()})
    assert response.status_code == 302 and response.url == "/p/pin/"


def test_a_wrong_code_says_so(client, participant, active):
    make_access(participant=participant)
    response = client.post("/p/", {"code": "AAAA BBBB CCCC"})
    assert response.status_code == 200
    assert b"This code does not work. Check it, or ask your coach." in response.content
    response = client.get("/p/AAAABBBBCCCC/")
    assert response.status_code == 404
    assert b"This code does not work" in response.content


def test_a_wrong_pin_is_counted_and_says_so(client, participant, active):
    access, code = make_access(participant=participant)
    client.get(f"/p/{code}/")
    response = client.post("/p/pin/", {"pin": "0000"})
    assert b"This PIN is not right. Try again." in response.content
    access.refresh_from_db()
    assert access.failed_attempts == 1
    assert client.get("/p/home/").status_code == 302


def test_repeated_wrong_pins_lock_then_block_the_code(client, participant, active):
    access, code = make_access(participant=participant)
    client.get(f"/p/{code}/")
    for _ in range(3):
        response = client.post("/p/pin/", {"pin": "0000"})
    assert b"Too many wrong PINs. Try again after" in response.content
    # Locked: even the right PIN waits.
    response = client.post("/p/pin/", {"pin": PIN})
    assert b"Too many wrong PINs" in response.content
    assert client.get("/p/home/").status_code == 302
    for _ in range(BLOCK_AFTER - 3):
        PortalAccess.objects.filter(pk=access.pk).update(locked_until=None)
        response = client.post("/p/pin/", {"pin": "0000"})
    access.refresh_from_db()
    assert access.blocked_at is not None
    # The PIN page of a blocked code sends the person back to the start.
    assert client.post("/p/pin/", {"pin": PIN}).url == "/p/"
    assert client.get(f"/p/{code}/").status_code == 404


def test_own_phone_stays_signed_in_for_months_a_shared_one_for_half_an_hour(participant, active):
    _access, code = make_access(participant=participant)
    own, shared = Client(), Client()
    sign_in(own, code, own_phone=True)
    sign_in(shared, code)
    own_cookie = own.cookies[settings.SESSION_COOKIE_NAME]
    shared_cookie = shared.cookies[settings.SESSION_COOKIE_NAME]
    assert own_cookie["max-age"] == portal_session.OWN_PHONE_SECONDS
    assert shared_cookie["max-age"] == portal_session.SHARED_PHONE_SECONDS
    assert own.session.get_expiry_age() == portal_session.OWN_PHONE_SECONDS


def test_the_session_key_changes_at_sign_in(client, participant, active):
    _access, code = make_access(participant=participant)
    client.get(f"/p/{code}/")
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post("/p/pin/", {"pin": PIN})
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != before


def test_revoking_signs_out_every_phone_at_once(portal, participant, coach):
    from portal.services import portal_access_revoke

    assert portal.get("/p/home/").status_code == 200
    portal_access_revoke(access=participant.portal_accesses.get(), by=coach.user)
    response = portal.get("/p/home/")
    assert response.status_code == 302 and response.url == "/p/"


def test_a_new_code_signs_out_the_phones_of_the_old_one(portal, participant, coach):
    make_access(participant=participant)
    assert portal.get("/p/home/").status_code == 302


def test_sign_out_ends_the_session_and_clears_the_offline_copy(portal):
    response = portal.post("/p/signout/")
    assert response.status_code == 302 and response.url == "/p/"
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert portal.get("/p/home/").status_code == 302


def test_sign_out_needs_a_post(portal):
    assert portal.get("/p/signout/").status_code == 405
    assert portal.get("/p/home/").status_code == 200


def test_signing_in_to_the_portal_signs_staff_out(coach_client, participant, active):
    _access, code = make_access(participant=participant)
    sign_in(coach_client, code)
    assert coach_client.get("/p/home/").status_code == 200
    # The coach's session is gone: staff pages ask for the login.
    response = coach_client.get(f"/participants/{participant.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_staff_login_ends_the_portal_session(portal, coach):
    portal.force_login(coach.user)
    assert portal.get("/p/home/").status_code == 302


@pytest.mark.parametrize("url", ["/p/", "/p/pin/", "/p/language/"])
def test_open_pages_refuse_other_methods(client, url):
    assert client.put(url).status_code == 405


def test_the_first_use_offers_own_or_shared_phone_as_two_pictured_choices(client, participant):
    _access, code = make_access(participant=participant, pin=None)
    client.get(f"/p/{code}/")
    html = client.get("/p/pin/").content.decode()
    assert html.count('type="radio" name="own_phone"') == 2
    assert 'type="checkbox"' not in html
    for text in ["Whose phone is this?", "My own phone", "You stay signed in on this phone.",
                 "A shared phone", "You are signed out after half an hour."]:  # fmt: skip
        assert text in html
    # The eye that shows the PIN, beside each PIN field, waits for the script to show it.
    assert html.count('data-show-pin="id_pin') == 2 and "/static/portal/pin.js" in html
    # Hidden until the script shows it: without JavaScript the form is the same as before.
    assert html.count('aria-pressed="false" hidden>') == 2


@pytest.mark.parametrize(("choice", "seconds"), [
    ("on", portal_session.OWN_PHONE_SECONDS), ("shared", portal_session.SHARED_PHONE_SECONDS),
    ("", portal_session.SHARED_PHONE_SECONDS), ("nonsense", None),
])  # fmt: skip
def test_the_phone_choice_sets_how_long_it_stays_signed_in(participant, choice, seconds):
    _access, code = make_access(participant=participant)
    client = Client()
    client.get(f"/p/{code}/")
    response = client.post("/p/pin/", {"pin": PIN, "own_phone": choice})
    if seconds is None:
        # Not one of the choices: said plainly, nobody signed in.
        assert response.status_code == 200 and client.get("/p/home/").status_code == 302
        return
    assert response.url == "/p/home/"
    assert client.session.get_expiry_age() == seconds


def test_each_wrong_pin_says_how_many_tries_are_left(client, participant):
    access, code = make_access(participant=participant)
    client.get(f"/p/{code}/")
    html = client.post("/p/pin/", {"pin": "0000"}).content.decode()
    assert "This PIN is not right. Try again. Tries left before a pause: 2." in html
    html = client.post("/p/pin/", {"pin": "0000"}).content.decode()
    assert "Tries left before a pause: 1." in html
    PortalAccess.objects.filter(pk=access.pk).update(failed_attempts=BLOCK_AFTER - 2)
    html = client.post("/p/pin/", {"pin": "0000"}).content.decode()
    # Past the last pause, each wrong PIN pauses the code: the pause says how near the block is.
    assert "Wait 15 min. Tries left before the code is blocked: 1." in html


def test_the_lock_says_how_long_to_wait_as_well_as_until_when(client, participant):
    _access, code = make_access(participant=participant)
    client.get(f"/p/{code}/")
    for _ in range(3):
        html = client.post("/p/pin/", {"pin": "0000"}).content.decode()
    assert "Too many wrong PINs. Try again after" in html and "Wait 1 min." in html
    for _ in range(2):
        PortalAccess.objects.filter(pk=_access.pk).update(locked_until=None)
        html = client.post("/p/pin/", {"pin": "0000"}).content.decode()
    assert "Wait 15 min." in html
