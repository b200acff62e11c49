"""The funder report: one or several programmes of an organisation, one reporting period,
against an indicator set. Each indicator names a counting rule; each rule is data here
(`CountingRule`: who may count, what they must have done, which event is the result, which
date places it in a period and the window around the enrolment where it may happen), beside
the code that applies it. The rules are those listed in programme.indicators, so a new set
(next period's list) is data and needs no code.

Counting (FUNDER-INDICATORS.md, "Which period a figure belongs to"; decision 18): unique
persons, never attendances, across every programme of the report (the same participant
record counts once); characteristics are those of the people enrolled on at least one day of
the window, taken when they first entered; results are placed by their own date, so a result
observed after exit counts in the period in which it was observed. Nothing dated after the
window's last day is read, except the situation "upon leaving" of an exit in the window, read
up to four weeks after it (earlier, those people are "not yet known"). Sets that count
third-country nationals only (AMIF) leave the others out and show them beside the table.

A fixed number of queries whatever the number of people (see the tests).
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from django.db.models import Exists, OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from evaluations.models import Cefr, ExitReview, FollowUpCall, LanguageAssessment
from participants import choices
from participants.models import Enrolment, ParticipantEvent, age_on
from programme.indicators import BREAKDOWNS, RULE_CHOICES, ActivityCategory
from programme.models import ActivityMapping, Indicator, IndicatorTarget, Programme, Staff
from reports.aggregates import select_over
from reports.figures import AGE_BANDS, Period, age_band, percent
from reports.models import ProjectFigure
from sessions import months as attendance_months
from sessions.models import Session

WORK_READY = {
    choices.ExitDestination.ARTICLE_60,
    choices.ExitDestination.JOB,
    choices.ExitDestination.SELF_EMPLOYMENT,
}
UPON_LEAVING_DAYS = 28  # ESF+: "upon leaving" is within four weeks after exit
ASSESSMENT_DAYS = 30  # an entry test up to 30 days before entry, an exit test up to 30 after
SIX_MONTHS_DAYS = 183
# The six-month call is planned at 26 weeks; people are reached when they are reachable.
SIX_MONTH_CALLS = (152, 244)  # from five to eight months after exit, in days
IMPROVED_WITHIN_DAYS = 214  # an improvement on the labour market within about seven months

BREAKDOWN_CATEGORIES = {
    "gender": list(choices.Gender.choices),
    "age": AGE_BANDS,
    "education": [*choices.IscedBand.choices, ("unknown", _("Not recorded"))],
}
NO_SITE = "none"


@dataclass(frozen=True)
class Stint:
    """One enrolment, as the rules read it: a row of one query, not a model instance."""

    pk: int
    programme_id: int
    started_on: datetime.date
    exited_on: datetime.date | None
    exit_reason: str
    exit_destination: str


@dataclass(frozen=True)
class Stay:
    """One enrolment as known on the last day a figure may read: an exit after that day has
    not happened yet."""

    enrolment: Stint
    entered: datetime.date
    exited: datetime.date | None

    @property
    def programme_id(self) -> int:
        return self.enrolment.programme_id

    def holds(self, day: datetime.date) -> bool:
        return self.entered <= day and (self.exited is None or day <= self.exited)


@dataclass(frozen=True)
class Window:
    """Where, around one enrolment, an event can be a result of the programme: from `start`
    ("entry" or "exit") less `before` days, to `end` ("exit", "first call": the first
    follow-up call made, or "open") plus `after` days."""

    start: str = "entry"
    end: str = "exit"
    before: int = 0
    after: int = 0

    def bounds(self, stay: Stay) -> tuple[datetime.date | None, datetime.date | None]:
        """The first and last day of the window around `stay` (None: not bounded yet); the
        first day is None when the window opens at an exit that has not happened."""
        if self.start == "exit" and stay.exited is None:
            return None, None
        first = stay.entered if self.start == "entry" else stay.exited
        first -= datetime.timedelta(days=self.before)
        if self.end == "open" or stay.exited is None:
            return first, None
        return first, stay.exited + datetime.timedelta(days=self.after)

    def holds(self, stay: Stay, day: datetime.date) -> bool:
        first, last = self.bounds(stay)
        return first is not None and first <= day and (last is None or day <= last)

    def describe(self) -> str:
        start = _("entry") if self.start == "entry" else _("exit")
        if self.before:
            start = _("%(days)s days before %(anchor)s") % {"days": self.before, "anchor": start}
        if self.end == "first_call":
            return _("%(start)s … the first follow-up call") % {"start": start}
        end = _("exit")
        if self.after:
            end = _("%(days)s days after exit") % {"days": self.after}
        return _("%(start)s … %(end)s") % {"start": start, "end": end}


ENTRY_TO_EXIT = Window()
# Where each dated event on the file counts (FUNDER-INDICATORS.md): help before entry or an
# application years after leaving is not a result of the programme.
EVENT_WINDOWS = {
    "family_reunification_help": ENTRY_TO_EXIT,
    "qualification_recognition": Window(after=SIX_MONTHS_DAYS),
    "long_term_residence": Window(after=SIX_MONTHS_DAYS),
    "qualification_gained": Window(after=UPON_LEAVING_DAYS),
    "improved_labour_market": Window(start="exit", after=IMPROVED_WITHIN_DAYS),
}


@dataclass
class Person:
    """What the rules read about one participant, gathered once from one row of the
    enrolments' query (no model instance): the characteristics at entry, the enrolments, the
    coach's site, and each day's stays, computed once per day however many indicators ask."""

    pk: int
    entered_on: datetime.date
    gender: str
    birth_date: datetime.date
    isced_band: str
    labour_market_status: str
    housing: str
    third_country_national: bool | None
    entry_facts: dict[str, bool]
    enrolments: list[Stint] = field(default_factory=list)
    site: str = NO_SITE
    _stays: dict = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def age_at_entry(self) -> int:
        return age_on(self.birth_date, self.entered_on)

    def stays(self, until: datetime.date) -> list[Stay]:
        stays = self._stays.get(until)
        if stays is None:
            stays = self._stays[until] = [
                Stay(e, e.started_on, e.exited_on if e.exited_on and e.exited_on <= until else None)
                for e in self.enrolments
                if e.started_on <= until
            ]
        return stays

    def active_in(self, window: Period) -> bool:
        return any(window.overlaps(e.started_on, e.exited_on) for e in self.enrolments)

    def category(self, dimension: str) -> str:
        if dimension == "gender":
            return self.gender
        if dimension == "age":
            return age_band(self.age_at_entry)
        if dimension == "site":
            return self.site
        return self.isced_band or "unknown"


class Call(NamedTuple):
    """A reached follow-up call, with the enrolment's person and exit: one row."""

    pk: int
    enrolment_id: int
    participant_id: int
    exited_on: datetime.date | None
    completed_on: datetime.date
    situation: str
    helped_integration: str


