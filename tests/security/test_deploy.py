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
        if not key.startswith(("DJANGO_", "PARCOURS_", "DATABASE_URL"))
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="a-production-secret-" + "k3y" * 20,
        DJANGO_ALLOWED_HOSTS="parcours.example.org",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://parcours.example.org",
        DJANGO_SETTINGS_MODULE="config.settings",
        **extra,
    )
    return env


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
