"""The participant file's timeline: every app's entries for the person, merged newest first.

Each app below writes its own entries (participants.timeline, trajectory.timeline,
sessions.timeline, evaluations.timeline); each function runs a fixed number of queries whatever
the size of the file, so the file keeps its query budget.
"""

from evaluations import timeline as evaluation_timeline
from participants import timeline as participant_timeline
from participants.timeline import Entry
from sessions import timeline as session_timeline
from trajectory import timeline as trajectory_timeline

# Entries of the same moment keep this order.
SOURCES = (
    participant_timeline.participant_entries,
    trajectory_timeline.trajectory_entries,
    evaluation_timeline.assessment_entries,
    evaluation_timeline.evaluation_entries,
    evaluation_timeline.exit_entries,
    session_timeline.attendance_entries,
    session_timeline.sms_entries,
)


def entries_for(participant) -> list[Entry]:
    """Everything that happened to the participant, newest first."""
    entries = [entry for source in SOURCES for entry in source(participant)]
    return sorted(entries, key=lambda entry: entry.sort_key, reverse=True)