class Test(NamedTuple):
    """A language assessment: its day and the three skills' levels."""

    assessed_on: datetime.date
    oral: str
    reading: str
    writing: str


@dataclass
class Facts:
    """Everything read from the database for the report's programmes, up to one day (and the
    follow-up calls up to four weeks later, for the situation upon leaving), as flat rows
    grouped by person: a rule looks up the people it counts, never scans everyone's rows."""

    programmes: list[Programme]
    until: datetime.date
    today: datetime.date
    people: dict[int, Person]
    # category -> person -> (programme, first attended day from each window's start)
    activities: dict[str, dict[int, list[tuple[int, datetime.date]]]]
    events: dict[str, dict[int, list[datetime.date]]]  # kind -> person -> days
    assessments: dict[int, list[Test]]
    exit_answers: dict[int, str]  # enrolment -> the answer given at exit
    calls: list[Call]
    # Each mapping, with `held`: whether a session it matches was held in the period.
    mappings: list[ActivityMapping]

    @cached_property
    def calls_by_enrolment(self) -> dict[int, list[Call]]:
        # Read once per exit and indicator: a scan of every call there made the report of a
        # programme with a thousand exits take seconds.
        grouped = defaultdict(list)
        for call in self.calls:
            grouped[call.enrolment_id].append(call)
        return grouped


ENTRY_FACTS = ("disability", "foreign_background", "minority", "rural_area")


