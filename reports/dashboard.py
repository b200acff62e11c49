"""The programme dashboard: one programme or all of an organisation's, over a period.

Every figure keeps the people behind it (reports.figures.Figure), so a click on any number
opens the list of participants it counts. The definitions beside each section say exactly what
is counted; they are the ones the tests check by hand.

Each section is one function of the scope (programmes, period, today) and is computed by the
database: counts of people and of rows with conditional aggregation, medians and means as
aggregates, per-person facts as subqueries. No row is read into Python; the people behind a
figure are a query of their own, run only when someone asks (the list behind a figure, the
small-count rule of an output for a funder). The sections that read only the enrolments share
one query (`_enrolment_facts`); every other section runs one, so the dashboard runs nine
queries whatever the number of people. Decision record 25 says why live aggregates rather
than kept monthly ones.
"""

import datetime
from dataclasses import dataclass, field
from functools import cached_property, partial

from django.db import connection
from django.db.models import (
    Avg,
    BigIntegerField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, NullIf, Trim
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluations import progress as domain_progress
from evaluations.models import Cefr, DomainScore, FollowUpCall, LanguageAssessment
from participants import choices
from participants.models import Enrolment, EnrolmentCoach, EnrolmentStatusChange
from programme import outcomes
from programme.sql import Days
from reports.aggregates import LocalDate, Median, select_over
from reports.figures import Figure, Period, percent
from reports.funder import WORK_READY
from sessions import months as attendance_months
from sessions.models import Attendance, GroupMembership
from trajectory.models import Placement, Referral

LOW_ATTENDANCE = 70  # % below which a person is listed as attending too little
LENGTH_BANDS = [(0, 3), (3, 6), (6, 9), (9, 12), (12, 18), (18, None)]  # months
DAYS_PER_MONTH = 30.44


@dataclass
class Section:
    key: str
    title: str
    note: str
    rows: list[Figure] = field(default_factory=list)
    chart: bool = False
    # What a reader of the figures knows adds up (a total and its parts), and the base of each
    # rate: what reports.suppression needs when the dashboard leaves for a funder.
    sums: list[tuple[Figure, list[Figure]]] = field(default_factory=list)
    bases: dict[str, int] = field(default_factory=dict)

    def add(
        self,
        label: str,
        ids=None,
        value: str | None = None,
        bar: float | None = None,
        base: int | None = None,
        count: int | None = None,
    ) -> Figure:
        """A figure; `ids` the people (a set, or a query of their ids with `count` already
        computed by the database, or a function returning that query)."""
        figure = Figure(f"{self.key}.{len(self.rows)}", label, ids if ids is not None else set(),
                        value, bar, count)  # fmt: skip
        self.rows.append(figure)
        if base is not None:
            self.bases[figure.key] = base
        return figure


@dataclass
class Dashboard:
    period: Period
    sections: list[Section]

    def read_people(self) -> None:
        """Every figure's people in one query (their queries joined by UNION ALL), for what
        needs them all: the small-count rule of an output for a funder."""
        rows = [
            row
            for section in self.sections
            for row in section.rows
            if isinstance(row.who, QuerySet) and "ids" not in row.__dict__
        ]
        if not rows:
            return
        parts = []
        for index, row in enumerate(rows):
            person = row.who._fields[0]  # the one column the query reads
            parts.append(row.who.values_list(Value(index, IntegerField()), person))
        found = [set() for _row in rows]
        for index, person in parts[0].union(*parts[1:], all=True):
            found[index].add(person)
        for row, ids in zip(rows, found, strict=True):
            row.__dict__["ids"] = ids  # what Figure.ids would have read

    def figure(self, key: str) -> Figure:
        for section in self.sections:
            for row in section.rows:
                if row.key == key:
                    return row
        raise KeyError(key)


@dataclass
class Scope:
    """What every section reads: the programmes, the period, today."""

    programmes: list
    period: Period
    today: datetime.date

    @cached_property
    def everyone(self):
        """Every enrolment, also those referred after the period: "waiting now" is today's
        list whatever the period (the rest of the dashboard reads nothing dated after its
        end)."""
        return Enrolment.objects.filter(programme__in=self.programmes).order_by()

    @cached_property
    def enrolments(self):
        return self.everyone.filter(referred_on__lte=self.period.end)

    @cached_property
    def active(self):
        """Enrolments in the programme on at least one day of the period."""
        return self.enrolments.filter(active_on(self.period))

    @cached_property
    def active_people(self):
        return self.active.values("participant_id")

    @cached_property
    def facts(self) -> "Facts":
        return _enrolment_facts(self)


def active_on(period: Period, enrolment: str = "") -> Q:
    """An enrolment in the programme on at least one day of the period (`enrolment`: the
    path to it from the rows filtered)."""
    return Q(
        **{f"{enrolment}started_on__isnull": False, f"{enrolment}started_on__lte": period.end}
    ) & (
        Q(**{f"{enrolment}exited_on__isnull": True})
        | Q(**{f"{enrolment}exited_on__gte": period.start})
    )


def in_scope(scope: "Scope", enrolment: str = "enrolment__") -> Q:
    """Rows of the scope's enrolments, as a join rather than a list or a subquery of ids."""
    return Q(**{f"{enrolment}programme__in": scope.programmes,
                f"{enrolment}referred_on__lte": scope.period.end})  # fmt: skip


def dashboard(programmes, period: Period, today: datetime.date | None = None) -> Dashboard:
    scope = Scope(list(programmes), period, today or timezone.localdate())
    sections = [
        _funnel(scope),
        _waiting(scope),
        _caseloads(scope),
        _attendance(scope),
        _completion(scope),
        _length(scope),
        _destinations(scope),
        _evaluations(scope),
        _language(scope),
        _placements(scope),
        _referrals(scope),
        _follow_up(scope),
    ]
    funnel, completion, destinations = sections[0], sections[4], sections[6]
    reasons = completion.rows[: len(choices.ExitReason.choices)]
    completion.sums.append((funnel.rows[4], reasons))
    dropped = reasons[choices.ExitReason.values.index(choices.ExitReason.DROPPED_OUT)]
    completion.sums.append((dropped, completion.rows[len(reasons) :]))
    destinations.sums.append((funnel.rows[4], destinations.rows[:-1]))
    return Dashboard(period, sections)


def _months(days: float | None) -> float | None:
    return None if days is None else days / DAYS_PER_MONTH


# The enrolments' facts: one query for the sections that read only the enrolments -------------


@dataclass
class Facts:
    """Conditions on the enrolments, each counted as people and as enrolments, and the
    medians and means over them, all from one query."""

    rows: object  # the enrolments the conditions are read on
    conditions: dict[str, Q]
    values: dict

    def people(self, name: str):
        """The figure's arguments: the people meeting the condition (the query built when
        asked) and their count."""
        return {"ids": partial(self._meeting, name), "count": self.values[name]}

    def _meeting(self, name: str) -> QuerySet:
        return _people_of(self.rows.filter(self.conditions[name]))

    def enrolments(self, name: str) -> int:
        return self.values[f"{name} rows"]


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _waited_until(day) -> F:
    return Days(day) - Days(LocalDate("waiting_since"))


def _length_days():
    return Days("exited_on") - Days("started_on")


# The facts whose enrolments are counted too (shares of the exits, bars of the charts).
COUNTED_AS_ENROLMENTS = ("exited", "completed", "ready", "reason:", "drop_out:", "destination:",
                         "band:")  # fmt: skip


def _enrolment_facts(scope: Scope) -> Facts:
    period, span = scope.period, (scope.period.start, scope.period.end)
    in_scope = Q(referred_on__lte=period.end)
    # The narrowest test first: SQLite tests each condition on every enrolment, and most
    # enrolments fail the first (did not leave, start or get referred in the period).
    exited = Q(exited_on__range=span) & in_scope
    done = exited & Q(started_on__isnull=False)
    months = _length_days() / Value(DAYS_PER_MONTH)
    intake = EnrolmentStatusChange.objects.filter(
        enrolment=OuterRef("pk"),
        to_status=Enrolment.Status.INTAKE,
        # The period's days in local time, as a range of instants the index can read.
        changed_at__gte=_midnight(period.start),
        changed_at__lt=_midnight(period.end + datetime.timedelta(days=1)),
    )
    conditions = {
        "referred": Q(referred_on__range=span) & in_scope,
        "intake": in_scope & Q(Exists(intake)),
        "admitted": Q(started_on__range=span) & in_scope,
        "active": in_scope & active_on(period),
        "exited": exited,
        "waiting": Q(status=Enrolment.Status.WAITING_LIST),
        "admitted_after_waiting": Q(waiting_since__isnull=False, started_on__range=span),
        "done": done,
        "longer": done & Q(longer=True),
        "completed": exited & Q(exit_reason=choices.ExitReason.COMPLETED),
        "ready": exited
        & Q(exit_reason=choices.ExitReason.COMPLETED, exit_destination__in=WORK_READY),
    }
    for reason in choices.ExitReason.values:
        conditions[f"reason:{reason}"] = exited & Q(exit_reason=reason)
    for reason in choices.DropOutReason.values:
        conditions[f"drop_out:{reason}"] = exited & Q(
            exit_reason=choices.ExitReason.DROPPED_OUT, drop_out_reason=reason
        )
    for destination in choices.ExitDestination.values:
        conditions[f"destination:{destination}"] = exited & Q(exit_destination=destination)
    for low, high in LENGTH_BANDS:
        band = Q(months__gte=low) & (Q() if high is None else Q(months__lt=high))
        conditions[f"band:{low}"] = done & band
    rows = scope.everyone.alias(
        months=months,
        longer=Case(
            # The enrolment's own planned length: its track's, else the programme's.
            When(
                Q(months__gt=Coalesce("track__length_months", "programme__planned_length_months")),
                then=True,
            ),
            default=False,
        ),
    )
    aggregates = {}  # by name, and the column each is read from (a plain SQL alias)
    for name, condition in conditions.items():
        aggregates[name] = Count("participant_id", distinct=True, filter=condition)
        if name.startswith(COUNTED_AS_ENROLMENTS):
            aggregates[f"{name} rows"] = Count("pk", filter=condition)
    waiting = conditions["waiting"] & Q(waiting_since__isnull=False)
    aggregates["wait_so_far"] = Median(_waited_until(Value(scope.today)), filter=waiting)
    aggregates["wait_before"] = Median(
        _waited_until(F("started_on")), filter=conditions["admitted_after_waiting"]
    )
    aggregates["length_median"] = Median(_length_days(), filter=done)
    aggregates["length_mean"] = Avg(_length_days(), filter=done)
    found = rows.aggregate(**{f"a{i}": each for i, each in enumerate(aggregates.values())})
    return Facts(rows, conditions, dict(zip(aggregates, found.values(), strict=True)))


def _funnel(scope: Scope) -> Section:
    section = Section(
        "funnel",
        _("From referral to exit"),
        _(
            "People referred, starting their intake, admitted (first day in the programme) "
            "and leaving during the period; active: in the programme on at least one day of it."
        ),
        chart=True,
    )
    facts = scope.facts
    section.add(_("Referred"), **facts.people("referred"))
    section.add(_("Intake"), **facts.people("intake"))
    section.add(_("Admitted"), **facts.people("admitted"))
    section.add(_("Active"), **facts.people("active"))
    section.add(_("Exited"), **facts.people("exited"))
    return section


def _waiting(scope: Scope) -> Section:
    section = Section(
        "waiting",
        _("Waiting list"),
        _(
            "Waiting now: on the waiting list today. Waiting time: from joining the list to the "
            "first day in the programme, for people admitted during the period."
        ),
    )
    facts = scope.facts
    section.add(_("Waiting now"), **facts.people("waiting"))
    section.add(_("Median wait so far (days)"), value=_number(facts.values["wait_so_far"]),
                **facts.people("waiting"))  # fmt: skip
    section.add(_("Admitted after waiting"), **facts.people("admitted_after_waiting"))
    section.add(_("Median wait before admission (days)"),
                value=_number(facts.values["wait_before"]),
                **facts.people("admitted_after_waiting"))  # fmt: skip
    return section


def _staff_name(user: str):
    """A staff member's name as User.get_full_name() gives it, else the user name."""
    full = Concat(f"{user}__first_name", Value(" "), f"{user}__last_name")
    return Coalesce(NullIf(Trim(full), Value("")), f"{user}__username")


def _people_of(rows: QuerySet) -> QuerySet:
    return rows.values_list("participant_id", flat=True).distinct()


def _caseloads(scope: Scope) -> Section:
    section = Section(
        "caseloads",
        _("Active participants per coach and per group"),
        _(
            "People in the programme on at least one day of the period, by their coach and by "
            "the groups they belonged to then."
        ),  # fmt: skip
        chart=True,
    )
    # The coach's name as User.get_full_name() gives it, else the user name; none: no coach.
    # A co-coach counts the people they coached beside the lead during the period too.
    active = scope.active.annotate(coach_name=_staff_name("coach"))
    co_coached = EnrolmentCoach.objects.filter(
        Q(until__isnull=True) | Q(until__gt=scope.period.start),
        since__lte=scope.period.end,
        enrolment__in=scope.active.values("pk"),
    ).annotate(coach_name=_staff_name("coach"))
    pairs = (
        active.values_list("coach_name", "participant_id")
        .order_by()
        .union(co_coached.values_list("coach_name", "enrolment__participant_id").order_by())
    )  # distinct (coach, person) pairs: the union drops repeats
    memberships = GroupMembership.objects.filter(
        Q(left_on__isnull=True) | Q(left_on__gte=scope.period.start),
        group__programme__in=scope.programmes,
        joined_on__lte=scope.period.end,
        participant_id__in=scope.active_people,
    ).order_by()
    by_group = (
        memberships.values("group__name")
        .annotate(people=Count("participant_id", distinct=True))
        .values_list("group__name", "people")
    )
    group = connection.ops.quote_name("group__name")
    found = select_over(
        "SELECT 0, coach_name, COUNT(*) FROM ({0}) AS pairs GROUP BY coach_name"
        f" UNION ALL SELECT 1, {group}, people FROM ({{1}}) AS by_group",
        pairs,
        by_group,
    )  # people per coach's name, per group's name: one query for both
    if found is None:  # no programme
        return section
    counts = ({}, {})
    for which, name, count in found:
        counts[which][name] = count

    def coached(name):  # a coach's people, the query built only when asked
        if not name:
            return _people_of(active.filter(coach__isnull=True))
        mine = co_coached.filter(coach_name=name).values("enrolment_id")
        return _people_of(active.filter(Q(coach_name=name) | Q(pk__in=mine)))

    def grouped(name):
        return _people_of(memberships.filter(group__name=name))

    for name in sorted(counts[0], key=lambda name: name or _("No coach")):
        label = _("Coach: %(name)s") % {"name": name or _("No coach")}
        section.add(label, partial(coached, name), count=counts[0][name])
    for name in sorted(counts[1]):
        label = _("Group: %(name)s") % {"name": name}
        section.add(label, partial(grouped, name), count=counts[1][name])
    return section


def _attendance(scope: Scope) -> Section:
    section = Section(
        "attendance",
        _("Attendance"),
        _(
            "Sessions of the period that took place and whose attendance was recorded: present "
            "or late, out of present, late, excused and unexcused absences."
        ),
    )
    # Counted from the attendance kept per month (sessions.months: the days at the period's
    # edges from the rows themselves), per person, then over the people, in one query: at
    # national scale an organisation's year is some 340,000 attendance rows.
    found = select_over(
        # Below the rate: 100 × attended / recorded < LOW_ATTENDANCE, in whole numbers.
        "SELECT COUNT(*), COUNT(CASE WHEN recorded * %s - attended * 100 > 0 THEN 1 END),"
        " COALESCE(SUM(recorded), 0), COALESCE(SUM(attended), 0)"
        " FROM (SELECT participant_id, SUM(recorded) AS recorded, SUM(attended) AS attended"
        " FROM ({0}) AS counted GROUP BY participant_id) AS people",
        attendance_months.per_person(
            [p.pk for p in scope.programmes], scope.period.start, scope.period.end
        ),
        params=(LOW_ATTENDANCE,),
    )
    # Whole numbers (PostgreSQL sums integers as numeric); none at all without a programme.
    people, low, all_recorded, all_attended = (int(v) for v in (found or [(0, 0, 0, 0)])[0])
    totals = {"people": people, "low": low, "all_recorded": all_recorded,
              "all_attended": all_attended}  # fmt: skip
    # The people behind the figures, read only when asked, from the attendance itself.
    per_person = (
        Attendance.objects.filter(
            session__programme__in=scope.programmes,
            session__date__range=(scope.period.start, scope.period.end),
            session__cancelled_at__isnull=True,
            status__in=Attendance.ATTENDED | Attendance.ABSENCES,
        )
        .order_by()
        .values("participant_id")
        .annotate(
            recorded=Count("pk"), attended=Count("pk", filter=Q(status__in=Attendance.ATTENDED))
        )
        .annotate(short=F("recorded") * LOW_ATTENDANCE - F("attended") * 100)
    )
    section.add(
        _("Attendance rate"),
        per_person.values_list("participant_id", flat=True),
        percent(totals["all_attended"], totals["all_recorded"]),
        count=totals["people"],
    )
    section.add(
        _("Attending less than %(rate)s %%") % {"rate": LOW_ATTENDANCE},
        per_person.filter(short__gt=0).values_list("participant_id", flat=True),
        count=totals["low"],
    )
    return section


def _completion(scope: Scope) -> Section:
    section = Section(
        "completion",
        _("Completion and drop-out"),
        _(
            "People who left during the period, by how their trajectory ended; drop-outs by "
            "their main reason."
        ),  # fmt: skip
        chart=True,
    )
    facts = scope.facts
    total = facts.enrolments("exited")
    for reason, label in choices.ExitReason.choices:
        some = facts.enrolments(f"reason:{reason}")
        section.add(label, value=f"{some} ({percent(some, total)})", bar=some, base=total,
                    **facts.people(f"reason:{reason}"))  # fmt: skip
    dropped = facts.enrolments(f"reason:{choices.ExitReason.DROPPED_OUT}")
    for reason, label in choices.DropOutReason.choices:
        some = facts.enrolments(f"drop_out:{reason}")
        if some:
            section.add(
                _("Drop-out: %(reason)s") % {"reason": label},
                value=_("%(count)s (%(share)s of drop-outs)")
                % {"count": some, "share": percent(some, dropped)},
                bar=some,
                base=dropped,
                **facts.people(f"drop_out:{reason}"),
            )
    return section


def _length(scope: Scope) -> Section:
    section = Section(
        "length",
        _("Trajectory length"),
        _(
            "From the first day to the exit, for people who left during the period, against "
            "the planned length."
        ),  # fmt: skip
        chart=True,
    )
    facts = scope.facts
    planned = sorted({p.planned_length_months for p in scope.programmes})
    lengths = section.add(_("Median (months)"), value=_number(_months(
        facts.values["length_median"])), **facts.people("done"))  # fmt: skip
    section.add(_("Average (months)"), value=_number(_months(facts.values["length_mean"])),
                **facts.people("done"))  # fmt: skip
    section.add(_("Planned (months)"), set(), ", ".join(str(m) for m in planned) or "—")
    section.add(_("Longer than planned"), **facts.people("longer"))
    for low, high in LENGTH_BANDS:
        label = (
            _("%(low)s to %(high)s months") % {"low": low, "high": high}
            if high
            else _("%(low)s months or more") % {"low": low}
        )
        section.add(label, bar=facts.enrolments(f"band:{low}"), **facts.people(f"band:{low}"))
    section.sums.append((lengths, section.rows[-len(LENGTH_BANDS) :]))
    return section


def _destinations(scope: Scope) -> Section:
    section = Section(
        "destinations",
        _("Exit destinations"),
        _(
            "Where people who left during the period went. Ready for work: subsidised employment "
            "(art. 60 §7), a job or self-employment, counted among those who completed."
        ),  # fmt: skip
        chart=True,
    )
    facts = scope.facts
    for destination, label in choices.ExitDestination.choices:
        some = facts.enrolments(f"destination:{destination}")
        if some:
            section.add(label, bar=some, **facts.people(f"destination:{destination}"))
    ready, completed = facts.enrolments("ready"), facts.enrolments("completed")
    section.add(
        _("Ready for work (of those who completed)"),
        value=f"{ready} ({percent(ready, completed)})",
        bar=ready,
        base=completed,
        **facts.people("ready"),
    )
    return section


def _evaluations(scope: Scope) -> Section:
    section = Section(
        "evaluations",
        _("Progress per outcome domain"),
        _(
            "The coach's scores (1 to 4) at the baseline and at the most recent evaluation since "
            "(the exit evaluation once done), held by the end of the period, for people active "
            "in the period with both; improved: a higher score. A domain the programme no "
            "longer scores still counts the people scored in it."
        ),
        chart=True,
    )
    # evaluations.selectors.progress_since_baseline, per enrolment and domain, read from the
    # progress kept per enrolment (evaluations.progress): the coach's baseline score against
    # their latest score since, nothing held after the end.
    rows = select_over(
        # Per domain, over the pairs (an aggregate of aggregates).
        "SELECT domain, COUNT(*), COUNT(DISTINCT person),"
        " COUNT(DISTINCT CASE WHEN latest %% 10 > before THEN person END),"
        " AVG(CAST(before AS DOUBLE PRECISION)), AVG(CAST(latest %% 10 AS DOUBLE PRECISION))"
        " FROM ({0}) pairs GROUP BY domain",
        domain_progress.per_pair(scope.programmes, scope.active.values("pk"), scope.period.end),
    )
    found = {
        code: {"pairs": n, "people": people, "improved": improved, "before": before,
               "after_mean": after}
        for code, n, people, improved, before, after in rows or []
    }  # fmt: skip

    def scored_in(code):  # the people, read from the scores themselves when asked
        scores = DomainScore.objects.filter(
            # The scope's enrolments as a list the evaluations are searched by, not a join:
            # joined, SQLite reads the country's evaluations.
            evaluation__enrolment__in=scope.active.values("pk"),
            evaluation__held_on__lte=scope.period.end,
            domain=code,
        )
        return domain_progress.pairs(scores).values_list("person", flat=True)

    codes = [code for p in scope.programmes for code in p.outcome_domains]
    # A domain no programme scores any more comes after theirs, in the order of the codes.
    for code in dict.fromkeys([*codes, *sorted(found)]):
        row = found.get(code)
        if not row:
            continue
        value = _("%(before)s → %(after)s · %(share)s improved") % {
            "before": _number(row["before"]),
            "after": _number(row["after_mean"]),
            "share": percent(row["improved"], row["pairs"]),
        }
        section.add(
            str(outcomes.BY_CODE[code].name),
            partial(scored_in, code),
            value,
            bar=100 * row["improved"] / row["pairs"],
            count=row["people"],
        )
    return section


def _rank(skill: str) -> Case:
    return Case(
        *(When(**{skill: level}, then=Value(rank)) for rank, level in enumerate(Cefr.values)),
        output_field=IntegerField(),
    )


def _language(scope: Scope) -> Section:
    section = Section(
        "language",
        _("Language levels"),
        _(
            "Active people tested at least twice by the end of the period: the first test "
            "against the latest. Up one level: a skill a whole CEFR level higher, none lower."
        ),  # fmt: skip
    )
    # Each test as one number that orders a person's tests (day, then id) and ends with the
    # three skills' ranks (0 to 6), oral·reading·writing: the first test is the smallest, the
    # latest the largest, read per person by one grouped query rather than two subqueries per
    # test (below 2^63: integers on both databases, never a double).
    day = Cast(Days("assessed_on") - Days(Value(domain_progress.EPOCH)), BigIntegerField())
    ranks = _rank("oral") * 100 + _rank("reading") * 10 + _rank("writing")
    key = (day * domain_progress.EVALUATION_SPAN + F("pk")) * 1000 + ranks
    per_person = (
        LanguageAssessment.objects.filter(
            participant_id__in=scope.active_people, assessed_on__lte=scope.period.end
        )
        .order_by()
        .values("participant_id")
        .annotate(tests=Count("pk"), first=Min(key) % 1000, last=Max(key) % 1000)
    )
    # Up one level (reports.funder.improved_one_level): tested twice, no skill lower, and not
    # the same levels; read on the per-person columns.
    up = Q(tests__gte=2) & ~Q(first=F("last"))
    for place in (100, 10, 1):
        up &= GreaterThanOrEqual(F("last") / place % 10, F("first") / place % 10)
    totals = per_person.aggregate(
        once=Count("participant_id", filter=Q(tests=1)),
        twice=Count("participant_id", filter=Q(tests__gte=2)),
        improved=Count("participant_id", filter=up),
    )

    def who(condition):
        return per_person.filter(condition).values_list("participant_id", flat=True)

    section.add(_("Tested once"), partial(who, Q(tests=1)), count=totals["once"])
    section.add(_("Tested at least twice"), partial(who, Q(tests__gte=2)), count=totals["twice"])
    section.add(
        _("Up at least one level"),
        partial(who, up),
        f"{totals['improved']} ({percent(totals['improved'], totals['twice'])})",
        base=totals["twice"],
        count=totals["improved"],
    )
    return section


def _placements(scope: Scope) -> Section:
    section = Section(
        "placements",
        _("Placements"),
        _(
            "Volunteering, job tastings and internships under way on at least one day of the "
            "period; how the ended ones ended."
        ),  # fmt: skip
        chart=True,
    )
    placements = (
        Placement.objects.overlapping(scope.period.start, scope.period.end)
        .filter(in_scope(scope), active_on(scope.period, "enrolment__"))
        .order_by()
    )
    conditions = {f"kind:{kind}": Q(kind=kind) for kind in Placement.Kind.values}
    conditions |= {f"outcome:{outcome}": Q(outcome=outcome) for outcome in Placement.Outcome.values}
    counts = placements.aggregate(
        **{
            name: Count("enrolment__participant_id", distinct=True, filter=condition)
            for name, condition in conditions.items()
        }
    )

    def add(label, name):
        who = placements.filter(conditions[name]).values_list("enrolment__participant_id",
                                                              flat=True)  # fmt: skip
        section.add(label, who.distinct(), count=counts[name])

    for kind, label in Placement.Kind.choices:
        add(label, f"kind:{kind}")
    for outcome, label in Placement.Outcome.choices:
        if counts[f"outcome:{outcome}"]:
            add(_("Ended: %(outcome)s") % {"outcome": label}, f"outcome:{outcome}")
    return section


def _referrals(scope: Scope) -> Section:
    section = Section(
        "referrals",
        _("Referrals to partners"),
        _(
            "Referrals sent during the period, by what for; waiting: days from sending to the "
            "start of the help (so far, for those still waiting)."
        ),  # fmt: skip
        chart=True,
    )
    referrals = Referral.objects.filter(
        in_scope(scope), sent_on__range=(scope.period.start, scope.period.end)
    ).order_by()
    # Referral.waiting_days as it stood on `today`, so the dashboard of a past day (and the
    # tests) count the days still waiting up to that day, not up to the clock's.
    wait = Case(
        When(status=Referral.Status.REFUSED, then=None),
        When(started_on__isnull=False, then=Days("started_on") - Days("sent_on")),
        When(
            status__in=[Referral.Status.SENT, Referral.Status.WAITING_LIST],
            then=Days(Value(scope.today)) - Days("sent_on"),
        ),
        default=None,
    )
    found = {
        kind: (people, days)
        for kind, people, days in referrals.values("kind")
        .annotate(people=Count("enrolment__participant_id", distinct=True), days=Median(wait))
        .values_list("kind", "people", "days")
    }
    for kind, label in Referral.Kind.choices:
        if kind not in found:
            continue
        count, days = found[kind]
        value = (
            _("%(count)s · median wait %(days)s days") % {"count": count, "days": _number(days)}
            if days is not None
            else str(count)
        )
        who = referrals.filter(kind=kind).values_list("enrolment__participant_id", flat=True)
        section.add(label, who.distinct(), value, count, count=count)
    return section


def _follow_up(scope: Scope) -> Section:
    section = Section(
        "follow_up",
        _("Follow-up calls after exit"),
        _(
            "Calls due during the period (calls not yet due are left out), at each interval: "
            "reached, unreachable, still to call; in work or training among those reached."
        ),  # fmt: skip
    )
    # The scope's enrolments as a list the calls are searched by (their enrolment index), not
    # as a join: joined, SQLite reads the country's calls due in the period by status first.
    # The programmes again on the joined enrolment (the list implies them): PostgreSQL then
    # reads only the scope's enrolments for their participant, not the whole table.
    calls = (
        FollowUpCall.objects.filter(
            enrolment__in=scope.enrolments.values("pk"),
            enrolment__programme__in=scope.programmes,
            due_on__range=(scope.period.start, min(scope.period.end, scope.today)),
        )
        .exclude(status=FollowUpCall.Status.CANCELLED)
        .order_by()
    )
    Status = FollowUpCall.Status
    in_work = [
        FollowUpCall.Situation.EMPLOYED,
        FollowUpCall.Situation.SELF_EMPLOYED,
        FollowUpCall.Situation.TRAINING,
    ]
    reached = Q(status=Status.REACHED)
    conditions = {
        "due": Q(),
        "reached": reached,
        "unreachable": Q(status=Status.UNREACHABLE),
        "planned": Q(status=Status.PLANNED),
        "working": reached & Q(situation__in=in_work),
        "needs_help": reached & Q(needs_help=True),
    }
    person = "enrolment__participant_id"
    by_interval = {
        row["weeks_after_exit"]: row
        for row in calls.values("weeks_after_exit").annotate(
            **{
                name: Count(person, distinct=True, filter=condition or None)
                for name, condition in conditions.items()
            }
        )
    }
    for weeks, counts in sorted(by_interval.items()):
        interval = FollowUpCall(weeks_after_exit=weeks).interval

        def add(label, name, value=None, base=None):
            who = calls.filter(conditions[name], weeks_after_exit=weeks)  # noqa: B023
            return section.add(
                label % {"interval": interval},  # noqa: B023
                who.values_list(person, flat=True).distinct(),
                value,
                base=base,
                count=counts[name],  # noqa: B023
            )

        due = add(_("%(interval)s: due"), "due")
        parts = [
            add(_("%(interval)s: reached"), "reached"),
            add(_("%(interval)s: unreachable"), "unreachable"),
            add(_("%(interval)s: still to call"), "planned"),
        ]
        section.sums.append((due, parts))
        working, of = counts["working"], counts["reached"]
        add(_("%(interval)s: in work or training"), "working",
            f"{working} ({percent(working, of)})", base=of)  # fmt: skip
        add(_("%(interval)s: needs help"), "needs_help")
    return section


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".removesuffix(".0")
