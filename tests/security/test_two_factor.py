"""The second factor: an authenticator app (TOTP) set up by scanning a QR code, its code asked
after the password; required for managers and administrators, optional for coaches.

ASVS 5.0 V6.3.3 (multi-factor authentication for level 2), V6.5.1 (a one-time code is used once),
V6.5.5 (time-based codes have a defined lifetime), V6.4 (factor lifecycle and recovery: a lost
factor is reset by someone else, who knows who asks, never by the user alone).
"""

import time
from binascii import unhexlify

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from programme import services, two_factor
from tests.factories import PASSWORD
from tests.helpers import login_url

pytestmark = pytest.mark.django_db
SETUP = reverse("account:two-factor-setup")
VERIFY = reverse("account:verify")


def code_for(key: str, offset: int = 0) -> str:
    totp = TOTP(unhexlify(key.encode()))
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


def signed_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def with_app(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def test_a_manager_is_sent_to_set_up_an_app_before_anything_else(manager):
    """ASVS 5.0 V6.3.3"""
    client = signed_in("sophie")
    caseload = reverse("participants:caseload")
    response = client.get(caseload)
    assert response.status_code == 302
    assert response.url == f"{SETUP}?next={caseload}"


def test_an_administrator_is_sent_to_set_up_an_app(administrator):
    """ASVS 5.0 V6.3.3"""
    client = signed_in("admin-liege")
    assert client.get(reverse("admin:index")).url.startswith(SETUP)


def test_a_coach_without_an_app_goes_straight_in(coach):
    """ASVS 5.0 V6.3.3: optional for coaches."""
    client = signed_in("amina")
    assert client.get(reverse("participants:caseload")).status_code == 200


def test_the_set_up_page_shows_a_qr_code_and_the_key(manager):
    client = signed_in("sophie")
    response = client.get(SETUP)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page
    key = client.session[two_factor.PENDING_KEY]
    assert two_factor.secret_text(key) in page
    assert not TOTPDevice.objects.exists()


def test_a_code_from_the_app_sets_it_up_and_lets_the_manager_in(manager):
    """ASVS 5.0 V6.3.3"""
    client = signed_in("sophie")
    client.get(SETUP)
    key = client.session[two_factor.PENDING_KEY]
    response = client.post(SETUP, {"code": code_for(key), "next": "/programmes/"})
    assert response.status_code == 302
    assert response.url == "/programmes/"
    device = TOTPDevice.objects.get(user=manager.user)
    assert device.key == key
    assert client.get(reverse("programme:list")).status_code == 200


def test_a_wrong_code_keeps_nothing(manager):
    client = signed_in("sophie")
    client.get(SETUP)
    key = client.session[two_factor.PENDING_KEY]
    wrong = f"{(int(code_for(key)) + 1) % 1_000_000:06d}"
    response = client.post(SETUP, {"code": wrong})
    assert response.status_code == 200
    assert "That code does not match." in response.content.decode()
    assert not TOTPDevice.objects.exists()
    assert client.get(reverse("programme:list")).status_code == 302


def test_whoever_has_an_app_types_its_code_after_the_password(coach):
    """ASVS 5.0 V6.3.3: a coach who chose an app is held to it."""
    device = with_app(coach.user)
    client = signed_in("amina")
    caseload = reverse("participants:caseload")
    assert client.get(caseload).url == f"{VERIFY}?next={caseload}"
    response = client.post(VERIFY, {"code": code_for(device.key), "next": caseload})
    assert response.url == caseload
    assert client.get(caseload).status_code == 200


def test_a_code_works_once(coach):
    """ASVS 5.0 V6.5.1: a one-time code cannot be replayed."""
    device = with_app(coach.user)
    code = code_for(device.key)
    first = signed_in("amina")
    assert first.post(VERIFY, {"code": code}).status_code == 302
    second = signed_in("amina")
    response = second.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert "That code does not match." in response.content.decode()


def test_an_old_code_is_refused(coach):
    """ASVS 5.0 V6.5.5: a code is good for its 30 seconds (and one step either side)."""
    device = with_app(coach.user)
    client = signed_in("amina")
    assert client.post(VERIFY, {"code": code_for(device.key, offset=-300)}).status_code == 200
    assert client.get(reverse("participants:caseload")).status_code == 302


def test_a_wrong_code_is_logged(coach, caplog):
    """ASVS 5.0 V16.3.1: failed authentication is logged (the code itself is not)."""
    with_app(coach.user)
    client = signed_in("amina")
    client.post(VERIFY, {"code": "000000"})
    assert "sign-in failed (second factor): username='amina'" in caplog.text
    assert "000000" not in caplog.text


def test_the_demo_setting_waives_the_set_up_only(settings, manager):
    """PARCOURS_DEMO_SKIP_2FA (on with DEBUG only): a demo manager goes straight in, but someone
    who has set up an app still types its code."""
    settings.PARCOURS_DEMO_SKIP_2FA = True
    client = signed_in("sophie")
    assert client.get(reverse("programme:list")).status_code == 200
    with_app(manager.user)
    client = signed_in("sophie")
    assert client.get(reverse("programme:list")).url.startswith(VERIFY)


def test_the_demo_setting_is_off_without_debug():
    """ASVS 5.0 V6.3.3: the demo waiver is off in production unless someone turns it on."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("PARCOURS_DEMO_SKIP_2FA", None)
    script = "from django.conf import settings; print(settings.PARCOURS_DEMO_SKIP_2FA)"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + script],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "False"


def test_the_pages_need_a_signed_in_user(client):
    assert client.get(SETUP).url == login_url(SETUP)
    assert client.get(VERIFY).url == login_url(VERIFY)


@pytest.mark.parametrize("url", [SETUP, VERIFY])
def test_the_pages_take_only_get_and_post(manager, url):
    client = signed_in("sophie")
    assert client.put(url).status_code == 405


def test_the_next_page_must_be_ours(manager):
    """ASVS 5.0 V3.7.2: no redirect to another site; a foreign `next` is ignored."""
    client = signed_in("sophie")
    client.get(SETUP)
    key = client.session[two_factor.PENDING_KEY]
    response = client.post(SETUP, {"code": code_for(key), "next": "https://evil.example/"})
    assert response.url == reverse("home")


def test_an_administrator_resets_a_colleagues_app(administrator, manager):
    """ASVS 5.0 V6.4: a lost factor is replaced through someone else, and the old sessions
    end."""
    with_app(manager.user)
    client = signed_in("sophie")
    assert services.staff_second_factor_reset(staff=manager, by=administrator.user) == 1
    assert not TOTPDevice.objects.filter(user=manager.user).exists()
    assert SESSION_KEY not in client.session
    assert signed_in("sophie").get(reverse("programme:list")).url.startswith(SETUP)


def test_nobody_resets_their_own_app(administrator):
    with_app(administrator.user)
    with pytest.raises(Exception, match="another administrator"):
        services.staff_second_factor_reset(staff=administrator, by=administrator.user)
    assert TOTPDevice.objects.filter(user=administrator.user).exists()


def test_the_admin_resets_a_colleague_of_the_same_organisation(
    administrator_client, manager, outsider_manager
):
    """ASVS 5.0 V6.4: the administrator's way to replace a lost factor, within their own
    organisation only (another organisation's staff are not even listed)."""
    with_app(manager.user)
    with_app(outsider_manager.user)
    url = reverse("admin:programme_staff_changelist")
    response = administrator_client.post(
        url,
        {"action": "reset_second_factor", "_selected_action": [manager.pk, outsider_manager.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=manager.user).exists()
    assert TOTPDevice.objects.filter(user=outsider_manager.user).exists()


@pytest.mark.parametrize(
    ("skip", "line"),
    [(True, "not asked of the demo managers"), (False, "set up an authenticator app")],
)
def test_demo_logins_says_what_the_second_factor_needs(settings, monkeypatch, skip, line):
    from io import StringIO

    from django.core.management import call_command

    from demo import people

    monkeypatch.setattr(people, "demo_logins", lambda: [("manager", "sophie", "CPAS de Liège")])
    settings.PARCOURS_DEMO_SKIP_2FA = skip
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert line in out.getvalue()
