"""The demo is faithful to the five published designs (../shared/PROGRAMMES.md): each
programme's figures, computed from the database the demo wrote (queries, not the demo code's
constants), are compared with the published ones, each with a stated tolerance. When the demo
drifts from a design, this fails.

What the source publishes is written here, beside its source; what it does not publish and the
demo assumes is read from the design (demo/designs.py, listed in decision 0027) and checked the
same way, so the demo at least does what its own configuration says."""

import datetime
import statistics
from collections import Counter, defaultdict

import pytest
from django.db.models import Count, Max, Min, Q

from demo import designs
from evaluations.models import Cefr, Evaluation, LanguageAssessment
from participants import eligibility
from participants.choices import Schooling
from participants.models import (
    EligibilityAnswer,
    Enrolment,
    EnrolmentCoach,
    IntakeInterview,
    LanguageSkill,
    Participant,
    PlannedModule,
)
from programme.models import EligibilityCriterion, Module, Programme
from sessions.models import Attendance, Group, GroupMembership, Series, Session
from tests.demo import conftest
from trajectory.models import Placement

pytestmark = pytest.mark.django_db
MONTH = 30.44  # days, as the dashboard counts them

# The published figures (PROGRAMMES.md) and the tolerance each is held to. A share of 40
# people's exits moves by several points with one person, hence the widths.
PUBLISHED = {
    # AMIE: about 30 % leave ready for the labour market; planned 6 months, 9 on average.
    "amie": {"work_ready": (0.30, 0.08), "average_months": (9.0, 1.5)},
    # Interactief!: 31 % reached a regular job.
    "interactief": {"work_ready": (0.31, 0.08)},
    # ACTIV UP!: 75 % complete, 10 % drop out early, mostly for health reasons.
    "activ-up": {"completed": (0.75, 0.08), "dropped_out": (0.10, 0.06), "reason": "health"},
    # MOD'ACTIONS: about 80 % complete.
    "mod-actions": {"completed": (0.80, 0.08)},
    # MOVE UP!: 60–70 % complete.
    "move-up": {"completed": (0.65, 0.06)},
}
CODES = list(PUBLISHED)


def exits(code):
    return list(
        Enrolment.objects.filter(programme__code=code, exited_on__isnull=False).values_list(
            "exit_reason", "drop_out_reason", "exit_destination", "started_on", "exited_on"
        )
    )


def outcome_figures(code) -> dict:
    rows = exits(code)
    reasons = Counter(reason for reason, *_rest in rows)
    completed = [row for row in rows if row[0] == "completed"]
    ready = designs.for_code(code).published.work_ready_destinations
    drop_outs = Counter(drop_out for reason, drop_out, *_rest in rows if reason == "dropped_out")
    most = max(drop_outs.values(), default=0)
    return {
        "exits": len(rows),
        "completed": reasons["completed"] / len(rows),
        "dropped_out": reasons["dropped_out"] / len(rows),
        # The first reason: the most common one (with two drop-outs, one of two equal ones).
        "reasons": {reason for reason, n in drop_outs.items() if n == most},
        "work_ready": sum(1 for row in completed if row[2] in ready) / len(completed),
        "average_months": statistics.mean((end - start).days / MONTH for *_r, start, end in rows),
    }


def expected(code) -> dict:
    """The published figures, and the design's own for what the source does not give."""
    published = designs.for_code(code).published
    figures = {
        "completed": (published.completed, 0.08),
        "dropped_out": (published.dropped_out, 0.06),
        "reason": published.first_drop_out_reason,
        "work_ready": (published.work_ready, 0.08),
        # The source gives AMIE's average only; the others' are assumptions held more loosely.
        "average_months": (published.average_months, 2.0),
    }
    figures.update(PUBLISHED[code])
    return figures


