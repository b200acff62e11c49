"""A frozen copy of the dashboard as it was computed in Python, before its sections became
SQL aggregates: the reference test_dashboard_equivalence.py compares the new computation with.
Not used by the application; delete it with that test once the equivalence is no longer wanted.
One rule changed since it was frozen, and is followed here too: "longer than planned" compares
with the enrolment's own planned length (its track's, else the programme's).

The programme dashboard: one programme or all of an organisation's, over a period.

Every figure keeps the people behind it (reports.figures.Figure), so a click on any number
opens the list of participants it counts. The definitions beside each section say exactly what
is counted; they are the ones the tests check by hand. A fixed number of queries (ten)
whatever the number of people.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluations.models import FollowUpCall, LanguageAssessment
from evaluations.selectors import progress_since_baseline
from participants import choices
from participants.models import Enrolment, EnrolmentCoach, EnrolmentStatusChange
from programme import outcomes
from reports.figures import Period, mean, median, percent
from reports.funder import WORK_READY, improved_one_level
from sessions.models import Attendance, GroupMembership
from trajectory.models import Placement, Referral

LOW_ATTENDANCE = 70  # % below which a person is listed as attending too little
LENGTH_BANDS = [(0, 3), (3, 6), (6, 9), (9, 12), (12, 18), (18, None)]  # months
DAYS_PER_MONTH = 30.44


@dataclass
class Figure:
    key: str
    label: str
    ids: set[int] = field(default_factory=set)
    value: str | None = None
    bar: float | None = None

    @property
    def count(self) -> int:
        return len(self.ids)

    @property
    def shown(self) -> str:
        return self.value if self.value is not None else str(self.count)


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
    ) -> Figure:
        figure = Figure(f"{self.key}.{len(self.rows)}", label, set(ids or ()), value, bar)
        self.rows.append(figure)
        if base is not None:
            self.bases[figure.key] = base
        return figure


@dataclass
class Dashboard:
    period: Period
    sections: list[Section]

    def figure(self, key: str) -> Figure:
        for section in self.sections:
            for row in section.rows:
                if row.key == key:
                    return row
        raise KeyError(key)


def _people(enrolments) -> set[int]:
    return {e.participant_id for e in enrolments}


def _months(days: int) -> float:
    return days / DAYS_PER_MONTH


def dashboard(programmes, period: Period, today: datetime.date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    programmes = list(programmes)
    # Every enrolment, also those referred after the period: "waiting now" is today's list
    # whatever the period (the rest of the dashboard reads nothing dated after its end).
    everyone = list(
        Enrolment.objects.filter(programme__in=programmes)
        .select_related("coach", "programme", "track")
        .order_by("pk")
    )
    enrolments = [e for e in everyone if e.referred_on <= period.end]
    active = [e for e in enrolments if period.overlaps(e.started_on, e.exited_on)]
    # The same enrolments as a join for the queries that follow them: a list of a thousand
    # ids costs more to build and to probe than the join.
    scope = {"enrolment__programme__in": programmes, "enrolment__referred_on__lte": period.end}
    exits = [e for e in enrolments if period.contains(e.exited_on)]
    sections = [
        _funnel(enrolments, active, exits, period, scope),
        _waiting(everyone, period, today),
        _caseloads(programmes, active, period),
        _attendance(programmes, period),
        _completion(exits),
        _length(exits, programmes),
        _destinations(exits),
        _evaluations(active, programmes, period),
        _language(active, period),
        _placements(active, period),
        _referrals(period, today, scope),
        _follow_up(enrolments, period, today),
    ]
    funnel, completion, destinations = sections[0], sections[4], sections[6]
    reasons = completion.rows[: len(choices.ExitReason.choices)]
    completion.sums.append((funnel.rows[4], reasons))
    dropped = reasons[choices.ExitReason.values.index(choices.ExitReason.DROPPED_OUT)]
    completion.sums.append((dropped, completion.rows[len(reasons) :]))
    destinations.sums.append((funnel.rows[4], destinations.rows[:-1]))
    return Dashboard(period, sections)


def _funnel(enrolments, active, exits, period, scope):
    section = Section(
        "funnel",
        _("From referral to exit"),
        _(
            "People referred, starting their intake, admitted (first day in the programme) "
            "and leaving during the period; active: in the programme on at least one day of it."
        ),
        chart=True,
    )
    intake = set(
        EnrolmentStatusChange.objects.filter(
            **scope,
            to_status=Enrolment.Status.INTAKE,
            changed_at__date__range=(period.start, period.end),
        ).values_list("enrolment__participant_id", flat=True)
    )
    section.add(_("Referred"), _people(e for e in enrolments if period.contains(e.referred_on)))
    section.add(_("Intake"), intake)
    section.add(_("Admitted"), _people(e for e in enrolments if period.contains(e.started_on)))
    section.add(_("Active"), _people(active))
    section.add(_("Exited"), _people(exits))
    return section


def _waiting(everyone, period, today):
    section = Section(
        "waiting",
        _("Waiting list"),
        _(
            "Waiting now: on the waiting list today. Waiting time: from joining the list to the "
            "first day in the programme, for people admitted during the period."
        ),
    )
    waiting = [e for e in everyone if e.status == Enrolment.Status.WAITING_LIST]
    so_far = [
        (today - timezone.localdate(e.waiting_since)).days for e in waiting if e.waiting_since
    ]
    admitted = [e for e in everyone if e.waiting_since and period.contains(e.started_on)]
    waits = [(e.started_on - timezone.localdate(e.waiting_since)).days for e in admitted]
    section.add(_("Waiting now"), _people(waiting))
    section.add(_("Median wait so far (days)"), _people(waiting), _number(median(so_far)))
    section.add(_("Admitted after waiting"), _people(admitted))
    section.add(_("Median wait before admission (days)"), _people(admitted), _number(median(waits)))
    return section


def _caseloads(programmes, active, period):
    section = Section(
        "caseloads",
        _("Active participants per coach and per group"),
        _(
            "People in the programme on at least one day of the period, by their coach and by "
            "the groups they belonged to then."
        ),  # fmt: skip
        chart=True,
    )
    by_coach = defaultdict(set)
    for e in active:
        name = (e.coach.get_full_name() or e.coach.get_username()) if e.coach else _("No coach")
        by_coach[name].add(e.participant_id)
    # A co-coach counts the people they coached beside the lead during the period (decision
    # 24): from `since` to the day before `until`.
    people = {e.pk: e.participant_id for e in active}
    for co in EnrolmentCoach.objects.filter(enrolment_id__in=list(people)).select_related("coach"):
        if co.since <= period.end and (co.until is None or co.until > period.start):
            name = co.coach.get_full_name() or co.coach.get_username()
            by_coach[name].add(people[co.enrolment_id])
    for name in sorted(by_coach):
        section.add(_("Coach: %(name)s") % {"name": name}, by_coach[name])
    memberships = GroupMembership.objects.filter(
        Q(left_on__isnull=True) | Q(left_on__gte=period.start),
        group__programme__in=programmes,
        joined_on__lte=period.end,
        participant_id__in=_people(active),
    ).values_list("group__name", "participant_id")
    by_group = defaultdict(set)
    for name, participant_id in memberships:
        by_group[name].add(participant_id)
    for name in sorted(by_group):
        section.add(_("Group: %(name)s") % {"name": name}, by_group[name])
    return section


def _attendance(programmes, period):
    section = Section(
        "attendance",
        _("Attendance"),
        _(
            "Sessions of the period that took place and whose attendance was recorded: present "
            "or late, out of present, late, excused and unexcused absences."
        ),
    )
    # Counted by the database, a row per person: at national scale a programme's year is
    # some 80,000 attendance rows.
    rows = (
        Attendance.objects.filter(
            session__programme__in=programmes,
            session__date__range=(period.start, period.end),
            session__cancelled_at__isnull=True,
            status__in=Attendance.ATTENDED | Attendance.ABSENCES,
        )
        .order_by()
        .values("participant_id")
        .annotate(
            recorded=Count("pk"), attended=Count("pk", filter=Q(status__in=Attendance.ATTENDED))
        )
        .values_list("participant_id", "recorded", "attended")
    )
    attended, recorded = Counter(), Counter()
    for participant_id, count, present in rows:
        recorded[participant_id], attended[participant_id] = count, present
    low = {pk for pk in recorded if 100 * attended[pk] / recorded[pk] < LOW_ATTENDANCE}
    section.add(
        _("Attendance rate"),
        set(recorded),
        percent(sum(attended.values()), sum(recorded.values())),
    )
    section.add(_("Attending less than %(rate)s %%") % {"rate": LOW_ATTENDANCE}, low)
    return section


def _completion(exits):
    section = Section(
        "completion",
        _("Completion and drop-out"),
        _(
            "People who left during the period, by how their trajectory ended; drop-outs by "
            "their main reason."
        ),  # fmt: skip
        chart=True,
    )
    total = len(exits)
    for reason, label in choices.ExitReason.choices:
        some = [e for e in exits if e.exit_reason == reason]
        section.add(label, _people(some), f"{len(some)} ({percent(len(some), total)})", len(some),
                    base=total)  # fmt: skip
    dropped = [e for e in exits if e.exit_reason == choices.ExitReason.DROPPED_OUT]
    for reason, label in choices.DropOutReason.choices:
        some = [e for e in dropped if e.drop_out_reason == reason]
        if some:
            section.add(
                _("Drop-out: %(reason)s") % {"reason": label},
                _people(some),
                _("%(count)s (%(share)s of drop-outs)")
                % {"count": len(some), "share": percent(len(some), len(dropped))},
                len(some),
                base=len(dropped),
            )
    return section


def _length(exits, programmes):
    section = Section(
        "length",
        _("Trajectory length"),
        _(
            "From the first day to the exit, for people who left during the period, against "
            "the planned length."
        ),  # fmt: skip
        chart=True,
    )
    done = [e for e in exits if e.started_on]
    months = [_months((e.exited_on - e.started_on).days) for e in done]
    planned = sorted({p.planned_length_months for p in programmes})
    lengths = section.add(_("Median (months)"), _people(done), _number(median(months)))
    section.add(_("Average (months)"), _people(done), _number(mean(months)))
    section.add(_("Planned (months)"), set(), ", ".join(str(m) for m in planned) or "—")
    section.add(
        _("Longer than planned"),
        _people(e for e in done
                if _months((e.exited_on - e.started_on).days) > e.planned_length_months),
    )  # fmt: skip
    for low, high in LENGTH_BANDS:
        some = [
            e for e, m in zip(done, months, strict=True) if m >= low and (high is None or m < high)
        ]
        label = (
            _("%(low)s to %(high)s months") % {"low": low, "high": high}
            if high
            else _("%(low)s months or more") % {"low": low}
        )
        section.add(label, _people(some), bar=len(some))
    section.sums.append((lengths, section.rows[-len(LENGTH_BANDS) :]))
    return section


def _destinations(exits):
    section = Section(
        "destinations",
        _("Exit destinations"),
        _(
            "Where people who left during the period went. Ready for work: subsidised employment "
            "(art. 60 §7), a job or self-employment, counted among those who completed."
        ),  # fmt: skip
        chart=True,
    )
    for destination, label in choices.ExitDestination.choices:
        some = [e for e in exits if e.exit_destination == destination]
        if some:
            section.add(label, _people(some), bar=len(some))
    completed = [e for e in exits if e.exit_reason == choices.ExitReason.COMPLETED]
    ready = [e for e in completed if e.exit_destination in WORK_READY]
    section.add(
        _("Ready for work (of those who completed)"),
        _people(ready),
        f"{len(ready)} ({percent(len(ready), len(completed))})",
        bar=len(ready),
        base=len(completed),
    )
    return section


def _evaluations(active, programmes, period):
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
    pairs_of = defaultdict(list)  # domain -> (person, baseline, latest)
    progress = progress_since_baseline(active, until=period.end)
    for enrolment in active:
        for row in progress[enrolment.pk].domains:
            change = row.coach
            if change.steps is not None:
                pairs_of[row.domain.code].append(
                    (enrolment.participant_id, change.before, change.after)
                )
    codes = [code for p in programmes for code in p.outcome_domains]
    for code in dict.fromkeys([*codes, *pairs_of]):
        pairs = pairs_of.get(code)
        if not pairs:
            continue
        improved = {pk for pk, before, after in pairs if after > before}
        value = _("%(before)s → %(after)s · %(share)s improved") % {
            "before": _number(mean([before for _pk, before, _after in pairs])),
            "after": _number(mean([after for _pk, _before, after in pairs])),
            "share": percent(len(improved), len(pairs)),
        }
        section.add(
            str(outcomes.BY_CODE[code].name),
            {pk for pk, _before, _after in pairs},
            value,
            bar=100 * len(improved) / len(pairs),
        )
    return section


def _language(active, period):
    section = Section(
        "language",
        _("Language levels"),
        _(
            "Active people tested at least twice by the end of the period: the first test "
            "against the latest. Up one level: a skill a whole CEFR level higher, none lower."
        ),  # fmt: skip
    )
    tests = defaultdict(list)
    for assessment in LanguageAssessment.objects.filter(
        participant_id__in=_people(active), assessed_on__lte=period.end
    ).order_by("assessed_on", "pk"):
        tests[assessment.participant_id].append(assessment)
    twice = {pk for pk, rows in tests.items() if len(rows) >= 2}
    improved = {pk for pk in twice if improved_one_level(tests[pk][0], tests[pk][-1])}
    section.add(_("Tested once"), {pk for pk, rows in tests.items() if len(rows) == 1})
    section.add(_("Tested at least twice"), twice)
    section.add(
        _("Up at least one level"),
        improved,
        f"{len(improved)} ({percent(len(improved), len(twice))})",
        base=len(twice),
    )
    return section


def _placements(active, period):
    section = Section(
        "placements",
        _("Placements"),
        _(
            "Volunteering, job tastings and internships under way on at least one day of the "
            "period; how the ended ones ended."
        ),  # fmt: skip
        chart=True,
    )
    placements = list(
        Placement.objects.overlapping(period.start, period.end)
        .filter(enrolment__in=[e.pk for e in active])
        .values_list("enrolment__participant_id", "kind", "outcome")
    )
    for kind, label in Placement.Kind.choices:
        section.add(label, {pk for pk, k, _o in placements if k == kind})
    for outcome, label in Placement.Outcome.choices:
        some = {pk for pk, _k, o in placements if o == outcome}
        if some:
            section.add(_("Ended: %(outcome)s") % {"outcome": label}, some)
    return section


def _referrals(period, today, scope):
    section = Section(
        "referrals",
        _("Referrals to partners"),
        _(
            "Referrals sent during the period, by what for; waiting: days from sending to the "
            "start of the help (so far, for those still waiting)."
        ),  # fmt: skip
        chart=True,
    )
    referrals = list(
        Referral.objects.filter(
            **scope,
            sent_on__range=(period.start, period.end),
        ).select_related("enrolment")
    )
    for kind, label in Referral.Kind.choices:
        some = [r for r in referrals if r.kind == kind]
        if not some:
            continue
        waits = [days for r in some if (days := _referral_wait(r, today)) is not None]
        count = len({r.enrolment.participant_id for r in some})
        value = (
            _("%(count)s · median wait %(days)s days")
            % {"count": count, "days": _number(median(waits))}
            if waits
            else str(count)
        )
        section.add(label, {r.enrolment.participant_id for r in some}, value,
                    len({r.enrolment.participant_id for r in some}))  # fmt: skip
    return section


def _referral_wait(referral: Referral, today: datetime.date) -> int | None:
    """Referral.waiting_days as it stood on `today`, so the dashboard of a past day (and the
    tests) count the days still waiting up to that day, not up to the clock's."""
    if referral.status == Referral.Status.REFUSED:
        return None
    if referral.started_on:
        return (referral.started_on - referral.sent_on).days
    if referral.status in {Referral.Status.SENT, Referral.Status.WAITING_LIST}:
        return (today - referral.sent_on).days
    return None


