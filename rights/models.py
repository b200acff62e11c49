from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from programme.text_limits import NOTE


class Erasure(models.Model):
    """A participant whose file was anonymised: on request or by the retention rule. The row
    keeps the participant (now without identity) from being anonymised twice, and says why."""

    class Reason(models.TextChoices):
        REQUEST = "request", _("On the person's request")
        RETENTION = "retention", _("Retention period over")

    participant = models.OneToOneField(
        "participants.Participant", on_delete=models.CASCADE, related_name="erasure"
    )
    reason = models.CharField(_("why"), max_length=20, choices=Reason.choices)
    legal_basis = models.TextField(
        _("legal basis"),
        max_length=NOTE,
        blank=True,
        help_text=_("Why the file may be erased before the end of its retention period."),
    )
    erased_at = models.DateTimeField(_("erased"), auto_now_add=True)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What the erasure did beyond the file itself (rights.services.participant_erase): how many
    # calendar addresses and portal codes it ended, and which fields of which linked rows named
    # the person ({record, id, field}: ids only, nothing of what was written).
    done = models.JSONField(_("what was done"), default=dict, blank=True)

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")

    def __str__(self):
        return f"{self.participant_id} — {self.erased_at:%Y-%m-%d}"

    def summary(self) -> list[str]:
        """What was done, in words, for the page and the confirmation."""
        done = self.done or {}
        feeds = done.get("calendar_feeds_ended", 0)
        codes = done.get("portal_codes_revoked", 0)
        texts = done.get("texts_scrubbed", 0)
        return [
            _("Identity, contact details and the notes of the file removed."),
            ngettext(
                "%(count)d calendar address ended.", "%(count)d calendar addresses ended.", feeds
            )
            % {"count": feeds},
            ngettext(
                "%(count)d portal code revoked (every phone signed in with it is signed out).",
                "%(count)d portal codes revoked (every phone signed in with them is signed out).",
                codes,
            )
            % {"count": codes},
            ngettext(
                "%(count)d text that named the person now says “[erased]” instead.",
                "%(count)d texts that named the person now say “[erased]” instead.",
                texts,
            )
            % {"count": texts},
        ]
