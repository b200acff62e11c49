"""The participant file's timeline entries of this app, and the entry every app writes.

casefile.timeline merges these with the entries of the apps above this one. A function that
returns entries takes the participant and must run a fixed number of queries whatever the size
of the file.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Entry:
    when: datetime.datetime | datetime.date
    kind: str  # a short key, also used for the icon and CSS class
    title: str
    detail: str = ""
    by: str = ""
    url: str = ""
    # For an entry known only by its date: when it was recorded, to order it within that day.
    recorded_at: datetime.datetime | None = None

    @property
    def sort_key(self) -> tuple[datetime.date, datetime.datetime]:
        if isinstance(self.when, datetime.datetime):
            return timezone.localdate(self.when), self.when
        end_of_day = datetime.datetime.combine(self.when, datetime.time.max)
        return self.when, self.recorded_at or timezone.make_aware(end_of_day)


T = TypeVar("T")


def read_once(participant, key: str, read: Callable[[], T]) -> T:
    """Rows an app above this one reads once per participant object, shared by its timeline
    entries and the file's "Now" (as Participant.file_* share this app's rows): the file
    stays within its query budget. The participant object lives for one request."""
    shared = participant.__dict__.setdefault("_file_rows", {})
    if key not in shared:
        shared[key] = read()
    return shared[key]


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def participant_entries(participant) -> list[Entry]:
    """Status changes and intake interviews: no query of their own, both read with the
    file's list of programmes (Participant.file_enrolments)."""
    entries = []
    for enrolment in participant.file_enrolments:
        for change in enrolment.history:
            entries.append(
                Entry(
                    when=change.changed_at,
                    kind=f"status-{change.to_status}",
                    title=_("%(programme)s: %(status)s")
                    % {
                        "programme": enrolment.programme.name,
                        "status": change.get_to_status_display(),
                    },
                    detail=change.reason,
                    by=_name(change.changed_by),
                    url=enrolment.get_absolute_url(),
                )
            )
    interviews = [
        (enrolment, interview)
        for enrolment in participant.file_enrolments
        for interview in enrolment.interviews_held
    ]
    for enrolment, interview in interviews:
        detail = _("%(minutes)s minutes") % {"minutes": interview.duration_minutes}
        if interview.support != "none":
            detail += (
                f" · {interview.get_support_display()} ({interview.get_support_language_display()})"
            )
        entries.append(
            Entry(
                when=interview.held_on,
                kind="interview",
                title=_("Intake interview — %(programme)s")
                % {"programme": enrolment.programme.name},
                detail=detail,
                by=_name(interview.conducted_by),
                url=enrolment.get_absolute_url(),
                recorded_at=interview.created_at,
            )
        )
    return entries
