"""A `next` address never sends anyone to another site (an open redirect): a link of ours that
ends on a look-alike page is how credentials get phished. Every view that reads `next` goes
through programme.params.safe_next_url; Django's own sign-in, sign-out and language views do the
same check themselves, tested here too so the list is whole."""

import time
from binascii import unhexlify
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from participants.models import Todo
from programme.params import safe_next_url
from tests.factories import PASSWORD

OTHER_SITES = [
    "https://evil.example/",
    "http://evil.example/login",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "https:evil.example",
    " https://evil.example/",
    "javascript:alert(1)",
    "http://testserver@evil.example/",
    "²",  # not an address at all: redirect() would take it for a URL name
]


def redirected_off_site(response) -> bool:
    location = response.get("Location", "")
    return "evil.example" in location or location.startswith("javascript:")


# -- the helper --------------------------------------------------------------------------------


@pytest.mark.parametrize("target", OTHER_SITES)
def test_another_sites_address_gives_the_default(target):
    request = RequestFactory().post("/", {"next": target})
    assert safe_next_url(request, "/todos/") == "/todos/"


def test_a_page_of_this_site_is_kept_from_the_form_or_the_address():
    factory = RequestFactory()
    assert safe_next_url(factory.post("/", {"next": "/todos/?due=week"}), "/") == "/todos/?due=week"
    assert safe_next_url(factory.get("/", {"next": "/participants/"}), "/") == "/participants/"
    assert safe_next_url(factory.get("/", {"next": "http://testserver/p/"}), "/") == (
        "http://testserver/p/"
    )


def test_the_default_may_be_a_url_name_or_nothing():
    request = RequestFactory().get("/")
    assert safe_next_url(request, "participants:todos") == reverse("participants:todos")
    assert safe_next_url(request) == ""


def test_an_https_site_is_not_sent_back_to_plain_http():
    request = RequestFactory().get("/", {"next": "http://testserver/todos/"}, secure=True)
    assert safe_next_url(request, "/") == "/"


# -- every view that reads `next` --------------------------------------------------------------


@pytest.mark.parametrize("target", OTHER_SITES)
def test_marking_a_todo_done_stays_on_this_site(coach_client, enrolment, target):
    todo = Todo.objects.create(
        enrolment=enrolment, kind="baseline", label="Baseline", due_on=timezone.localdate()
    )
    response = coach_client.post(
        reverse("participants:todo-done", args=[todo.pk]), {"next": target}
    )
    assert response.status_code == 302
    assert not redirected_off_site(response)
    assert response.url == enrolment.get_absolute_url()


def test_marking_a_todo_done_still_goes_back_to_the_list(coach_client, enrolment):
    todo = Todo.objects.create(
        enrolment=enrolment, kind="baseline", label="Baseline", due_on=timezone.localdate()
    )
    todos = reverse("participants:todos") + "?due=week"
    response = coach_client.post(reverse("participants:todo-done", args=[todo.pk]), {"next": todos})
    assert response.url == todos


def _code(device: TOTPDevice) -> str:
    totp = TOTP(unhexlify(device.key.encode()))
    totp.time = time.time()
    return f"{totp.token():06d}"


@pytest.mark.parametrize("target", OTHER_SITES[:4])
def test_the_second_factor_sends_home_not_elsewhere(coach, target):
    device = TOTPDevice.objects.create(user=coach.user, name="app", confirmed=True)
    client = Client()
    client.post(reverse("login"), {"username": coach.user.username, "password": PASSWORD})
    verify = reverse("account:verify")
    page = client.get(verify, {"next": target})
    assert target not in page.content.decode()
    response = client.post(f"{verify}?next={target}", {"code": _code(device), "next": target})
    assert response.status_code == 302
    assert not redirected_off_site(response)
    assert response.url == reverse("home")


@pytest.mark.parametrize("target", OTHER_SITES[:4])
def test_the_portal_language_chooser_stays_on_the_portal(db, client, target):
    page = client.get(reverse("portal:language"), {"next": target})
    assert target not in page.content.decode()
    response = client.post(reverse("portal:language"), {"language": "fr", "next": target})
    assert response.status_code == 302
    assert not redirected_off_site(response)


@pytest.mark.parametrize("target", OTHER_SITES[:4])
def test_djangos_own_views_stay_on_this_site(coach, target):
    client = Client()
    response = client.post(
        f"{reverse('login')}?next={target}",
        {"username": coach.user.username, "password": PASSWORD, "next": target},
    )
    assert response.status_code == 302 and not redirected_off_site(response)
    response = client.post(reverse("set_language"), {"language": "nl", "next": target})
    assert response.status_code == 302 and not redirected_off_site(response)
    response = client.post(f"{reverse('logout')}?next={target}", {"next": target})
    assert response.status_code == 302 and not redirected_off_site(response)


def test_nothing_else_reads_next_by_hand():
    """A new view that reads `next` without the helper fails here: the list above stays whole."""
    root = Path(__file__).resolve().parents[2]
    readers = []
    for top in root.iterdir():
        # Hidden folders hold the virtual environment and tool caches, not the project's code.
        if (
            not top.is_dir()
            or top.name.startswith(".")
            or top.name in {"tests", "bench", "node_modules"}
        ):
            continue
        for path in top.rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if '.get("next")' in text or ".get('next')" in text or '["next"]' in text:
                readers.append(str(path.relative_to(root)))
    assert readers == []