@pytest.mark.parametrize("code", CODES)
def test_outcomes_land_near_the_published_figures(demo_data, code):
    measured = outcome_figures(code)
    assert measured["exits"] >= 15  # enough people left for the shares to mean something
    drift = []
    for name, wanted in expected(code).items():
        if name == "reason":
            if wanted not in measured["reasons"]:
                drift.append(f"first drop-out reasons {measured['reasons']}, published {wanted}")
            continue
        value, tolerance = wanted
        if abs(measured[name] - value) > tolerance + 1e-9:
            drift.append(f"{name} {measured[name]:.2f}, published {value} ± {tolerance}")
    assert not drift, f"{code}: " + "; ".join(drift)


def test_the_designs_publish_what_the_source_does():
    """The demo's configuration says what PROGRAMMES.md says, where it says it."""
    for code, figures in PUBLISHED.items():
        published = designs.for_code(code).published
        for name, wanted in figures.items():
            if name == "reason":
                assert published.first_drop_out_reason == wanted
                assert "first_drop_out_reason" not in published.assumed
            else:
                assert getattr(published, name) == pytest.approx(wanted[0])
                assert name not in published.assumed


# Rhythms ------------------------------------------------------------------------------------


def talk_gaps(code) -> list[int]:
    """Days between one person's consecutive individual talks, over everyone's."""
    days = defaultdict(list)
    rows = Attendance.objects.filter(
        session__programme__code=code, session__kind__code="individual_coaching"
    ).values_list("participant_id", "session__date")
    for participant, day in rows:
        days[participant].append(day)
    gaps = []
    for dates in days.values():
        dates.sort()
        gaps += [(b - a).days for a, b in zip(dates, dates[1:], strict=False)]
    return gaps


# Median days between a person's talks: weekly or fortnightly (AMIE), every three weeks
# (ACTIV UP!), at least quarterly once stable (MOVE UP!); the others by appointment.
TALKS = {"amie": (7, 14), "activ-up": (19, 23), "move-up": (21, 92), "interactief": (10, 30),
         "mod-actions": (3, 35)}  # fmt: skip


@pytest.mark.parametrize("code", CODES)
def test_individual_talks_keep_the_designs_rhythm(demo_data, code):
    gaps = talk_gaps(code)
    low, high = TALKS[code]
    assert low <= statistics.median(gaps) <= high


def test_move_up_talks_thin_out_to_quarterly_once_stable(demo_data):
    assert 50 <= max(talk_gaps("move-up")) <= 92
    # Weekly or fortnightly; a talk that falls on a weekend or holiday is held the day before.
    assert max(talk_gaps("amie")) <= 21


def sessions_per_week(group) -> float:
    dates = list(
        Session.objects.filter(group=group, cancelled_at__isnull=True).values_list(
            "date", flat=True
        )
    )
    weeks = ((max(dates) - min(dates)).days + 7) / 7
    return len(dates) / weeks


# Group sessions a week, per module (holidays and cancellations take a little off).
GROUP_RHYTHM = {
    ("amie", "Groepsbegeleiding"): 1,  # weekly, 3 hours
    ("interactief", "VIA"): 2,  # two half-days a week
    ("interactief", "M.I. — maatschappelijke integratie"): 1,
    ("activ-up", "Coaching collectif"): 0.5,  # every two weeks
    ("activ-up", "Séances d'information"): 2,  # two mornings a week
    ("mod-actions", "Sorties culturelles"): 0.25,
    ("move-up", "Module collectif"): 3,  # three days: at least 21 hours
}


@pytest.mark.parametrize(("code", "module"), list(GROUP_RHYTHM))
def test_groups_meet_as_often_as_the_design_says(demo_data, code, module):
    groups = Group.objects.filter(programme__code=code, module__name=module)
    assert groups.exists(), f"{code} has no group in {module}"
    longest = max(groups, key=lambda g: Session.objects.filter(group=g).count())
    assert sessions_per_week(longest) == pytest.approx(GROUP_RHYTHM[(code, module)], rel=0.15)


