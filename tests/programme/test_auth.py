"""Signing in and out, and choosing a new password, with Django's views and our templates."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "another long passphrase 42"


def test_the_login_page_shows(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Sign in to Parcours" in response.content.decode()


def test_it_signs_in_and_goes_home(client, coach):
    response = client.post(reverse("login"), {"username": "amina", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session[SESSION_KEY] == str(coach.user.pk)


def test_it_returns_to_the_page_asked_for(client, coach):
    caseload = reverse("participants:caseload")
    response = client.post(
        reverse("login"), {"username": "amina", "password": PASSWORD, "next": caseload}
    )
    assert response.url == caseload


def test_a_wrong_password_is_explained(client, coach):
    response = client.post(reverse("login"), {"username": "amina", "password": "wrong"})
    assert response.status_code == 200
    assert (
        "Your user name and password did not match. Please try again." in response.content.decode()
    )
    assert SESSION_KEY not in client.session


def test_an_inactive_user_cannot_sign_in(client, coach):
    coach.user.is_active = False
    coach.user.save()
    client.post(reverse("login"), {"username": "amina", "password": PASSWORD})
    assert SESSION_KEY not in client.session


def test_it_signs_out(coach_client):
    response = coach_client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert SESSION_KEY not in coach_client.session
    assert coach_client.get(reverse("participants:caseload")).status_code == 302


def test_signing_out_needs_a_post(coach_client):
    assert coach_client.get(reverse("logout")).status_code == 405
    assert SESSION_KEY in coach_client.session


def test_it_changes_the_password(coach, coach_client):
    response = coach_client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    coach.user.refresh_from_db()
    assert coach.user.check_password(NEW_PASSWORD)
    assert "Your new password is in use." in coach_client.get(response.url).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
            "Your old password was entered incorrectly. Please enter it again.",
        ),
        (
            {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
            "This password is too short. It must contain at least 12 characters.",
        ),
        (
            {
                "old_password": PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD + "!",
            },
            "The two password fields didn’t match.",
        ),
    ],
)
def test_a_bad_password_change_is_explained(coach, coach_client, data, message):
    response = coach_client.post(reverse("password_change"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    coach.user.refresh_from_db()
    assert coach.user.check_password(PASSWORD)


def test_changing_the_password_requires_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_forgotten_password_is_reset_by_email(client, coach):
    response = client.post(reverse("password_reset"), {"email": coach.user.email})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [coach.user.email]
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", message.body).group(1)

    # Django swaps the token in the link for one kept in the session, then shows the form.
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    set_password_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("password_reset_complete")

    coach.user.refresh_from_db()
    assert coach.user.check_password(NEW_PASSWORD)
    # The link works once.
    assert "This link no longer works" in client.get(link, follow=True).content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, coach):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_a_broken_reset_link_is_explained(client, coach):
    response = client.get(reverse("password_reset_confirm", args=["MQ", "not-a-token"]))
    assert response.status_code == 200
    assert (
        "This link no longer works: it was already used or it is too old."
        in response.content.decode()
    )
