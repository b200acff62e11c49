"""Handing out, revoking and using the personal codes and PINs that open the portal."""

import datetime
import math
import secrets

from django.contrib.auth.hashers import PBKDF2PasswordHasher, check_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from participants.models import Enrolment, Participant
from portal.models import PortalAccess, hash_code
from sessions.feeds import feeds_end

# No 0/O, 1/I/L: the short code is also read aloud and typed from paper.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12  # about 59 bits: guessing one is hopeless even before the PIN.
PIN_LENGTHS = range(4, 7)
# Wrong PINs in a row -> how long the code stays locked. Slow enough to make guessing a
# 4-digit PIN take years, short enough that someone who mistyped can try again the same day.
LOCKS = [(5, datetime.timedelta(minutes=15)), (3, datetime.timedelta(minutes=1))]
BLOCK_AFTER = 10


class PinHasher(PBKDF2PasswordHasher):
    """PBKDF2 at a tenth of Django's password cost: a PIN check in about a tenth of a second
    instead of more than one. The lock-out, not the hash, is what stops guessing at the door;
    offline, no cost a phone can wait for would save a 4-6 digit PIN from someone holding the
    database (docs/decisions/0020-portal-pin-and-time-formats.md)."""

    algorithm = "portal_pin_pbkdf2_sha256"
    iterations = 100_000


PIN_HASHER = PinHasher()


def pin_hash(pin: str) -> str:
    return PIN_HASHER.encode(pin, PIN_HASHER.salt())


def pin_matches(pin: str, encoded: str) -> bool:
    """PINs chosen before the PIN hasher are read with Django's hashers."""
    if encoded.startswith(PIN_HASHER.algorithm + "$"):
        return PIN_HASHER.verify(pin, encoded)
    return check_password(pin, encoded)


def normalise_code(text: str) -> str:
    return "".join(char for char in text.upper() if char.isalnum())


