"""The grouping algorithm, on made-up people: properties checked by Hypothesis, then a few
examples that show the wording and the limits."""

import math
import random
import time
from collections import Counter
from itertools import pairwise

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluations.models import Cefr
from participants.choices import Literacy
from sessions.grouping import (
    WAITING,
    Candidate,
    adjust,
    allowed_speakers,
    group_sizes,
    propose,
)

LEVELS = [step / 3 for step in range(19)]  # the means of three skills, pre-A1 (0) … C2 (6)
TONGUES = [None, "ti", "ar", "fa", "so"]


@st.composite
def people(draw, max_size=60, assessed_only=False):
    ids = draw(st.lists(st.integers(1, 10_000), max_size=max_size, unique=True))
    level = st.sampled_from(LEVELS)
    if not assessed_only:
        level = st.one_of(level, level, level, st.none())
    return [
        Candidate(
            id=pk,
            name=f"Person {pk}",
            level_rank=draw(level),
            oral=draw(st.sampled_from(Cefr.values)),
            literacy=draw(st.sampled_from(["", *Literacy.values])),
            mother_tongue=draw(st.sampled_from(TONGUES)),
        )
        for pk in ids
    ]


@st.composite
def settings_for(draw, candidates):
    """Valid settings: the capacity, a share or none, and enough groups (or none given)."""
    capacity = draw(st.integers(1, 15))
    share = draw(st.one_of(st.none(), st.integers(1, 100)))
    count = len([c for c in candidates if c.level_rank is not None])
    groups = None
    if count and draw(st.booleans()):
        needed = math.ceil(count / capacity)
        groups = draw(st.integers(needed, min(count, needed + 3)))
    return {"capacity": capacity, "max_share": share, "groups": groups}


@st.composite
def cases(draw, **kwargs):
    candidates = draw(people(**kwargs))
    return candidates, draw(settings_for(candidates))


def members(proposal) -> list[list[Candidate]]:
    return [[p.candidate for p in group.placements] for group in proposal.groups]


def speakers_feasible(tongues: Counter, sizes: list[int], share: int) -> bool:
    """An exact check, independent of the algorithm: can people be put in groups of these
    sizes with no mother tongue over the limit? A max flow languages -> groups, by augmenting
    paths."""
    languages = [t for t in tongues if t is not None]
    unknown = tongues.get(None, 0)
    allowed = [allowed_speakers(size, share) for size in sizes]
    # Residual capacities: language -> group, and each group's free places.
    room = {(t, g): allowed[g] for t in languages for g in range(len(sizes))}
    used = {(t, g): 0 for t in languages for g in range(len(sizes))}
    free = list(sizes)

    def augment(language, seen) -> bool:
        for g in range(len(sizes)):
            if room[(language, g)] - used[(language, g)] <= 0 or g in seen:
                continue
            seen.add(g)
            if free[g] > 0:
                free[g] -= 1
                used[(language, g)] += 1
                return True
            # Make room: someone of another language in g moves elsewhere.
            for other in languages:
                if other != language and used[(other, g)] > 0:
                    used[(other, g)] -= 1
                    if augment(other, seen):
                        used[(language, g)] += 1
                        return True
                    used[(other, g)] += 1
        return False

    for language in languages:
        for _ in range(tongues[language]):
            if not augment(language, set()):
                return False
    return sum(free) >= unknown


# Properties ---------------------------------------------------------------------------------


@given(cases())
def test_capacity_is_never_exceeded_and_sizes_are_balanced(case):
    candidates, options = case
    proposal = propose(candidates, **options)
    sizes = [group.size for group in proposal.groups]
    assert all(size <= options["capacity"] for size in sizes)
    if sizes:
        assert max(sizes) - min(sizes) <= 1
        assert sizes == sorted(sizes)  # the smaller groups at the lower levels
        assert options["groups"] in (None, len(sizes))


@given(cases())
def test_every_assessed_person_is_placed_exactly_once(case):
    candidates, options = case
    proposal = propose(candidates, **options)
    placed = Counter(c.id for group in members(proposal) for c in group)
    assert placed == Counter(c.id for c in candidates if c.level_rank is not None)
    assert {c.id for c in proposal.to_assess} == {c.id for c in candidates if c.level_rank is None}
    assert proposal.waiting == ()


@given(cases())
def test_without_a_share_the_groups_are_contiguous_level_bands(case):
    candidates, options = case
    proposal = propose(candidates, **{**options, "max_share": None})
    groups = members(proposal)
    for lower, higher in pairwise(groups):
        assert max(c.key for c in lower) < min(c.key for c in higher)


