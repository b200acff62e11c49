"""The funder report: one programme, one reporting period, against the programme's indicator
set. Each indicator names a counting rule; this module implements every rule listed in
programme.indicators, so a new set (next period's list) is data and needs no code.

Counting (FUNDER-INDICATORS.md): unique persons, never attendances; a person counts for the
period when one of their enrolments in the programme was active on at least one day of it,
and cumulatively since the programme's start; ages and characteristics are taken at the date
the person first entered the programme. Sets that count third-country nationals only (AMIF)
leave the others out and show them beside the table.

A fixed number of queries whatever the number of people (see the tests).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Min, Q
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from evaluations.models import Cefr, ExitReview, FollowUpCall, LanguageAssessment
from participants import choices
from participants.models import Enrolment, Participant, ParticipantEvent, age_on
from programme.indicators import BREAKDOWNS, RULE_CHOICES
from programme.models import ActivityMapping, Indicator, Programme
from reports.figures import AGE_BANDS, Period, age_band, percent
from sessions.models import Attendance

WORK_READY = {
    choices.ExitDestination.ARTICLE_60,
    choices.ExitDestination.JOB,
    choices.ExitDestination.SELF_EMPLOYMENT,
}
UPON_LEAVING_DAYS = 28  # ESF+: "upon leaving" is within four weeks after exit
SIX_MONTH_CALL_WEEKS = range(22, 31)  # the follow-up call made about six months after exit
SIX_MONTHS_DAYS = 214  # an improvement counts when dated within about seven months of exit

BREAKDOWN_CATEGORIES = {
    "gender": list(choices.Gender.choices),
    "age": AGE_BANDS,
    "education": [*choices.IscedBand.choices, ("unknown", _("Not recorded"))],
}


@dataclass
class Person:
    """What the rules read about one participant, gathered once."""

    participant: Participant
    entered_on: datetime.date
    enrolments: list[Enrolment] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.participant.pk

    @cached_property
    def third_country_national(self) -> bool | None:
        # Asked for each window and indicator; the nationality lookup behind it is not free.
        return self.participant.is_third_country_national

    @property
    def age_at_entry(self) -> int:
        return age_on(self.participant.birth_date, self.entered_on)

    def active_in(self, window: Period) -> bool:
        return any(window.overlaps(e.started_on, e.exited_on) for e in self.enrolments)

    def exits_in(self, window: Period) -> list[datetime.date]:
        return sorted(e.exited_on for e in self.enrolments if window.contains(e.exited_on))

    def category(self, dimension: str) -> str:
        participant = self.participant
        if dimension == "gender":
            return participant.gender
        if dimension == "age":
            return age_band(self.age_at_entry)
        return participant.isced_band or "unknown"


@dataclass
class Facts:
    """Everything read from the database for one programme, up to one day."""

    programme: Programme
    people: dict[int, Person]
    activities: dict[str, list[tuple[int, datetime.date]]]
    events: dict[str, list[tuple[int, datetime.date]]]
    assessments: dict[int, list[LanguageAssessment]]
    exit_answers: dict[int, tuple[str, datetime.date]]
    calls: list[FollowUpCall]

    @cached_property
    def calls_by_enrolment(self) -> dict[int, list[FollowUpCall]]:
        # Read once per exit and indicator: a scan of every call there made the report of a
        # programme with a thousand exits take seconds.
        grouped = defaultdict(list)
        for call in self.calls:
            grouped[call.enrolment_id].append(call)
        return grouped


def load_facts(
    programme: Programme, until: datetime.date, starts: tuple[datetime.date, ...]
) -> Facts:
    """Nine queries: enrolments with their people, the activity mappings, attended sessions,
    dated events, language assessments, exit answers, follow-up calls (plus the two that the
    caller spends on the programme and its indicators). `starts` are the first days of the
    windows the report counts in, each ending on `until`."""
    enrolments = list(
        Enrolment.objects.filter(
            programme=programme, started_on__isnull=False, started_on__lte=until
        )
        .select_related("participant__entry_characteristics")
        .order_by("started_on", "pk")
    )
    people: dict[int, Person] = {}
    for enrolment in enrolments:
        person = people.setdefault(
            enrolment.participant_id, Person(enrolment.participant, enrolment.started_on)
        )
        person.enrolments.append(enrolment)
    ids = list(people)

    mappings = list(ActivityMapping.objects.filter(programme=programme))
    by_module = defaultdict(set)
    by_kind = defaultdict(set)
    for mapping in mappings:
        if mapping.module_id:
            by_module[mapping.module_id].add(mapping.category)
        else:
            by_kind[mapping.session_kind_code].add(mapping.category)
    # Whether someone took part in an activity in a window ending on `until` only needs their
    # first attended day from the window's start: the database gives that, per person, kind
    # and module, instead of every attended session since the programme began (100,000 rows
    # for a programme's three years at national scale). Each day kept is a real attended day,
    # so `window.contains(day)` answers as it would over all of them.
    firsts = {
        f"from_{i}": Min("session__date", filter=Q(session__date__gte=start))
        for i, start in enumerate(starts)
    }
    attended = (
        Attendance.objects.filter(
            status__in=Attendance.ATTENDED,
            session__programme=programme,
            session__cancelled_at__isnull=True,
            session__date__lte=until,
        )
        .order_by()
        .values("participant_id", "session__kind__code", "session__group__module_id")
        .annotate(**firsts)
        .values_list("participant_id", "session__kind__code", "session__group__module_id", *firsts)
    )
    activities = defaultdict(list)
    for participant_id, kind_code, module_id, *days in attended:
        if participant_id not in people:
            continue
        for category in by_kind.get(kind_code, set()) | by_module.get(module_id, set()):
            activities[category].extend((participant_id, day) for day in days if day)

    events = defaultdict(list)
    for participant_id, kind, day in ParticipantEvent.objects.filter(
        participant_id__in=ids, happened_on__lte=until
    ).values_list("participant_id", "kind", "happened_on"):
        events[kind].append((participant_id, day))

    assessments = defaultdict(list)
    for assessment in LanguageAssessment.objects.filter(
        participant_id__in=ids, assessed_on__lte=until
    ).order_by("assessed_on", "pk"):
        assessments[assessment.participant_id].append(assessment)

    exit_answers = {}
    for participant_id, answer, day in (
        ExitReview.objects.filter(enrolment__in=enrolments)
        .exclude(helped_integration="")
        .order_by("enrolment__exited_on")
        .values_list("enrolment__participant_id", "helped_integration", "enrolment__exited_on")
    ):
        exit_answers.setdefault(participant_id, (answer, day))

    calls = list(
        FollowUpCall.objects.filter(
            enrolment__in=enrolments,
            status=FollowUpCall.Status.REACHED,
            completed_on__lte=until,
        )
        .select_related("enrolment")
        .order_by("completed_on", "pk")
    )
    return Facts(programme, people, activities, events, assessments, exit_answers, calls)


# Each rule: (facts, people counted in the window, window, argument) -> ids that meet it.


def _participants(facts, people, window, argument):
    return {p.pk for p in people}


def _activity(facts, people, window, argument):
    counted = {p.pk for p in people}
    return {pk for pk, day in facts.activities.get(argument, []) if window.contains(day)} & counted


def _event(facts, people, window, argument):
    counted = {p.pk for p in people}
    return {pk for pk, day in facts.events.get(argument, []) if window.contains(day)} & counted


def _skills(assessment) -> list[int]:
    return [Cefr.rank(level) for level in (assessment.oral, assessment.reading, assessment.writing)]


def improved_one_level(first, last) -> bool:
    """At least one skill a whole CEFR level higher, and none lower."""
    before, after = _skills(first), _skills(last)
    gains = [b - a for a, b in zip(before, after, strict=True)]
    return max(gains) >= 1 and min(gains) >= 0


def _language_improved(facts, people, window, argument):
    """In a language course, left the programme in the window, and tested at entry and at
    exit: the first assessment against the last one up to four weeks after leaving."""
    learners = {pk for pk, _day in facts.activities.get("language_course", [])}
    ids = set()
    for person in people:
        if person.pk not in learners:
            continue
        for exited_on in person.exits_in(window):
            tests = [
                a
                for a in facts.assessments.get(person.pk, [])
                if a.assessed_on <= exited_on + datetime.timedelta(days=UPON_LEAVING_DAYS)
            ]
            if len(tests) >= 2 and improved_one_level(tests[0], tests[-1]):
                ids.add(person.pk)
    return ids


def first_answers(facts: Facts, window: Period) -> dict[int, str]:
    """The first "helped your integration?" answer each person gave, at exit or in a follow-up
    call, when it was given in the window."""
    answers = {}
    for call in facts.calls:
        if call.helped_integration:
            answers.setdefault(call.enrolment.participant_id, (call.helped_integration,
                                                               call.completed_on))  # fmt: skip
    for pk, (answer, day) in facts.exit_answers.items():
        if pk not in answers or day <= answers[pk][1]:
            answers[pk] = (answer, day)
    return {pk: answer for pk, (answer, day) in answers.items() if window.contains(day)}


def _helpful(facts, people, window, argument):
    counted = {p.pk for p in people}
    return {pk for pk, answer in first_answers(facts, window).items() if answer == "yes"} & counted


LABOUR = choices.LabourMarketStatus
CHARACTERISTICS = {
    "unemployed": lambda p: (
        p.participant.labour_market_status in {LABOUR.UNEMPLOYED, LABOUR.LONG_TERM_UNEMPLOYED}
    ),
    "long_term_unemployed": lambda p: (
        p.participant.labour_market_status == LABOUR.LONG_TERM_UNEMPLOYED
    ),
    "inactive": lambda p: (
        p.participant.labour_market_status in {LABOUR.INACTIVE, LABOUR.IN_EDUCATION}
    ),
    "employed": lambda p: (
        p.participant.labour_market_status in {LABOUR.EMPLOYED, LABOUR.SELF_EMPLOYED}
    ),
    "under_18": lambda p: p.age_at_entry < 18,
    "age_18_29": lambda p: 18 <= p.age_at_entry <= 29,
    "age_55_plus": lambda p: p.age_at_entry >= 55,
    "isced_0_2": lambda p: p.participant.isced_band == choices.IscedBand.LOW,
    "isced_3_4": lambda p: p.participant.isced_band == choices.IscedBand.MEDIUM,
    "isced_5_8": lambda p: p.participant.isced_band == choices.IscedBand.HIGH,
    "third_country_national": lambda p: p.third_country_national is True,
    "housing_exclusion": lambda p: p.participant.housing in choices.HOUSING_EXCLUSION,
    "disability": lambda p: _entry_fact(p, "disability"),
    "foreign_background": lambda p: _entry_fact(p, "foreign_background"),
    "minority": lambda p: _entry_fact(p, "minority"),
    "rural_area": lambda p: _entry_fact(p, "rural_area"),
}


def _entry_fact(person: Person, name: str) -> bool:
    facts = getattr(person.participant, "entry_characteristics", None)
    return bool(facts and getattr(facts, name))


def _characteristic(facts, people, window, argument):
    return {p.pk for p in people if CHARACTERISTICS[argument](p)}


# What an exit destination and a follow-up call's situation say about the ESF+ results.
DESTINATION_RESULT = {
    choices.ExitDestination.JOB: "employment",
    choices.ExitDestination.ARTICLE_60: "employment",
    choices.ExitDestination.SELF_EMPLOYMENT: "employment",
    choices.ExitDestination.TRAINING: "education_training",
}
SITUATION_RESULT = {
    FollowUpCall.Situation.EMPLOYED: "employment",
    FollowUpCall.Situation.SELF_EMPLOYED: "employment",
    FollowUpCall.Situation.TRAINING: "education_training",
    FollowUpCall.Situation.LOOKING: "job_searching",
}


def situation_upon_leaving(facts: Facts, enrolment: Enrolment) -> str:
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


def _result_upon_leaving(facts, people, window, argument):
    ids = set()
    gained = defaultdict(list)
    for pk, day in facts.events.get("qualification_gained", []):
        gained[pk].append(day)
    for person in people:
        for enrolment in person.enrolments:
            if not window.contains(enrolment.exited_on):
                continue
            if argument == "qualification":
                limit = enrolment.exited_on + datetime.timedelta(days=UPON_LEAVING_DAYS)
                if any(enrolment.started_on <= day <= limit for day in gained[person.pk]):
                    ids.add(person.pk)
            elif situation_upon_leaving(facts, enrolment) == argument:
                ids.add(person.pk)
    return ids


def _result_six_months(facts, people, window, argument):
    counted = {p.pk for p in people}
    if argument == "employment":
        return {
            call.enrolment.participant_id
            for call in facts.calls
            if call.weeks_after_exit in SIX_MONTH_CALL_WEEKS
            and window.contains(call.completed_on)
            and SITUATION_RESULT.get(call.situation) == "employment"
        } & counted
    exits = defaultdict(list)
    for person in people:
        exits[person.pk] = [e.exited_on for e in person.enrolments if e.exited_on]
    return {
        pk
        for pk, day in facts.events.get("improved_labour_market", [])
        if window.contains(day)
        and any(0 < (day - exited).days <= SIX_MONTHS_DAYS for exited in exits.get(pk, []))
    } & counted


RULES = {
    "participants": _participants,
    "activity": _activity,
    "event": _event,
    "language_improved": _language_improved,
    "helpful_for_integration": _helpful,
    "characteristic": _characteristic,
    "result_upon_leaving": _result_upon_leaving,
    "result_six_months": _result_six_months,
}
assert set(RULES) == {name for name, _label in RULE_CHOICES}


@dataclass
class IndicatorRow:
    indicator: Indicator
    period: set[int]
    cumulative: set[int]
    breakdowns: dict[str, list[tuple[str, str, set[int]]]]  # dimension -> (code, label, ids)
    target: int | None = None


@dataclass
class FunderReport:
    programme: Programme
    period: Period
    since: Period
    rows: list[IndicatorRow]
    not_counted: dict[str, set[int]]  # why -> people left out of the indicators
    helpful_other: dict[str, set[int]]  # "partly" / "no" answers shown beside R.2.9
    targets: list[tuple[str, str, int, str, set[int]]]  # key, label, target, actual, ids

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
            if row.indicator.code != parts[0]:
                continue
            ids = row.period if parts[1] == "period" else row.cumulative
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
        if row is None or len(parts) not in (2, 4) or parts[1] not in ("period", "cumulative"):
            raise KeyError(key)
        window = self.period if parts[1] == "period" else self.since
        label = _("%(code)s %(wording)s — %(window)s, %(start)s to %(end)s") % {
            "code": row.indicator.code,
            "wording": row.indicator.wording,
            "window": _("in the period") if parts[1] == "period" else _("since the start"),
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


def funder_report(programme: Programme, period: Period, progress=None) -> FunderReport:
    """`progress(done, total)` is called after each indicator: the background task shows it."""
    indicator_set = programme.indicator_set
    indicators = list(indicator_set.indicators.all()) if indicator_set else []
    targets = {t.indicator_id: t.target for t in programme.indicator_targets.all()}
    since = Period(min(programme.starts_on, period.start), period.end)
    facts = load_facts(programme, period.end, starts=(period.start, since.start))
    windows = {"period": period, "cumulative": since}
    populations, not_counted = {}, {"not_third_country": set(), "nationality_unknown": set()}
    for name, window in windows.items():
        people = [p for p in facts.people.values() if p.active_in(window)]
        if indicator_set and indicator_set.third_country_nationals_only:
            for person in people:
                tcn = person.third_country_national
                if name == "period" and tcn is False:
                    not_counted["not_third_country"].add(person.pk)
                if name == "period" and tcn is None:
                    not_counted["nationality_unknown"].add(person.pk)
            people = [p for p in people if p.third_country_national]
        populations[name] = people
    rows = []
    for done, indicator in enumerate(indicators, start=1):
        rule = RULES[indicator.rule]
        period_ids = rule(facts, populations["period"], period, indicator.argument)
        cumulative_ids = rule(facts, populations["cumulative"], since, indicator.argument)
        breakdowns = {}
        for dimension in indicator.breakdowns or []:
            if dimension not in BREAKDOWNS:
                continue
            breakdowns[dimension] = [
                (code, str(label), {pk for pk in period_ids
                                    if facts.people[pk].category(dimension) == code})
                for code, label in BREAKDOWN_CATEGORIES[dimension]
            ]  # fmt: skip
        rows.append(
            IndicatorRow(indicator, period_ids, cumulative_ids, breakdowns,
                         targets.get(indicator.pk))
        )  # fmt: skip
        if progress:
            progress(done, len(indicators))
    counted = {p.pk for p in populations["period"]}
    answers = first_answers(facts, period)
    helpful_other = {
        answer: {pk for pk, given in answers.items() if given == answer} & counted
        for answer in ("partly", "no")
    }
    targets = programme_targets(programme, facts, since, populations["cumulative"])
    return FunderReport(programme, period, since, rows, not_counted, helpful_other, targets)


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
    """The report as a snapshot keeps it: counts and labels only, never who."""
    return {
        "rows": [
            {
                "code": row.indicator.code,
                "wording": row.indicator.wording_in(get_language()),
                "kind": row.indicator.kind,
                "period": len(row.period),
                "cumulative": len(row.cumulative),
                "target": row.target,
                "breakdowns": {
                    dimension: [[code, label, len(ids)] for code, label, ids in cells]
                    for dimension, cells in row.breakdowns.items()
                },
            }
            for row in report.rows
        ],
        "not_counted": {why: len(ids) for why, ids in report.not_counted.items()},
        "helpful_other": {answer: len(ids) for answer, ids in report.helpful_other.items()},
        "targets": [
            [key, str(label), target, actual, len(ids)]
            for key, label, target, actual, ids in report.targets
        ],
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
