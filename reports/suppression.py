"""Small counts in funder outputs: which cells are hidden, decided once from the table's
structure, for every output (page, PDF, XLSX, CSV, what changed since, the dashboard exported
for a funder). Decision record 19.

- primary: a count from 1 to t − 1 is shown as "< t" (zero stays 0);
- secondary: no hidden count may be worked out from what is shown. A table knows its sums
  (a total and the parts it splits into: a breakdown, a row, a column) and which of its cells
  count the same people; a hidden cell that the sums and the bounds of the other hidden cells
  pin to one value gets a second cell hidden beside it (the smallest visible non-zero count of
  one of its sums, else a zero), repeated until none is pinned. Such a cell shows "×". In a
  table so small that nothing is left to hide, a "< t" that is still pinned (two people, two
  cells of a total of 2) becomes "×" as well: "< t" says "at least 1", "×" says nothing;
- rates and shares are hidden when their numerator or their base is under t.

Someone reading a table knows its sums, the threshold, that "< t" is 1 to t − 1 and that "×"
is any count, zero included. A hidden zero that can be worked out gives nothing away (zeros
are shown anyway). A hidden count is safe when another value
fits everything shown: this module searches for one (whole numbers, every sum, every bound),
and tests/reports/test_suppression.py checks the result with a search of its own on random
tables.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

SMALL = "small"  # primary: 1 to t − 1
COMPLEMENT = "complement"  # secondary: hidden so that a small count cannot be worked out
HIDDEN_MARK = "×"
SMALL_LEGEND = _("Counts below %(n)s shown as “< %(n)s”")
HIDDEN_LEGEND = _(
    "“×” hides a count from which a small one could be worked out with the totals, and a rate "
    "or share of fewer than %(n)s people."
)


def legend(limit: int) -> str:
    return f"{SMALL_LEGEND % {'n': limit}}. {HIDDEN_LEGEND % {'n': limit}}"


@dataclass
class Table:
    """The counts of one output and what a reader knows binds them.

    `sums`: (total key, part keys): the total is the sum of the parts. `same`: groups of keys
    that count the same people (the same number shown twice)."""

    counts: dict[str, int]
    sums: list[tuple[str, list[str]]] = field(default_factory=list)
    same: list[list[str]] = field(default_factory=list)

    def add_sum(self, total: str, parts: list[str]) -> None:
        """Only a sum the counts really satisfy: a breakdown that leaves people out (a category
        nobody has) is no sum a reader can use."""
        known = parts and all(k in self.counts for k in (total, *parts))
        if known and self.counts[total] == sum(self.counts[p] for p in parts):
            self.sums.append((total, parts))


@dataclass
class Suppressed:
    """The cells a table hides and why, at threshold `limit`."""

    limit: int
    counts: dict[str, int]
    hidden: dict[str, str]

    def is_hidden(self, key: str) -> bool:
        return key in self.hidden

    def shown(self, key: str, count: int | None = None) -> str:
        """The count as every output writes it."""
        count = self.counts.get(key, 0) if count is None else count
        kind = self.hidden.get(key) or (SMALL if 0 < count < self.limit else None)
        if kind == SMALL:
            return f"< {self.limit}"
        if kind == COMPLEMENT:
            return HIDDEN_MARK
        return str(count)

    def value(self, key: str, count: int | None = None) -> int | str:
        """For a spreadsheet: the number itself when shown, the mark otherwise."""
        count = self.counts.get(key, 0) if count is None else count
        text = self.shown(key, count)
        return count if text == str(count) else text

    def rate_hidden(self, numerator: int, base: int, *keys: str) -> bool:
        """A rate or share: hidden when its numerator or its base is under the threshold, or
        when one of the counts it is computed from is hidden in the table."""
        return (
            0 < numerator < self.limit or base < self.limit or any(self.is_hidden(k) for k in keys)
        )


def suppress(table: Table, limit: int) -> Suppressed:
    variables = _Variables(table)
    hidden = {v: SMALL for v in variables.values if 0 < variables.values[v] < limit}
    # Each round hides one more count, so it ends (at worst with every count hidden).
    while pinned := _pinned(variables, hidden, limit):
        extra = _complement(variables, hidden, pinned)
        if extra is None:
            break
        hidden[extra] = COMPLEMENT
    return Suppressed(
        limit,
        dict(table.counts),
        {key: hidden[v] for key, v in variables.of.items() if v in hidden},
    )


class _Variables:
    """The table's keys merged where they count the same people, and its sums over them."""

    def __init__(self, table: Table):
        parent = {key: key for key in table.counts}

        def root(key):
            while parent[key] != key:
                parent[key] = parent[parent[key]]
                key = parent[key]
            return key

        for group in table.same:
            keys = [k for k in group if k in parent]
            for key in keys[1:]:
                parent[root(key)] = root(keys[0])
        self.of = {key: root(key) for key in table.counts}
        self.values = {self.of[key]: count for key, count in table.counts.items()}
        self.order = list(dict.fromkeys(self.of.values()))
        self.sums = []
        for total, parts in table.sums:
            equation = (self.of[total], [self.of[p] for p in parts])
            if equation[0] not in equation[1] and equation not in self.sums:
                self.sums.append(equation)
        # The sums that tie each count to others, directly or through other sums: a reader
        # working a count out only ever uses those (a report's rows are apart from each other).
        self.component = {v: [] for v in self.order}
        group = {v: {v} for v in self.order}
        for total, parts in self.sums:
            joined = set().union(*(group[x] for x in (total, *parts)))
            for x in joined:
                group[x] = joined
        for equation in self.sums:
            for x in group[equation[0]]:
                self.component[x].append(equation)


