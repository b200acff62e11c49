"""Dates of a recurring series: dateutil's rules, minus Belgian public holidays and the
organisation's closure days. Times stay local wall-clock times, so a 9:00 session is at 9:00
on both sides of a daylight-saving change."""

import datetime
from collections.abc import Iterable

import holidays
from dateutil import rrule

# A series without an end date is cut off here, so nothing runs away.
HORIZON = datetime.timedelta(days=3 * 366)


def belgian_holidays(start: datetime.date, end: datetime.date) -> set[datetime.date]:
    return set(holidays.country_holidays("BE", years=range(start.year, end.year + 1)))


def last_possible_day(
    *, starts_on: datetime.date, ends_on: datetime.date | None, count: int | None, interval: int
) -> datetime.date:
    """The end date, or how far to look: a series given a number of sessions may run past the
    horizon, so leave room for every one of them (a month between sessions at most)."""
    if ends_on:
        return ends_on
    return starts_on + max(HORIZON, datetime.timedelta(days=31 * interval * (count or 0) + 366))


def dates(
    *,
    frequency: str,
    interval: int,
    weekdays: Iterable[int],
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    count: int | None = None,
    week_of_month: int | None = None,
    skip: set[datetime.date] = frozenset(),
) -> list[datetime.date]:
    """Every date of the series. `count` counts the sessions that take place, so a holiday
    does not shorten a series of ten sessions."""
    last = last_possible_day(starts_on=starts_on, ends_on=ends_on, count=count, interval=interval)
    days = [rrule.weekday(day) for day in sorted(set(weekdays))]
    if frequency == "monthly":
        rule = rrule.rrule(
            rrule.MONTHLY,
            interval=interval,
            byweekday=[day(week_of_month) for day in days],
            dtstart=starts_on,
            until=last,
        )
    else:
        rule = rrule.rrule(
            rrule.WEEKLY, interval=interval, byweekday=days, dtstart=starts_on, until=last
        )
    result = []
    for moment in rule:
        day = moment.date()
        if day in skip:
            continue
        result.append(day)
        if count and len(result) >= count:
            break
    return result
