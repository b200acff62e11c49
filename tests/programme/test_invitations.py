"""A new colleague's first steps: the invitation's link to choose a password (once, for a
limited time), the second factor for the roles that need it, "Forgot your password?" for an
account whose password was never chosen, and IT's `manage.py invite_staff`."""

import datetime
import re
import smtplib

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from audit.models import Event
from programme import invitations, two_factor
from programme.models import Staff
from programme.services import staff_invite

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a quiet river at dawn 7"
BASE = "https://parcours.cpas-liege.example"


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPAuthenticationError(535, b"Authentication failed")


def invite(organisation, role=Staff.Role.COACH, email="lucas@cpas-liege.example") -> Staff:
    staff, sent = staff_invite(
        organisation=organisation,
        role=role,
        email=email,
        first_name="Lucas",
        last_name="Martin",
        base_url=BASE,
    )
    assert sent
    return staff


def link_in(message) -> str:
    return re.search(rf"{re.escape(BASE)}(/accounts/invite/\S+/)", message.body).group(1)


def choose_password(client: Client, link: str):
    page = client.get(link, follow=True)
    assert page.context["validlink"] is True
    form_url = page.redirect_chain[-1][0]
    return client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


def test_the_invitation_link_sets_the_password_and_signs_in(organisation, client):
    staff = invite(organisation)
    message = mail.outbox[0]
    assert message.to == ["lucas@cpas-liege.example"]
    assert "lucas@cpas-liege.example" in message.body  # the user name
    assert "7 days" in message.body

    response = choose_password(client, link_in(message))

    assert response.status_code == 302
    assert response.url == reverse("home")
    staff.user.refresh_from_db()
    assert staff.user.check_password(NEW_PASSWORD)
    assert client.session[SESSION_KEY] == str(staff.user.pk)


def test_the_invitation_link_works_once(organisation, client):
    invite(organisation)
    link = link_in(mail.outbox[0])
    choose_password(client, link)

    again = Client().get(link, follow=True)
    assert again.context["validlink"] is False
    assert "This invitation no longer works" in again.content.decode()


def test_the_invitation_link_expires(organisation, client, monkeypatch):
    staff = invite(organisation)
    link = link_in(mail.outbox[0])
    later = datetime.datetime.now() + datetime.timedelta(days=invitations.INVITATION_DAYS, hours=1)
    monkeypatch.setattr(invitations.invitation_token, "_now", lambda: later)

    page = client.get(link, follow=True)

    assert page.context["validlink"] is False
    staff.user.refresh_from_db()
    assert not staff.user.has_usable_password()


def test_the_invitation_still_works_after_the_reset_timeout(organisation, client, monkeypatch):
    # Longer than a reset link (3 days): a colleague may read the mail on their first day.
    invite(organisation)
    link = link_in(mail.outbox[0])
    later = datetime.datetime.now() + datetime.timedelta(days=invitations.INVITATION_DAYS - 1)
    monkeypatch.setattr(invitations.invitation_token, "_now", lambda: later)
    assert client.get(link, follow=True).context["validlink"] is True


def test_a_reset_link_is_no_invitation(organisation, coach, client):
    # The two tokens are not interchangeable: a reset token on the invitation address fails.
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(str(coach.user.pk).encode())
    token = default_token_generator.make_token(coach.user)
    page = client.get(reverse("account:invitation", args=[uid, token]), follow=True)
    assert page.context["validlink"] is False


def test_a_deactivated_colleagues_invitation_no_longer_works(organisation, client):
    staff = invite(organisation)
    staff.user.is_active = False
    staff.user.save()
    assert client.get(link_in(mail.outbox[0]), follow=True).context["validlink"] is False


def test_a_manager_sets_up_the_second_factor_after_the_password(organisation, client):
    invite(organisation, role=Staff.Role.MANAGER)

    response = choose_password(client, link_in(mail.outbox[0]))

    assert response.url == reverse("account:two-factor-setup")
    assert client.session[two_factor.STATE] == two_factor.SET_UP
    # Nothing else opens before the app is set up.
    caseload = client.get(reverse("participants:caseload"))
    assert caseload.status_code == 302
    assert caseload.url.startswith(reverse("account:two-factor-setup"))
    assert client.get(response.url).status_code == 200


def test_a_resent_invitation_ends_the_first_link(organisation, client):
    from programme.services import staff_invitation_resend

    staff = invite(organisation)
    first = link_in(mail.outbox[0])
    assert staff_invitation_resend(staff=staff, base_url=BASE)
    second = link_in(mail.outbox[1])

    assert Client().get(first, follow=True).context["validlink"] is False
    assert choose_password(client, second).status_code == 302