def test_move_up_meets_at_least_21_hours_a_week(demo_data):
    session = Session.objects.filter(
        programme__code="move-up", group__module__name="Module collectif"
    ).first()
    hours = (
        datetime.datetime.combine(session.date, session.end_time)
        - datetime.datetime.combine(session.date, session.start_time)
    ).seconds / 3600
    assert hours * sessions_per_week(session.group) >= 21 * 0.9


# Modules with people in them, coaches, orientation first --------------------------------------


def test_interactief_modules_have_people_and_via_two_group_workers(demo_data):
    for module in ("OCMW Go", "VIA", "M.I. — maatschappelijke integratie"):
        assert GroupMembership.objects.filter(
            group__programme__code="interactief", group__module__name=module
        ).exists(), module
    via = Group.objects.filter(programme__code="interactief", module__name="VIA")
    assert {g.coaches.count() for g in via} == {2}
    # OCMW Go is one day: people join and leave on the day.
    welcome = GroupMembership.objects.filter(group__module__name="OCMW Go")
    assert all(m.joined_on == m.left_on for m in welcome)
    # VIA lasts three months.
    for m in GroupMembership.objects.filter(group__in=via, left_on__isnull=False):
        assert (m.left_on - m.joined_on).days <= 13 * 7


def test_modules_are_picked_per_person_in_interactief(demo_data):
    plans = defaultdict(set)
    for participant, module in GroupMembership.objects.filter(
        group__programme__code="interactief"
    ).values_list("participant_id", "group__module__name"):
        plans[participant].add(module)
    assert len({frozenset(modules) for modules in plans.values()}) >= 3


def test_activ_up_holds_information_sessions(demo_data):
    info = Session.objects.filter(programme__code="activ-up", kind__code="information_session")
    assert info.count() > 100
    assert set(info.values_list("date__week_day", flat=True)) == {2, 4}  # Monday, Wednesday
    assert info.filter(start_time__hour__lt=12).count() == info.count()  # mornings


def test_mod_actions_orients_people_before_any_workshop(demo_data):
    first_group = dict(
        GroupMembership.objects.filter(group__programme__code="mod-actions")
        .values_list("participant_id")
        .annotate(first=Min("joined_on"))
    )
    starts = Enrolment.objects.filter(programme__code="mod-actions", started_on__isnull=False)
    waited = [
        (first_group[e.participant_id] - e.started_on).days
        for e in starts
        if e.participant_id in first_group
    ]
    assert waited and min(waited) >= 28  # four to six weeks of individual orientation
    assert Session.objects.filter(programme__code="mod-actions", kind__code="excursion").exists()


def entry_levels(code) -> dict[int, int]:
    """Each member's oral level (CEFR rank) on the day they joined: their last assessment
    on or before that day, else their first."""
    tests = defaultdict(list)
    for participant, day, oral in LanguageAssessment.objects.filter(
        participant__enrolments__programme__code=code
    ).values_list("participant_id", "assessed_on", "oral"):
        tests[participant].append((day, oral))
    return {p: sorted(rows) for p, rows in tests.items()}


def level_spans(code, module=None) -> dict[str, int]:
    """Per group, how many CEFR steps lie between its lowest and highest member at entry."""
    tests = entry_levels(code)
    ranks = defaultdict(set)
    memberships = GroupMembership.objects.filter(group__programme__code=code)
    if module:
        memberships = memberships.filter(group__module__name=module)
    for group, participant, joined in memberships.values_list(
        "group__name", "participant_id", "joined_on"
    ):
        rows = tests[participant]
        level = next((oral for day, oral in reversed(rows) if day <= joined), rows[0][1])
        ranks[group].add(Cefr.rank(level))
    return {group: max(r) - min(r) for group, r in ranks.items()}


def test_move_up_groups_are_homogeneous_by_level_and_schooling(demo_data):
    assert set(level_spans("move-up", "Module collectif").values()) == {0}
    low = {"isced0", "isced1"}
    for group in Group.objects.filter(programme__code="move-up"):
        schooling = {m.participant.schooling in low for m in group.memberships.all()}
        assert len(schooling) <= 1, group.name


