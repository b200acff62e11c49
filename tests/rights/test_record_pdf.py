"""The record PDF stays quick for any file: free text is bounded where it is typed, and the
PDF bounds what it lays out, whatever the file holds (the JSON export keeps every text in
full)."""

import datetime
import time

import pytest
from django.db import models
from django.test import RequestFactory
from django.utils import timezone

from evaluations.models import DomainScore, Evaluation
from participants.models import (
    EligibilityAnswer,
    Enrolment,
    EnrolmentStatusChange,
    IntakeInterview,
    ParticipantEvent,
    Todo,
)
from programme import outcomes
from reports.pdf import page_count
from rights import record
from sessions.models import Attendance
from tests.evaluations.factories import (
    make_assessment,
    make_attempt,
    make_call,
    make_evaluation,
    make_exit_review,
    make_exited,
)
from tests.factories import make_criterion, make_enrolment, make_programme
from tests.sessions.factories import add_member, make_group, make_session
from tests.trajectory.factories import make_goal, make_placement, make_referral, make_step
from trajectory.models import ActionStep, Goal, Placement, Referral

# Words of ordinary lengths, so the text wraps as typed text does.
PROSE = (
    "La participante explique qu'elle cherche un logement plus proche de l'école des enfants; "
    "elle a rendez-vous au CPAS jeudi et demande qu'on l'accompagne chez le médecin. "
)


