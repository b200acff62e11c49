"""Bad input everywhere (issue 8, item 8), one level down: the services and the spreadsheet
import, called with arbitrary text, dates and numbers, either do their work or refuse with a
ValidationError — no other exception. (The forms and the API refuse NUL bytes before a
service sees them; the services are given them anyway.)"""

import contextlib
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluations import services as evaluations
from participants import imports
from participants import services as participants
from tests.factories import make_partner
from tests.properties.test_forms import NASTY
from tests.trajectory.factories import make_goal, started
from trajectory import services as trajectory

pytestmark = pytest.mark.django_db

TEXT = st.one_of(st.sampled_from(NASTY), st.text(max_size=80), st.text(min_size=300, max_size=3000))
DATES = st.dates(min_value=datetime.date(1, 1, 1))
QUICK = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def valid_or_refused(call) -> None:
    """Run the call in a savepoint rolled back after, so every example starts alike."""
    sid = transaction.savepoint()
    try:
        call()
    except ValidationError:
        pass
    finally:
        transaction.savepoint_rollback(sid)


@pytest.fixture
def active(enrolment):
    return started(enrolment)


def test_participant_create(organisation, coach):
    @QUICK
    @given(first=TEXT, last=TEXT, born=DATES, gender=TEXT, number=TEXT, phone=TEXT)
    def check(first, last, born, gender, number, phone):
        data = {"first_name": first, "last_name": last, "birth_date": born, "gender": gender,
                "national_number": number, "phone": phone}  # fmt: skip
        valid_or_refused(
            lambda: participants.participant_create(
                organisation=organisation, data=data, by=coach.user
            )
        )

    check()


def test_goals_and_steps(active, coach):
    goal = make_goal(enrolment=active)

    @QUICK
    @given(text=TEXT, own=TEXT, language=TEXT, domain=TEXT, due=st.one_of(st.none(), DATES))
    def check(text, own, language, domain, due):
        by = coach.user
        valid_or_refused(
            lambda: trajectory.goal_create(
                enrolment=active,
                text=text,
                text_own_language=own,
                own_language=language,
                domain=domain,
                by=by,
            )
        )
        valid_or_refused(
            lambda: trajectory.step_add(goal=goal, text=text, who=own, due_on=due, by=by)
        )
        valid_or_refused(lambda: trajectory.goal_revise(goal=goal, text=text, domain=domain, by=by))

    check()


def test_referral_and_placement(active, coach, organisation):
    partner = make_partner(organisation=organisation, hosts_volunteers=True)

    @QUICK
    @given(
        kind=TEXT,
        reason=TEXT,
        override=TEXT,
        sent=DATES,
        shares=st.booleans(),
        hours=st.integers(-(10**12), 10**12),
    )
    def check(kind, reason, override, sent, shares, hours):
        valid_or_refused(
            lambda: trajectory.referral_create(
                enrolment=active,
                partner=partner,
                kind=kind,
                sent_on=sent,
                reason=reason,
                shares_personal_data=shares,
                consent_override_reason=override,
                by=coach.user,
            )
        )
        valid_or_refused(
            lambda: trajectory.placement_create(
                enrolment=active,
                by=coach.user,
                data={
                    "kind": kind,
                    "host": partner,
                    "role": reason,
                    "hours_per_week": hours,
                    "starts_on": sent,
                    "notes": override,
                },
            )
        )

    check()


def test_evaluation_and_exit(active, coach):
    codes = [d.code for d in active.programme.domains()]

    @QUICK
    @given(
        kind=st.one_of(st.sampled_from(["baseline", "midway", "exit"]), TEXT),
        held=DATES,
        score=st.one_of(st.none(), st.integers(-(10**6), 10**6)),
        domain=st.one_of(st.sampled_from(codes), TEXT),
        text=TEXT,
        reason=st.one_of(st.sampled_from(["completed", "dropped_out"]), TEXT),
    )
    def check(kind, held, score, domain, text, reason):
        row = evaluations.ScoreRow(domain=domain, coach_score=score, comment=text)
        valid_or_refused(
            lambda: evaluations.evaluation_record(
                enrolment=active, kind=kind, held_on=held, scores=[row], notes=text, by=coach.user
            )
        )
        valid_or_refused(
            lambda: evaluations.exit_record(
                enrolment=active,
                exited_on=held,
                exit_reason=reason,
                drop_out_reason=text,
                exit_destination=text,
                strengths=text,
                next_step=text,
                contact_person=text,
                contact_phone=text,
                by=coach.user,
            )
        )

    check()


def test_the_import_reads_any_bytes(coach):
    @QUICK
    @given(
        content=st.one_of(
            st.binary(max_size=2000), TEXT.map(lambda t: t.encode("utf-8", "surrogatepass"))
        ),
        name=st.sampled_from(["people.csv", "people.xlsx", "x"]),
    )
    def check(content, name):
        with contextlib.suppress(ValidationError):
            imports.check_rows(imports.read_table(name, content), staff=coach)

    check()


def test_the_import_checks_any_cells(coach, programme):
    cell = st.one_of(
        TEXT, st.sampled_from(["woman", "1985-07-30", "85.07.30-033.28", programme.code])
    )

    @QUICK
    @given(
        rows=st.lists(
            st.fixed_dictionaries({name: cell for name in imports.COLUMN_NAMES}), max_size=5
        )
    )
    def check(rows):
        checked = imports.check_rows(rows, staff=coach)
        valid_or_refused(lambda: imports.import_rows(rows=checked, staff=coach, by=coach.user))

    check()
