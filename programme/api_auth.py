"""How the API knows who is calling and what they may reach. Kept apart from programme/api.py
because DRF reads these classes from the settings while its own views are being imported."""

import datetime

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions, permissions

from programme import services
from programme.access import staff_of
from programme.models import ApiToken
from programme.services import API_KEY_PREFIX, api_key_hash

# A key used again within this time is not written back: one write a minute at most, not one
# per request.
LAST_USED_PRECISION = datetime.timedelta(minutes=5)


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer prc_…` with a personal key from the user's API keys page."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace")
        scheme, _sep, key = header.partition(" ")
        if scheme != self.keyword:
            return None
        key = key.strip()
        if not key.startswith(API_KEY_PREFIX):
            raise exceptions.AuthenticationFailed(_("This is not a Parcours API key."))
        token = (
            ApiToken.objects.filter(revoked_at__isnull=True)
            .select_related("user__staff")
            .filter(key_hash=api_key_hash(key))
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("This API key is unknown or was revoked."))
        now = timezone.now()
        ended = token.ended_because(now)
        if ended == ApiToken.Ended.EXPIRED:
            raise exceptions.AuthenticationFailed(
                _("This API key expired. Make a new one on your API keys page.")
            )
        if ended:
            # The password changed or the account was closed since the key was made: end it
            # for good, so the keys pages say so and a reactivation does not bring it back.
            services.api_tokens_end(user=token.user, reason=ended)
            raise exceptions.AuthenticationFailed(_("This API key is unknown or was revoked."))
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class StaffOnly(permissions.BasePermission):
    """Signed-in staff; `request.staff` is set as on the pages. Anyone else is told nothing
    exists (404), like an outsider on a page. Views that list participant data also ask for
    participant work (coaches and managers), as the pages do."""

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False  # 401 or 403: sign in first
        staff = staff_of(request.user)
        if staff is None:
            raise Http404
        if getattr(view, "participant_work", True) and not staff.works_with_participants:
            raise Http404
        request.staff = staff
        return True