def load_facts(
    programmes: list[Programme],
    until: datetime.date,
    starts: tuple[datetime.date, ...],
    *,
    period: Period,
    today: datetime.date | None = None,
) -> Facts:
    """Seven queries, each a flat list of rows (no model instance but the few activity
    mappings): enrolments with their people's characteristics, their coach's site and the
    answer given at exit; the activity mappings with whether a session they match was held in
    the period; the first attended day per person, programme, kind and module; dated events;
    language assessments; follow-up calls. `starts` are the first days of the windows the
    report counts in, each ending on or before `until`."""
    enrolled = Enrolment.objects.filter(
        programme__in=programmes, started_on__isnull=False, started_on__lte=until
    )
    site = Staff.objects.filter(user_id=OuterRef("participant__coach_id"), site__isnull=False)
    answer = ExitReview.objects.filter(enrolment=OuterRef("pk")).exclude(helped_integration="")
    rows = (
        enrolled.annotate(
            coach_site=Subquery(site.values("site_id")[:1]),
            exit_answer=Subquery(answer.values("helped_integration")[:1]),
        )
        .order_by("started_on", "pk")
        .values_list(
            "pk", "programme_id", "started_on", "exited_on", "exit_reason", "exit_destination",
            "exit_answer", "coach_site", "participant_id", "participant__gender",
            "participant__birth_date", "participant__schooling",
            "participant__labour_market_status", "participant__housing",
            "participant__nationality",
            *(f"participant__entry_characteristics__{name}" for name in ENTRY_FACTS),
        )
    )  # fmt: skip
    people: dict[int, Person] = {}
    exit_answers = {}
    for (pk, programme_id, started_on, exited_on, exit_reason, exit_destination, exit_answer,
         coach_site, participant_id, gender, birth_date, schooling, labour, housing,
         nationality, *entry) in rows:  # fmt: skip
        person = people.get(participant_id)
        if person is None:
            person = people[participant_id] = Person(
                participant_id, started_on, gender, birth_date,
                choices.isced_band(schooling) if schooling else "", labour, housing,
                str(nationality) not in choices.EU_EEA_CH if nationality else None,
                dict(zip(ENTRY_FACTS, entry, strict=True)),
                site=str(coach_site) if coach_site else NO_SITE,
            )  # fmt: skip
        person.enrolments.append(
            Stint(pk, programme_id, started_on, exited_on, exit_reason, exit_destination)
        )
        if exit_answer:
            exit_answers[pk] = exit_answer
    who = enrolled.values("participant_id")

    sessions = Session.objects.filter(
        programme__in=programmes,
        cancelled_at__isnull=True,
        date__gte=period.start,
        date__lte=period.end,
    )
    mappings = list(
        ActivityMapping.objects.filter(programme__in=programmes).annotate(
            held_by_module=Exists(sessions.filter(group__module_id=OuterRef("module_id"))),
            held_by_kind=Exists(
                sessions.filter(
                    kind__code=OuterRef("session_kind_code"), programme_id=OuterRef("programme_id")
                )
            ),
        )  # fmt: skip
    )
    by_module = defaultdict(set)
    by_kind = defaultdict(set)
    for mapping in mappings:
        mapping.held = mapping.held_by_module if mapping.module_id else mapping.held_by_kind
        if mapping.module_id:
            by_module[mapping.module_id].add(mapping.category)
        else:
            by_kind[mapping.programme_id, mapping.session_kind_code].add(mapping.category)
    # Whether someone took part in an activity in a window ending on `until` only needs their
    # first attended day from the window's start: the database gives that, per person, kind
    # and module, from the attendance kept per month (sessions.months), instead of every
    # attended session since the programme began (100,000 rows for a programme's three years
    # at national scale). Each day kept is a real attended day, so `window.contains(day)`
    # answers as it would over all of them.
    firsts = ", ".join(f"MIN(from_{i})" for i in range(len(starts)))
    attended = select_over(
        f"SELECT participant_id, in_programme, code, of_module, {firsts}"
        " FROM ({0}) AS firsts GROUP BY participant_id, in_programme, code, of_module",
        attendance_months.first_attended([p.pk for p in programmes], starts, until),
    )
    activities = defaultdict(lambda: defaultdict(list))
    for participant_id, programme_id, kind_code, module_id, *days in attended or []:
        if participant_id not in people:
            continue
        categories = by_kind.get((programme_id, kind_code), set()) | by_module.get(module_id, set())
        for category in categories:
            activities[category][participant_id].extend(
                (programme_id, _date(day)) for day in days if day
            )

    events = defaultdict(lambda: defaultdict(list))
    for participant_id, kind, day in ParticipantEvent.objects.filter(
        # A qualification gained up to four weeks after an exit is a result upon leaving.
        participant_id__in=who,
        happened_on__lte=until + datetime.timedelta(UPON_LEAVING_DAYS),
    ).values_list("participant_id", "kind", "happened_on"):
        events[kind][participant_id].append(day)

    assessments = defaultdict(list)
    for participant_id, *test in (
        LanguageAssessment.objects.filter(participant_id__in=who, assessed_on__lte=until)
        .order_by("assessed_on", "pk")
        .values_list("participant_id", "assessed_on", "oral", "reading", "writing")
    ):
        assessments[participant_id].append(Test(*test))

    calls = [
        Call(*row)
        for row in FollowUpCall.objects.filter(
            enrolment__in=enrolled,
            status=FollowUpCall.Status.REACHED,
            # The situation upon leaving of an exit on the last day is read up to four weeks
            # later; every other rule stops at `until`.
            completed_on__lte=until + datetime.timedelta(days=UPON_LEAVING_DAYS),
        )
        .order_by("completed_on", "pk")
        .values_list(
            "pk",
            "enrolment_id",
            "enrolment__participant_id",
            "enrolment__exited_on",
            "completed_on",
            "situation",
            "helped_integration",
        )  # fmt: skip
    ]
    return Facts(
        programmes, until, today or timezone.localdate(), people, activities, events,
        assessments, exit_answers, calls, mappings,
    )  # fmt: skip


def _date(value) -> datetime.date:
    """A day as the database cursor gives it: a date, or SQLite's ISO text."""
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


# Each rule: (facts, people who may count in the window, window, argument) -> ids that meet it.


def _participants(facts, people, window, argument):
    return {p.pk for p in people}


def _categories(argument: str) -> set[str]:
    return set(ActivityCategory.values) if argument == "any" else {argument}


def _took_part(facts, people, window, categories) -> set[int]:
    """People who attended a session of one of the categories in the window, while enrolled
    in the programme that held it."""
    rows = [facts.activities[c] for c in categories if c in facts.activities]
    return {
        person.pk
        for person in people
        if any(
            window.contains(day)
            and any(s.programme_id == programme_id and s.holds(day)
                    for s in person.stays(window.end))
            for by_person in rows
            for programme_id, day in by_person.get(person.pk, ())
        )
    }  # fmt: skip


def _activity(facts, people, window, argument):
    return _took_part(facts, people, window, _categories(argument))


def _dated(facts, people, window, kind) -> set[int]:
    """People with an event of `kind` dated in the window and inside its window around one of
    their enrolments."""
    around = EVENT_WINDOWS[kind]
    days = facts.events.get(kind, {})
    return {
        person.pk
        for person in people
        if any(
            window.contains(day) and any(around.holds(s, day) for s in person.stays(window.end))
            for day in days.get(person.pk, ())
        )
    }


def _event(facts, people, window, argument):
    return _dated(facts, people, window, argument)


# `Cefr.rank`, as a table: the choices' values are rebuilt at each call of `Cefr.values`, which
# made the language tests of a programme's year a third of its report.
CEFR_RANK = {level: Cefr.rank(level) for level in Cefr.values}


def _skills(assessment) -> list[int]:
    return [CEFR_RANK[level] for level in (assessment.oral, assessment.reading, assessment.writing)]


def improved_one_level(first, last) -> bool:
    """At least one skill a whole CEFR level higher, and none lower."""
    before, after = _skills(first), _skills(last)
    gains = [b - a for a, b in zip(before, after, strict=True)]
    return max(gains) >= 1 and min(gains) >= 0


