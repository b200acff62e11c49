from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")

    def __str__(self):
        return f"{self.participant_id} — {self.erased_at:%Y-%m-%d}"
