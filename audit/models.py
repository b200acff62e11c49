"""The audit trail: an append-only log of who changed, viewed or exported a participant file,
and of failed sign-ins and refused access.

It sits at the bottom of the dependency order beside `programme`: the apps above call
`audit.services`, this app imports none of them. Rows point to users, participants and other
records by id only (no foreign keys), so a row outlives what it speaks of and nothing ever
cascades into the log.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnly(Exception):
    """The log is never edited or deleted from the application."""


class EventQuerySet(models.QuerySet):
    def delete(self):
        raise AppendOnly("Audit events cannot be deleted.")

    def for_participant(self, participant_id: int):
        return self.filter(participant_id=participant_id)

    def views(self):
        return self.filter(action__in=[Event.Action.VIEW, Event.Action.EXPORT])


class Event(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")
        VIEW = "view", _("Viewed")
        EXPORT = "export", _("Exported")
        ERASE = "erase", _("Erased (anonymised)")
        SIGN_IN_FAILED = "sign_in_failed", _("Failed sign-in")
        ACCESS_REFUSED = "access_refused", _("Access refused")

    at = models.DateTimeField(_("when (UTC)"), default=timezone.now, db_index=True)
    action = models.CharField(_("what"), max_length=20, choices=Action.choices)
    # A copy of the name, so the row still says who after the account is gone.
    actor_id = models.BigIntegerField(_("user id"), null=True, blank=True)
    actor_name = models.CharField(_("who"), max_length=200, blank=True)
    object_type = models.CharField(_("record type"), max_length=60, blank=True)
    object_id = models.BigIntegerField(_("record id"), null=True, blank=True)
    participant_id = models.BigIntegerField(_("participant id"), null=True, blank=True)
    # Replaced by a pseudonym when the person is erased (audit.services.pseudonymise).
    participant_name = models.CharField(_("participant"), max_length=200, blank=True)
    organisation_id = models.BigIntegerField(_("organisation id"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    # {field: [before, after]}; a sensitive field is recorded as {field: "changed"} with no value.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["participant_id", "at"]),
            models.Index(fields=["organisation_id", "at"]),
            models.Index(fields=["action", "at"]),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly("Audit events are written once and never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Audit events cannot be deleted.")

    def changed_fields(self) -> list[tuple[str, object, object, bool]]:
        """(field, before, after, sensitive) for the history page."""
        rows = []
        for field, value in sorted(self.changes.items()):
            if isinstance(value, list) and len(value) == 2:
                rows.append((field, value[0], value[1], False))
            else:
                rows.append((field, None, None, True))
        return rows