LANGUAGE_TESTS = Window(before=ASSESSMENT_DAYS, after=ASSESSMENT_DAYS)


def _language_improved(facts, people, window, argument):
    """In a language course during the enrolment, left, and tested at entry and at exit: the
    first assessment from 30 days before entry against the last one up to 30 days after exit,
    placed in the period by the exit test's date."""
    everyone = Period(datetime.date.min, window.end)
    learners = _took_part(facts, people, everyone, {ActivityCategory.LANGUAGE_COURSE})
    ids = set()
    for person in people:
        if person.pk not in learners:
            continue
        for stay in person.stays(window.end):
            if stay.exited is None:
                continue
            tests = [
                a
                for a in facts.assessments.get(person.pk, [])
                if LANGUAGE_TESTS.holds(stay, a.assessed_on) and a.assessed_on <= window.end
            ]
            if (
                len(tests) >= 2
                and window.contains(tests[-1].assessed_on)
                and improved_one_level(tests[0], tests[-1])
            ):
                ids.add(person.pk)
    return ids


def first_answers(facts: Facts, people, window: Period) -> dict[int, str]:
    """The first "helped your integration?" answer each person gave — at exit, or else at the
    first follow-up call after it — when it was given in the window."""
    answers = {}
    for person in people:
        given = []
        for stay in person.stays(window.end):
            if stay.exited is None:
                continue
            if stay.enrolment.pk in facts.exit_answers:
                given.append((stay.exited, facts.exit_answers[stay.enrolment.pk]))
                continue
            calls = [c for c in facts.calls_by_enrolment.get(stay.enrolment.pk, [])
                     if c.completed_on <= window.end]  # fmt: skip
            if calls and calls[0].helped_integration:
                given.append((calls[0].completed_on, calls[0].helped_integration))
        if given:
            day, answer = min(given)
            if window.contains(day):
                answers[person.pk] = answer
    return answers


def _helpful(facts, people, window, argument):
    return {pk for pk, answer in first_answers(facts, people, window).items() if answer == "yes"}


LABOUR = choices.LabourMarketStatus
CHARACTERISTICS = {
    "unemployed": lambda p: (
        p.labour_market_status in {LABOUR.UNEMPLOYED, LABOUR.LONG_TERM_UNEMPLOYED}
    ),
    "long_term_unemployed": lambda p: p.labour_market_status == LABOUR.LONG_TERM_UNEMPLOYED,
    "inactive": lambda p: p.labour_market_status in {LABOUR.INACTIVE, LABOUR.IN_EDUCATION},
    "employed": lambda p: p.labour_market_status in {LABOUR.EMPLOYED, LABOUR.SELF_EMPLOYED},
    "under_18": lambda p: p.age_at_entry < 18,
    "age_18_29": lambda p: 18 <= p.age_at_entry <= 29,
    "age_55_plus": lambda p: p.age_at_entry >= 55,
    "isced_0_2": lambda p: p.isced_band == choices.IscedBand.LOW,
    "isced_3_4": lambda p: p.isced_band == choices.IscedBand.MEDIUM,
    "isced_5_8": lambda p: p.isced_band == choices.IscedBand.HIGH,
    "third_country_national": lambda p: p.third_country_national is True,
    "housing_exclusion": lambda p: p.housing in choices.HOUSING_EXCLUSION,
    "disability": lambda p: _entry_fact(p, "disability"),
    "foreign_background": lambda p: _entry_fact(p, "foreign_background"),
    "minority": lambda p: _entry_fact(p, "minority"),
    "rural_area": lambda p: _entry_fact(p, "rural_area"),
}


def _entry_fact(person: Person, name: str) -> bool:
    return bool(person.entry_facts[name])


def _characteristic(facts, people, window, argument):
    return {p.pk for p in people if CHARACTERISTICS[argument](p)}


# What an exit destination and a follow-up call's situation say about the ESF+ results.
DESTINATION_RESULT = {
    choices.ExitDestination.JOB: "employment",
    choices.ExitDestination.ARTICLE_60: "employment",
    choices.ExitDestination.SELF_EMPLOYMENT: "employment",
    choices.ExitDestination.TRAINING: "education_training",
    choices.ExitDestination.JOB_SEEKER: "job_searching",
}
SITUATION_RESULT = {
    FollowUpCall.Situation.EMPLOYED: "employment",
    FollowUpCall.Situation.SELF_EMPLOYED: "employment",
    FollowUpCall.Situation.TRAINING: "education_training",
    FollowUpCall.Situation.LOOKING: "job_searching",
}


def situation_upon_leaving(facts: Facts, enrolment: Stint) -> str:
    """The last thing known within four weeks after exit: the destination at exit, then any
    follow-up call made by then (so job searching and employment exclude each other)."""
    limit = enrolment.exited_on + datetime.timedelta(days=UPON_LEAVING_DAYS)
    known = [(enrolment.exited_on, 0, DESTINATION_RESULT.get(enrolment.exit_destination, ""))]
    known += [
        (call.completed_on, call.pk, SITUATION_RESULT.get(call.situation, ""))
        for call in facts.calls_by_enrolment.get(enrolment.pk, [])
        if call.completed_on <= limit
    ]
    return max(known)[2]


def _leavers(facts, people, window):
    """(person, stay) for every exit in the window, and whether its four weeks are over."""
    for person in people:
        for stay in person.stays(window.end):
            if window.contains(stay.exited):
                limit = stay.exited + datetime.timedelta(days=UPON_LEAVING_DAYS)
                yield person, stay, limit < facts.today


