"""The one way into the audit log. The services of the apps above call these functions; the
log is never written or changed anywhere else (see docs/decisions/0008-audit-trail.md).

- `record_event(...)`: any event (8a's failed sign-ins and refused access go through it, or
  through the two helpers `sign_in_failed` and `access_refused`).
- `snapshot(instance)` before a change, then `record_change(instance=..., before=..., ...)`.
- `record_delete(...)`, `log_view(request, participant, ...)`, `log_export(...)`.
- `pseudonymise(participant_id, ...)`: the only edit the log ever takes, for an erased person.
"""

import datetime
import decimal
import hashlib
import uuid

from django.conf import settings
from django.db import models

from audit import context
from audit.models import Event
from audit.sensitive import is_sensitive, label

Action = Event.Action
CHANGED = "changed"


def _user_fields(user) -> tuple[int | None, str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return None, ""
    name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return user.pk, (name or user.get_username())[:200]


def record_event(
    *,
    action: str,
    by=None,
    request=None,
    object_type: str = "",
    object_id: int | None = None,
    participant=None,
    participant_id: int | None = None,
    organisation_id: int | None = None,
    changes: dict | None = None,
    note: str = "",
) -> Event:
    """Write one event. Who is `by`, else the signed-in user of `request` or of the request
    being served; where from is `request`, else the request being served (audit.middleware)."""
    origin = context.origin_of(request) if request is not None else context.current()
    actor_id, actor_name = _user_fields(by if by is not None else origin.user)
    if participant is not None:
        participant_id = participant.pk
        organisation_id = organisation_id or participant.organisation_id
    event = Event(
        action=action,
        actor_id=actor_id,
        actor_name=actor_name,
        object_type=object_type,
        object_id=object_id,
        participant_id=participant_id,
        participant_name=participant.full_name[:200] if participant is not None else "",
        organisation_id=organisation_id,
        ip=origin.ip,
        user_agent=origin.user_agent,
        changes=changes or {},
        note=note[:300],
    )
    event.save()
    return event


def record_many(*, action: str, by, object_type: str, rows: list[dict]) -> list[Event]:
    """One event per row ({object_id, participant_id, organisation_id, changes}) in a single
    insert, for a write that touches many people at once (a whole session's attendance)."""
    origin = context.current()
    actor_id, actor_name = _user_fields(by if by is not None else origin.user)
    return Event.objects.bulk_create(
        Event(
            action=action,
            actor_id=actor_id,
            actor_name=actor_name,
            object_type=object_type,
            ip=origin.ip,
            user_agent=origin.user_agent,
            **row,
        )
        for row in rows
    )


def _plain(value):
    """A JSON-safe copy of a field value."""
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if hasattr(value, "code"):  # django-countries' Country
        return value.code
    return value


def snapshot(instance: models.Model) -> dict:
    """The values of the record's own columns (foreign keys as ids), taken before a change."""
    return {
        field.attname: _plain(getattr(instance, field.attname))
        for field in instance._meta.concrete_fields
    }


def diff(model, before: dict | None, after: dict) -> dict:
    """{field: [before, after]} of what changed; a sensitive field only as "changed" (or
    "set", on creation, when it has a value), never with its content."""
    changes = {}
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    for attname, new in after.items():
        field = by_attname[attname]
        if field.name in {"version", "updated_at", "created_at"}:
            continue
        old = before.get(attname) if before is not None else None
        if before is not None and old == new:
            continue
        if before is None and new in (None, "", False):
            continue
        if is_sensitive(model, field):
            changes[field.name] = CHANGED
        else:
            changes[field.name] = [old, new]
    return changes


def record_change(
    *,
    instance: models.Model,
    before: dict | None,
    by,
    participant,
    note: str = "",
) -> Event | None:
    """A record of the participant's file was created (before=None) or changed. Nothing is
    written when nothing changed."""
    changes = diff(type(instance), before, snapshot(instance))
    if before is not None and not changes:
        return None
    return record_event(
        action=Action.CREATE if before is None else Action.UPDATE,
        by=by,
        object_type=label(type(instance)),
        object_id=instance.pk,
        participant=participant,
        changes=changes,
        note=note,
    )


def record_delete(*, instance: models.Model, by, participant, note: str = "") -> Event:
    return record_event(
        action=Action.DELETE,
        by=by,
        object_type=label(type(instance)),
        object_id=instance.pk,
        participant=participant,
        note=note,
    )


def log_view(request, participant, *, what: str = "participant", object_id=None) -> Event:
    """A page of a participant's file was opened (what: participant, enrolment, summary, api…)."""
    return record_event(
        action=Action.VIEW,
        request=request,
        by=request.user,
        object_type=what,
        object_id=object_id if object_id is not None else participant.pk,
        participant=participant,
        note=request.path[:300],
    )


def log_export(request, participant, *, what: str, note: str = "") -> Event:
    return record_event(
        action=Action.EXPORT,
        request=request,
        by=request.user,
        object_type=what,
        object_id=participant.pk,
        participant=participant,
        note=note or request.path[:300],
    )


def sign_in_failed(request, username: str) -> Event:
    # The user name typed, cut short: it may be a mistyped password pasted in the wrong box.
    return record_event(
        action=Action.SIGN_IN_FAILED, request=request, by=None, note=(username or "")[:150]
    )


def access_refused(request, note: str = "") -> Event:
    return record_event(
        action=Action.ACCESS_REFUSED, request=request, note=note or request.path[:300]
    )


def pseudonym(participant_id: int) -> str:
    """A stable pseudonym: the same person always gets the same one, and it cannot be turned
    back into the id without the secret key."""
    digest = hashlib.blake2b(
        str(participant_id).encode(), key=settings.SECRET_KEY.encode()[:64], digest_size=4
    ).hexdigest()
    return f"Person {digest.upper()}"


def pseudonymise(*, participant_id: int, actor_ids=()) -> int:
    """Replace the erased person's name in their rows (and as the actor of their own portal
    actions) by a pseudonym. The only edit the log ever takes: a queryset update, since
    Event.save() refuses an existing row. Returns how many rows were touched."""
    name = pseudonym(participant_id)
    touched = Event.objects.filter(participant_id=participant_id).update(participant_name=name)
    if actor_ids:
        touched += Event.objects.filter(actor_id__in=list(actor_ids)).update(actor_name=name)
    return touched
