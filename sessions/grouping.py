"""Proposing groups for the people waiting to be placed. Pure and deterministic: plain data in,
plain data out, no database, so it can be tested on thousands of made-up people.

1. The assessed people are sorted by level (mean CEFR rank of the latest assessment), then
   literacy, then id, and cut into contiguous level bands of balanced size (the smaller bands
   at the bottom, where learners need more attention). Contiguous bands keep each group's level
   spread as small as the sizes allow.
2. If the programme limits the share of one mother tongue, the bands are repaired with a
   min-cost flow over (language, group) counts: a speaker moves to a neighbouring band and
   someone of another language moves back, each move costing the level gap between the person
   and the band they join. The flow finds a placement within the limit whenever one exists,
   with the least level movement; within each language, people keep their level order across
   the groups.
   When a language has too many speakers for the limit, its speakers are spread as evenly as
   possible and a note says why.
3. Every member gets one line saying why they are there.

People never assessed are not placed: they are listed to be assessed first.
"""

import heapq
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from evaluations.models import Cefr
from participants.choices import LANGUAGES, Literacy, Schooling

# Who cannot read yet sorts first, so that at equal level they end up together.
LITERACY_ORDER = {
    Literacy.NONE: 0,
    Literacy.LIMITED: 1,
    Literacy.OTHER_SCRIPT: 2,
    Literacy.LATIN: 3,
}
UNKNOWN_LITERACY = len(LITERACY_ORDER)
LANGUAGE_NAMES = dict(LANGUAGES)
WAITING = 0  # the "group" of the people the coach keeps on the waiting list
MAX_GROUPS = 500


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    level_rank: float | None  # 0 = pre-A1 … 6 = C2, mean of the latest assessment's skills
    oral: str = ""  # CEFR code of the latest oral level
    literacy: str = ""  # participants.choices.Literacy code
    mother_tongue: str | None = None  # language code; None when not recorded

    @property
    def key(self) -> tuple:
        return (self.level_rank, LITERACY_ORDER.get(self.literacy, UNKNOWN_LITERACY), self.id)


@dataclass(frozen=True)
class Placement:
    candidate: Candidate
    line: str
    group: int
    band: int  # the level band the proposal started from


@dataclass(frozen=True)
class ProposedGroup:
    number: int
    placements: tuple[Placement, ...]
    capacity: int
    warnings: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        return len(self.placements)

    @property
    def low(self) -> float | None:
        return min((p.candidate.level_rank for p in self.placements), default=None)

    @property
    def high(self) -> float | None:
        return max((p.candidate.level_rank for p in self.placements), default=None)

    @property
    def level_low(self) -> str:
        return level_code(self.low) if self.placements else ""

    @property
    def level_high(self) -> str:
        return level_code(self.high) if self.placements else ""

    @property
    def band(self) -> str:
        """The levels the group spans, "A1–A2", or "A1" when everyone rounds to A1."""
        if not self.placements:
            return ""
        low, high = level_name(self.low), level_name(self.high)
        return low if low == high else f"{low}–{high}"


@dataclass(frozen=True)
class Proposal:
    groups: tuple[ProposedGroup, ...]
    waiting: tuple[Placement, ...]  # assessed people the coach keeps out of the groups
    to_assess: tuple[Candidate, ...]
    capacity: int
    max_share: int | None
    notes: tuple[str, ...]
    assignment: Mapping[int, int]  # candidate id -> group number (WAITING = kept out)
    # What the algorithm proposed, to tell the coach's moves apart from its own.
    proposed: Mapping[int, int] = field(repr=False)
    bands: Mapping[int, int] = field(repr=False)
    candidates: tuple[Candidate, ...] = field(repr=False)

    @property
    def warnings(self) -> list[str]:
        return [warning for group in self.groups for warning in group.warnings]

    @property
    def over_capacity(self) -> bool:
        return any(group.size > group.capacity for group in self.groups)


def level_code(rank: float) -> str:
    """The CEFR level a mean rank rounds to (halves round up)."""
    return Cefr.values[min(max(math.floor(rank + 0.5), 0), len(Cefr.values) - 1)]


def level_name(rank: float) -> str:
    return _short_label(level_code(rank))