def _result_upon_leaving(facts, people, window, argument):
    ids = set()
    for person, stay, known in _leavers(facts, people, window):
        if not known:
            continue
        if argument == "qualification":
            if any(
                EVENT_WINDOWS["qualification_gained"].holds(stay, day)
                for day in facts.events.get("qualification_gained", {}).get(person.pk, ())
            ):
                ids.add(person.pk)
        elif situation_upon_leaving(facts, stay.enrolment) == argument:
            ids.add(person.pk)
    return ids


def _not_yet_known(facts, people, window, argument):
    """Who left in the window less than four weeks before today: their situation upon
    leaving is not known yet, and they are shown as such rather than as a zero."""
    counted = _result_upon_leaving(facts, people, window, argument)
    return {p.pk for p, _s, known in _leavers(facts, people, window) if not known} - counted


def _result_six_months(facts, people, window, argument):
    if argument == "improved_labour_market":
        return _dated(facts, people, window, "improved_labour_market")
    counted = {p.pk for p in people}
    low, high = SIX_MONTH_CALLS
    return {
        call.participant_id
        for call in facts.calls
        if window.contains(call.completed_on)
        and call.exited_on
        and low <= (call.completed_on - call.exited_on).days <= high
        and SITUATION_RESULT.get(call.situation) == "employment"
    } & counted


def _entered(facts, people, window, argument):
    # Project-level figures are numbers, not people: see `entered_sums`.
    return set()


def entered_sums(programmes: list[Programme], windows: dict[str, Period]) -> dict:
    """Annotations of an indicator: for each window, the sum of what the manager entered for
    it over periods inside the window; None when nothing was entered (shown as such, never as
    a zero)."""
    figures = ProjectFigure.objects.filter(programme__in=programmes, indicator=OuterRef("pk"))
    return {
        f"entered_{name}": Subquery(
            figures.filter(period_start__gte=window.start, period_end__lte=window.end)
            .order_by()
            .values("indicator")
            .annotate(total=Sum("value"))
            .values("total")
        )
        for name, window in windows.items()
    }


@dataclass(frozen=True)
class CountingRule:
    """How one rule counts, as data: who may count (`population`: "enrolled" on a day of the
    window, or "anyone" enrolled before its end whose result falls in it), the condition or
    result event, the date that places it in a period, and the window around the enrolment."""

    population: str
    event: str
    dated_by: str
    window: str
    count: Callable
    not_yet_known: Callable | None = None

    def describe(self, argument: str = "") -> dict[str, str]:
        window = self.window
        if argument in EVENT_WINDOWS and self.count in (_event, _result_six_months):
            window = EVENT_WINDOWS[argument].describe()
        return {
            "population": str(POPULATIONS[self.population]),
            "event": str(self.event),
            "dated_by": str(self.dated_by),
            "window": str(window),
        }


POPULATIONS = {
    "enrolled": _("people enrolled on at least one day of the period"),
    "anyone": _("anyone enrolled before the period's end, whenever they left"),
    "none": _("the project, not people"),
}
RULES = {
    "participants": CountingRule(
        "enrolled", _("enrolled"), _("the days of the enrolment"), _("entry … exit"),
        _participants,
    ),
    "activity": CountingRule(
        "enrolled", _("attended at least one session of a mapped activity"),
        _("the date of the first such session in the period"), _("entry … exit"), _activity,
    ),
    "event": CountingRule(
        "anyone", _("a dated event recorded on the file"), _("the event's date"), "", _event,
    ),
    "language_improved": CountingRule(
        "anyone", _("exit language level at least one CEFR level above entry, after a "
                    "language course"),
        _("the exit assessment's date"), LANGUAGE_TESTS.describe(), _language_improved,
    ),
    "helpful_for_integration": CountingRule(
        "anyone", _("the first answer to “did it help your integration?” is “yes”"),
        _("the date the answer was given (at exit, or at the first follow-up call)"),
        Window(end="first_call").describe(), _helpful,
    ),
    "characteristic": CountingRule(
        "enrolled", _("the characteristic at entry"), _("the entry date"), "—",
        _characteristic,
    ),
    "result_upon_leaving": CountingRule(
        "anyone", _("the last situation known within four weeks after exit (destination or "
                    "follow-up call)"),
        _("the exit date"), Window(start="exit", after=UPON_LEAVING_DAYS).describe(),
        _result_upon_leaving, _not_yet_known,
    ),
    "result_six_months": CountingRule(
        "anyone", _("the situation at the follow-up call five to eight months after exit"),
        _("the call's date"), _("exit + 5 months … exit + 8 months"), _result_six_months,
    ),
    "entered": CountingRule(
        "none", _("entered by the manager for each period"), _("the period it was entered for"),
        "—", _entered,
    ),
}  # fmt: skip
assert set(RULES) == {name for name, _label in RULE_CHOICES}


@dataclass
class IndicatorRow:
    indicator: Indicator
    funder: str
    period: set[int]
    previous: set[int]
    cumulative: set[int]
    breakdowns: dict[str, list[tuple[str, str, set[int]]]]  # dimension -> (code, label, ids)
    target: int | None = None
    milestone: tuple[datetime.date, int] | None = None  # due in the period: (due on, value)
    not_yet_known: set[int] = field(default_factory=set)
    # Project-level indicators (rule "entered"): numbers the manager entered, not people.
    entered: dict[str, int | None] | None = None


