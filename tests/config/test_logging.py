"""Logging (config/log.py): everything to stderr at DJANGO_LOG_LEVEL, server errors mailed to
ADMINS and posted to the optional webhook, and nothing of the people in Parcours in what leaves
the server."""

import json
import logging
import logging.config

import pytest
from django.conf import settings
from django.core import mail
from django.test import RequestFactory, override_settings

from config.log import WebhookHandler, logging_config


def test_everything_goes_to_stderr_at_the_level_asked():
    config = logging_config(level="INFO", webhook_url="")
    assert config["root"] == {"handlers": ["stderr"], "level": "INFO"}
    assert config["handlers"]["stderr"]["class"] == "logging.StreamHandler"
    # The default StreamHandler writes to stderr, which journald collects.
    assert "stream" not in config["handlers"]["stderr"]
    logging.config.dictConfig(config)
    logging.config.dictConfig(settings.LOGGING)


def test_server_errors_are_mailed_and_posted_only_in_production():
    config = logging_config(level="WARNING", webhook_url="https://chat.example.org/hooks/x")
    assert config["loggers"]["django.request"]["handlers"] == ["mail_admins", "webhook"]
    for name in ["mail_admins", "webhook"]:
        assert config["handlers"][name]["level"] == "ERROR"
        assert config["handlers"][name]["filters"] == ["require_debug_false"]
    # Failed background tasks (a report that could not be counted) too.
    assert config["loggers"]["django_tasks"]["handlers"] == ["mail_admins", "webhook"]


def test_without_a_webhook_nothing_is_posted():
    config = logging_config(level="WARNING", webhook_url="")
    assert "webhook" not in config["handlers"]
    assert config["loggers"]["django.request"]["handlers"] == ["mail_admins"]


def test_the_settings_read_the_level_and_the_webhook(monkeypatch):
    import importlib

    import config.settings

    monkeypatch.setenv("DJANGO_LOG_LEVEL", "info")
    monkeypatch.setenv("PARCOURS_ERROR_WEBHOOK_URL", "https://chat.example.org/hooks/x")
    try:
        values = importlib.reload(config.settings)
        assert values.LOGGING["root"]["level"] == "INFO"
        assert values.LOGGING["handlers"]["webhook"]["url"] == "https://chat.example.org/hooks/x"
    finally:
        monkeypatch.undo()
        importlib.reload(config.settings)


def failing_request():
    request = RequestFactory().post(
        "/participants/12/edit/?q=Benali",
        {"last_name": "Benali", "notes": "trauma therapy", "password": "x"},
    )
    request.COOKIES["sessionid"] = "the-session-key"
    return request


@pytest.mark.django_db
@override_settings(
    DEBUG=False,
    ADMINS=[("IT", "it@cpas.be")],
    PARCOURS_ERROR_WEBHOOK_URL="https://chat.example.org/hooks/s3cr3t",
    EMAIL_HOST_PASSWORD="relay-password",
)
def test_the_error_mail_has_no_form_values_query_values_or_secrets():
    request = failing_request()
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("django.request").error(
            "Internal Server Error: %s",
            request.path,
            exc_info=True,
            extra={"status_code": 500, "request": request},
        )
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "ValueError" in body and "/participants/12/edit/" in body
    for secret in [
        "Benali",
        "trauma therapy",
        "the-session-key",
        "s3cr3t",
        "relay-password",
    ]:
        assert secret not in body, secret


def test_the_filter_and_reporter_are_the_ones_django_uses(settings):
    assert settings.DEFAULT_EXCEPTION_REPORTER_FILTER == "config.log.ReportFilter"
    mail_admins = settings.LOGGING["handlers"]["mail_admins"]
    assert mail_admins["reporter_class"] == "config.log.ErrorReporter"


def test_the_webhook_says_where_and_what_kind_never_the_message(monkeypatch):
    posted = []

    class Response:
        def __enter__(self):
            return self

        def __exit__(self, *args):
            return False

    def urlopen(request, timeout):
        posted.append((request.full_url, json.loads(request.data), timeout))
        return Response()

    monkeypatch.setattr("urllib.request.urlopen", urlopen)
    handler = WebhookHandler(url="https://chat.example.org/hooks/x")
    try:
        raise KeyError("Benali")
    except KeyError:
        import sys

        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error: %s",
            ("/participants/12/",),
            sys.exc_info(),
        )
    record.request = failing_request()
    record.status_code = 500
    handler.handle(record)
    [(url, payload, timeout)] = posted
    assert url == "https://chat.example.org/hooks/x" and timeout == 5
    assert "ERROR 500 KeyError at /participants/12/edit/" in payload["text"]
    assert "Benali" not in payload["text"]


def test_a_webhook_that_fails_does_not_break_the_request(monkeypatch, capsys):
    def urlopen(request, timeout):
        raise OSError("connection refused")

    monkeypatch.setattr("urllib.request.urlopen", urlopen)
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "x", (), None)
    WebhookHandler(url="https://chat.example.org/hooks/x").handle(record)
    assert "connection refused" in capsys.readouterr().err