def _domains(variables: _Variables, hidden: dict, limit: int) -> dict:
    """What a reader knows of each count: its value when shown, 1…t−1 for "< t", any count
    for "×" (bounded by twice the largest count of the table, enough to find another value)."""
    cap = 2 * max(variables.values.values(), default=0) + limit
    known = {SMALL: (1, limit - 1), COMPLEMENT: (0, cap)}
    return {v: known.get(hidden.get(v), (value, value)) for v, value in variables.values.items()}


def _feasible(domains: dict, sums: list) -> bool:
    """Do whole numbers within `domains` (inclusive ranges) satisfy every sum? Bounds carried
    along each sum until nothing moves, then a search over the smallest open range: exact,
    and quick on report tables (a few sums of a few cells each)."""
    domains = {k: domains[k] for total, parts in sums for k in (total, *parts)} or dict(domains)
    moved = True
    while moved:
        moved = False
        for total, parts in sums:
            low = sum(domains[p][0] for p in parts)
            high = sum(domains[p][1] for p in parts)
            new = (max(domains[total][0], low), min(domains[total][1], high))
            for key, (lo, hi) in [(total, new)] + [
                (p, (max(domains[p][0], new[0] - high + domains[p][1]),
                     min(domains[p][1], new[1] - low + domains[p][0])))
                for p in parts
            ]:  # fmt: skip
                if lo > hi:
                    return False
                if (lo, hi) != domains[key]:
                    domains[key], moved = (lo, hi), True
    open_ = [k for k, (lo, hi) in domains.items() if lo < hi]
    if not open_:
        return True
    key = min(open_, key=lambda k: domains[k][1] - domains[k][0])
    lo, hi = domains[key]
    middle = (lo + hi) // 2
    return _feasible({**domains, key: (lo, middle)}, sums) or _feasible(
        {**domains, key: (middle + 1, hi)}, sums
    )


def _pinned(variables: _Variables, hidden: dict, limit: int) -> list:
    """Hidden non-zero counts a reader can work out (no other value fits what is shown), in
    the table's order."""
    domains = _domains(variables, hidden, limit)
    pinned = []
    for v in variables.order:
        true = variables.values[v]
        if v not in hidden or not true:
            continue
        lo, hi = domains[v]
        sums = variables.component[v]
        if not (
            (lo < true and _feasible({**domains, v: (lo, true - 1)}, sums))
            or (true < hi and _feasible({**domains, v: (true + 1, hi)}, sums))
        ):
            pinned.append(v)
    return pinned


def _complement(variables: _Variables, hidden: dict, pinned: list):
    """The count to hide next, around a pinned one: in the sum with the fewest hidden counts,
    its smallest visible non-zero part, else its total, else a visible zero; when every count
    around is hidden already, the pinned "< t" itself becomes "×"; failing that (a combination
    of sums gives it), the smallest visible count of any sum that holds a hidden one."""
    for wanted in (lambda v: variables.values[v] > 0, lambda v: True):
        for v in pinned:
            around = [(t, ps) for t, ps in variables.sums if v == t or v in ps]
            around.sort(key=lambda eq: sum(1 for x in [eq[0], *eq[1]] if x in hidden))
            for total, parts in around:
                found = _smallest([p for p in parts if p not in hidden and wanted(p)], variables)
                if found is None and total not in hidden and wanted(total):
                    found = total
                if found is not None:
                    return found
    small = next((v for v in pinned if hidden[v] == SMALL), None)
    if small is not None:
        return small
    touching = {
        x
        for total, parts in variables.sums
        if hidden.keys() & {total, *parts}
        for x in (total, *parts)
        if x not in hidden
    }
    return _smallest(list(touching), variables)


def _smallest(keys: list, variables: _Variables):
    if not keys:
        return None
    return min(keys, key=lambda v: (variables.values[v] == 0, variables.values[v],
                                    variables.order.index(v)))  # fmt: skip