@dataclass
class FunderReport:
    programmes: list[Programme]
    period: Period
    previous: Period
    since: Period
    rows: list[IndicatorRow]
    not_counted: dict[str, set[int]]  # why -> people left out of the indicators
    helpful_other: dict[str, set[int]]  # "partly" / "no" answers shown beside R.2.9
    targets: list[tuple[str, str, int, str, set[int]]]  # key, label, target, actual, ids
    warnings: list[str] = field(default_factory=list)
    sites: list[tuple[str, str]] = field(default_factory=list)  # split by site: (code, name)

    @property
    def programme(self) -> Programme:
        return self.programmes[0]

    def ids(self, key: str) -> set[int]:
        """The people behind one figure, by the key the pages link with."""
        parts = key.split("|")
        if parts[0] == "not_counted":
            return self.not_counted.get(parts[1], set())
        if parts[0] == "helpful":
            return self.helpful_other.get(parts[1], set())
        if parts[0] == "target":
            return next((ids for key, *_rest, ids in self.targets if key == parts[1]), set())
        for row in self.rows:
            if row.indicator.code != parts[0] or row.entered is not None:
                continue
            if parts[1] not in COLUMNS:
                raise KeyError(key)
            ids = getattr(row, parts[1])
            if len(parts) == 4:
                for code, _label, subset in row.breakdowns.get(parts[2], []):
                    if code == parts[3]:
                        return subset
                return set()
            return ids
        raise KeyError(key)

    def label(self, key: str) -> str:
        """What one figure counts, in words: the heading of the list of people behind it."""
        parts = key.split("|")
        if parts[0] == "not_counted" and parts[1:] and parts[1] in NOT_COUNTED:
            return str(NOT_COUNTED[parts[1]])
        if parts[0] == "helpful" and parts[1:] and parts[1] in HELPFUL_OTHER:
            return str(HELPFUL_OTHER[parts[1]])
        if parts[0] == "target":
            for target_key, label, target, actual, _ids in self.targets:
                if parts[1:] and target_key == parts[1]:
                    return _("%(label)s: %(actual)s reached of %(target)s aimed at") % {
                        "label": label, "actual": actual, "target": target,
                    }  # fmt: skip
            raise KeyError(key)
        row = next((r for r in self.rows if r.indicator.code == parts[0]), None)
        if row is None or len(parts) not in (2, 4) or parts[1] not in COLUMNS:
            raise KeyError(key)
        window = {"period": self.period, "previous": self.previous, "cumulative": self.since,
                  "not_yet_known": self.period}[parts[1]]  # fmt: skip
        label = _("%(code)s %(wording)s — %(window)s, %(start)s to %(end)s") % {
            "code": row.indicator.code,
            "wording": row.indicator.wording,
            "window": COLUMNS[parts[1]],
            "start": date_format(window.start, "SHORT_DATE_FORMAT"),
            "end": date_format(window.end, "SHORT_DATE_FORMAT"),
        }
        if len(parts) == 4:
            category = next(
                (name for code, name, _ids in row.breakdowns.get(parts[2], []) if code == parts[3]),
                None,
            )
            if category is None:
                raise KeyError(key)
            label += f" · {BREAKDOWNS[parts[2]]}: {category}"
        return label


COLUMNS = {
    "period": _("in the period"),
    "previous": _("in the previous period"),
    "cumulative": _("since the start"),
    "not_yet_known": _("left in the period, situation upon leaving not yet known"),
}


