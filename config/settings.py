"""Parcours settings: everything comes from the environment, with safe local defaults.

Local development needs no variable at all. Production sets those docs/configuration.md lists
as required; ops/checks.py names any that is missing.
"""

import datetime
import importlib.util
import os
from email.utils import getaddresses
from pathlib import Path

import dj_database_url
import django.conf.locale

from config.log import logging_config
from ops.email import parse_email_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
# The fallback key is only usable with DEBUG on; production must set its own.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false")
    SECRET_KEY = "local-development-only-not-a-secret"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "template_partials",
    "django_filters",
    "django_countries",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "audit",
    "programme",
    "participants",
    "trajectory",
    "evaluations",
    "sessions.apps.SessionsConfig",
    "casefile",
    "portal",
    "reports",
    "rights",
    "demo",
    "ops",
]

MIDDLEWARE = [
    "programme.security.ProxyAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "programme.security.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "portal.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "programme.security.StaffSessionMiddleware",
    "programme.security.SecondFactorMiddleware",
    "programme.security.RefusedAccessMiddleware",
    "audit.middleware.AuditOriginMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "programme.context_processors.staff",
                "config.context_processors.staff_languages",
            ],
            "builtins": [
                "programme.templatetags.icons",
                "template_partials.templatetags.partials",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
# SQLite in production only by an explicit choice (ops/checks.py).
PARCOURS_ALLOW_SQLITE = env_bool("PARCOURS_ALLOW_SQLITE", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one request writes; IMMEDIATE takes the write lock up front
    # so a transaction that reads then writes waits for its turn instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
FORM_RENDERER = "config.forms.FormRenderer"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Length over composition (ASVS 5.0 V6.2): at least 12 characters, any characters, no upper
# limit below 64, common and context words refused. Django's NumericPasswordValidator is left
# out: refusing digits-only passwords is a composition rule.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Argon2id first; the others only read hashes made before (they are upgraded at next sign-in).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# django-axes refuses a locked-out sign-in before any password is checked (docs/deployment.md).
# Then Django's own check of the password; the session's user comes with their staff record.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "programme.backends.StaffModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "fr"
# The staff pages speak the national languages and English; the participant's phone pages
# (portal) also speak the languages of the people the programmes serve. LocaleMiddleware only
# activates what LANGUAGES lists, and portal.middleware keeps staff pages to STAFF_LANGUAGES.
STAFF_LANGUAGES = [("fr", "Français"), ("nl", "Nederlands"), ("en", "English")]
PORTAL_LANGUAGES = [
    *STAFF_LANGUAGES,
    ("ar", "العربية"),
    ("ti", "ትግርኛ"),
    ("prs", "دری"),
    ("ps", "پښتو"),
    ("so", "Soomaali"),
    ("uk", "Українська"),
]
LANGUAGES = PORTAL_LANGUAGES
# Languages Django itself does not describe: their names and writing direction.
EXTRA_LANG_INFO = {
    "ti": {"bidi": False, "code": "ti", "name": "Tigrinya", "name_local": "ትግርኛ"},
    "prs": {"bidi": True, "code": "prs", "name": "Dari", "name_local": "دری"},
    "ps": {"bidi": True, "code": "ps", "name": "Pashto", "name_local": "پښتو"},
    "so": {"bidi": False, "code": "so", "name": "Somali", "name_local": "Soomaali"},
}
django.conf.locale.LANG_INFO.update(EXTRA_LANG_INFO)
LANGUAGES_BIDI = ["he", "ar", "ar-dz", "ckb", "fa", "ug", "ur", "prs", "ps"]
FORMAT_MODULE_PATH = ["config.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# The mail relay as one URL (ops/email.py, docs/configuration.md); development prints mail
# on the console. The production check (ops/checks.py) refuses anything but a relay.
EMAIL_URL = os.environ.get("EMAIL_URL", "console:")
_email = parse_email_url(EMAIL_URL)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = _email.get("EMAIL_TIMEOUT")
EMAIL_FILE_PATH = _email.get("EMAIL_FILE_PATH")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "parcours@localhost")
# The sender of the error mails to ADMINS; many relays refuse a sender outside their domain.
SERVER_EMAIL = os.environ.get("DJANGO_SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Who receives a mail for every server error: "Name <address>, Name <address>".
ADMINS = [
    (name, address)
    for name, address in getaddresses([os.environ.get("PARCOURS_ADMINS", "")])
    if address
]
# Text messages to participants (django-sms; sessions.sms, docs/configuration.md): the day
# before a session and when one moves or is cancelled, only with the person's consent.
# Development prints them on the console; production names a provider's backend
# (sms.backends.twilio.SmsBackend, sms.backends.messagebird.SmsBackend) or leaves it empty:
# then no text message is sent or logged at all.
SMS_BACKEND = os.environ.get(
    "PARCOURS_SMS_BACKEND", "sms.backends.console.SmsBackend" if DEBUG else ""
)
SMS_FILE_PATH = os.environ.get("PARCOURS_SMS_FILE_PATH", "")
# The sender shown on the phone: a short name (up to 11 letters) or a number, as the
# provider allows.
DEFAULT_FROM_SMS = os.environ.get("PARCOURS_SMS_FROM", "Parcours")
TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
MESSAGEBIRD_ACCESS_KEY = os.environ.get("MESSAGEBIRD_ACCESS_KEY", "")
# Numbers typed without a country code are read as numbers of this country.
PARCOURS_SMS_REGION = os.environ.get("PARCOURS_SMS_REGION", "BE")
# The address in the links of invitation and password mails (https://parcours.example.be);
# empty: the host the request came to (a management command then needs it set).
PARCOURS_BASE_URL = os.environ.get("PARCOURS_BASE_URL", "")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "programme.security.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HTTPS only in production: HSTS for a year on every subdomain (preload is a promise to the
# browsers that is hard to take back, so it is the deployer's choice).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# The monitoring may ask the app server directly, over plain HTTP on the loopback.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
# Preload is left to the deployer (above), so Django's reminder about it is not a warning here.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Behind nginx or Caddy, which terminate TLS and set these headers (docs/deployment.md).
PARCOURS_BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
if PARCOURS_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Staff sessions end after this much inactivity and after this lifetime, whatever the activity
# (programme.security.StaffSessionMiddleware). Portal sessions keep their own rules (portal/).
PARCOURS_STAFF_IDLE_MINUTES = int(os.environ.get("PARCOURS_STAFF_IDLE_MINUTES", "30"))
PARCOURS_STAFF_MAX_HOURS = int(os.environ.get("PARCOURS_STAFF_MAX_HOURS", "10"))
# Managers and administrators must set up an authenticator app; coaches may. The demo waives
# the set-up (not the code, for whoever has set an app up) only while DEBUG is on.
PARCOURS_DEMO_SKIP_2FA = env_bool("PARCOURS_DEMO_SKIP_2FA", DEBUG)
OTP_TOTP_ISSUER = "Parcours"

# Sign-in throttling (django-axes, docs/deployment.md): five failures lock the user name, and
# twenty, of any user names, the address (an office signs in from one address:
# docs/decisions/0015-sign-in-lock-out-thresholds.md), for 15 minutes counted from the
# lock-out, however often someone keeps trying, so nobody can lock a colleague out for good.
# Counted in the database, so every app process sees the same count.
AXES_HANDLER = "programme.security.SignInThrottle"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = int(os.environ.get("PARCOURS_SIGN_IN_FAILURES", "5"))
PARCOURS_SIGN_IN_FAILURES_PER_ADDRESS = int(
    os.environ.get("PARCOURS_SIGN_IN_FAILURES_PER_ADDRESS", "20")
)
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=int(os.environ.get("PARCOURS_LOCKOUT_MINUTES", "15"))
)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "programme.security.locked_out"
AXES_CLIENT_IP_CALLABLE = "programme.security.client_ip"
AXES_VERBOSE = False

COUNTRIES_FIRST = ["BE", "SY", "AF", "ER", "IQ", "IR", "TR", "YE", "SD", "UA", "SO", "MA", "CD"]

CASELOAD_PAGE_SIZE = 25
# Funder outputs show a count below this as "< 5", so nobody can be recognised in a small cell.
REPORT_SMALL_COUNT = int(os.environ.get("PARCOURS_REPORT_SMALL_COUNT", "5"))

# Background work (report snapshots). Development runs tasks at once, inside the request, so
# `make run` needs no worker; production sets django_tasks_db.DatabaseBackend and runs
# `manage.py run_worker` (db_worker with a heartbeat, ops/) beside the web processes.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "PARCOURS_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}
# The grouping proposal posts one field per person waiting to be placed.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# N+1 detection (django-zeal, a test dependency): where it is installed, its app watches the
# querysets, and the test suite turns detection on for every test (tests/conftest.py), so a
# new N+1 query fails the suite. Without a zeal_context nothing is checked, so installing it
# costs production nothing; it is simply absent there.
if importlib.util.find_spec("zeal") is not None:
    INSTALLED_APPS.append("zeal")
    ZEAL_RAISE = True
    ZEAL_SHOW_ALL_CALLERS = False
    ZEAL_ALLOWLIST = [
        # Django's own session store reads its row again when a view signs someone in or out.
        {"model": "sessions.Session"},
        # Writes, not lists: .set() on the coaches of each group a grouping proposal creates
        # (one per group made), and on the facilitators of a series changed from a date.
        {"model": "activities.Group", "field": "coaches"},
        {"model": "activities.Series", "field": "facilitators"},
        # group_add_members reads each new group once when a proposal creates several.
        {"model": "activities.Group", "field": "get()"},
        # Confirming a proposal admits each waiting-list person it places: one status change
        # each, with its own history row and to-dos, read and locked one at a time.
        {"model": "participants.Enrolment", "field": "get()"},
    ]

# The API (docs/decisions/0007-api.md): a personal key or the browser session (with its CSRF
# check), the pages' access rules and FilterSets, page numbers, JSON only.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "programme.api_auth.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["programme.api_auth.StaffOnly"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Parcours API",
    "DESCRIPTION": (
        "Participants, enrolments, sessions, attendance, evaluations, placements, referrals "
        "and follow-up calls of the programmes within the signed-in user's reach. Sign in "
        "with a personal API key (`Authorization: Bearer prc_…`) or the browser session."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "programme.api.document_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "EnrolmentStatusEnum": "participants.models.Enrolment.Status",
        "ReferralStatusEnum": "trajectory.models.Referral.Status",
        "FollowUpCallStatusEnum": "evaluations.models.FollowUpCall.Status",
        "AttendanceStatusEnum": "sessions.models.Attendance.Status",
        "PlacementOutcomeEnum": "trajectory.models.Placement.Outcome",
        "CallOutcomeEnum": "evaluations.models.CallAttempt.Outcome",
        # One name for a choice set that several fields share, rather than one per field.
        "CefrLevelEnum": "evaluations.models.Cefr",
        "CountryEnum": "django_countries.countries",
        "SchoolingEnum": "participants.choices.Schooling",
        "ParticipantLanguageEnum": "participants.choices.LANGUAGES",
        "OutcomeLevelEnum": "programme.outcomes.LEVEL_NAMES.items",
        # What a coach may record; "expected" is only the state before anyone has.
        "RecordedAttendanceStatusEnum": "sessions.api.RECORDABLE",
    },
}

# Everything to stderr (journald keeps it under systemd); server errors also mailed to ADMINS
# and posted to the optional webhook, without form values or query strings (config/log.py).
PARCOURS_ERROR_WEBHOOK_URL = os.environ.get("PARCOURS_ERROR_WEBHOOK_URL", "")
LOGGING = logging_config(
    level=os.environ.get("DJANGO_LOG_LEVEL", "WARNING").upper(),
    webhook_url=PARCOURS_ERROR_WEBHOOK_URL,
)
DEFAULT_EXCEPTION_REPORTER_FILTER = "config.log.ReportFilter"
