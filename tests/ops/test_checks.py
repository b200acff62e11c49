"""The production settings check (ops/checks.py): with DEBUG off, every missing or unsafe
deploy-time setting is named with the variable to set, before migrate and when the web server
starts."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from ops.checks import (
    DEV_SECRET_KEY,
    production_settings_problems,
    refuse_to_start_if_misconfigured,
)


@pytest.fixture
def production(settings, monkeypatch):
    """Settings a centre may go live with; each test breaks one."""
    settings.DEBUG = False
    settings.SECRET_KEY = "a-production-secret-" + "k3y" * 20
    settings.ALLOWED_HOSTS = ["parcours.cpas.be"]
    # In place: the test database's connection is already made and stays as it is.
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", "django.db.backends.postgresql")
    settings.PARCOURS_ALLOW_SQLITE = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.PARCOURS_BEHIND_PROXY = True
    settings.CSRF_TRUSTED_ORIGINS = ["https://parcours.cpas.be"]
    settings.PARCOURS_BASE_URL = "https://parcours.cpas.be"
    settings.SMS_BACKEND = ""  # text messages off: production's default
    return settings


def problems():
    return {problem.id: problem for problem in production_settings_problems()}


def test_good_production_settings_pass(production):
    assert problems() == {}
    refuse_to_start_if_misconfigured()


@pytest.mark.parametrize("backend", ["console", "filebased", "locmem", "dummy"])
def test_text_messages_that_reach_nobody_are_a_warning(production, backend):
    production.SMS_BACKEND = f"sms.backends.{backend}.SmsBackend"
    assert "PARCOURS_SMS_BACKEND" in problems()["parcours.W007"].hint


def test_a_provider_for_text_messages_passes(production):
    production.SMS_BACKEND = "sms.backends.twilio.SmsBackend"
    assert problems() == {}


def test_the_development_secret_key_is_an_error(production):
    production.SECRET_KEY = DEV_SECRET_KEY
    assert "DJANGO_SECRET_KEY" in problems()["parcours.E001"].hint


def test_no_allowed_host_is_an_error_and_only_local_names_a_warning(production):
    production.ALLOWED_HOSTS = []
    assert "DJANGO_ALLOWED_HOSTS" in problems()["parcours.E002"].hint
    production.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    assert set(problems()) == {"parcours.W002"}


def test_sqlite_is_an_error_unless_chosen_on_purpose(production):
    production.DATABASES["default"]["ENGINE"] = "django.db.backends.sqlite3"
    problem = problems()["parcours.E003"]
    assert "DATABASE_URL" in problem.hint and "PARCOURS_ALLOW_SQLITE" in problem.hint
    production.PARCOURS_ALLOW_SQLITE = True
    assert problems() == {}


@pytest.mark.parametrize("kind", ["console", "locmem", "dummy"])
def test_mail_that_goes_nowhere_is_an_error(production, kind):
    production.EMAIL_BACKEND = f"django.core.mail.backends.{kind}.EmailBackend"
    problem = problems()["parcours.E004"]
    assert kind in problem.msg and "EMAIL_URL" in problem.hint


def test_mail_written_to_files_is_a_warning(production):
    production.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    production.EMAIL_FILE_PATH = "/var/lib/parcours/mail"
    assert set(problems()) == {"parcours.W004"}


def test_behind_a_proxy_without_trusted_origins_is_a_warning(production):
    production.CSRF_TRUSTED_ORIGINS = []
    assert "DJANGO_CSRF_TRUSTED_ORIGINS" in problems()["parcours.W005"].hint
    production.PARCOURS_BEHIND_PROXY = False
    assert problems() == {}


def test_the_address_for_links_in_mails_must_be_set_and_https(production):
    production.PARCOURS_BASE_URL = ""
    assert "PARCOURS_BASE_URL" in problems()["parcours.E006"].hint
    production.PARCOURS_BASE_URL = "http://parcours.cpas.be"
    assert set(problems()) == {"parcours.W006"}


def test_every_problem_says_where_the_settings_are_explained(production):
    production.SECRET_KEY = DEV_SECRET_KEY
    production.ALLOWED_HOSTS = []
    production.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    production.PARCOURS_BASE_URL = ""
    assert len(problems()) == 4
    assert all("docs/configuration.md" in problem.hint for problem in problems().values())


def test_manage_py_check_fails_in_production_naming_each_problem(production):
    """Django runs its checks before migrate and the other commands: an upgrade stops there."""
    production.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    production.PARCOURS_BASE_URL = ""
    with pytest.raises(SystemCheckError) as failure:
        call_command("check")
    assert "parcours.E004" in str(failure.value) and "parcours.E006" in str(failure.value)


def test_development_is_not_bothered(settings):
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    call_command("check")
    refuse_to_start_if_misconfigured()


def test_check_deploy_shows_the_problems_even_in_development(settings):
    """`check --deploy` with DEBUG on says what production would refuse."""
    settings.DEBUG = True
    settings.PARCOURS_BASE_URL = ""
    with pytest.raises(SystemCheckError, match="parcours.E006"):
        call_command("check", "--deploy", "--tag", "security")


def test_the_web_server_refuses_to_start_with_an_error_and_says_why(production, caplog):
    production.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    production.CSRF_TRUSTED_ORIGINS = []
    with pytest.raises(ImproperlyConfigured) as refusal:
        refuse_to_start_if_misconfigured()
    assert "Mail is not sent anywhere" in str(refusal.value)
    # The warning does not stop the start, but it is in the journal.
    assert "parcours.W005" in caplog.text
