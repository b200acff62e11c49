"""What the participant's phone pages need to let someone in, and nothing else: the portal
reads the trajectory from the apps below it and owns no core data."""

import datetime
import hashlib

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.models import Participant


def hash_code(code: str) -> str:
    """Codes are random and long enough that a plain SHA-256 resists guessing; unlike a PIN
    they need no slow hash, and a fast one lets the sign-in link be looked up directly."""
    return hashlib.sha256(code.encode()).hexdigest()


class PortalAccessQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, blocked_at__isnull=True)


class PortalAccess(models.Model):
    """A personal code (QR code or short link) that opens the portal on a phone, protected by
    a PIN the participant chooses on first use. Issuing a new code revokes the previous one,
    and with it every phone signed in with it."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="portal_accesses"
    )
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    pin_hash = models.CharField(max_length=128, blank=True, editable=False)
    contact_phone = models.CharField(
        _("phone number the participant can call"),
        max_length=40,
        blank=True,
        help_text=_("Shown on their phone as “my coach”, with a button to call."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    # Too many wrong PINs: only a new code from the coach lets the person in again.
    blocked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = PortalAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("portal access")
        verbose_name_plural = _("portal accesses")
        constraints = [
            models.UniqueConstraint(
                fields=["participant"],
                condition=Q(revoked_at__isnull=True),
                name="portal_access_one_active",
            )
        ]

    def __str__(self):
        return f"portal access of {self.participant}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.blocked_at is None

    @property
    def has_pin(self) -> bool:
        return bool(self.pin_hash)

    def is_locked(self, now: datetime.datetime | None = None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())


class ContentTranslation(models.Model):
    """A version, in a participant's language, of a text the staff typed that reaches the
    phone: a step, a session's topic, a placement's tasks… One generic table owned by the
    portal, so the apps that own the texts keep their models as they are. `source` is the
    original as it was translated: when the original changes, the phone shows the new
    original (marked as such) until the translation is made again."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    field = models.CharField(max_length=40)
    language = models.CharField(max_length=10)
    text = models.TextField(_("translation"), max_length=2000)
    source = models.TextField(max_length=2000)
    translated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    translated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("translation for the phone")
        verbose_name_plural = _("translations for the phone")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field", "language"],
                name="portal_translation_one_per_language",
            )
        ]

    def __str__(self):
        return f"{self.content_type.model} {self.object_id} {self.field} [{self.language}]"


class BringPictograms(models.Model):
    """The pictures of what to bring to a session, chosen by the coach from the portal's
    catalogue (portal.content.BRING), shown on the phone with words in the person's
    language."""

    session = models.OneToOneField("activities.Session", on_delete=models.CASCADE, related_name="+")
    items = models.JSONField(default=list)

    def __str__(self):
        return f"pictograms of {self.session_id}"
