"""EMAIL_URL: the mail relay in one variable (ops/email.py), so a centre can use its own
relay with a login and TLS instead of only localhost:25."""

import pytest

from ops.email import SMTP, EmailUrlError, parse_email_url


def test_a_submission_relay_with_starttls_a_login_and_a_timeout():
    assert parse_email_url("smtp://parcours:s3cret@relay.cpas.be:587?tls=1&timeout=20") == {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": "relay.cpas.be",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "parcours",
        "EMAIL_HOST_PASSWORD": "s3cret",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 20.0,
    }


def test_smtps_is_tls_from_the_first_byte_on_port_465():
    config = parse_email_url("smtps://user:pass@relay.cpas.be")
    assert (config["EMAIL_USE_SSL"], config["EMAIL_USE_TLS"], config["EMAIL_PORT"]) == (
        True,
        False,
        465,
    )


def test_user_and_password_are_url_decoded():
    """A password with @, : or / in it is written percent-encoded in the URL."""
    config = parse_email_url("smtp://parcours%40cpas.be:p%40ss%3Aw%2Frd@relay:25")
    assert config["EMAIL_HOST_USER"] == "parcours@cpas.be"
    assert config["EMAIL_HOST_PASSWORD"] == "p@ss:w/rd"


def test_an_internal_relay_without_login_waits_ten_seconds_at_most():
    """Django waits for ever by default; a hanging relay must not hang the page that sends."""
    config = parse_email_url("smtp://relay.cpas.local")
    assert config["EMAIL_PORT"] == 25
    assert config["EMAIL_HOST_USER"] == config["EMAIL_HOST_PASSWORD"] == ""
    assert config["EMAIL_TIMEOUT"] == 10.0


@pytest.mark.parametrize(
    "url, backend",
    [
        ("console:", "django.core.mail.backends.console.EmailBackend"),
        ("locmem:", "django.core.mail.backends.locmem.EmailBackend"),
        ("dummy:", "django.core.mail.backends.dummy.EmailBackend"),
    ],
)
def test_the_development_backends(url, backend):
    assert parse_email_url(url) == {"EMAIL_BACKEND": backend}


def test_the_file_backend_writes_into_the_folder_named():
    assert parse_email_url("file:///var/lib/parcours/mail") == {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": "/var/lib/parcours/mail",
    }


@pytest.mark.parametrize(
    "url, says",
    [
        ("relay.cpas.be:25", "must start with one of"),
        ("http://relay.cpas.be", "it starts with http:"),
        ("smtp://", "names no host"),
        ("smtp://relay:port", "port that is not a number"),
        ("smtp://relay?timeout=soon", "timeout must be a number"),
        ("smtps://relay?tls=1", "both tls and ssl"),
        ("file:", "needs a folder"),
    ],
)
def test_a_url_that_cannot_be_a_relay_is_refused_plainly(url, says):
    with pytest.raises(EmailUrlError, match=says):
        parse_email_url(url)


def test_the_refusal_never_repeats_the_password():
    with pytest.raises(EmailUrlError) as refusal:
        parse_email_url("smtp://user:hunter2-secret@relay:port")
    assert "hunter2" not in str(refusal.value)


def test_the_settings_read_email_url_and_the_senders(monkeypatch):
    """config/settings.py takes the relay, the sender and the error mails' sender and
    recipients from the environment."""
    import importlib

    import config.settings

    monkeypatch.setenv("EMAIL_URL", "smtp://u:p@relay.cpas.be:587?tls=true")
    monkeypatch.setenv("DJANGO_DEFAULT_FROM_EMAIL", "Parcours <parcours@cpas.be>")
    monkeypatch.setenv("PARCOURS_ADMINS", "IT CPAS <it@cpas.be>, Jan <jan@cpas.be>")
    try:
        values = importlib.reload(config.settings)
        assert (values.EMAIL_HOST, values.EMAIL_PORT, values.EMAIL_USE_TLS) == (
            "relay.cpas.be",
            587,
            True,
        )
        assert (values.EMAIL_HOST_USER, values.EMAIL_HOST_PASSWORD) == ("u", "p")
        assert values.DEFAULT_FROM_EMAIL == "Parcours <parcours@cpas.be>"
        assert values.SERVER_EMAIL == "Parcours <parcours@cpas.be>"
        assert values.ADMINS == [("IT CPAS", "it@cpas.be"), ("Jan", "jan@cpas.be")]
    finally:
        monkeypatch.undo()
        importlib.reload(config.settings)


def test_development_prints_mail_on_the_console(monkeypatch):
    import importlib

    import config.settings

    monkeypatch.delenv("EMAIL_URL", raising=False)
    monkeypatch.delenv("PARCOURS_ADMINS", raising=False)
    try:
        values = importlib.reload(config.settings)
        assert values.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"
        assert values.ADMINS == []
    finally:
        monkeypatch.undo()
        importlib.reload(config.settings)