def test_mod_actions_literacy_groups_hold_beginners_only(demo_data):
    assert set(level_spans("mod-actions", "Groupe alpha").values()) == {0}
    tests = entry_levels("mod-actions")
    for participant in GroupMembership.objects.filter(
        group__module__name="Groupe alpha"
    ).values_list("participant_id", flat=True):
        assert tests[participant][0][1] == Cefr.PRE_A1


def test_ghent_groups_keep_their_mother_tongue_cap(demo_data):
    """No mother tongue above the programme's cap (40 %) at any group session of three people
    or more (with two, each one is already half of the group)."""
    programme = Programme.objects.get(code="interactief")
    cap = programme.max_mother_tongue_share
    assert cap == 40
    tongue = dict(
        LanguageSkill.objects.filter(
            use="mother_tongue", participant__enrolments__programme=programme
        ).values_list("participant_id", "language")
    )
    people = defaultdict(list)
    for session, participant in Attendance.objects.filter(
        session__programme=programme, session__group__isnull=False
    ).values_list("session_id", "participant_id"):
        people[session].append(tongue.get(participant))
    checked = [p for p in people.values() if len(p) >= 3]
    assert len(checked) > 20
    over = [p for p in checked if Counter(p).most_common(1)[0][1] * 100 > cap * len(p)]
    assert not over, f"{len(over)} of {len(checked)} sessions over the cap"


# Intake, entry, schedules -------------------------------------------------------------------


def interpreter_share(code) -> float:
    intakes = IntakeInterview.objects.filter(enrolment__programme__code=code)
    return intakes.exclude(support="none").count() / intakes.count()


def test_interpreters_at_intake_as_each_team_works(demo_data):
    # MOVE UP!'s team says it works without interpreters; AMIE books one where possible.
    assert interpreter_share("move-up") == 0
    assert interpreter_share("amie") >= 0.55
    assert IntakeInterview.objects.filter(
        enrolment__programme__code="interactief", support="mediator"
    ).exists()


def test_entry_by_cohort_starts_people_together(demo_data):
    starts = Counter(
        Enrolment.objects.filter(programme__code="move-up", started_on__isnull=False).values_list(
            "started_on", flat=True
        )
    )
    years = 3.5
    assert len(starts) <= 3 * years  # a few cohort days a year
    assert sum(starts.values()) / len(starts) >= 2  # shared by several people
    continuous = Enrolment.objects.filter(programme__code="activ-up", started_on__isnull=False)
    assert continuous.values("started_on").distinct().count() >= 0.8 * continuous.count()


def test_each_programme_has_its_own_schedules_and_targets(demo_data):
    programmes = Programme.objects.filter(code__in=CODES)
    assert len({p.follow_up_weeks for p in programmes}) >= 4
    assert len({p.target_completion_rate for p in programmes}) >= 3
    templates = {
        p.code: tuple(p.template_steps.values_list("kind", "offset_weeks", "repeat_every_weeks"))
        for p in programmes
    }
    assert len(set(templates.values())) == 5
    # The follow-up calls the demo planned are the programme's.
    for p in programmes:
        weeks = set(p.follow_up_offsets)
        called = p.enrolments.aggregate(
            n=Count("follow_up_calls"), most=Max("follow_up_calls__weeks_after_exit")
        )
        assert called["n"] and called["most"] == max(weeks)


def test_placement_mixes_differ(demo_data):
    from trajectory.models import Placement

    mix = {
        code: Counter(
            Placement.objects.filter(enrolment__programme__code=code).values_list("kind", flat=True)
        )
        for code in CODES
    }
    assert set(mix["activ-up"]) == {"volunteering"}
    assert mix["interactief"]["internship"] and mix["interactief"]["job_tasting"]