def _brim(length: int, *, unbroken: bool = False) -> str:
    if unbroken:
        return ("x" * 1000 + "-") * (length // 1001) + "x" * (length % 1001)
    return (PROSE * (length // len(PROSE) + 1))[:length]


def _free_text(model) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, (models.CharField, models.TextField))
        and not isinstance(field, (models.EmailField, models.URLField, models.SlugField))
        and not field.choices
        and field.editable
        and field.name not in {"national_number", "weekdays"}
    ]


def fill_to_the_brim(queryset) -> None:
    """Every free-text field of these rows at its maximum length; one in each row without a
    space for a thousand characters (a pasted link, a long number)."""
    fields = _free_text(queryset.model)
    for pk in queryset.values_list("pk", flat=True):
        values = {
            field.name: _brim(field.max_length, unbroken=i == 0) for i, field in enumerate(fields)
        }
        queryset.model.objects.filter(pk=pk).update(**values)


def test_every_free_text_field_a_person_types_into_has_a_maximum_length():
    for _section, model, _path in record.SECTIONS:
        for field in _free_text(model):
            assert field.max_length, f"{model._meta.label}.{field.name} has no maximum length"


@pytest.fixture
def heaviest_file(participant, coach):
    """Three enrolments, each with every kind of record many times over, three hundred
    sessions, and every free text at its maximum."""
    today = timezone.localdate()
    for n in range(3):
        programme = make_programme(organisation=participant.organisation, code=f"p{n}")
        enrolment = make_enrolment(participant=participant, programme=programme)
        for status in ["intake", "active", "paused", "active"]:
            EnrolmentStatusChange.objects.create(
                enrolment=enrolment, from_status="referred", to_status=status
            )
        for kind in ["recognised_refugee", "minimum_age", "motivation"]:
            criterion = make_criterion(programme=programme, kind=kind, label=kind)
            EligibilityAnswer.objects.create(enrolment=enrolment, criterion=criterion, met=True)
        IntakeInterview.objects.create(enrolment=enrolment, held_on=today)
        for _goal in range(8):
            goal = make_goal(enrolment=enrolment)
            for _step in range(3):
                make_step(goal=goal)
        for _placement in range(3):
            make_placement(enrolment=enrolment)
        for _referral in range(4):
            make_referral(enrolment=enrolment)
        for _todo in range(6):
            Todo.objects.create(enrolment=enrolment, kind="other", due_on=today)
        for _evaluation in range(4):
            make_evaluation(enrolment=enrolment, scores={d.code: 2 for d in outcomes.DOMAINS})
        make_exited(enrolment=enrolment, exited_on=today - datetime.timedelta(days=30 + n))
        make_exit_review(enrolment=enrolment)
        for weeks in (4, 12, 26):
            call = make_call(enrolment=enrolment, weeks_after_exit=weeks)
            for _attempt in range(3):
                make_attempt(call=call)
        group = make_group(programme=programme)
        add_member(group=group, participant=participant)
        for day in range(100):
            make_session(
                programme=programme,
                group=group,
                date=today - datetime.timedelta(days=day + 100 * n),
                expected=[participant],
            )
    for _event in range(10):
        ParticipantEvent.objects.create(
            participant=participant, kind="family_reunification_help", happened_on=today
        )
    for _assessment in range(4):
        make_assessment(participant=participant)
    of_person = {"participant": participant}
    of_enrolment = {"enrolment__participant": participant}
    for model, where in [
        (Enrolment, of_person),
        (EnrolmentStatusChange, of_enrolment),
        (EligibilityAnswer, of_enrolment),
        (IntakeInterview, of_enrolment),
        (Goal, of_enrolment),
        (ActionStep, {"goal__enrolment__participant": participant}),
        (Placement, of_enrolment),
        (Referral, of_enrolment),
        (Todo, of_enrolment),
        (Evaluation, of_enrolment),
        (DomainScore, {"evaluation__enrolment__participant": participant}),
        (ParticipantEvent, of_person),
        (Attendance, of_person),
    ]:
        fill_to_the_brim(model.objects.filter(**where))
    for _section, model, path in record.SECTIONS:
        if model not in {Enrolment, Goal, ActionStep, Placement, Referral, Todo, Evaluation}:
            fill_to_the_brim(model.objects.filter(**{path: participant}))
    return participant


def test_the_heaviest_file_s_pdf_renders_in_bounded_time(heaviest_file, capsys):
    data = record.full_record(heaviest_file)
    text = sum(
        len(value)
        for rows in data.values()
        if isinstance(rows, list)
        for row in rows
        for value in row.values()
        if isinstance(value, str)
    )
    sections, left_out = record.labelled(data)
    context = {
        "participant": heaviest_file,
        "sections": sections,
        "left_out": left_out,
        "record": data,
    }

    started, cpu = time.perf_counter(), time.process_time()
    pages = page_count("rights/record_pdf.html", context, RequestFactory().get("/"))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu

    with capsys.disabled():
        print(
            f"\nrecord PDF: {text:,} characters in the file, {pages} pages, "
            f"{seconds:.1f} s ({cpu:.1f} s of CPU); {left_out}"
        )
    assert text > 500_000
    assert left_out["shortened"] > 0 and left_out["left_out"] > 0
    # One line per row: 45 pages when each value sat under its label.
    assert pages < 15


def test_three_years_of_attendance_is_one_line_per_row(participant):
    programme = make_programme(organisation=participant.organisation, code="long")
    make_enrolment(participant=participant, programme=programme)
    group = make_group(programme=programme)
    add_member(group=group, participant=participant)
    today = timezone.localdate()
    for week in range(3 * 52):
        for day in (0, 2):
            make_session(
                programme=programme,
                group=group,
                date=today - datetime.timedelta(weeks=week, days=day),
                expected=[participant],
            )
    data = record.full_record(participant)
    sections, left_out = record.labelled(data)
    [attendance] = [s for s in sections if s.name == str(Attendance._meta.verbose_name_plural)]

    # The person is the same in every row: said once above the rows, not on each line.
    assert ("participant", participant.pk) in attendance.common
    assert len(attendance.rows) == 312 and attendance.more == 0
    assert left_out == {"shortened": 0, "left_out": 0}
    context = {"participant": participant, "sections": sections, "left_out": left_out}
    context["record"] = data
    assert page_count("rights/record_pdf.html", context, RequestFactory().get("/")) <= 12
