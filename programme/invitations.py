"""The links that let a colleague choose a password: an invitation for someone who has never
had one, a reset for someone who forgot theirs. Both are sent by mail and work once.

The invitation lives longer than a reset (INVITATION_DAYS, against Django's
PASSWORD_RESET_TIMEOUT): a new colleague may open their mail only on their first day. Both
tokens are bound to the password hash, so choosing a password ends them; resending an
invitation draws a new unusable password (programme.services.staff_invitation_resend), which
ends the links sent before.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext as _

log = logging.getLogger("parcours.mail")

INVITATION_DAYS = 7


class MailNotSent(Exception):
    """The mail relay refused or could not be reached: the person must be told so."""


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "parcours.programme.invitations.InvitationTokenGenerator"
    timeout = datetime.timedelta(days=INVITATION_DAYS)

    def check_token(self, user, token) -> bool:
        # Django's check, with the invitation's own lifetime instead of PASSWORD_RESET_TIMEOUT.
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            timestamp = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return self._num_seconds(self._now()) - timestamp <= self.timeout.total_seconds()


invitation_token = InvitationTokenGenerator()


def base_url(request=None) -> str:
    """Where the links point: PARCOURS_BASE_URL, else the host the request came to. A
    management command has no request, so it needs the setting."""
    configured = settings.PARCOURS_BASE_URL.rstrip("/")
    if configured:
        return configured
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    raise ValueError("PARCOURS_BASE_URL is not set: the link in the mail needs an address.")


def invitation_link(user, base: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = invitation_token.make_token(user)
    return base + reverse("account:invitation", kwargs={"uidb64": uid, "token": token})


def reset_link(user, base: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return base + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


def _send(user, template: str, context: dict) -> None:
    context = {"user": user, "site_name": "Parcours", **context}
    subject = " ".join(render_to_string(f"accounts/mail/{template}_subject.txt", context).split())
    body = render_to_string(f"accounts/mail/{template}.txt", context)
    message = EmailMultiAlternatives(subject, body, None, [user.email])
    try:
        message.send(fail_silently=False)
    except Exception as error:  # SMTP, DNS, a refused login: all mean "not sent"
        # The address only, never the link: whoever reads the server's log must not be able
        # to use it.
        log.exception("mail not sent: %s to user=%s", template, user.pk)
        raise MailNotSent(str(error)) from error


def send_invitation(user, base: str, *, organisation_name: str = "") -> None:
    _send(
        user,
        "invitation",
        {
            "link": invitation_link(user, base),
            "days": INVITATION_DAYS,
            "organisation_name": organisation_name,
            "sign_in": base + reverse("login"),
        },
    )


def send_reset(user, base: str) -> None:
    _send(
        user,
        "password_reset",
        {
            "link": reset_link(user, base),
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            "sign_in": base + reverse("login"),
        },
    )


def mail_failed_message() -> str:
    return _(
        "The mail could not be sent. Please try again later, or ask your organisation's "
        "administrator."
    )