# The funder report's tables. Keys are those of reports.funder.flat_figures.

COLUMNS = ("period", "previous", "cumulative", "not_yet_known")


def same_people(report) -> list[list[str]]:
    """Groups of the report's figures that count the very same people (an ESF+ row and the
    total's breakdown cell, a target and a total): a reader knows they are one number. Stored
    with the figures, which keep no ids."""
    sets = {}
    for row in report.rows:
        code = row.indicator.code
        for column in COLUMNS:
            sets[f"{code}|{column}"] = getattr(row, column)
        for dimension, cells in row.breakdowns.items():
            for category, _label, ids in cells:
                sets[f"{code}|{dimension}|{category}"] = ids
    for why, ids in report.not_counted.items():
        sets[f"not_counted|{why}"] = ids
    for answer, ids in report.helpful_other.items():
        sets[f"helpful|{answer}"] = ids
    for key, _label, _target, _actual, ids in report.targets:
        sets[f"target|{key}"] = ids
    # Only sets of a size another set has can be the same: the others are not hashed (a
    # programme's year has a hundred sets of thousands of people).
    sizes = Counter(len(ids) for ids in sets.values())
    groups = {}
    for key, ids in sets.items():
        if ids and sizes[len(ids)] > 1:
            groups.setdefault(frozenset(ids), []).append(key)
    return [keys for keys in groups.values() if len(keys) > 1]


def stored_figures(report) -> dict:
    """The report's figures as a snapshot keeps them, with what suppression needs to know."""
    from reports.funder import report_figures

    return {**report_figures(report), "same": same_people(report)}


def funder_table(figures: dict) -> Table:
    counts = {}
    table = Table(counts, same=figures.get("same", []))
    for row in figures.get("rows", []):
        code = row["code"]
        counts.update({f"{code}|{column}": row[column] for column in COLUMNS if column in row})
        for dimension, cells in row["breakdowns"].items():
            keys = [f"{code}|{dimension}|{category}" for category, _label, _count in cells]
            counts.update(zip(keys, (count for _c, _l, count in cells), strict=True))
            table.add_sum(f"{code}|period", keys)
    for why, count in figures.get("not_counted", {}).items():
        counts[f"not_counted|{why}"] = count
    for answer, count in figures.get("helpful_other", {}).items():
        counts[f"helpful|{answer}"] = count
    for key, _label, _target, actual, *count in figures.get("targets", []):
        if count:
            counts[f"target|{key}"] = count[0]
        elif str(actual).isdigit():  # a snapshot from before the counts were kept
            counts[f"target|{key}"] = int(actual)
    return table


def funder_suppressed(figures: dict, limit: int) -> Suppressed:
    return suppress(funder_table(figures), limit)


def target_shown(result: Suppressed, key: str, actual: str, *count) -> str:
    """A target's figure: a count as any count; a rate hidden unless the people it counts are
    at least the threshold (its base, those who left or completed, is then too)."""
    if f"target|{key}" in result.counts and str(actual).isdigit():
        return result.shown(f"target|{key}")
    if actual == "—":
        return actual
    if not count or result.rate_hidden(count[0], count[0], f"target|{key}"):
        return HIDDEN_MARK
    return actual


# The dashboard, when it leaves Parcours (its PDF and spreadsheet, or shown for a funder).


def _partition(total: set, parts: list[set]) -> bool:
    return sum(len(p) for p in parts) == len(total) and set().union(*parts) == total


def dashboard_suppressed(board, limit: int) -> Suppressed:
    """Every figure's people as a count; the sums each section declares, when its figures'
    people really split the total (a person in two parts is no sum); the same people shown
    twice as one number."""
    figures = [row for section in board.sections for row in section.rows]
    table = Table({row.key: row.count for row in figures})
    for section in board.sections:
        for total, parts in section.sums:
            if parts and _partition(total.ids, [p.ids for p in parts]):
                table.add_sum(total.key, [p.key for p in parts])
    groups = {}
    for row in figures:
        if row.ids:
            groups.setdefault(frozenset(row.ids), []).append(row.key)
    table.same = [keys for keys in groups.values() if len(keys) > 1]
    return suppress(table, limit)


def dashboard_shown(board, limit: int) -> dict[str, str]:
    """What each figure shows for a funder: counts as any count; a rate, share, median or
    average hidden when the people it is computed over, or its base, are under the threshold,
    or when its own count is hidden."""
    result = dashboard_suppressed(board, limit)
    shown = {}
    for section in board.sections:
        for row in section.rows:
            if row.value is None:
                shown[row.key] = result.shown(row.key)
            elif row.count and result.rate_hidden(
                row.count, section.bases.get(row.key, row.count), row.key
            ):
                shown[row.key] = HIDDEN_MARK
            else:
                shown[row.key] = row.value
    return shown