def test_programmes_asking_dutch_1_1_admit_no_one_below_it(demo_data):
    # AMIE and Interactief! ask Dutch at least 1.1 (A1) at entry.
    for code in ("amie", "interactief"):
        tests = entry_levels(code)
        assert tests
        assert all(Cefr.rank(rows[0][1]) >= Cefr.rank(Cefr.A1) for rows in tests.values())


# --- The programme structure: phases, rhythms, tracks and cohorts (issue 19) ---------------

TODAY = conftest.TODAY

# The stages of each design (PROGRAMMES.md) and the modules in each. AMIE's start/middle/end
# are phases of its individual coaching, which runs beside the group from first to last day,
# and Interactief!'s modules are picked per person, not followed in order: neither has phases.
PHASES = {
    "amie": [],
    "interactief": [],
    "activ-up": [
        (
            "Modules 1 et 2",
            {"Ateliers de pratique du français", "Volontariat dans un service du CPAS"},
        ),
        ("Phase finale en sous-groupes", {"START"}),
    ],
    "mod-actions": [
        ("Orientation exploratoire", {"Orientation exploratoire"}),
        (
            "Approche collective",
            {"Groupe alpha", "Groupe alpha avancé", "Groupe informatique", "Groupe art",
             "Groupe réalisation de projets"},
        ),
        ("Approche culturelle", {"Sorties culturelles"}),
    ],
    "move-up": [
        ("Module collectif", {"Module collectif"}),
        ("Suivi individuel", {"Suivi individuel"}),
        ("Préparation socioprofessionnelle", {"Préparation socioprofessionnelle"}),
    ],
}  # fmt: skip
# Delivered hours against the hours each module's rhythm plans for its groups: a few sessions
# cancelled (2 %) and the public holidays and closure days skipped (about 4 %) leave delivered
# a little under planned, never far and never over by more than a rounding of weeks.
DELIVERED_SHARE = (85, 103)


def test_each_programme_has_the_phases_of_its_design(demo_data):
    for code, expected in PHASES.items():
        programme = Programme.objects.get(code=code)
        phases = list(programme.phases.order_by("position"))
        assert [p.name for p in phases] == [name for name, _modules in expected], code
        for phase, (_name, modules) in zip(phases, expected, strict=True):
            assert set(phase.modules.values_list("name", flat=True)) == modules, phase.name
    orientation = Programme.objects.get(code="mod-actions").phases.get(position=0)
    assert (orientation.min_weeks, orientation.max_weeks) == (4, 6)  # published: 4–6 weeks
    collective = Programme.objects.get(code="move-up").phases.get(position=0)
    assert collective.max_weeks == 26  # the collective module: 6 months


def test_module_rhythms_are_those_of_the_sessions_held(demo_data):
    # Every group's series meets on its module's weekdays, for the module's hours a week.
    for group in Group.objects.filter(programme__code__in=CODES).select_related("module"):
        module = group.module
        series = Series.objects.get(group=group)
        assert series.weekdays == module.weekdays, group.name
        hours = (
            datetime.datetime.combine(TODAY, series.end_time)
            - datetime.datetime.combine(TODAY, series.start_time)
        ).seconds / 3600
        per_week = len(module.weekday_list()) / series.interval
        assert float(module.hours_per_week) == pytest.approx(hours * per_week, abs=0.05)
        if module.sessions_per_week:
            assert module.sessions_per_week == per_week, group.name
    # MOVE UP!'s collective module: at least 21 hours a week, as published.
    assert (
        Programme.objects.get(code="move-up").modules.get(name="Module collectif").hours_per_week
        >= 21
    )


def test_planned_and_delivered_hours_are_close_for_every_module(demo_data):
    from reports.figures import Period
    from reports.structure import planned_and_delivered

    for programme in Programme.objects.filter(code__in=CODES):
        modules, phases = planned_and_delivered([programme], Period(programme.starts_on, TODAY))
        assert modules, programme.code
        for row in [*modules, *phases]:
            assert row.planned, (programme.code, row.label)
            low, high = DELIVERED_SHARE
            assert low <= row.share <= high, (programme.code, row.label, row.share)