@given(cases())
def test_with_a_share_each_language_keeps_its_level_order(case):
    """The bound on the level spread once mother tongues are spread: the bands the proposal
    starts from are contiguous, only people reported as moved leave theirs, and within each
    mother tongue nobody in a group is above anyone of the same tongue in a later group."""
    candidates, options = case
    proposal = propose(candidates, **options)
    placements = [p for group in proposal.groups for p in group.placements]
    bands: dict[int, list] = {}
    for p in placements:
        bands.setdefault(p.band, []).append(p.candidate.key)
    ordered = [bands[b] for b in sorted(bands)]
    for lower, higher in pairwise(ordered):
        assert max(lower) < min(higher)
    for p in placements:
        assert (p.group != p.band) == ("band" in p.line)
    for tongue in TONGUES:
        groups = [
            [c.key for c in group if c.mother_tongue == tongue] for group in members(proposal)
        ]
        groups = [keys for keys in groups if keys]
        for lower, higher in pairwise(groups):
            assert max(lower) < min(higher)


@given(cases(assessed_only=True))
def test_the_mother_tongue_share_is_kept_whenever_it_can_be(case):
    candidates, options = case
    share = options["max_share"] or 40
    proposal = propose(candidates, **{**options, "max_share": share})
    sizes = [group.size for group in proposal.groups]
    feasible = speakers_feasible(Counter(c.mother_tongue for c in candidates), sizes, share)
    within = all(
        count <= allowed_speakers(len(group), share)
        for group in members(proposal)
        for tongue, count in Counter(c.mother_tongue for c in group).items()
        if tongue is not None
    )
    assert within == feasible
    assert (proposal.warnings == []) == feasible


@given(cases(), st.randoms(use_true_random=False))
def test_it_is_deterministic_whatever_the_input_order(case, rng):
    candidates, options = case
    shuffled = list(candidates)
    rng.shuffle(shuffled)
    first, second = propose(candidates, **options), propose(shuffled, **options)
    assert first == second
    assert [[p.line for p in g.placements] for g in first.groups] == [
        [p.line for p in g.placements] for g in second.groups
    ]


@given(cases())
def test_each_member_gets_one_line(case):
    candidates, options = case
    proposal = propose(candidates, **options)
    for group in proposal.groups:
        for placement in group.placements:
            assert placement.line and "\n" not in placement.line
            assert placement.line.startswith(
                "Pre-A1 oral"
                if placement.candidate.oral == "pre_a1"
                else placement.candidate.oral.upper()
            )


@settings(max_examples=50)
@given(cases(max_size=30), st.data())
def test_moves_are_kept_and_checked(case, data):
    candidates, options = case
    proposal = propose(candidates, **options)
    if not proposal.candidates:
        return
    person = data.draw(st.sampled_from(proposal.candidates))
    target = data.draw(st.integers(WAITING, len(proposal.groups)))
    moved = adjust(proposal, {person.id: target})
    assert moved.assignment[person.id] == target
    assert {pk: g for pk, g in moved.assignment.items() if pk != person.id} == {
        pk: g for pk, g in proposal.assignment.items() if pk != person.id
    }
    assert moved.over_capacity == any(g.size > options["capacity"] for g in moved.groups)


# Examples -----------------------------------------------------------------------------------


def person(pk, level, tongue=None, literacy=Literacy.LATIN, oral="a1"):
    return Candidate(pk, f"Person {pk}", level, oral, literacy, tongue)


def test_the_line_says_why():
    candidates = [person(1, 1.0, "ti", Literacy.OTHER_SCRIPT)] + [
        person(pk, 1.0 + pk / 100, "ti" if pk < 4 else None) for pk in range(2, 11)
    ]
    proposal = propose(candidates, capacity=10, max_share=40)
    assert proposal.groups[0].placements[0].line == (
        "A1 oral, reads another script; Tigrinya speakers 3 of 10 (limit 40%)"
    )
    assert proposal.groups[0].band == "A1"
    assert proposal.groups[0].placements[-1].line == (
        "A1 oral, literate; mother tongue not recorded"
    )