# "Forgot your password?" ----------------------------------------------------------------------


def test_forgot_password_sends_an_invitation_when_none_was_ever_chosen(
    organisation, client, settings
):
    settings.PARCOURS_BASE_URL = BASE
    staff = invite(organisation)
    mail.outbox.clear()

    response = client.post(reverse("password_reset"), {"email": "LUCAS@cpas-liege.example"})

    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    choose_password(client, link_in(mail.outbox[0]))
    staff.user.refresh_from_db()
    assert staff.user.check_password(NEW_PASSWORD)


def test_forgot_password_still_sends_a_reset_link_to_whoever_has_a_password(coach, client):
    client.post(reverse("password_reset"), {"email": coach.user.email})
    assert len(mail.outbox) == 1
    # The link points to the request's own host when PARCOURS_BASE_URL is empty.
    assert "http://testserver/accounts/reset/" in mail.outbox[0].body


def test_forgot_password_skips_a_deactivated_account(organisation, client):
    staff = invite(organisation)
    mail.outbox.clear()
    staff.user.is_active = False
    staff.user.save()
    client.post(reverse("password_reset"), {"email": staff.user.email})
    assert mail.outbox == []


def test_forgot_password_says_when_the_mail_could_not_leave(coach, client, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"

    response = client.post(reverse("password_reset"), {"email": coach.user.email})

    assert response.status_code == 503
    html = response.content.decode()
    assert "on its way" not in html
    assert "The mail could not be sent" in html
    assert "ask your organisation" in html


# manage.py invite_staff -----------------------------------------------------------------------


def test_the_command_invites_a_manager_by_organisation_name(organisation, settings, capsys):
    settings.PARCOURS_BASE_URL = BASE
    site = organisation.sites.create(name="Antenne Sud")

    call_command(
        "invite_staff",
        "Sophie.Dupont@cpas-liege.example",
        "--organisation",
        "CPAS de Liège",
        "--role",
        "manager",
        "--first-name",
        "Sophie",
        "--last-name",
        "Dupont",
        "--site",
        str(site.pk),
    )

    staff = Staff.objects.get(user__username="sophie.dupont@cpas-liege.example")
    assert (staff.organisation, staff.role, staff.site) == (organisation, "manager", site)
    assert staff.user.get_full_name() == "Sophie Dupont"
    assert len(mail.outbox) == 1
    assert f"{BASE}/accounts/invite/" in mail.outbox[0].body
    assert "Invited sophie.dupont@cpas-liege.example" in capsys.readouterr().out
    event = Event.objects.get(object_type="staff", object_id=staff.pk)
    assert event.action == Event.Action.CREATE
    assert event.actor_id is None  # IT, on the command line
    assert event.changes["role"] == [None, "manager"]


def test_the_command_takes_the_organisation_id(organisation, settings):
    settings.PARCOURS_BASE_URL = BASE
    call_command(
        "invite_staff", "x@cpas-liege.example", "--organisation", str(organisation.pk), "--role",
        "coach",
    )  # fmt: skip
    assert Staff.objects.get(user__username="x@cpas-liege.example").organisation == organisation


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--organisation", "Nowhere", "--role", "coach"], "No organisation 'Nowhere'"),
        (["--organisation", "CPAS de Liège", "--role", "coach", "--site", "999"], "No site 999"),
    ],
)
def test_the_command_explains_a_wrong_argument(organisation, settings, arguments, message):
    settings.PARCOURS_BASE_URL = BASE
    with pytest.raises(CommandError, match=message):
        call_command("invite_staff", "y@cpas-liege.example", *arguments)
    assert not Staff.objects.filter(user__username="y@cpas-liege.example").exists()


def test_the_command_needs_the_base_url(organisation, settings):
    settings.PARCOURS_BASE_URL = ""
    with pytest.raises(CommandError, match="PARCOURS_BASE_URL"):
        call_command("invite_staff", "z@cpas-liege.example", "--organisation", "CPAS de Liège",
                     "--role", "coach")  # fmt: skip


def test_the_command_says_when_the_mail_failed(organisation, settings):
    settings.PARCOURS_BASE_URL = BASE
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    with pytest.raises(CommandError, match="could not be sent"):
        call_command("invite_staff", "w@cpas-liege.example", "--organisation", "CPAS de Liège",
                     "--role", "coach")  # fmt: skip
    # The account is there, waiting for the invitation to be sent again.
    assert Staff.objects.filter(user__username="w@cpas-liege.example").exists()