def test_few_people_overrun_their_phase(demo_data):
    from reports.structure import phase_overruns

    for code in ("mod-actions", "move-up", "activ-up"):
        programme = Programme.objects.filter(code=code)
        active = Enrolment.objects.filter(programme__code=code, status="active").count()
        overruns = phase_overruns(programme, TODAY)
        assert len(overruns) <= max(2, 0.2 * active), code


def test_amie_puts_people_on_its_3_and_9_month_tracks_where_their_dates_fit(demo_data):
    from dateutil.relativedelta import relativedelta

    from participants.models import Todo
    from participants.services import planned_end

    amie = Programme.objects.get(code="amie")
    assert sorted(amie.tracks.values_list("length_months", flat=True)) == [3, 9]
    for code in CODES:
        if code != "amie":
            assert not Programme.objects.get(code=code).tracks.exists(), code
    on_track = Enrolment.objects.filter(programme=amie, track__isnull=False).select_related(
        "track", "programme"
    )
    lengths = Counter(e.track.length_months for e in on_track)
    assert lengths[3] and lengths[9]
    for e in on_track:
        assert e.started_on >= datetime.date(2022, 1, 1)  # tracks from 2022
        months = ((e.exited_on or TODAY) - e.started_on).days / MONTH
        if e.track.length_months == 3:
            assert e.exited_on and months <= 4.5
        else:
            assert months >= 7.5
        # The planned end follows the track: the exit to-do is due on it.
        assert planned_end(e) == e.started_on + relativedelta(months=e.track.length_months)
        exit_due = Todo.objects.filter(enrolment=e, kind="exit").values_list("due_on", flat=True)
        assert list(exit_due) == [planned_end(e)]


def test_move_up_starts_by_cohort_and_the_others_continuously(demo_data):
    move_up = Programme.objects.get(code="move-up")
    assert move_up.entry_mode == Programme.EntryMode.COHORT
    cohorts = list(move_up.cohorts.all())
    assert len(cohorts) >= 9  # three a year
    for cohort in cohorts:
        cohort.full_clean()  # intake before the start, the end after it
        assert (cohort.started_at is not None) == (cohort.starts_on <= TODAY)
    started = Enrolment.objects.filter(programme=move_up, started_on__isnull=False)
    assert started.exists()
    for e in started.select_related("cohort"):
        assert e.cohort is not None and e.cohort.starts_on == e.started_on
    waiting = Enrolment.objects.filter(programme=move_up, status="waiting_list")
    for e in waiting.select_related("cohort"):
        assert e.cohort is not None and e.cohort.starts_on > TODAY - datetime.timedelta(days=3)
    # Every group was formed with a cohort: the one its first members started with.
    groups = Group.objects.filter(programme=move_up).annotate(first=Min("memberships__joined_on"))
    assert groups.exists()
    for group in groups.select_related("cohort"):
        assert group.cohort is not None and group.cohort.starts_on <= group.first, group.name
    for code in ("amie", "interactief", "activ-up", "mod-actions"):
        programme = Programme.objects.get(code=code)
        assert programme.entry_mode == Programme.EntryMode.CONTINUOUS
        assert not programme.cohorts.exists()
        assert not Enrolment.objects.filter(programme=programme, cohort__isnull=False).exists()


# Issue 19: co-coaches, module plans, trial sessions, placements and evaluations per module,
# the language criterion, schooling bands (decision 0027, "The module plan and the rest").


