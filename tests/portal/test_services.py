import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.models import PortalAccess, hash_code
from portal.services import (
    BLOCK_AFTER,
    CODE_LENGTH,
    access_for_code,
    format_code,
    portal_access_issue,
    portal_access_revoke,
    portal_pin_check,
    portal_pin_choose,
)
from tests.portal.factories import PIN, make_access


def test_a_code_is_kept_only_as_its_hash(participant, coach):
    access, code = portal_access_issue(participant=participant, by=coach.user)
    assert len(code) == CODE_LENGTH
    assert access.code_hash == hash_code(code)
    assert code not in str(PortalAccess.objects.values_list().get(pk=access.pk))
    assert access_for_code(code) == access
    # Read aloud or typed from paper: spaces, dashes and lower case do not matter.
    assert access_for_code(format_code(code).lower().replace(" ", "-")) == access


def test_a_new_code_revokes_the_previous_one(participant, coach):
    first, first_code = portal_access_issue(participant=participant, by=coach.user)
    second, second_code = portal_access_issue(participant=participant, by=coach.user)
    first.refresh_from_db()
    assert first.revoked_at is not None and first.revoked_by == coach.user
    assert access_for_code(first_code) is None
    assert access_for_code(second_code) == second


def test_revoking_stops_the_code(participant, coach):
    access, code = make_access(participant=participant)
    portal_access_revoke(access=access, by=coach.user)
    assert access_for_code(code) is None


@pytest.mark.parametrize(
    ("pin", "again", "code"),
    [
        ("12a4", "12a4", "pin_shape"),
        ("123", "123", "pin_shape"),
        ("1234567", "1234567", "pin_shape"),
        ("1111", "1111", "pin_easy"),
        ("1234", "1234", "pin_easy"),
        ("9876", "9876", "pin_easy"),
        ("2580", "2581", "pin_again"),
    ],
)
def test_a_pin_must_be_hard_enough_and_typed_twice(participant, pin, again, code):
    access, _code = make_access(participant=participant, pin=None)
    with pytest.raises(ValidationError) as refused:
        portal_pin_choose(access=access, pin=pin, pin_again=again)
    assert refused.value.code == code
    access.refresh_from_db()
    assert not access.has_pin


def test_a_pin_is_chosen_once(participant):
    access, _code = make_access(participant=participant, pin=None)
    access = portal_pin_choose(access=access, pin="2580", pin_again="2580")
    assert access.has_pin and "2580" not in access.pin_hash
    with pytest.raises(ValidationError) as refused:
        portal_pin_choose(access=access, pin="3691", pin_again="3691")
    assert refused.value.code == "has_pin"


def _wrong(access, times):
    """Wrong PINs typed one after the other, each once the previous wait is over."""
    for _ in range(times):
        PortalAccess.objects.filter(pk=access.pk).update(locked_until=None)
        with pytest.raises(ValidationError):
            portal_pin_check(access=access, pin="0000")
    access.refresh_from_db()
    return access


def test_the_right_pin_lets_in_and_clears_the_count(participant):
    access, _code = make_access(participant=participant)
    access = _wrong(access, 2)
    assert access.failed_attempts == 2 and access.locked_until is None
    portal_pin_check(access=access, pin=PIN)
    access.refresh_from_db()
    assert access.failed_attempts == 0 and access.last_used_at is not None


def test_three_wrong_pins_wait_a_minute_five_a_quarter_of_an_hour(participant):
    access, _code = make_access(participant=participant)
    access = _wrong(access, 3)
    wait = access.locked_until - timezone.now()
    assert datetime.timedelta(seconds=50) < wait <= datetime.timedelta(minutes=1)
    # While locked even the right PIN is refused, and the try is not counted.
    with pytest.raises(ValidationError) as refused:
        portal_pin_check(access=access, pin=PIN)
    assert refused.value.code == "locked"
    access.refresh_from_db()
    assert access.failed_attempts == 3

    access = _wrong(access, 2)
    wait = access.locked_until - timezone.now()
    assert datetime.timedelta(minutes=14) < wait <= datetime.timedelta(minutes=15)


def test_ten_wrong_pins_block_the_code_until_a_new_one(participant, coach):
    access, code = make_access(participant=participant)
    access = _wrong(access, BLOCK_AFTER - 1)
    assert access.blocked_at is None
    access = _wrong(access, 1)
    assert access.blocked_at is not None
    assert access_for_code(code) is None
    with pytest.raises(ValidationError) as refused:
        portal_pin_check(access=access, pin=PIN)
    assert refused.value.code == "blocked"
    # The coach's new code works again.
    new, new_code = portal_access_issue(participant=participant, by=coach.user)
    assert access_for_code(new_code) == new
