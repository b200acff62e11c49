"""Response headers: a Content Security Policy with no inline script, `no-store` on the pages
that show personal data, and pages whose HTML needs no inline script to work."""

import re

import pytest
from django.urls import reverse

from programme.security import CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def staff_pages(participant, enrolment):
    return [
        reverse("participants:caseload"),
        reverse("participants:detail", args=[participant.pk]),
        reverse("participants:edit", args=[participant.pk]),
        reverse("participants:enrolment", args=[enrolment.pk]),
        reverse("participants:todos"),
        reverse("participants:create"),
        reverse("sessions:agenda"),
        reverse("sessions:groups"),
        reverse("evaluations:call-queue"),
        reverse("programme:list"),
        reverse("reports:summary", args=[enrolment.pk]),
    ]


def assert_no_inline_script(html: str, url: str) -> None:
    assert not INLINE_SCRIPT.search(html), f"inline <script> on {url}"
    assert not EVENT_HANDLER.search(html), f"on…= attribute on {url}"


def test_the_policy_forbids_inline_script_and_plugins():
    """ASVS 5.0 V3.4.3: a CSP with object-src 'none' and base-uri 'none', no unsafe-inline or
    unsafe-eval for scripts."""
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in directives["default-src"]


def test_every_page_carries_the_policy(client, coach_client):
    """ASVS 5.0 V3.4.3"""
    for response in [client.get(reverse("login")), coach_client.get("/no-such-page/")]:
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert coach_client.get(reverse("participants:caseload"))["X-Frame-Options"] == "DENY"


def test_every_response_refuses_camera_microphone_position_and_payment(
    client, coach_client, participant
):
    """No page of Parcours uses the camera, the microphone, the position, payment or USB, so
    the browser is told to refuse them to the page and to anything it embeds."""
    features = dict(part.split("=", 1) for part in PERMISSIONS_POLICY.split(", "))
    for feature in ["camera", "microphone", "geolocation", "payment", "usb", "display-capture"]:
        assert features[feature] == "()", feature
    responses = [
        client.get(reverse("login")),
        client.get(reverse("portal:start")),
        client.get("/no-such-page/"),
        coach_client.get(reverse("participants:detail", args=[participant.pk])),
        coach_client.get("/api/participants/"),
    ]
    for response in responses:
        assert response["Permissions-Policy"] == PERMISSIONS_POLICY, response.wsgi_request.path


def test_the_main_pages_have_no_inline_script(coach_client, manager_client, participant, enrolment):
    """ASVS 5.0 V3.4.3: the policy would block an inline script, so none may be needed; htmx
    is configured by attributes and the app's scripts are static files."""
    for client in [coach_client, manager_client]:
        for url in staff_pages(participant, enrolment):
            response = client.get(url)
            assert response.status_code == 200, url
            assert_no_inline_script(response.content.decode(), url)
    for url in [reverse("reports:dashboard")]:
        assert_no_inline_script(manager_client.get(url).content.decode(), url)


def test_the_sign_in_and_portal_pages_have_no_inline_script(client):
    """ASVS 5.0 V3.4.3"""
    for url in [reverse("login"), reverse("password_reset"), reverse("portal:start")]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_inline_script(response.content.decode(), url)


def test_participant_pages_are_not_kept_in_the_browser_cache(
    coach_client, manager_client, participant, enrolment
):
    """ASVS 5.0 V14.3.2: Cache-Control: no-store on pages with personal data."""
    for url in staff_pages(participant, enrolment):
        assert "no-store" in coach_client.get(url)["Cache-Control"], url
    assert "no-store" in manager_client.get(reverse("reports:dashboard"))["Cache-Control"]


def test_a_view_that_chose_its_own_caching_keeps_it(client):
    """The portal's offline copy and the calendar feeds set their own Cache-Control."""
    from django.http import HttpResponse

    from programme.security import SecurityHeadersMiddleware

    def view(request):
        response = HttpResponse("x")
        response["Cache-Control"] = "private, no-cache"
        return response

    response = SecurityHeadersMiddleware(view)(None)
    assert response["Cache-Control"] == "private, no-cache"