def test_speakers_are_spread_to_the_nearest_band():
    # Five Tigrinya speakers at the bottom, limit 40% of 5: two per group.
    candidates = [person(pk, 0.0, "ti") for pk in range(1, 6)] + [
        person(pk, 2.0, tongue) for pk, tongue in enumerate(["ar", "fa", "so", "ar", "fa"], start=6)
    ]
    candidates += [person(pk, 4.0, None) for pk in range(11, 16)]
    proposal = propose(candidates, capacity=5, max_share=40)
    tigrinya = [sum(c.mother_tongue == "ti" for c in group) for group in members(proposal)]
    assert tigrinya == [2, 2, 1]
    assert proposal.warnings == []
    lines = [p.line for p in proposal.groups[1].placements if p.candidate.mother_tongue == "ti"]
    assert (
        lines
        == [
            "A1 oral, literate; Tigrinya speakers 2 of 5 (limit 40%); "
            "placed 1 level band higher to spread mother tongues"
        ]
        * 2
    )


def test_too_many_speakers_of_one_language_are_spread_evenly_and_explained():
    candidates = [person(pk, pk / 10, "ar" if pk <= 14 else "ti") for pk in range(1, 21)]
    proposal = propose(candidates, capacity=10, max_share=40)
    assert [sum(c.mother_tongue == "ar" for c in g) for g in members(proposal)] == [7, 7]
    assert proposal.notes == (
        "14 of the 20 people to place speak Arabic: 2 groups cannot keep them within 40%, "
        "so they are spread as evenly as possible.",
    )
    assert proposal.warnings == [
        "Group 1: 7 of 10 people speak Arabic, over the 40% limit.",
        "Group 2: 7 of 10 people speak Arabic, over the 40% limit.",
    ]


def test_over_the_limit_as_few_people_as_possible():
    # Four Tigrinya speakers, three groups of four allowing one each: one group must hold two,
    # and only one.
    candidates = [person(pk, 1.0, "ti" if pk <= 4 else None) for pk in range(1, 13)]
    proposal = propose(candidates, capacity=4, max_share=40)
    assert sorted(sum(c.mother_tongue == "ti" for c in g) for g in members(proposal)) == [1, 1, 2]
    assert len(proposal.warnings) == 1


def test_people_never_assessed_are_to_assess_first():
    proposal = propose([person(1, None), person(2, 3.0)], capacity=12)
    assert [c.id for c in proposal.to_assess] == [1]
    assert [[c.id for c in g] for g in members(proposal)] == [[2]]


def test_nobody_to_place():
    proposal = propose([], capacity=12, max_share=40)
    assert proposal.groups == () and proposal.to_assess == ()


def test_the_coachs_moves_are_marked_and_checked():
    candidates = [person(pk, pk / 10, "ti" if pk <= 3 else None) for pk in range(1, 7)]
    proposal = propose(candidates, capacity=3, max_share=70)
    assert [[c.id for c in group] for group in members(proposal)] == [[1, 2, 4], [3, 5, 6]]
    moved = adjust(proposal, {3: 1, 6: WAITING})
    assert [[c.id for c in group] for group in members(moved)] == [[1, 2, 3, 4], [5]]
    assert moved.groups[0].placements[2].line.endswith("; moved here by you")
    assert moved.waiting[0].line == "A1 oral, literate; kept waiting by you"
    assert moved.over_capacity
    assert moved.warnings == [
        "Group 1 has 4 people for 3 places.",
        "Group 1: 3 of 4 people speak Tigrinya, over the 70% limit.",
    ]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"capacity": 0}, "A group needs at least one place."),
        ({"capacity": 5, "max_share": 150}, "percentage from 1 to 100"),
        ({"capacity": 5, "max_share": 0}, "percentage from 1 to 100"),
        ({"capacity": 5, "groups": 1}, "the 6 people to place need at least 2 groups"),
        ({"capacity": 5, "groups": 7}, "There are only 6 people to place"),
    ],
)
def test_bad_settings_are_refused(options, message):
    with pytest.raises(ValidationError) as error:
        propose([person(pk, 1.0) for pk in range(6)], **options)
    assert message in error.value.messages[0]


def test_moves_outside_the_proposal_are_refused():
    proposal = propose([person(1, 1.0)], capacity=5)
    with pytest.raises(ValidationError):
        adjust(proposal, {2: 1})
    with pytest.raises(ValidationError):
        adjust(proposal, {1: 2})


def test_sizes():
    assert group_sizes(25, 3) == [8, 8, 9]
    assert group_sizes(24, 2) == [12, 12]


def test_five_hundred_people_take_well_under_a_second():
    rng = random.Random(7)
    candidates = [
        person(pk, rng.choice(LEVELS), rng.choice(TONGUES), rng.choice(Literacy.values))
        for pk in range(500)
    ]
    start = time.perf_counter()
    proposal = propose(candidates, capacity=12, max_share=40)
    assert time.perf_counter() - start < 1
    assert sum(group.size for group in proposal.groups) == 500
