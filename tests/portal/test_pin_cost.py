"""The PIN check answers in under 300 ms, with a hash still salted and slow enough that a
stolen database gives up no PIN for free (docs/decisions/0020)."""

import time

from django.contrib.auth.hashers import make_password

from portal.models import PortalAccess
from portal.services import PIN_HASHER, pin_hash, portal_pin_check
from tests.portal.factories import make_access


def test_a_pin_check_takes_under_300_ms(participant):
    access, _code = make_access(participant=participant, pin=None)
    PortalAccess.objects.filter(pk=access.pk).update(pin_hash=pin_hash("2580"))
    start = time.perf_counter()
    portal_pin_check(access=access, pin="2580")
    assert time.perf_counter() - start < 0.3


def test_the_pin_hash_is_salted_and_costly():
    first, second = pin_hash("2580"), pin_hash("2580")
    assert first != second
    algorithm, iterations, _salt, _hash = first.split("$")
    assert algorithm == PIN_HASHER.algorithm and int(iterations) >= 100_000


def test_a_pin_of_before_still_opens_and_is_hashed_again(participant, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    access, _code = make_access(participant=participant, pin=None)
    PortalAccess.objects.filter(pk=access.pk).update(pin_hash=make_password("2580"))
    portal_pin_check(access=access, pin="2580")
    assert PortalAccess.objects.get().pin_hash.startswith(PIN_HASHER.algorithm + "$")
