"""What production needs before it serves anyone: a Django system check that names each missing
or unsafe setting in plain words, with the environment variable to set (docs/configuration.md).

With DEBUG off it runs with every check: `manage.py check`, before migrate and the other
commands that check, and when the web server loads the app (config/wsgi.py), which refuses to
start on an error; so a centre that forgot a setting reads which one in the journal instead of
finding out from a colleague. `check --deploy` shows the same list with DEBUG on.
"""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from ops.email import is_relay

DEV_SECRET_KEY = "local-development-only-not-a-secret"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
DOCS = "docs/configuration.md"

log = logging.getLogger("parcours.config")


def _error(id_: str, msg: str, hint: str) -> Error:
    return Error(msg, hint=f"{hint} ({DOCS})", id=f"parcours.E{id_}")


def _warning(id_: str, msg: str, hint: str) -> Warning:
    return Warning(msg, hint=f"{hint} ({DOCS})", id=f"parcours.W{id_}")


def production_settings_problems() -> list:
    """The problems of the current settings for production, whatever DEBUG says (the caller
    decides when they matter)."""
    problems = []
    if not settings.SECRET_KEY or settings.SECRET_KEY == DEV_SECRET_KEY:
        problems.append(
            _error(
                "001",
                "The secret key is the development one.",
                "Set DJANGO_SECRET_KEY to a long random value of your own.",
            )
        )
    hosts = set(settings.ALLOWED_HOSTS)
    if not hosts:
        problems.append(
            _error(
                "002",
                "No host name is allowed: every request would be refused.",
                "Set DJANGO_ALLOWED_HOSTS to the name people type, e.g. parcours.cpas.be.",
            )
        )
    elif hosts <= LOCAL_HOSTS:
        problems.append(
            _warning(
                "002",
                "Only this machine's own names are allowed: nobody can reach Parcours by its name.",
                "Set DJANGO_ALLOWED_HOSTS to the name people type, e.g. parcours.cpas.be.",
            )
        )
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine.endswith("sqlite3") and not settings.PARCOURS_ALLOW_SQLITE:
        problems.append(
            _error(
                "003",
                "The database is the SQLite file, not PostgreSQL.",
                "Set DATABASE_URL=postgres://… , or PARCOURS_ALLOW_SQLITE=true for a small "
                "installation that chose SQLite on purpose.",
            )
        )
    if not is_relay(settings.EMAIL_BACKEND):
        scheme = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
        if scheme == "filebased":
            problems.append(
                _warning(
                    "004",
                    f"Mail is written to files in {settings.EMAIL_FILE_PATH}, not sent: "
                    "invitations and password resets reach nobody unless you deliver them.",
                    "Set EMAIL_URL to your mail relay, e.g. smtp://user:password@relay:587?tls=1.",
                )
            )
        else:
            problems.append(
                _error(
                    "004",
                    f"Mail is not sent anywhere (EMAIL_URL is {scheme}): invitations and "
                    "password resets would never arrive.",
                    "Set EMAIL_URL to your mail relay, e.g. smtp://user:password@relay:587?tls=1.",
                )
            )
    if settings.PARCOURS_BEHIND_PROXY and not settings.CSRF_TRUSTED_ORIGINS:
        problems.append(
            _warning(
                "005",
                "Behind a proxy, but no trusted origin is set: every form is refused unless the "
                "proxy passes the original Host header.",
                "Set DJANGO_CSRF_TRUSTED_ORIGINS to the address people use, e.g. "
                "https://parcours.cpas.be.",
            )
        )
    base_url = settings.PARCOURS_BASE_URL
    if not base_url:
        problems.append(
            _error(
                "006",
                "The address of Parcours is not set: links in mails (invitations, password "
                "resets) cannot be written.",
                "Set PARCOURS_BASE_URL to the address people use, e.g. https://parcours.cpas.be.",
            )
        )
    elif urlsplit(base_url).scheme != "https":
        problems.append(
            _warning(
                "006",
                f"The address of Parcours ({base_url}) is not https: links in mails would "
                "send people to an unencrypted page.",
                "Set PARCOURS_BASE_URL to the https address people use.",
            )
        )
    sms_backend = settings.SMS_BACKEND
    if sms_backend and sms_backend.rsplit(".", 2)[-2] in NOT_SENT_SMS:
        problems.append(
            _warning(
                "007",
                f"Text messages are not sent ({sms_backend}): participants who agreed to "
                "reminders receive nothing.",
                "Set PARCOURS_SMS_BACKEND to your provider's backend, or leave it empty to "
                "turn text messages off.",
            )
        )
    return problems


# django-sms backends that keep, print or drop messages: for development and tests.
NOT_SENT_SMS = {"console", "filebased", "locmem", "dummy"}


@register(Tags.security)
def production_settings(app_configs=None, **kwargs) -> list:
    """With DEBUG off: on every check, so at start-up and before migrate."""
    return [] if settings.DEBUG else production_settings_problems()


@register(Tags.security, deploy=True)
def production_settings_for_deploy(app_configs=None, **kwargs) -> list:
    """`check --deploy` with DEBUG on, to see what production would say; with DEBUG off the
    check above has said it already."""
    return production_settings_problems() if settings.DEBUG else []


def refuse_to_start_if_misconfigured() -> None:
    """Called by config/wsgi.py: gunicorn does not run Django's checks, so the web server would
    otherwise start with a setting missing. Warnings go to the log; errors stop the start, each
    named in the message the journal shows."""
    if settings.DEBUG:
        return
    problems = production_settings_problems()
    for problem in problems:
        log.log(
            logging.ERROR if problem.is_serious() else logging.WARNING,
            "%s: %s %s",
            problem.id,
            problem.msg,
            problem.hint,
        )
    errors = [problem for problem in problems if problem.is_serious()]
    if errors:
        raise ImproperlyConfigured(
            "Parcours will not start until these settings are fixed:\n"
            + "\n".join(f"- {error.msg} {error.hint}" for error in errors)
        )
