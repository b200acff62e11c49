""" "Forgot your password?" sends mail to whoever types an address: it is rate-limited per
client address and per account, so nobody floods a colleague's mailbox or the relay's quota.
The answer over the limit is the same page as any other, so it tells nothing either."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from programme import auth_views

pytestmark = pytest.mark.django_db
RESET = reverse("password_reset")


def ask(client: Client, email: str, address: str = "198.51.100.7"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


def test_one_account_gets_at_most_three_mails_an_hour(coach, client):
    answers = [ask(client, coach.user.email, address=f"198.51.100.{n}") for n in range(1, 6)]
    assert len(mail.outbox) == auth_views.RESET_LIMIT_PER_ACCOUNT == 3
    # The same answer every time, sent or not.
    assert {(a.status_code, a.url) for a in answers} == {(302, reverse("password_reset_done"))}


def test_one_address_asks_at_most_five_times_an_hour(coach, colleague, manager, client):
    for email in [coach.user.email, colleague.user.email, manager.user.email, "x@example.org"]:
        ask(client, email)
    ask(client, "y@example.org")
    assert len(mail.outbox) == 3
    answer = ask(client, coach.user.email)  # the sixth request from this address
    assert answer.status_code == 302
    assert answer.url == reverse("password_reset_done")
    assert len(mail.outbox) == 3


def test_the_limit_of_one_address_does_not_stop_another(coach, colleague, client):
    for _n in range(auth_views.RESET_LIMIT_PER_ADDRESS):
        ask(client, "nobody@example.org")
    ask(client, coach.user.email)
    assert mail.outbox == []
    ask(client, coach.user.email, address="203.0.113.9")
    assert len(mail.outbox) == 1
