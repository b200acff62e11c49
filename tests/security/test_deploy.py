"""The production settings pass Django's own deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def production_env(**extra) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PARCOURS_", "DATABASE_URL", "EMAIL_URL"))
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="a-production-secret-" + "k3y" * 20,
        DJANGO_ALLOWED_HOSTS="parcours.example.org",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://parcours.example.org",
        DJANGO_SETTINGS_MODULE="config.settings",
        # Never connected to by these checks.
        DATABASE_URL="postgres://parcours@db.example.org:5432/parcours",
        EMAIL_URL="smtp://parcours:secret@relay.example.org:587?tls=1",
        PARCOURS_BASE_URL="https://parcours.example.org",
    )
    env.update(extra)
    return {key: value for key, value in env.items() if value is not None}


def run(*args, **extra):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=production_env(**extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_production_settings():
    """ASVS 5.0 V13.4.2 (debug off), V3.4.1 (HSTS), V3.3.1 (Secure cookies), V13.3.1 (the
    secret from the environment): `check --deploy` finds nothing, not even a warning."""
    result = run("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_names_each_missing_production_setting():
    """`manage.py check` (and so migrate, at every upgrade) stops on what production lacks."""
    result = run("check", EMAIL_URL=None, PARCOURS_BASE_URL=None, DATABASE_URL=None)
    assert result.returncode != 0
    for problem in ["parcours.E003", "parcours.E004", "parcours.E006"]:
        assert problem in result.stderr, result.stderr
    assert "EMAIL_URL" in result.stderr and "PARCOURS_BASE_URL" in result.stderr


def test_the_web_server_refuses_to_start_with_a_setting_missing():
    """gunicorn loads config.wsgi and runs no check of its own: the app checks itself there,
    and the journal says which setting to set."""
    result = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=ROOT,
        env=production_env(EMAIL_URL="console:"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Parcours will not start until these settings are fixed" in result.stderr
    assert "Set EMAIL_URL to your mail relay" in result.stderr


def test_the_web_server_starts_with_the_production_settings():
    result = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_the_app_refuses_to_start_without_a_secret_key():
    """ASVS 5.0 V13.3.1: no built-in secret in production."""
    env = production_env()
    env.pop("DJANGO_SECRET_KEY")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_settings_turn_on_hsts_secure_cookies_and_https():
    """ASVS 5.0 V3.4.1, V3.3.1: HSTS with subdomains for a year; preload only when asked."""
    script = (
        "from django.conf import settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.PARCOURS_DEMO_SKIP_2FA)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["31536000", "True", "False", "True", "True", "True", "False"]