def test_interactief_gives_an_activation_coach_to_those_referred_to_via(demo_data):
    via = Module.objects.get(programme__code="interactief", name="VIA")
    in_via = dict(
        GroupMembership.objects.filter(group__module=via)
        .values("participant")
        .annotate(first=Min("joined_on"))
        .values_list("participant", "first")
    )
    co_coaches = list(EnrolmentCoach.objects.filter(enrolment__programme__code="interactief"))
    assert co_coaches and len(co_coaches) == len({c.enrolment_id for c in co_coaches})
    enrolments = Enrolment.objects.filter(programme__code="interactief", started_on__isnull=False)
    via_people = [e for e in enrolments if e.participant_id in in_via]
    # Everyone who followed VIA (about half) and nobody else.
    assert {c.enrolment_id for c in co_coaches} == {e.pk for e in via_people}
    assert 0.3 <= len(via_people) / enrolments.count() <= 0.7
    by_enrolment = {e.pk: e for e in via_people}
    for c in co_coaches:
        e = by_enrolment[c.enrolment_id]
        assert c.role == EnrolmentCoach.Role.ACTIVATION_COACH
        assert c.coach_id != e.coach_id  # beside the social worker, not instead
        assert c.since == in_via[e.participant_id]
        assert (c.until is None) == (e.exited_on is None)
        assert c.until is None or c.until > c.since
    # Elsewhere one coach per enrolment; VIA's groups have two group workers.
    assert not EnrolmentCoach.objects.exclude(enrolment__programme__code="interactief").exists()
    for group in Group.objects.filter(module=via).annotate(n=Count("coaches")):
        assert group.n == 2, group.name


def test_module_paths_and_plans_follow_the_design(demo_data):
    paths = dict(Programme.objects.values_list("code", "module_path"))
    assert paths == {
        "amie": "chosen",
        "interactief": "chosen",
        "activ-up": "chosen",
        "mod-actions": "chosen",
        "move-up": "sequence",
    }
    plans = defaultdict(list)
    for row in PlannedModule.objects.select_related("module", "enrolment__programme").order_by(
        "enrolment", "position"
    ):
        plans[row.enrolment_id].append(row)
    assert plans
    for rows in plans.values():
        assert [r.position for r in rows] == list(range(1, len(rows) + 1))
        programme = rows[0].enrolment.programme
        if programme.module_path == "sequence":
            positions = [r.module.position for r in rows]
            assert positions == sorted(positions), [r.module.name for r in rows]
        else:  # chosen: in the order the person began them
            starts = [r.starts_on for r in rows]
            assert starts == sorted(starts)
        for r in rows:
            assert r.module.programme_id == programme.pk
    # MOVE UP!'s sequence: the collective module first, the preparation after it.
    move_up = [rows for rows in plans.values() if rows[0].enrolment.programme.code == "move-up"]
    assert move_up and all(rows[0].module.name == "Module collectif" for rows in move_up)


def test_mod_actions_workshops_can_be_tried_first(demo_data):
    modules = dict(
        Module.objects.filter(programme__code="mod-actions").values_list("name", "trial_sessions")
    )
    for name in ("Groupe informatique", "Groupe art", "Groupe réalisation de projets"):
        assert modules[name] == 2
    assert modules["Orientation exploratoire"] == 0 and modules["Groupe alpha"] == 0
    assert (
        not Module.objects.exclude(programme__code="mod-actions")
        .filter(trial_sessions__gt=0)
        .exists()
    )
    tried = PlannedModule.objects.filter(module__trial_sessions__gt=0)
    not_chosen = tried.filter(status="stopped", stop_reason="not_chosen")
    assert not_chosen.count() >= 3
    for row in not_chosen:
        # Tried for a week beside a workshop the person did choose.
        assert (row.ends_on - row.starts_on).days <= 7
        assert (
            row.enrolment.planned_modules.filter(
                module__trial_sessions__gt=0, status__in=["trying", "running", "done", "stopped"]
            )
            .exclude(stop_reason="not_chosen")
            .exists()
        )
    for row in tried.filter(status="trying"):
        assert (TODAY - row.starts_on).days < 14
    # Only modules that can be tried are tried.
    assert not PlannedModule.objects.filter(status="trying", module__trial_sessions=0).exists()


