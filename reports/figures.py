"""What every report shares: the period, a figure that keeps the people behind it, medians and
the small-count rule.

A figure is the set of participant ids it counts, never a bare number: the count is its size
(unique persons, never attendances) and "who is behind this figure?" is the same set, so the
drill-down page can never disagree with the report. The dashboard gives the set as a query and
its size as counted by the database, from the same conditions.
"""

import datetime
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("A period cannot end before it starts.")

    def contains(self, day: datetime.date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def overlaps(self, first: datetime.date | None, last: datetime.date | None) -> bool:
        """A span from `first` to `last` (open when None: still going) shares a day with it."""
        return first is not None and first <= self.end and (last is None or last >= self.start)


@dataclass
class Figure:
    """A number and the people behind it. `value` is shown instead of the count when the
    figure is a rate or an average; `ids` are then the people it was computed over.

    The people may be given as a query of their ids with the count the database already
    computed: the page shows the count, and the query runs only when someone asks who they are
    (the list behind the figure, the small-count rule of an output for a funder). A function
    that returns that query puts off even building it (a page of hundreds of figures built
    hundreds of queries it never ran)."""

    key: str
    label: str
    people: Iterable[int] = field(default_factory=set)
    value: str | None = None
    bar: float | None = None  # the length in a chart when it is not the count
    known_count: int | None = None

    @cached_property
    def who(self) -> Iterable[int]:
        """The people as given: a set, or a query of their ids."""
        return self.people() if callable(self.people) else self.people

    @cached_property
    def ids(self) -> set[int]:
        return set(self.who)

    @property
    def count(self) -> int:
        return self.known_count if self.known_count is not None else len(self.ids)

    @property
    def shown(self) -> str:
        return self.value if self.value is not None else str(self.count)


def share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def percent(part: int, whole: int) -> str:
    value = share(part, whole)
    return "—" if value is None else f"{value:g} %"


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None


def small_count_limit() -> int:
    return getattr(settings, "REPORT_SMALL_COUNT", 5)


def suppressed(count: int) -> str:
    """A count as a funder output shows it: below the threshold (but not zero) as "< 5", so
    nobody can be recognised in a small cell."""
    limit = small_count_limit()
    if 0 < count < limit:
        return f"< {limit}"
    return str(count)


AGE_BANDS = [
    ("under_18", _("Under 18")),
    ("18_29", _("18–29")),
    ("30_54", _("30–54")),
    ("55_plus", _("55 and over")),
]


def age_band(age: int) -> str:
    if age < 18:
        return "under_18"
    if age <= 29:
        return "18_29"
    if age <= 54:
        return "30_54"
    return "55_plus"
