"""A participant's full record, for their right of access and portability (GDPR art. 15, 20):
every model about them, read in a fixed number of queries, as plain data.

Each record is its own columns by field name (a foreign key as the related id, a choice as its
code); `fields` in the export documents every field name with its label, so the file explains
itself. The PDF shows the same data with the labels.
"""

import datetime
import decimal
import re
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone

from evaluations.models import (
    CallAttempt,
    DomainScore,
    Evaluation,
    ExitReview,
    FollowUpCall,
    LanguageAssessment,
)
from participants import models as person
from participants.models import Participant
from sessions.models import AbsenceNotice, Attendance, GroupMembership, SmsMessage
from trajectory.models import ActionStep, Goal, Placement, Referral

FORMAT = "parcours-participant-record/1"
# Internal bookkeeping that says nothing about the person.
LEFT_OUT = {"version"}

# (section name, model, how it hangs on the participant) in the order of the export.
SECTIONS = [
    ("languages", person.LanguageSkill, "participant"),
    ("consents", person.Consent, "participant"),
    ("entry_characteristics", person.EntryCharacteristics, "participant"),
    ("events", person.ParticipantEvent, "participant"),
    ("language_assessments", LanguageAssessment, "participant"),
    ("enrolments", person.Enrolment, "participant"),
    ("status_changes", person.EnrolmentStatusChange, "enrolment__participant"),
    ("eligibility", person.EligibilityAnswer, "enrolment__participant"),
    ("intake_interviews", person.IntakeInterview, "enrolment__participant"),
    ("module_plan", person.PlannedModule, "enrolment__participant"),
    ("co_coaches", person.EnrolmentCoach, "enrolment__participant"),
    ("goals", Goal, "enrolment__participant"),
    ("steps", ActionStep, "goal__enrolment__participant"),
    ("placements", Placement, "enrolment__participant"),
    ("referrals", Referral, "enrolment__participant"),
    ("todos", person.Todo, "enrolment__participant"),
    ("evaluations", Evaluation, "enrolment__participant"),
    ("domain_scores", DomainScore, "evaluation__enrolment__participant"),
    ("exit_reviews", ExitReview, "enrolment__participant"),
    ("follow_up_calls", FollowUpCall, "enrolment__participant"),
    ("call_attempts", CallAttempt, "call__enrolment__participant"),
    ("attendance", Attendance, "participant"),
    ("group_memberships", GroupMembership, "participant"),
    ("absence_notices", AbsenceNotice, "attendance__participant"),
    ("text_messages", SmsMessage, "participant"),
]
MODELS = [Participant] + [model for _name, model, _path in SECTIONS]


def _plain(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if hasattr(value, "code"):  # django-countries
        return value.code
    return value


def _fields(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name not in LEFT_OUT]


def as_data(instance: models.Model) -> dict:
    return {f.name: _plain(getattr(instance, f.attname)) for f in _fields(type(instance))}


def field_names() -> dict:
    """{section: {field name: label}}: the documentation that travels with the export."""
    docs = {"participant": {f.name: str(f.verbose_name) for f in _fields(Participant)}}
    for name, model, _path in SECTIONS:
        docs[name] = {f.name: str(f.verbose_name) for f in _fields(model)}
    return docs


def full_record(participant: Participant) -> dict:
    """Everything kept about the person: one query per section."""
    record = {
        "format": FORMAT,
        "exported_at": _plain(timezone.now()),
        "participant": as_data(participant),
    }
    for name, model, path in SECTIONS:
        rows = model.objects.filter(**{path: participant}).order_by("pk")
        if model is Attendance:
            # The session's date and title make an attendance row readable on its own.
            rows = rows.select_related("session__kind")
        data = []
        for row in rows:
            item = as_data(row)
            if model is Attendance:
                item["session_date"] = _plain(row.session.date)
                item["session_title"] = str(row.session)
            data.append(item)
        record[name] = data
    record["fields"] = field_names()
    record["fields"]["attendance"].update(session_date="session date", session_title="session")
    return record


# WeasyPrint lays out a few thousand characters a second per page of them: the PDF of a file
# with years of records would take minutes. So one PDF lays out a bounded amount: past
# PDF_FULL_TEXT characters, a long text shows its beginning only; past PDF_ALL_TEXT, the rows
# left in each section are counted rather than listed. Every value counts, not only free text,
# so no file (a thousand attendance rows, or every text at its maximum) goes past the bound.
# The first page says so, and the JSON export has everything.
PDF_FULL_TEXT = 30_000
PDF_ALL_TEXT = 60_000
PDF_SHORTENED_TO = 200
# A run of characters without a space cannot wrap: it gets an invisible break opportunity every
# so often (asking WeasyPrint to break anywhere instead makes it lay the text out again for
# every character).
UNBROKEN = re.compile(r"\S{60}")


@dataclass
class Section:
    """One section of the PDF. A section of several rows is one line per row under the names
    of its columns (a label above each value made 212 attendance rows 80 pages); the values
    shared by every row are said once above them (`common`). A single row is a list of labels
    and values (`facts`)."""

    name: str
    columns: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    common: list[tuple[str, object]] = field(default_factory=list)
    facts: list[tuple[str, object]] = field(default_factory=list)
    more: int = 0


def labelled(record: dict) -> tuple[list[Section], dict]:
    """The record for the PDF, section by section, and what was left out to keep within the
    bounds ({shortened texts, rows not listed})."""
    docs = record["fields"]
    budget = _Budget()
    sections = [
        _section(
            Participant._meta.verbose_name, [record["participant"]], docs["participant"], budget
        )
    ]
    for name, model, _path in SECTIONS:
        rows = []
        for row in record[name]:
            if budget.used >= PDF_ALL_TEXT:
                break
            rows.append(row)
        section = _section(model._meta.verbose_name_plural, rows, docs[name], budget)
        section.more = len(record[name]) - len(rows)
        budget.left_out += section.more
        sections.append(section)
    return sections, {"shortened": budget.shortened, "left_out": budget.left_out}


class _Budget:
    def __init__(self):
        self.used = 0
        self.shortened = 0
        self.left_out = 0

    def take(self, value):
        if not isinstance(value, str):
            self.used += len(str(value))
            return value
        if len(value) > PDF_SHORTENED_TO and self.used + len(value) > PDF_FULL_TEXT:
            self.shortened += 1
            value = value[:PDF_SHORTENED_TO] + " […]"
        self.used += len(value)
        return UNBROKEN.sub(lambda match: match.group() + "\u200b", value)


def _section(name: str, rows: list[dict], labels: dict, budget: _Budget) -> Section:
    rows = [
        {key: budget.take(value) for key, value in row.items() if value not in ("", None)}
        for row in rows
    ]
    section = Section(name=str(name))
    if len(rows) == 1:
        section.facts = [(labels.get(key, key), value) for key, value in rows[0].items()]
        return section
    keys = [key for key in labels if any(key in row for row in rows)]
    keys += sorted({key for row in rows for key in row} - set(keys))
    shared = [
        key
        for key in keys
        if len(rows) > 1 and all(key in row and row[key] == rows[0][key] for row in rows)
    ]
    section.common = [(labels.get(key, key), rows[0][key]) for key in shared]
    columns = [key for key in keys if key not in shared]
    section.columns = [labels.get(key, key) for key in columns]
    section.rows = [[row.get(key, "—") for key in columns] for row in rows]
    return section
