"""Logging for whoever runs the server: everything to stderr (journald under systemd), server
errors mailed to ADMINS and, if set, posted to a chat webhook (config/settings.py LOGGING).

Error reports leave the server, so they carry what is needed to find the bug and nothing of the
people in the database: query strings and form values are blanked (a search or a form holds
names), and settings that hold a secret in a URL (the webhook, a relay password) are hidden.
"""

import json
import logging
import re
import socket
import urllib.request

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter


class ReportFilter(SafeExceptionReporterFilter):
    """Django's filter, which already hides passwords, cookies and secret settings, also hiding
    every form value, the query string and the webhook's address."""

    hidden_settings = re.compile(
        # Django's list, the settings that hold a secret in a URL, and the request headers
        # that repeat the query string (a search for a name is a name).
        "API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|WEBHOOK|EMAIL_URL|DATABASE_URL"
        "|QUERY_STRING|RAW_URI|REQUEST_URI|HTTP_REFERER",
        flags=re.IGNORECASE,
    )

    def get_post_parameters(self, request):
        if request is None or not self.is_active(request):
            return super().get_post_parameters(request)
        return {key: self.cleansed_substitute for key in request.POST}


class ErrorReporter(ExceptionReporter):
    """The error mail's body: Django's report with the query string's values blanked too."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if self.request is not None and self.filter.is_active(self.request):
            data["request_GET_items"] = [
                (key, self.filter.cleansed_substitute) for key in self.request.GET
            ]
            # The address without its query string, which holds the same values.
            data["request_insecure_uri"] = self.request.build_absolute_uri(self.request.path)
        return data


class WebhookHandler(logging.Handler):
    """Posts one line per error to a chat webhook (Mattermost, Slack, Teams, Rocket.Chat all
    read {"text": ...}): where and what kind of error, never its message, which may quote data.
    The details are in the server's log. A webhook that fails is reported on stderr and does
    not break the request."""

    def __init__(self, url: str = "", timeout: float = 5):
        super().__init__()
        self.url = url
        self.timeout = timeout

    def payload(self, record: logging.LogRecord) -> dict:
        where = getattr(getattr(record, "request", None), "path", "") or record.name
        kind = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else ""
        status = getattr(record, "status_code", "")
        text = f"Parcours on {socket.gethostname()}: {record.levelname} {status} {kind} at {where}"
        return {"text": " ".join(text.split())}

    def emit(self, record: logging.LogRecord) -> None:
        if not self.url:
            return
        try:
            request = urllib.request.Request(
                self.url,
                data=json.dumps(self.payload(record)).encode(),
                headers={"Content-Type": "application/json"},
                method="POST",
            )
            with urllib.request.urlopen(request, timeout=self.timeout):  # noqa: S310
                pass
        except Exception:
            self.handleError(record)


def logging_config(*, level: str, webhook_url: str) -> dict:
    """The LOGGING setting: one place so a test can read what production gets."""
    handlers = {
        "stderr": {"class": "logging.StreamHandler", "formatter": "plain"},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "reporter_class": "config.log.ErrorReporter",
        },
    }
    request_handlers = ["mail_admins"]
    if webhook_url:
        handlers["webhook"] = {
            "class": "config.log.WebhookHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "url": webhook_url,
        }
        request_handlers.append("webhook")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
        "formatters": {
            # journald stamps the time itself; the level and logger say what it is.
            "plain": {"format": "%(levelname)s %(name)s: %(message)s"},
        },
        "handlers": handlers,
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            # Django's own default would mail every error a second time: its messages go to
            # stderr through the root logger like everything else.
            "django": {"handlers": [], "level": level},
            # A server error (500) in a page, and in a background task.
            "django.request": {"handlers": request_handlers, "level": "ERROR"},
            "django_tasks": {"handlers": request_handlers, "level": level},
        },
    }