def format_code(code: str) -> str:
    """K7M2P9XQ4HT3 -> K7M2 P9XQ 4HT3: easier to read out and copy."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def portal_access_issue(
    *,
    participant: Participant,
    contact_phone: str | None = None,
    by,
    code: str | None = None,
) -> tuple[PortalAccess, str]:
    """A new personal code for the participant's phone. The previous code stops working, and
    every phone signed in with it is signed out, and so does every calendar address of the
    person (whoever holds the lost phone holds its subscription too). Without a
    contact_phone, the number of the previous code is kept. Returns the access and the code
    in clear: only its hash is kept, so the handout can be printed only now."""
    code = code or new_code()
    now = timezone.now()
    with transaction.atomic():
        # Lock the person so two clicks at once leave one working code, not two.
        Participant.objects.select_for_update().filter(pk=participant.pk).first()
        if contact_phone is None:
            contact_phone = previous_contact_phone(participant)
        PortalAccess.objects.filter(participant=participant, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=by
        )
        feeds_end(participant=participant)
        access = PortalAccess(
            participant=participant,
            code_hash=hash_code(code),
            contact_phone=contact_phone.strip(),
            created_by=by,
            created_at=now,
        )
        access.full_clean()
        access.save()
    return access, code


def previous_contact_phone(participant: Participant) -> str:
    """The number the person's latest code showed, revoked or not: a new code after a lost
    phone keeps the "Call" button."""
    return (
        PortalAccess.objects.filter(participant=participant)
        .exclude(contact_phone="")
        .values_list("contact_phone", flat=True)
        .first()
        or ""
    )


def portal_access_revoke(*, access: PortalAccess, by) -> PortalAccess:
    """The code, every phone signed in with it and every calendar address of the person stop
    working at once."""
    with transaction.atomic():
        if access.revoked_at is None:
            access.revoked_at = timezone.now()
            access.revoked_by = by
            access.save(update_fields=["revoked_at", "revoked_by"])
        feeds_end(participant=access.participant)
    return access


# A person whose every enrolment is over (closed, or never admitted) has no more follow-up:
# the portal and the calendar stop answering for them.
OVER = [Enrolment.Status.CLOSED, Enrolment.Status.NOT_ADMITTED]


def portal_end_if_over(*, participant: Participant, by=None) -> bool:
    """At the end of follow-up: the person's code and calendar addresses stop working.
    Returns whether it ended them (False while an enrolment still runs)."""
    if participant.enrolments.exclude(status__in=OVER).exists():
        return False
    with transaction.atomic():
        PortalAccess.objects.filter(participant=participant, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=by
        )
        feeds_end(participant=participant)
    return True


def access_for_code(code: str) -> PortalAccess | None:
    code = normalise_code(code)
    if len(code) != CODE_LENGTH:
        return None
    return (
        PortalAccess.objects.active()
        .select_related("participant")
        .filter(code_hash=hash_code(code))
        .first()
    )


def _check_pin_shape(pin: str) -> None:
    if not pin.isdigit() or len(pin) not in PIN_LENGTHS:
        raise ValidationError(_("Your PIN has 4, 5 or 6 numbers."), code="pin_shape")
    steps = {int(b) - int(a) for a, b in zip(pin, pin[1:], strict=False)}
    if len(set(pin)) == 1 or steps in ({1}, {-1}):
        raise ValidationError(
            _("This PIN is too easy to guess. Choose other numbers."), code="pin_easy"
        )


def portal_pin_choose(*, access: PortalAccess, pin: str, pin_again: str) -> PortalAccess:
    """The PIN the participant chooses the first time they open their code."""
    pin, pin_again = pin.strip(), pin_again.strip()
    _check_pin_shape(pin)
    if pin != pin_again:
        raise ValidationError(_("The two PINs are not the same. Try again."), code="pin_again")
    with transaction.atomic():
        access = PortalAccess.objects.select_for_update().get(pk=access.pk)
        if not access.is_active:
            raise ValidationError(_("This code no longer works."), code="inactive")
        if access.has_pin:
            raise ValidationError(_("A PIN was already chosen for this code."), code="has_pin")
        access.pin_hash = pin_hash(pin)
        access.last_used_at = timezone.now()
        access.save(update_fields=["pin_hash", "last_used_at"])
    return access


def portal_pin_check(*, access: PortalAccess, pin: str) -> PortalAccess:
    """Let the person in with their PIN, or count the wrong try: after 3 wrong PINs in a row
    the code waits a minute, after 5 a quarter of an hour, after 10 it is blocked until the
    coach gives a new code. Raises ValidationError when the person may not come in."""
    now = timezone.now()
    with transaction.atomic():
        access = PortalAccess.objects.select_for_update().get(pk=access.pk)
        if not access.is_active:
            raise ValidationError(
                _("This code is blocked. Ask your coach for a new code."), code="blocked"
            )
        if access.is_locked(now):
            raise ValidationError(locked_message(access, now), code="locked")
        if not access.has_pin:
            raise ValidationError(_("Choose your PIN first."), code="no_pin")
        if pin_matches(pin.strip(), access.pin_hash):
            access.failed_attempts = 0
            access.locked_until = None
            access.last_used_at = now
            fields = ["failed_attempts", "locked_until", "last_used_at"]
            if not access.pin_hash.startswith(PIN_HASHER.algorithm + "$"):
                # A PIN of before: kept at the new cost from now on.
                access.pin_hash = pin_hash(pin.strip())
                fields.append("pin_hash")
            access.save(update_fields=fields)
            return access
        access.failed_attempts += 1
        fields = ["failed_attempts"]
        if access.failed_attempts >= BLOCK_AFTER:
            access.blocked_at = now
            fields.append("blocked_at")
        else:
            for after, wait in LOCKS:
                if access.failed_attempts >= after:
                    access.locked_until = now + wait
                    fields.append("locked_until")
                    break
        access.save(update_fields=fields)
    # Raised after the transaction, so the wrong try stays counted.
    if access.blocked_at:
        raise ValidationError(
            _("Too many wrong PINs. This code is blocked. Ask your coach for a new code."),
            code="blocked",
        )
    left = tries_left_message(access.failed_attempts)
    if access.is_locked(now):
        _left, block_next = tries_left(access.failed_attempts)
        # After the last pause every wrong PIN pauses: say how near the block is.
        message = locked_message(access, now)
        raise ValidationError(f"{message} {left}" if block_next else message, code="locked")
    raise ValidationError(f"{_('This PIN is not right. Try again.')} {left}", code="wrong")


def tries_left(failed_attempts: int) -> tuple[int, bool]:
    """How many more wrong PINs before the next pause or the block, and whether that next
    one is the block."""
    pauses = sorted(after for after, _wait in LOCKS if after > failed_attempts)
    if pauses:
        return pauses[0] - failed_attempts, False
    return BLOCK_AFTER - failed_attempts, True


def tries_left_message(failed_attempts: int) -> str:
    # "Tries left: 2", not "2 tries left": one form for every language, no plurals to get
    # wrong in a language the coach cannot read.
    left, block = tries_left(failed_attempts)
    if block:
        return _("Tries left before the code is blocked: %(count)s.") % {"count": left}
    return _("Tries left before a pause: %(count)s.") % {"count": left}


def locked_message(access: PortalAccess, now: datetime.datetime) -> str:
    """The time to come back, and how long that is from now, for someone who does not read
    the clock in the phone's corner."""
    until = timezone.localtime(access.locked_until)
    minutes = max(1, math.ceil((access.locked_until - now).total_seconds() / 60))
    return "{} {}".format(
        _("Too many wrong PINs. Try again after %(time)s.")
        % {"time": date_format(until, "TIME_FORMAT")},
        _("Wait %(minutes)s min.") % {"minutes": minutes},
    )