def _follow_up(enrolments, period, today):
    section = Section(
        "follow_up",
        _("Follow-up calls after exit"),
        _(
            "Calls due during the period (calls not yet due are left out), at each interval: "
            "reached, unreachable, still to call; in work or training among those reached."
        ),  # fmt: skip
    )
    calls = list(
        FollowUpCall.objects.filter(
            enrolment__in=[e.pk for e in enrolments],
            due_on__range=(period.start, min(period.end, today)),
        )
        .exclude(status=FollowUpCall.Status.CANCELLED)
        .select_related("enrolment")
        .order_by("weeks_after_exit", "pk")
    )
    in_work = {
        FollowUpCall.Situation.EMPLOYED,
        FollowUpCall.Situation.SELF_EMPLOYED,
        FollowUpCall.Situation.TRAINING,
    }
    by_interval = defaultdict(list)
    for call in calls:
        by_interval[call.weeks_after_exit].append(call)
    for _weeks, some in sorted(by_interval.items()):
        interval = some[0].interval
        reached = [c for c in some if c.status == FollowUpCall.Status.REACHED]

        def people(rows):
            return {c.enrolment.participant_id for c in rows}

        due = section.add(_("%(interval)s: due") % {"interval": interval}, people(some))
        parts = [
            section.add(_("%(interval)s: reached") % {"interval": interval}, people(reached)),
            section.add(
                _("%(interval)s: unreachable") % {"interval": interval},
                people(c for c in some if c.status == FollowUpCall.Status.UNREACHABLE),
            ),
            section.add(
                _("%(interval)s: still to call") % {"interval": interval},
                people(c for c in some if c.status == FollowUpCall.Status.PLANNED),
            ),
        ]
        section.sums.append((due, parts))
        working = people(c for c in reached if c.situation in in_work)
        section.add(
            _("%(interval)s: in work or training") % {"interval": interval},
            working,
            f"{len(working)} ({percent(len(working), len(people(reached)))})",
            base=len(people(reached)),
        )
        section.add(
            _("%(interval)s: needs help") % {"interval": interval},
            people(c for c in reached if c.needs_help),
        )
    return section


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".removesuffix(".0")
