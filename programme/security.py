"""Hardening that applies to every page: response headers, staff session limits, the second
factor, and the log of refused access (docs/deployment.md, ASVS 5.0 level 2)."""

import logging
import time

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_lockout_parameters
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.db.models import Sum
from django.dispatch import receiver
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.csrf import csrf_failure as django_csrf_failure

from audit import services as audit_services
from programme import two_factor

# The logger line is written as well as the audit row, for whoever watches the server's logs.
log = logging.getLogger("parcours.audit")

# No inline script, no plugin, nothing from elsewhere. Style attributes stay allowed: a few
# bars set their width through a CSS variable, and they cannot run anything.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


# Powerful browser features no page of Parcours uses, refused for the pages and anything they
# might embed: a participant's file must never be able to turn on a camera or read a position.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in [
        "accelerometer",
        "autoplay",
        "bluetooth",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ]
)


def client_ip(request) -> str | None:
    """The address a request comes from: REMOTE_ADDR, which the WSGI server sets from the proxy
    in front of it (docs/deployment.md), so nobody can forge it with a header."""
    return request.META.get("REMOTE_ADDR") or None


class SignInThrottle(AxesDatabaseHandler):
    """django-axes' database handler with a limit for each lock-out parameter: a user name is
    locked after AXES_FAILURE_LIMIT failures, an address only after
    PARCOURS_SIGN_IN_FAILURES_PER_ADDRESS, because a CPAS office signs in from one address and
    one person's forgotten password must not lock out every colleague there
    (docs/decisions/0015-sign-in-lock-out-thresholds.md).

    django-axes compares one number, the highest count of any parameter, with one limit. So each
    count is put on that limit's scale: a count that reaches its own limit reaches
    AXES_FAILURE_LIMIT."""

    def get_failures(self, request, credentials=None) -> int:
        limits = {
            "username": settings.AXES_FAILURE_LIMIT,
            "ip_address": settings.PARCOURS_SIGN_IN_FAILURES_PER_ADDRESS,
        }
        parameters = get_lockout_parameters(request, credentials)
        worst = 0
        for parameter, attempts in zip(
            parameters, self.get_user_attempts(request, credentials), strict=True
        ):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            # A combined parameter (a list, e.g. user name and address together) keeps the
            # account's limit.
            limit = (
                limits.get(parameter, settings.AXES_FAILURE_LIMIT)
                if isinstance(parameter, str)
                else settings.AXES_FAILURE_LIMIT
            )
            worst = max(worst, failures - limit + settings.AXES_FAILURE_LIMIT)
        return worst


class ProxyAddressMiddleware:
    """Behind nginx or Caddy (DJANGO_BEHIND_PROXY), the client's address is the last entry of
    X-Forwarded-For, which our proxy overwrites: without this every request would seem to come
    from the proxy, and one lock-out by address would lock everybody out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.PARCOURS_BEHIND_PROXY:
            forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
            if forwarded:
                request.META["REMOTE_ADDR"] = forwarded.split(",")[-1].strip()
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """The Content Security Policy and the Permissions Policy on every response, and
    `Cache-Control: no-store` on every page the app builds, so nobody finds a participant's
    file in a shared computer's cache. Static files are served before this runs (WhiteNoise)
    and keep their long caching; a view that chose its own caching (the calendar feed) keeps
    it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if "Cache-Control" not in response.headers:
            patch_cache_control(response, no_store=True, private=True)
        return response


class StaffSessionMiddleware:
    """A staff session ends after PARCOURS_STAFF_IDLE_MINUTES without a request and after
    PARCOURS_STAFF_MAX_HOURS in all. The last-seen time is written at most once a minute, so a
    busy page costs no extra write."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.get(two_factor.STARTED)
            seen = request.session.get(two_factor.SEEN)
            idle = settings.PARCOURS_STAFF_IDLE_MINUTES * 60
            if started is None or seen is None:
                two_factor.start_session(request)
            elif now - seen > idle or now - started > settings.PARCOURS_STAFF_MAX_HOURS * 3600:
                logout(request)
                return redirect_to_login(request.get_full_path())
            elif now - seen >= 60:
                request.session[two_factor.SEEN] = now
                request.session.set_expiry(idle)
        return self.get_response(request)


class SecondFactorMiddleware:
    """Someone signed in with a password but not yet with their authenticator app reaches only
    the second-factor pages and signing out. The session says what is missing (set at sign-in,
    programme.two_factor), so a page costs no query for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        missing = request.session.get(two_factor.STATE, "")
        if missing not in {two_factor.SET_UP, two_factor.VERIFY}:
            return None
        match = request.resolver_match
        if match is None or match.view_name in two_factor.OPEN_VIEWS:
            return None
        target = "account:two-factor-setup" if missing == two_factor.SET_UP else "account:verify"
        return redirect_to_login(request.get_full_path(), target)


class RefusedAccessMiddleware:
    """Logs a 404 or 403 answered to a signed-in user: the access helpers answer 404 to
    whatever is out of the user's reach, so this is how a refused access shows."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in {403, 404} and request.user.is_authenticated:
            access_refused(request, f"{response.status_code} {request.method} {request.path}")
        return response


def access_refused(request, note: str) -> None:
    log.warning(
        "access refused: user=%s ip=%s %s",
        getattr(request.user, "pk", None),
        client_ip(request),
        note[:300],
    )
    audit_services.access_refused(request, note[:300])


def sign_in_failed(request, username: str, note: str = "") -> None:
    # The user name only, cut short, never the password; a user name typed in the password box
    # by mistake is as short-lived as the log line.
    log.warning(
        "sign-in failed%s: username=%r ip=%s", note, (username or "")[:150], client_ip(request)
    )
    if request is not None:
        audit_services.sign_in_failed(request, f"{username or ''}{note}"[:150])


@receiver(user_login_failed)
def _log_failed_sign_in(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    sign_in_failed(request, credentials.get("username", ""))


def csrf_failure(request, reason=""):
    """A refused form (403): logged, then Django's own explanation."""
    user = getattr(request, "user", None)
    log.warning(
        "csrf refused: user=%s ip=%s %s %s (%s)",
        getattr(user, "pk", None),
        client_ip(request),
        request.method,
        request.path[:200],
        reason,
    )
    audit_services.access_refused(request, f"CSRF {request.method} {request.path}"[:300])
    return django_csrf_failure(request, reason=reason)


@receiver(user_locked_out)
def _log_lock_out(sender, request=None, username=None, ip_address=None, **kwargs):
    if request is None:
        return
    sign_in_failed(request, username or "", note=" (locked out)")


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out sign-in: 429, and when to try again."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
