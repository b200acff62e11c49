"""Who is signed in to the portal, and in which language.

The participant is not a Django user: a portal session holds their id and the id of the code
they came in with, under keys of its own. Staff views look only at request.user, so a portal
session opens nothing there; portal views look only at these keys and refuse a browser that
is also signed in as staff, so a staff session opens nothing here. Revoking or blocking the
code ends every portal session made with it, at the next page.
"""

import time
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from portal.models import PortalAccess

PARTICIPANT = "portal_participant"
ACCESS = "portal_access"
PENDING = "portal_pending"  # the code opened, before the PIN
LANGUAGE = "portal_language"
OWN_PHONE = "portal_own_phone"
SEEN = "portal_seen"
DONE = "portal_done"  # steps ticked off on this phone a moment ago, that it may still undo
# The language stays on the phone beyond the session: after a sign-out, a revoked code or a
# block, the person still reads the pages that tell them what happened in their language.
COOKIE = "portal_language"
COOKIE_SECONDS = 365 * 24 * 3600
KEYS = (PARTICIPANT, ACCESS, PENDING, OWN_PHONE, SEEN, DONE)

# On the person's own phone the portal stays open for months; on a shared phone it closes
# after half an hour without use.
OWN_PHONE_SECONDS = 180 * 24 * 3600
SHARED_PHONE_SECONDS = 30 * 60

# A participant whose language the portal does not speak gets the closest one it does.
CLOSEST = {"fa": "prs"}


def portal_languages() -> list[str]:
    return [code for code, _name in settings.PORTAL_LANGUAGES]


def language_for(request, participant=None) -> str:
    """Their own choice on this phone (this session, else the last one), else the language
    their coach recorded, else what the browser asks for (LocaleMiddleware), else the
    default."""
    available = portal_languages()
    for chosen in (request.session.get(LANGUAGE), request.COOKIES.get(COOKIE)):
        if chosen in available:
            return chosen
    if participant is not None:
        preferred = CLOSEST.get(participant.portal_language, participant.portal_language)
        if preferred in available:
            return preferred
    current = translation.get_language()
    return current if current in available else settings.LANGUAGE_CODE


def activate(request, language: str) -> None:
    translation.activate(language)
    request.LANGUAGE_CODE = language


def remember_language(request, response, language: str) -> None:
    """Keep the language on the phone for the pages that come after the session."""
    if request.COOKIES.get(COOKIE) != language:
        response.set_cookie(
            COOKIE,
            language,
            max_age=COOKIE_SECONDS,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
        )


def sign_in(request, access: PortalAccess, *, own_phone: bool) -> None:
    """A new session key, so a session id seen before the PIN is worth nothing after it."""
    language = request.session.get(LANGUAGE)
    if request.user.is_authenticated:
        # One browser is either a coach's or a participant's, never both at once.
        logout(request)
    request.session.cycle_key()
    for key in KEYS:
        request.session.pop(key, None)
    request.session[PARTICIPANT] = access.participant_id
    request.session[ACCESS] = access.pk
    request.session[OWN_PHONE] = own_phone
    request.session[SEEN] = int(time.time())
    if language:
        request.session[LANGUAGE] = language
    request.session.set_expiry(OWN_PHONE_SECONDS if own_phone else SHARED_PHONE_SECONDS)


# "I did it" can be taken back for a few minutes, on the phone that said it; after that the
# tick is final there and only the coach can change it.
UNDO_SECONDS = 5 * 60


def recently_done(request) -> set[int]:
    """The steps this phone ticked off less than UNDO_SECONDS ago."""
    now = time.time()
    return {
        int(pk) for pk, when in request.session.get(DONE, {}).items() if now - when < UNDO_SECONDS
    }


def remember_done(request, step_id: int) -> None:
    now = time.time()
    kept = {
        pk: when for pk, when in request.session.get(DONE, {}).items() if now - when < UNDO_SECONDS
    }
    kept[str(step_id)] = int(now)
    request.session[DONE] = kept


def forget_done(request, step_id: int) -> None:
    kept = dict(request.session.get(DONE, {}))
    kept.pop(str(step_id), None)
    request.session[DONE] = kept


def sign_out(request) -> None:
    request.session.flush()


@receiver(user_logged_in)
def _staff_login_ends_portal_session(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        for key in (*KEYS, LANGUAGE):
            request.session.pop(key, None)


def portal_page(view):
    """A portal page open to anyone (code, PIN, language): in the portal's languages."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        activate(request, language_for(request))
        return view(request, *args, **kwargs)

    wrapper.portal_view = True
    return wrapper


def participant_required(view):
    """Signed in to the portal: sets request.participant and request.portal_access, or sends
    the person to the page where they open their code."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        was_signed_in = request.session.get(PARTICIPANT) is not None
        access = current_access(request)
        if access is None:
            activate(request, language_for(request))
            if was_signed_in and not request.user.is_authenticated:
                messages.info(
                    request, _("Your code no longer works on this phone. Ask your coach.")
                )
            return redirect("portal:start")
        request.portal_access = access
        request.participant = access.participant
        activate(request, language_for(request, access.participant))
        if not request.session.get(OWN_PHONE):
            # Use keeps a shared phone's half hour going; saved once a minute at most, not
            # at every page.
            now = int(time.time())
            if now - request.session.get(SEEN, 0) >= 60:
                request.session[SEEN] = now
        response = view(request, *args, **kwargs)
        remember_language(request, response, request.LANGUAGE_CODE)
        return response

    wrapper.portal_view = True
    return wrapper


def current_access(request) -> PortalAccess | None:
    participant_id = request.session.get(PARTICIPANT)
    access_id = request.session.get(ACCESS)
    if participant_id is None or access_id is None:
        return None
    if request.user.is_authenticated:
        return None
    access = (
        PortalAccess.objects.active()
        .select_related("participant__organisation", "participant__coach")
        .filter(pk=access_id, participant_id=participant_id)
        .first()
    )
    if access is None:
        # Revoked or blocked since: this phone is signed out.
        for key in KEYS:
            request.session.pop(key, None)
    return access