def _short_label(code: str) -> str:
    """A1 … C2, and Pre-A1 without the "(literacy)" of the full label."""
    if code not in Cefr.values:
        return "?"
    return "Pre-A1" if code == Cefr.PRE_A1 else str(Cefr(code).label)


def allowed_speakers(size: int, max_share: int) -> int:
    """How many people of one mother tongue a group of this size may hold. One person is never
    too many: a group of two would otherwise exclude every mother tongue."""
    return max(1, size * max_share // 100)


def tongues_over_share(
    tongues: Iterable[str | None], max_share: int | None
) -> list[tuple[str, int, int]]:
    """The mother tongues a group's members speak beyond the programme's limit, as (language,
    speakers, group size), by language code. The one reading of the limit: the proposal's
    warnings and the check on every join (`composition_breaches`) both call it. A person whose
    mother tongue is not recorded (None) counts for the size but for no language."""
    tongues = list(tongues)
    if max_share is None or not tongues:
        return []
    counts: dict[str, int] = {}
    for code in tongues:
        if code is not None:
            counts[code] = counts.get(code, 0) + 1
    allowed = allowed_speakers(len(tongues), max_share)
    return [
        (code, speakers, len(tongues))
        for code, speakers in sorted(counts.items())
        if speakers > allowed
    ]


@dataclass(frozen=True)
class Member:
    """What the composition rules read of a person joining a group, or already in it."""

    name: str
    level: str = ""  # CEFR code of the latest assessment's mean level; "" when never assessed
    schooling: str = ""  # participants.choices.Schooling code; "" when not recorded
    mother_tongue: str | None = None


def _outside(value: str, low: str, high: str, order: list[str]) -> bool:
    """A known value outside a band that is set; unknown values and open bands break nothing."""
    if value not in order or not (low or high):
        return False
    rank = order.index(value)
    return bool(low and rank < order.index(low) or high and rank > order.index(high))


def composition_breaches(
    *,
    joining: Iterable[Member],
    staying: Iterable[Member],
    level_low: str = "",
    level_high: str = "",
    schooling_low: str = "",
    schooling_high: str = "",
    max_share: int | None = None,
) -> list[str]:
    """Why people joining a group break its rules: a level outside its band, schooling outside
    its band, one mother tongue over the programme's share once they are in. Unknown levels and
    schooling break nothing (the coach knows what the file does not). Plain sentences, empty
    when the group's rules hold."""
    joining = list(joining)
    breaches = []
    for person in joining:
        if _outside(person.level, level_low, level_high, Cefr.values):
            breaches.append(
                _("%(name)s is at level %(level)s; the group is for %(band)s.")
                % {
                    "name": person.name,
                    "level": _short_label(person.level),
                    "band": _band(level_low, level_high, _short_label),
                }
            )
        if _outside(person.schooling, schooling_low, schooling_high, Schooling.values):
            breaches.append(
                _("%(name)s has schooling %(schooling)s; the group is for %(band)s.")
                % {
                    "name": person.name,
                    "schooling": _isced(person.schooling),
                    "band": _band(schooling_low, schooling_high, _isced),
                }
            )
    everyone = [*staying, *joining]
    newcomers = {p.mother_tongue for p in joining}
    for code, speakers, size in tongues_over_share([p.mother_tongue for p in everyone], max_share):
        if code in newcomers:
            breaches.append(
                _(
                    "%(count)s of %(size)s people would speak %(language)s, over the "
                    "programme's %(share)s%% limit."
                )
                % {
                    "count": speakers,
                    "size": size,
                    "language": _language_name(code),
                    "share": max_share,
                }
            )
    return breaches


def _isced(code: str) -> str:
    return "ISCED " + code.removeprefix("isced")


def _band(low: str, high: str, name) -> str:
    if low and high:
        return name(low) if low == high else f"{name(low)}–{name(high)}"
    if low:
        return _("%(level)s or higher") % {"level": name(low)}
    return _("%(level)s or lower") % {"level": name(high)}


def group_sizes(count: int, groups: int) -> list[int]:
    """Balanced sizes, the larger groups last (the higher levels)."""
    base, extra = divmod(count, groups)
    return [base] * (groups - extra) + [base + 1] * extra


def _check(capacity: int, max_share: int | None, groups: int | None, count: int) -> int:
    if capacity < 1:
        raise ValidationError(_("A group needs at least one place."))
    if max_share is not None and not 1 <= max_share <= 100:
        raise ValidationError(_("The share of one mother tongue is a percentage from 1 to 100."))
    if groups is not None and not 1 <= groups <= MAX_GROUPS:
        raise ValidationError(
            _("Ask for 1 to %(max)s groups, or leave it empty.") % {"max": MAX_GROUPS}
        )
    if count == 0:
        return 0
    needed = math.ceil(count / capacity)
    if groups is None:
        return needed
    if groups < needed:
        raise ValidationError(
            _(
                "With %(capacity)s places per group, the %(count)s people to place need at "
                "least %(needed)s groups: ask for more groups, or more places."
            )
            % {"capacity": capacity, "count": count, "needed": needed}
        )
    if groups > count:
        raise ValidationError(
            ngettext(
                "There is only %(count)s person to place: ask for fewer groups.",
                "There are only %(count)s people to place: ask for %(count)s groups or fewer.",
                count,
            )
            % {"count": count}
        )
    return groups


def propose(
    candidates: Iterable[Candidate],
    *,
    capacity: int,
    max_share: int | None = None,
    groups: int | None = None,
) -> Proposal:
    """Groups for these people. The order of `candidates` does not matter."""
    candidates = list(candidates)
    if len({c.id for c in candidates}) != len(candidates):
        raise ValueError("Each candidate must appear once.")
    assessed = sorted((c for c in candidates if c.level_rank is not None), key=lambda c: c.key)
    to_assess = sorted(
        (c for c in candidates if c.level_rank is None), key=lambda c: (c.name, c.id)
    )
    count = _check(capacity, max_share, groups, len(assessed))
    sizes = group_sizes(len(assessed), count) if count else []
    bands, start = [], 0
    for size in sizes:
        bands.append(assessed[start : start + size])
        start += size
    notes: list[str] = []
    placed = bands
    if max_share is not None and max_share < 100 and bands:
        placed, notes = _spread(bands, max_share)
    band_of = {c.id: number for number, band in enumerate(bands, 1) for c in band}
    assignment = {c.id: number for number, members in enumerate(placed, 1) for c in members}
    return _build(
        candidates=tuple(assessed),
        to_assess=tuple(to_assess),
        assignment=assignment,
        proposed=assignment,
        bands=band_of,
        group_count=count,
        capacity=capacity,
        max_share=max_share,
        notes=tuple(notes),
    )


def adjust(proposal: Proposal, assignment: Mapping[int, int]) -> Proposal:
    """The coach's version of a proposal: the same people and settings, with these people in
    the groups given (group number, or WAITING to keep them out for now). People not named
    stay where they were."""
    known = {c.id for c in proposal.candidates}
    numbers = range(WAITING, len(proposal.groups) + 1)
    if any(pk not in known or number not in numbers for pk, number in assignment.items()):
        raise ValidationError(_("These moves do not match the proposal: start again from it."))
    return _build(
        candidates=proposal.candidates,
        to_assess=proposal.to_assess,
        assignment={**proposal.assignment, **assignment},
        proposed=proposal.proposed,
        bands=proposal.bands,
        group_count=len(proposal.groups),
        capacity=proposal.capacity,
        max_share=proposal.max_share,
        notes=proposal.notes,
    )


# Explanations ------------------------------------------------------------------------------


def _literacy_phrase(code: str) -> str:
    phrases = {
        Literacy.LATIN: _("literate"),
        Literacy.OTHER_SCRIPT: _("reads another script"),
        Literacy.LIMITED: _("reads a little"),
        Literacy.NONE: _("does not read or write yet"),
    }
    return phrases.get(code, _("literacy not recorded"))


def _language_name(code: str) -> str:
    return str(LANGUAGE_NAMES.get(code, code))


def _profile(candidate: Candidate) -> str:
    return _("%(level)s oral, %(literacy)s") % {
        "level": _short_label(candidate.oral),
        "literacy": _literacy_phrase(candidate.literacy),
    }


def _tongue_phrase(candidate: Candidate, speakers: int, size: int, max_share: int | None) -> str:
    if candidate.mother_tongue is None:
        return _("mother tongue not recorded")
    values = {
        "language": _language_name(candidate.mother_tongue),
        "count": speakers,
        "size": size,
        "share": max_share,
    }
    if max_share is None:
        return _("%(language)s speakers %(count)s of %(size)s") % values
    if speakers <= allowed_speakers(size, max_share):
        return _("%(language)s speakers %(count)s of %(size)s (limit %(share)s%%)") % values
    return _("%(language)s speakers %(count)s of %(size)s, over the %(share)s%% limit") % values


def _move_phrase(group: int, band: int, proposed: int) -> str:
    if group != proposed:
        return _("kept waiting by you") if group == WAITING else _("moved here by you")
    if group > band:
        return ngettext(
            "placed %(count)s level band higher to spread mother tongues",
            "placed %(count)s level bands higher to spread mother tongues",
            group - band,
        ) % {"count": group - band}
    if group < band:
        return ngettext(
            "placed %(count)s level band lower to spread mother tongues",
            "placed %(count)s level bands lower to spread mother tongues",
            band - group,
        ) % {"count": band - group}
    return ""


def _build(
    *,
    candidates: tuple[Candidate, ...],
    to_assess: tuple[Candidate, ...],
    assignment: dict[int, int],
    proposed: Mapping[int, int],
    bands: Mapping[int, int],
    group_count: int,
    capacity: int,
    max_share: int | None,
    notes: tuple[str, ...],
) -> Proposal:
    members: dict[int, list[Candidate]] = {n: [] for n in range(WAITING, group_count + 1)}
    for candidate in candidates:  # already in level order
        members[assignment[candidate.id]].append(candidate)

    def placement(candidate: Candidate, number: int, tongues: dict) -> Placement:
        parts = [_profile(candidate)]
        if number != WAITING:
            size = len(members[number])
            parts.append(
                _tongue_phrase(candidate, tongues.get(candidate.mother_tongue, 0), size, max_share)
            )
        moved = _move_phrase(number, bands[candidate.id], proposed[candidate.id])
        if moved:
            parts.append(moved)
        return Placement(candidate, "; ".join(parts), number, bands[candidate.id])

    groups = []
    for number in range(1, group_count + 1):
        people = members[number]
        tongues: dict[str | None, int] = {}
        for candidate in people:
            tongues[candidate.mother_tongue] = tongues.get(candidate.mother_tongue, 0) + 1
        warnings = []
        if len(people) > capacity:
            warnings.append(
                _("Group %(number)s has %(count)s people for %(capacity)s places.")
                % {"number": number, "count": len(people), "capacity": capacity}
            )
        for code, speakers, size in tongues_over_share(
            [c.mother_tongue for c in people], max_share
        ):
            warnings.append(
                _(
                    "Group %(number)s: %(count)s of %(size)s people speak %(language)s, "
                    "over the %(share)s%% limit."
                )
                % {
                    "number": number,
                    "count": speakers,
                    "size": size,
                    "language": _language_name(code),
                    "share": max_share,
                }
            )
        groups.append(
            ProposedGroup(
                number=number,
                placements=tuple(placement(c, number, tongues) for c in people),
                capacity=capacity,
                warnings=tuple(warnings),
            )
        )
    return Proposal(
        groups=tuple(groups),
        waiting=tuple(placement(c, WAITING, {}) for c in members[WAITING]),
        to_assess=to_assess,
        capacity=capacity,
        max_share=max_share,
        notes=notes,
        assignment=assignment,
        proposed=proposed,
        bands=bands,
        candidates=candidates,
    )


# Spreading mother tongues ------------------------------------------------------------------


def _spread(
    bands: list[list[Candidate]], max_share: int
) -> tuple[list[list[Candidate]], list[str]]:
    """Move as little level as possible so that no mother tongue goes over the share."""
    sizes = [len(band) for band in bands]
    total, k = sum(sizes), len(bands)
    languages = sorted({c.mother_tongue for band in bands for c in band} - {None})
    # The people whose mother tongue is not recorded count for no language: they fill places.
    categories: list[str | None] = [*languages, None]
    index = {code: i for i, code in enumerate(categories)}
    counts = [[0] * k for _category in categories]
    for g, band in enumerate(bands):
        for candidate in band:
            counts[index[candidate.mother_tongue]][g] += 1
    allowed = [allowed_speakers(size, max_share) for size in sizes]
    caps = [list(sizes) if code is None else allowed for code in categories]
    crowded, notes = set(), []
    for i, code in enumerate(categories):
        speakers = sum(counts[i])
        if code is not None and speakers > sum(allowed):
            crowded.add(i)
            notes.append(
                _(
                    "%(count)s of the %(total)s people to place speak %(language)s: "
                    "%(groups)s groups cannot keep them within %(share)s%%, so they are spread "
                    "as evenly as possible."
                )
                % {
                    "count": speakers,
                    "total": total,
                    "language": _language_name(code),
                    "groups": k,
                    "share": max_share,
                }
            )
    if all(counts[i][g] <= caps[i][g] for i in range(len(categories)) for g in range(k)):
        return bands, notes
    steps = _step_costs(bands, categories)
    placed = _flow_counts(counts, caps, sizes, steps, crowded=crowded)
    if placed is None:
        placed = _flow_counts(counts, caps, sizes, steps, crowded=crowded, overflow=True)
        notes.append(_("The mother-tongue limit cannot be kept in every group: see the warnings."))
    groups: list[list[Candidate]] = [[] for _group in range(k)]
    for i, code in enumerate(categories):
        # Within one language, people keep their level order across the groups.
        speakers = iter(c for band in bands for c in band if c.mother_tongue == code)
        for g in range(k):
            groups[g].extend(next(speakers) for _place in range(placed[i][g]))
    for group in groups:
        group.sort(key=lambda c: c.key)
    return groups, notes


def _step_costs(
    bands: list[list[Candidate]], categories: list[str | None]
) -> tuple[list[list[int]], list[list[int]]]:
    """What moving one person of a category across the boundary between bands g and g + 1
    costs, upwards and downwards: the level gap between the person who would cross (the
    category's highest in band g, or its lowest in band g + 1) and the middle of the band
    they join, in hundredths of a rank, plus one so that no move is free. Within a category
    people keep their order, so the one crossing is always at the edge."""
    middles = [(band[0].level_rank + band[-1].level_rank) / 2 for band in bands]
    up = [[0] * (len(bands) - 1) for _category in categories]
    down = [[0] * (len(bands) - 1) for _category in categories]
    for i, code in enumerate(categories):
        ranks = [[c.level_rank for c in band if c.mother_tongue == code] for band in bands]
        for g in range(len(bands) - 1):
            top = max(ranks[g], default=middles[g])
            bottom = min(ranks[g + 1], default=middles[g + 1])
            up[i][g] = round(100 * max(0.0, middles[g + 1] - top)) + 1
            down[i][g] = round(100 * max(0.0, bottom - middles[g])) + 1
    return up, down


def _flow_counts(
    counts: list[list[int]],
    caps: list[list[int]],
    sizes: list[int],
    steps: tuple[list[list[int]], list[list[int]]],
    *,
    crowded: set[int],
    overflow: bool = False,
) -> list[list[int]] | None:
    """How many people of each category end in each group, or None when the caps cannot all
    be kept. Supply: the people of category i in band g. A unit moves along its category's
    line of groups (cost: the level gap between the person and the band) and enters a group
    within the cap. The `crowded` categories, too many for the cap anywhere, may also go beyond
    it, the n-th person over the cap in a group costing n times more than any set of moves:
    as few people as possible over the cap, spread as evenly as possible, then the least
    movement. With `overflow` every category may go beyond, at a cost higher still, for when
    the languages together leave no other way."""
    categories, k = len(counts), len(sizes)
    total = sum(sizes)
    up, down = steps
    penalty = (max(map(sum, up + down), default=0) * 2 + 1) * (total + 1)
    prohibitive = penalty * (total * total + 1)
    flow = _MinCostFlow(2 + k + categories * k)
    source, sink = 0, 1

    def node(i: int, g: int) -> int:
        return 2 + k + i * k + g

    entries = []
    excess = 0
    exits = [flow.add(2 + g, sink, size, 0) for g, size in enumerate(sizes)]
    for i in range(categories):
        for g in range(k):
            if g + 1 < k:
                flow.add(node(i, g), node(i, g + 1), total, up[i][g])
                flow.add(node(i, g + 1), node(i, g), total, down[i][g])
            within = flow.add(node(i, g), 2 + g, caps[i][g], 0)
            beyond = []
            if i in crowded:
                beyond += [
                    flow.add(node(i, g), 2 + g, 1, n * penalty)
                    for n in range(1, sizes[g] - caps[i][g] + 1)
                ]
            elif overflow and caps[i][g] < sizes[g]:
                beyond.append(flow.add(node(i, g), 2 + g, total, prohibitive))
            entries.append((i, g, [within, *beyond]))
            # Who fits in their own band stays: a flow of cost zero, hence a minimal one to
            # start from. Only the rest comes from the source.
            direct = min(counts[i][g], caps[i][g])
            flow.push([within, exits[g]], direct)
            if counts[i][g] > direct:
                flow.add(source, node(i, g), counts[i][g] - direct, 0)
                excess += counts[i][g] - direct
    if flow.run(source, sink, excess):
        return None
    placed = [[0] * k for _category in range(categories)]
    for i, g, edges in entries:
        placed[i][g] = sum(flow.used(edge) for edge in edges)
    return placed


class _MinCostFlow:
    """Successive shortest paths, Dijkstra on reduced costs. Each search stops at the sink, so
    it stays near the band it repairs."""

    def __init__(self, size: int):
        # Each edge: [head, residual capacity, cost, index of the reverse edge, capacity].
        self.graph: list[list[list[int]]] = [[] for _node in range(size)]

    def add(self, tail: int, head: int, capacity: int, cost: int) -> tuple[int, int]:
        self.graph[tail].append([head, capacity, cost, len(self.graph[head]), capacity])
        self.graph[head].append([tail, 0, -cost, len(self.graph[tail]) - 1, 0])
        return tail, len(self.graph[tail]) - 1

    def used(self, ref: tuple[int, int]) -> int:
        edge = self.graph[ref[0]][ref[1]]
        return edge[4] - edge[1]

    def push(self, path: list[tuple[int, int]], amount: int) -> None:
        for tail, position in path:
            edge = self.graph[tail][position]
            edge[1] -= amount
            self.graph[edge[0]][edge[3]][1] += amount

    def run(self, source: int, sink: int, amount: int) -> int:
        """Send `amount` more units, at the least cost; the flow already in place must be of
        minimal cost. Returns how much could not be sent."""
        graph = self.graph
        size = len(graph)
        potential = [0] * size
        unreached = size * [None]
        while amount > 0:
            dist = list(unreached)
            dist[source] = 0
            previous: dict[int, tuple[int, int]] = {}
            settled: list[int] = []
            done = bytearray(size)
            heap = [(0, source)]
            while heap:
                d, u = heapq.heappop(heap)
                if done[u]:
                    continue
                done[u] = 1
                settled.append(u)
                if u == sink:
                    break
                base = d + potential[u]
                for position, (head, capacity, cost, _reverse, _capacity) in enumerate(graph[u]):
                    if capacity > 0 and not done[head]:
                        reduced = base + cost - potential[head]
                        known = dist[head]
                        if known is None or reduced < known:
                            dist[head] = reduced
                            previous[head] = (u, position)
                            heapq.heappush(heap, (reduced, head))
            if not done[sink]:
                return amount
            # Johnson's potentials, with the nodes not settled counted at the sink's distance:
            # reduced costs stay non-negative. Only differences matter, so rather than raise
            # every other node by that distance, lower the settled ones.
            reach = dist[sink]
            for v in settled:
                potential[v] += dist[v] - reach
            path, v = [], sink
            while v != source:
                path.append(previous[v])
                v = previous[v][0]
            sent = min(amount, *(graph[t][p][1] for t, p in path))
            self.push(path, sent)
            amount -= sent
        return 0
