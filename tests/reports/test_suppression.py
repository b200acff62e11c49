"""Small-count suppression: the examples of the issue, and a property test against an
exhaustive search: on random tables with their totals, no hidden count can be worked out from
what is shown (the sums, the visible counts, "< t" = 1 to t − 1, "×" = any count)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.suppression import COMPLEMENT, HIDDEN_MARK, SMALL, Table, suppress


def test_zero_stays_zero_and_small_counts_are_hidden():
    result = suppress(Table({"a": 0, "b": 3, "c": 12}), 5)
    assert [result.shown(k) for k in "abc"] == ["0", "< 5", "12"]
    assert result.value("c") == 12 and result.value("b") == "< 5"


def test_isced_5_8_cannot_be_worked_out_from_the_total():
    # 20 participants: ISCED 0–2 11, 3–4 7, 5–8 2, not recorded 0 (the example).
    table = Table({"total": 20, "low": 11, "medium": 7, "high": 2, "unknown": 0})
    table.add_sum("total", ["low", "medium", "high", "unknown"])
    result = suppress(table, 5)
    assert result.hidden == {"high": SMALL, "medium": COMPLEMENT}
    assert [result.shown(k) for k in ("total", "low", "medium", "high", "unknown")] == [
        "20", "11", HIDDEN_MARK, "< 5", "0",
    ]  # fmt: skip


def test_r_2_9_women_cannot_be_worked_out_from_men():
    table = Table({"R.2.9": 12, "woman": 4, "man": 8, "non_binary": 0})
    table.add_sum("R.2.9", ["woman", "man", "non_binary"])
    assert suppress(table, 5).hidden == {"woman": SMALL, "man": COMPLEMENT}


def test_the_same_people_shown_twice_are_hidden_in_both_places():
    # EECO10 (a row of its own) counts the same people as the total's ISCED 5–8 cell.
    table = Table(
        {"total": 20, "low": 11, "medium": 7, "high": 2, "EECO09": 7, "EECO10": 2},
        same=[["medium", "EECO09"], ["high", "EECO10"]],
    )
    table.add_sum("total", ["low", "medium", "high"])
    result = suppress(table, 5)
    assert result.is_hidden("EECO10") and result.is_hidden("EECO09")


def test_two_small_counts_that_add_up_to_their_minimum_are_not_safe():
    # 1 + 1 = 2: both "< 5" but both must be 1.
    table = Table({"total": 9, "a": 1, "b": 1, "c": 7})
    table.add_sum("total", ["a", "b", "c"])
    assert suppress(table, 5).is_hidden("c")


def test_a_sum_that_does_not_hold_is_no_sum():
    table = Table({"total": 10, "a": 3, "b": 5})  # someone has no category
    table.add_sum("total", ["a", "b"])
    assert table.sums == []


@pytest.mark.parametrize(
    ("numerator", "base", "hidden"),
    [(0, 20, False), (3, 20, True), (7, 20, False), (0, 3, True), (4, 4, True), (5, 5, False)],
)
def test_rates_on_small_numbers_are_hidden(numerator, base, hidden):
    assert suppress(Table({}), 5).rate_hidden(numerator, base) is hidden


# The exhaustive check: can a reader find the hidden count's value for sure?


def _feasible(domains: dict, sums: list) -> bool:
    """Is there a whole-number assignment within the domains (inclusive ranges) that satisfies
    every sum? A depth-first search that fills in what a sum forces."""

    def search(domains):
        domains = dict(domains)
        changed = True
        while changed:
            changed = False
            for total, parts in sums:
                low = sum(domains[p][0] for p in parts)
                high = sum(domains[p][1] for p in parts)
                t_low, t_high = max(domains[total][0], low), min(domains[total][1], high)
                if t_low > t_high:
                    return False
                if (t_low, t_high) != domains[total]:
                    domains[total], changed = (t_low, t_high), True
                for part in parts:
                    p_low = max(domains[part][0], t_low - (high - domains[part][1]))
                    p_high = min(domains[part][1], t_high - (low - domains[part][0]))
                    if p_low > p_high:
                        return False
                    if (p_low, p_high) != domains[part]:
                        domains[part], changed = (p_low, p_high), True
                        low = sum(domains[p][0] for p in parts)
                        high = sum(domains[p][1] for p in parts)
        open_ = [k for k, (lo, hi) in domains.items() if lo < hi]
        if not open_:
            return all(domains[t][0] == sum(domains[p][0] for p in ps) for t, ps in sums)
        key = min(open_, key=lambda k: domains[k][1] - domains[k][0])
        lo, hi = domains[key]
        return any(search({**domains, key: (v, v)}) for v in range(lo, hi + 1))

    return search(domains)


def worked_out(table: Table, limit: int) -> list[str]:
    """The hidden non-zero counts that only one value fits, given everything shown (a hidden
    zero worked out gives nothing away: zeros are shown anyway)."""
    result = suppress(table, limit)
    cap = 2 * max(table.counts.values()) + limit  # "any count", bounded for the search
    domains = {}
    for key, count in table.counts.items():
        kind = result.hidden.get(key)
        domains[key] = {SMALL: (1, limit - 1), COMPLEMENT: (0, cap)}.get(kind, (count, count))
    found = []
    for key in result.hidden:
        true = table.counts[key]
        if not true:
            continue
        lo, hi = domains[key]
        below = lo <= true - 1 and _feasible({**domains, key: (lo, true - 1)}, table.sums)
        above = true + 1 <= hi and _feasible({**domains, key: (true + 1, hi)}, table.sums)
        if not (below or above):
            found.append(key)
    return found


COUNT = st.integers(0, 14).map(lambda n: n if n % 3 else n // 4)  # many zeros and small ones


@st.composite
def cross_tables(draw):
    """A table of rows × columns with row totals, column totals and the grand total."""
    rows, columns = 2, draw(st.integers(2, 3))
    cells = [[draw(COUNT) for _c in range(columns)] for _r in range(rows)]
    counts = {f"{r},{c}": cells[r][c] for r in range(rows) for c in range(columns)}
    counts |= {f"{r},T": sum(cells[r]) for r in range(rows)}
    counts |= {f"T,{c}": sum(row[c] for row in cells) for c in range(columns)}
    counts["T,T"] = sum(map(sum, cells))
    table = Table(counts)
    for r in range(rows):
        table.add_sum(f"{r},T", [f"{r},{c}" for c in range(columns)])
    for c in [*range(columns), "T"]:
        table.add_sum(f"T,{c}", [f"{r},{c}" for r in range(rows)])
    return table


@st.composite
def breakdown_tables(draw):
    """The funder report's shape: a total split several ways (gender, age, education), one of
    whose parts is split again (an ESF+ row by gender)."""
    first = [draw(COUNT) for _n in range(draw(st.integers(2, 4)))]
    total = sum(first)
    counts = {"total": total, **{f"a{i}": n for i, n in enumerate(first)}}
    table = Table(counts)
    table.sums.append(("total", [f"a{i}" for i in range(len(first))]))
    for name, whole in [("b", total), ("c", first[0])]:
        cuts = sorted(draw(st.lists(st.integers(0, whole), min_size=1, max_size=3)))
        parts = [b - a for a, b in zip([0, *cuts], [*cuts, whole], strict=True)]
        counts |= {f"{name}{i}": n for i, n in enumerate(parts)}
        table.sums.append(("total" if name == "b" else "a0",
                           [f"{name}{i}" for i in range(len(parts))]))  # fmt: skip
    return table


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=st.one_of(cross_tables(), breakdown_tables()), limit=st.integers(3, 6))
def test_no_hidden_count_can_be_worked_out(table, limit):
    assert worked_out(table, limit) == []


@settings(max_examples=40, deadline=None)
@given(table=breakdown_tables(), limit=st.integers(3, 6))
def test_no_rate_shown_gives_away_a_hidden_count(table, limit):
    """A share of a part in its total, shown with the total, gives the part back: it is shown
    only when both counts are, and neither is small."""
    result = suppress(table, limit)
    for total, parts in table.sums:
        for part in parts:
            n, base = table.counts[part], table.counts[total]
            if not result.rate_hidden(n, base, part, total):
                assert not result.is_hidden(part) and not result.is_hidden(total)
                assert n == 0 or n >= limit and base >= limit