def test_via_job_tastings_are_placements_inside_the_module(demo_data):
    inside = Placement.objects.filter(module__isnull=False).select_related("module", "enrolment")
    assert inside.count() >= 5
    for placement in inside:
        assert placement.kind == "job_tasting" and placement.module.name == "VIA"
        memberships = GroupMembership.objects.filter(
            group__module=placement.module, participant=placement.enrolment.participant_id
        ).aggregate(first=Min("joined_on"), last=Max("left_on"))
        assert memberships["first"] <= placement.starts_on
        assert placement.ends_on - placement.starts_on < datetime.timedelta(days=7)


def test_activ_up_evaluates_its_modules_at_start_middle_and_end(demo_data):
    evaluated = dict(
        Module.objects.filter(programme__code="activ-up")
        .exclude(evaluated_at="")
        .values_list("name", "evaluated_at")
    )
    assert evaluated == {
        "Ateliers de pratique du français": "start_middle_end",
        "Volontariat dans un service du CPAS": "start_middle_end",
        "START": "start_middle_end",
    }
    assert not Module.objects.exclude(programme__code="activ-up").exclude(evaluated_at="").exists()
    module_evaluations = Evaluation.objects.filter(module__isnull=False).select_related(
        "module", "enrolment"
    )
    assert module_evaluations.count() >= 5
    assert {e.module.name for e in module_evaluations} >= {"START"}
    for evaluation in module_evaluations:
        assert evaluation.kind == Evaluation.Kind.MIDWAY  # decision 24
        assert evaluation.module.evaluated_at
        assert evaluation.module.programme_id == evaluation.enrolment.programme_id
        # Held while the person was in one of the module's groups.
        assert GroupMembership.objects.filter(
            Q(left_on__isnull=True) | Q(left_on__gte=evaluation.held_on),
            group__module=evaluation.module,
            participant=evaluation.enrolment.participant_id,
            joined_on__lte=evaluation.held_on,
        ).exists()


def test_the_dutch_level_is_a_computed_criterion_read_from_the_language_test(demo_data):
    for code in ("amie", "interactief"):
        criteria = EligibilityCriterion.objects.filter(programme__code=code)
        language = criteria.get(kind=EligibilityCriterion.Kind.MIN_LANGUAGE_LEVEL)
        assert language.min_language_level == "1.1" and language.is_computed
        assert not criteria.filter(kind="judgement", label__icontains="1.1").exists()
        answers = EligibilityAnswer.objects.filter(criterion=language).select_related(
            "enrolment__participant"
        )
        assert answers.exists()
        tested = 0
        for answer in answers:
            entry = (
                LanguageAssessment.objects.filter(
                    participant=answer.enrolment.participant,
                    language="nl",
                    assessed_on=answer.enrolment.started_on,
                )
                .values_list("local_level", flat=True)
                .first()
            )
            expected = eligibility.evaluate(
                language, answer.enrolment.participant, TODAY, language_level=entry
            )
            assert answer.computed == expected
            tested += answer.computed is not None
            if answer.met and answer.computed is False:
                assert answer.override_reason  # nobody below it admitted without a reason
        assert tested >= answers.count() / 2


def test_groups_banded_by_schooling_say_their_band(demo_data):
    groups = Group.objects.filter(programme__code="move-up")
    assert groups.exists()
    low = {"isced0", "isced1"}
    for group in groups:
        assert (group.schooling_low, group.schooling_high) in {
            ("isced0", "isced1"),
            ("isced2", "isced8"),
        }, group.name
        group.full_clean()
        schooling = set(
            Participant.objects.filter(group_memberships__group=group)
            .exclude(schooling="")
            .values_list("schooling", flat=True)
        )
        band = low if group.schooling_low == "isced0" else set(Schooling.values) - low
        assert schooling <= band, group.name
    # Elsewhere only groups banded by schooling in the design have a band (MOD'ACTIONS' alpha).
    for group in Group.objects.exclude(programme__code="move-up").select_related(
        "module", "programme"
    ):
        track = designs.for_name(group.module.name, group.programme.code)
        assert bool(group.schooling_low) == (track.banding == "level_schooling"), group.name
