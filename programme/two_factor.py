"""The second factor for staff: a code from an authenticator app (TOTP, django-otp).

Managers and administrators must set one up before anything else; coaches may. Whoever has
set one up types a code after their password at each sign-in. What a session still lacks is
written into it at sign-in (STATE), so the middleware that enforces it (programme.security) costs
no query per page. PARCOURS_DEMO_SKIP_2FA (on only with DEBUG, by default) waives the set-up
for the demo, never the code of someone who has an app.
"""

import time
from base64 import b32encode
from binascii import unhexlify

import segno
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from programme.models import Staff

STATE = "parcours_second_factor"
SET_UP = "set_up"  # must set up an app before anything else
VERIFY = "verify"  # has an app: must type its code
DONE = "done"  # verified in this session, or not required
PENDING_KEY = "parcours_second_factor_key"  # the secret shown while setting up

# Staff session times (programme.security.StaffSessionMiddleware).
STARTED = "parcours_started"
SEEN = "parcours_seen"

# The pages someone half signed in may still open.
OPEN_VIEWS = {
    "account:two-factor-setup",
    "account:verify",
    "logout",
    "login",
    "set_language",
}


def required_for(user) -> bool:
    if settings.PARCOURS_DEMO_SKIP_2FA:
        return False
    if user.is_superuser:
        return True
    try:
        role = user.staff.role
    except Staff.DoesNotExist:
        return False
    return role in {Staff.Role.MANAGER, Staff.Role.ADMINISTRATOR}


def devices(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True)


def state_for(user) -> str:
    if devices(user).exists():
        return VERIFY
    return SET_UP if required_for(user) else DONE


def start_session(request) -> None:
    now = int(time.time())
    request.session[STARTED] = now
    request.session[SEEN] = now
    request.session.set_expiry(settings.PARCOURS_STAFF_IDLE_MINUTES * 60)


@receiver(user_logged_in)
def _on_sign_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    start_session(request)
    request.session[STATE] = state_for(user)


def mark_verified(request) -> None:
    # A new session key once the second factor is in, as after the password.
    request.session.cycle_key()
    request.session[STATE] = DONE
    request.session.pop(PENDING_KEY, None)


def pending_key(request) -> str:
    """The secret being set up, kept in the session until a code proves the app has it."""
    key = request.session.get(PENDING_KEY)
    if not key:
        key = default_key()
        request.session[PENDING_KEY] = key
    return key


def new_device(user, key: str) -> TOTPDevice:
    return TOTPDevice(user=user, key=key, name="Authenticator app", confirmed=True)


def code_matches(key: str, code: str) -> bool:
    """For the first code, before the device exists: the same check as TOTPDevice's."""
    try:
        token = int(code)
    except (TypeError, ValueError):
        return False
    totp = TOTP(unhexlify(key.encode()))
    totp.time = time.time()
    return totp.verify(token, tolerance=1)


def secret_text(key: str) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    text = b32encode(unhexlify(key.encode())).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(scale=4, omitsize=True)
