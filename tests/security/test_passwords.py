"""Passwords: Argon2id, length over composition, common and context words refused."""

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from config import settings as project
from demo.people import DEMO_PASSWORD


@pytest.fixture
def real_hashers(settings):
    settings.PASSWORD_HASHERS = project.PASSWORD_HASHERS


def test_argon2id_comes_first(real_hashers):
    """ASVS 5.0 V11.4.2: passwords are stored with an approved, costly key derivation
    function."""
    assert project.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    encoded = make_password("a long enough passphrase")
    assert encoded.startswith("argon2$argon2id$")
    assert identify_hasher(encoded).algorithm == "argon2"
    assert check_password("a long enough passphrase", encoded)


@pytest.mark.django_db
def test_an_older_hash_is_upgraded_at_sign_in(real_hashers, client, coach):
    """ASVS 5.0 V11.4.2: hashes made before are replaced at the next sign-in."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    user = coach.user
    user.password = PBKDF2PasswordHasher().encode("an older passphrase", "salt1234salt")
    user.save()
    client.post("/accounts/login/", {"username": "amina", "password": "an older passphrase"})
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")


def test_eleven_characters_are_too_short():
    """ASVS 5.0 V6.2.1: a minimum length (12 here)."""
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("kx7#vq!m2pl")
    validate_password("kx7#vq!m2plz")


@pytest.mark.parametrize("length", [64, 128, 200])
def test_long_passwords_are_welcome(length):
    """ASVS 5.0 V6.2.9: at least 64 characters allowed."""
    validate_password(("correct horse battery staple " * 10)[:length])


@pytest.mark.parametrize(
    "password", ["429518736041", "all lower case letters", "ÉLÈVE ÀÇÙ ÑØ ŒÆ", "مرحبا بكم جميعا"]
)
def test_any_composition_is_accepted(password):
    """ASVS 5.0 V6.2.5: no composition rules (digits only, no capitals, any script)."""
    validate_password(password)


@pytest.mark.parametrize("password", ["q1w2e3r4t5y6", "qwerty123456", "123456654321"])
def test_common_passwords_are_refused(password):
    """ASVS 5.0 V6.2.4: checked against a list of common passwords (Django's, 20,000)."""
    with pytest.raises(ValidationError, match="too common"):
        validate_password(password)


@pytest.mark.django_db
def test_a_password_like_the_user_name_is_refused(coach):
    """ASVS 5.0 V6.2.11: context words (the user's own name and address) are refused."""
    coach.user.email = "amina.benali@cpas-liege.be"
    with pytest.raises(ValidationError, match="too similar"):
        validate_password("amina.benali@cpas", user=coach.user)


def test_the_demo_password_still_passes():
    validate_password(DEMO_PASSWORD)
    assert len(DEMO_PASSWORD) >= 12


def test_the_password_is_checked_exactly_as_typed(real_hashers):
    """ASVS 5.0 V6.2.8: no truncation, no change of case."""
    encoded = make_password("A" * 80 + "b")
    assert not check_password("A" * 80, encoded)
    assert not check_password("a" * 80 + "b", encoded)
    assert check_password("A" * 80 + "b", encoded)