def previous_period(period: Period) -> Period:
    """The period of the same length just before: the previous year, quarter or months when
    the period is made of whole months, the same number of days otherwise."""
    after = period.end + datetime.timedelta(days=1)
    if period.start.day == 1 and after.day == 1:
        months = (after.year - period.start.year) * 12 + after.month - period.start.month
        index = period.start.year * 12 + period.start.month - 1 - months
        return Period(datetime.date(index // 12, index % 12 + 1, 1),
                      period.start - datetime.timedelta(days=1))  # fmt: skip
    length = period.end - period.start
    end = period.start - datetime.timedelta(days=1)
    return Period(end - length, end)


def period_words(period: Period) -> str:
    whole_year = (period.start.month, period.start.day, period.end.month, period.end.day)
    if whole_year == (1, 1, 12, 31) and period.start.year == period.end.year:
        return str(period.start.year)
    start, end = (date_format(day, "SHORT_DATE_FORMAT") for day in (period.start, period.end))
    return f"{start} – {end}"


def mapping_warnings(facts: Facts, indicators: list[Indicator], period: Period) -> list[str]:
    """A mapping that matches no session held in the period would make its figures zero with
    nothing to say why: each such indicator gets a warning on the report instead."""
    warnings = []
    several = len(facts.programmes) > 1
    for indicator in indicators:
        if indicator.rule == "activity":
            categories = _categories(indicator.argument)
        elif indicator.rule == "language_improved":
            categories = {ActivityCategory.LANGUAGE_COURSE}
        else:
            continue
        for programme in facts.programmes:
            mapped = [m for m in facts.mappings
                      if m.programme_id == programme.pk and m.category in categories]  # fmt: skip
            words = {"code": indicator.code, "programme": programme.name,
                     "period": period_words(period)}  # fmt: skip
            if not mapped:
                text = (
                    _(
                        "%(code)s (%(programme)s): no module or session kind is counted as "
                        "this activity"
                    )
                    if several
                    else _("%(code)s: no module or session kind is counted as this activity")
                )
            elif not any(m.held for m in mapped):
                text = (
                    _("%(code)s (%(programme)s): no session of a mapped kind in %(period)s")
                    if several
                    else _("%(code)s: no session of a mapped kind in %(period)s")
                )
            else:
                continue
            warnings.append(str(text) % words)
    return warnings


def _population(people, indicator_set) -> list[Person]:
    if indicator_set.third_country_nationals_only:
        return [p for p in people if p.third_country_national]
    return list(people)


def _targets(programmes, period) -> tuple[dict, dict]:
    """Targets over the whole programme (summed over the report's programmes) and the
    milestones due in the period (the last one due, per programme)."""
    finals, milestones = defaultdict(int), {}
    for target in IndicatorTarget.objects.filter(programme__in=programmes).order_by("due_on"):
        if target.due_on is None:
            finals[target.indicator_id] += target.target
        elif period.contains(target.due_on):
            milestones[target.indicator_id, target.programme_id] = (target.due_on, target.target)
    due = defaultdict(list)
    for (indicator_id, _programme), milestone in milestones.items():
        due[indicator_id].append(milestone)
    return dict(finals), {
        pk: (max(d for d, _v in items), sum(v for _d, v in items)) for pk, items in due.items()
    }


def funder_report(
    programme: Programme,
    period: Period,
    progress=None,
    *,
    also: list[Programme] | tuple = (),
    by_site: bool = False,
    today: datetime.date | None = None,
) -> FunderReport:
    """The report of `programme` (with `also`, other programmes of the organisation counted
    together, each person once) against its indicator set and any set it is co-funded under,
    side by side. `progress(done, total)` is called after each indicator: the background task
    shows it."""
    programmes = [programme, *[p for p in also if p.pk != programme.pk]]
    sets = [s for s in [programme.indicator_set, *programme.co_funding_sets.all()] if s]
    previous = previous_period(period)
    since = Period(min(min(p.starts_on for p in programmes), period.start), period.end)
    windows = {"period": period, "previous": previous, "cumulative": since}
    indicators = list(
        Indicator.objects.filter(indicator_set__in=sets)
        .select_related("indicator_set")
        .annotate(**entered_sums(programmes, windows))
    )
    indicators.sort(key=lambda i: ([s.pk for s in sets].index(i.indicator_set_id), i.position,
                                   i.pk))  # fmt: skip
    targets, milestones = _targets(programmes, period)
    facts = load_facts(programmes, period.end, (period.start, previous.start, since.start),
                       period=period, today=today)  # fmt: skip
    # Who may count in each window: enrolled on one of its days, or anyone enrolled before
    # its end (results are placed by their own date, also after the person left).
    enrolled = {n: [p for p in facts.people.values() if p.active_in(w)] for n, w in windows.items()}
    anyone = {n: [p for p in facts.people.values() if p.entered_on <= w.end]
              for n, w in windows.items()}  # fmt: skip
    not_counted = {"not_third_country": set(), "nationality_unknown": set()}
    if any(s.third_country_nationals_only for s in sets):
        for person in enrolled["period"]:
            if person.third_country_national is False:
                not_counted["not_third_country"].add(person.pk)
            if person.third_country_national is None:
                not_counted["nationality_unknown"].add(person.pk)
    sites = []
    if by_site:
        names = {str(s.pk): s.name for s in programme.organisation.sites.all()}
        sites = [*names.items(), (NO_SITE, str(_("No site recorded")))]
    # Each pool once, not once per indicator: the same people for every indicator of a set.
    pools = {}

    def population(pool, name, indicator_set):
        key = (id(pool), name, indicator_set.third_country_nationals_only)
        if key not in pools:
            pools[key] = _population(pool[name], indicator_set)
        return pools[key]

    rows = []
    categories = {**BREAKDOWN_CATEGORIES, "site": sites}
    for done, indicator in enumerate(indicators, start=1):
        rule = RULES[indicator.rule]
        indicator_set = indicator.indicator_set
        columns = {}
        for name, window in windows.items():
            pool = enrolled if rule.population == "enrolled" else anyone
            people = population(pool, name, indicator_set)
            columns[name] = rule.count(facts, people, window, indicator.argument)
        dimensions = [d for d in indicator.breakdowns or [] if d in BREAKDOWN_CATEGORIES]
        breakdowns = {}
        for dimension in [*dimensions, *(["site"] if by_site else [])]:
            split = defaultdict(set)
            for pk in columns["period"]:
                split[facts.people[pk].category(dimension)].add(pk)
            breakdowns[dimension] = [
                (code, str(label), split.get(code, set())) for code, label in categories[dimension]
            ]
        row = IndicatorRow(indicator, indicator_set.funder, columns["period"],
                           columns["previous"], columns["cumulative"], breakdowns,
                           targets.get(indicator.pk), milestones.get(indicator.pk))  # fmt: skip
        if rule.not_yet_known:
            people = population(anyone, "period", indicator_set)
            row.not_yet_known = rule.not_yet_known(facts, people, period, indicator.argument)
        if indicator.rule == "entered":
            row.breakdowns = {}
            row.entered = {name: getattr(indicator, f"entered_{name}") for name in windows}
        rows.append(row)
        if progress:
            progress(done, len(indicators))
    answered = _population(anyone["period"], sets[0]) if sets else []
    answers = first_answers(facts, answered, period)
    helpful_other = {
        answer: {pk for pk, given in answers.items() if given == answer}
        for answer in ("partly", "no")
    }
    counted = _population(enrolled["cumulative"], sets[0]) if sets else []
    targets = programme_targets(programme, facts, since, counted)
    warnings = mapping_warnings(facts, indicators, period)
    return FunderReport(programmes, period, previous, since, rows, not_counted, helpful_other,
                        targets, warnings, sites)  # fmt: skip


def programme_targets(programme, facts, since, people):
    """The programme's own targets against what it reached since its start."""
    rows = []
    exits = [
        (p.pk, e)
        for p in facts.people.values()
        for e in p.enrolments
        if since.contains(e.exited_on)
    ]
    completed = {pk for pk, e in exits if e.exit_reason == choices.ExitReason.COMPLETED}
    if programme.target_participants is not None:
        ids = {p.pk for p in people}
        rows.append(("participants", _("Participants"), programme.target_participants,
                     str(len(ids)), ids))  # fmt: skip
    if programme.target_completion_rate is not None:
        left = {pk for pk, _e in exits}
        rows.append(("completion", _("Completion rate (%)"), programme.target_completion_rate,
                     percent(len(completed), len(left)), completed))  # fmt: skip
    if programme.target_work_ready_rate is not None:
        ready = {
            pk
            for pk, e in exits
            if e.exit_reason == choices.ExitReason.COMPLETED and e.exit_destination in WORK_READY
        }
        rows.append(("work_ready", _("Leaving ready for work (%)"),
                     programme.target_work_ready_rate, percent(len(ready), len(completed)),
                     ready))  # fmt: skip
    return rows


def report_figures(report: FunderReport) -> dict:
    """The report as a snapshot keeps it: counts and labels only, never who. A plain table:
    each row has its cells by column ("period", "previous", "cumulative", and the breakdowns
    of the period), each cell a count; rates are drawn from a count and its base (a target)."""
    return {
        "previous_period": [report.previous.start.isoformat(), report.previous.end.isoformat()],
        "programmes": [p.name for p in report.programmes],
        "rows": [
            {
                "code": row.indicator.code,
                "wording": row.indicator.wording_in(get_language()),
                "kind": row.indicator.kind,
                "funder": row.funder,
                "period": len(row.period),
                "previous": len(row.previous),
                "cumulative": len(row.cumulative),
                "not_yet_known": len(row.not_yet_known),
                "target": row.target,
                "milestone": (
                    [row.milestone[0].isoformat(), row.milestone[1]] if row.milestone else None
                ),
                "breakdowns": {
                    dimension: [[code, label, len(ids)] for code, label, ids in cells]
                    for dimension, cells in row.breakdowns.items()
                },
                "rule": RULES[row.indicator.rule].describe(row.indicator.argument),
            }
            for row in report.rows
            if row.entered is None
        ],
        # Numbers the manager entered for the project, apart: they count no one.
        "project_figures": [
            {
                "code": row.indicator.code,
                "wording": row.indicator.wording_in(get_language()),
                **row.entered,
            }
            for row in report.rows
            if row.entered is not None
        ],
        "not_counted": {why: len(ids) for why, ids in report.not_counted.items()},
        "helpful_other": {answer: len(ids) for answer, ids in report.helpful_other.items()},
        "targets": [
            [key, str(label), target, actual, len(ids)]
            for key, label, target, actual, ids in report.targets
        ],
        "warnings": report.warnings,
    }


def flat_figures(figures: dict) -> dict[str, tuple[str, object]]:
    """Every number of a stored report by a stable key, with its label: what the comparison
    with a fresh computation walks through."""
    flat = {}
    for row in figures.get("rows", []):
        flat[f"{row['code']}|period"] = (f"{row['code']} ({_('period')})", row["period"])
        flat[f"{row['code']}|cumulative"] = (f"{row['code']} ({_('since the start')})",
                                             row["cumulative"])  # fmt: skip
        for dimension, cells in row["breakdowns"].items():
            for code, label, count in cells:
                flat[f"{row['code']}|{dimension}|{code}"] = (f"{row['code']} · {label}", count)
    for why, count in figures.get("not_counted", {}).items():
        flat[f"not_counted|{why}"] = (str(NOT_COUNTED.get(why, why)), count)
    for answer, count in figures.get("helpful_other", {}).items():
        flat[f"helpful|{answer}"] = (str(HELPFUL_OTHER.get(answer, answer)), count)
    for key, label, _target, actual, *_count in figures.get("targets", []):
        flat[f"target|{key}"] = (label, actual)
    return flat


def changes(stored: dict, fresh: dict) -> list[tuple[str, object, object]]:
    """What differs between a stored report and the same report computed again today."""
    before, after = flat_figures(stored), flat_figures(fresh)
    rows = []
    for key in dict.fromkeys([*before, *after]):
        old = before.get(key, (None, None))
        new = after.get(key, (None, None))
        if old[1] != new[1]:
            rows.append((new[0] or old[0], old[1], new[1]))
    return rows


NOT_COUNTED = {
    "not_third_country": _("EU, EEA or Swiss nationals (not counted for AMIF)"),
    "nationality_unknown": _("Nationality not recorded (not counted)"),
}
HELPFUL_OTHER = {
    "partly": _("Said the programme partly helped their integration"),
    "no": _("Said the programme did not help their integration"),
}


def snapshot_options(snapshot) -> dict:
    """The options a snapshot was generated with, to count it again the same way."""
    also = snapshot.parameters.get("also", [])
    return {
        "also": list(Programme.objects.filter(pk__in=also)) if also else [],
        "by_site": snapshot.parameters.get("by_site", False),
    }
