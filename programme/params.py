"""Parameters a view reads by hand from a request: ids, bounded numbers, months, dates, and
the page to go back to.

Each reader answers the value, or the default when the parameter is absent or empty, or raises
`BadRequest` (a 400) when it is there but unreadable; told `lenient=True`, it answers the default
then too, for a page that has always forgiven a hand-typed address. None lets ValueError or
OverflowError through, which would be a server error: `str.isdigit()` accepts '²', which `int()`
refuses; a 30-digit number fits no database column; 9999-12 has no month after it. Forms,
FilterSets and path converters do the same job where a view has one (the `<int:pk>` converter
takes only ASCII digits, and Django finds no row for an id beyond the column's range).
"""

import datetime
import re
from collections.abc import Mapping

from django.core.exceptions import BadRequest
from django.http import HttpRequest, QueryDict
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

# The largest id a BigAutoField column holds.
MAX_ID = 2**63 - 1
# Dates the application has any business with, so that a month or a day either side of one
# is still a date (datetime.date stops at the years 1 and 9999).
FIRST_YEAR, LAST_YEAR = 1900, 2999
# An integer written in more digits than this is refused before `int()` is asked.
MAX_DIGITS = 19

_ASCII_DIGITS = frozenset("0123456789")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _value(query: Mapping, name: str) -> str:
    value = query.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def _bad(name: str) -> BadRequest:
    return BadRequest(_("The parameter “%(name)s” is not valid.") % {"name": name})


def _is_integer(text: str) -> bool:
    digits = text[1:] if text[:1] == "-" else text
    return 0 < len(digits) <= MAX_DIGITS and set(digits) <= _ASCII_DIGITS


def parse_id(text: str, name: str = "id") -> int:
    """A record's id: ASCII digits, from 1 to the largest a column holds."""
    if not is_id(text):
        raise _bad(name)
    return int(text)


def is_id(text: str) -> bool:
    return _is_integer(text) and text[0] != "-" and 1 <= int(text) <= MAX_ID


def id_param(
    query: Mapping, name: str, default: int | None = None, *, lenient: bool = False
) -> int | None:
    value = _value(query, name)
    if value and lenient and not is_id(value):
        return default
    return parse_id(value, name) if value else default


def ids_param(query: QueryDict, name: str, *, lenient: bool = False) -> list[int]:
    """Every value of a repeated parameter (`?participants=3&participants=8`), each an id
    (when lenient, those that are not are left out)."""
    values = [value.strip() for value in query.getlist(name) if value.strip()]
    if lenient:
        return [int(value) for value in values if is_id(value)]
    return [parse_id(value, name) for value in values]


def int_param(
    query: Mapping, name: str, default: int, *, minimum: int, maximum: int, lenient: bool = False
) -> int:
    """A whole number, brought within [minimum, maximum]."""
    value = _value(query, name)
    if not value or (lenient and not _is_integer(value)):
        return default
    if not _is_integer(value):
        raise _bad(name)
    return max(minimum, min(int(value), maximum))


def month_param(
    query: Mapping, name: str, default: datetime.date, *, lenient: bool = False
) -> datetime.date:
    """`YYYY-MM`, as the first day of that month."""
    value = _value(query, name)
    if not value:
        return default
    try:
        month = datetime.datetime.strptime(value, "%Y-%m").date()
        if not FIRST_YEAR <= month.year <= LAST_YEAR:
            raise ValueError(value)
    except ValueError:
        if lenient:
            return default
        raise _bad(name) from None
    return month


def date_param(
    query: Mapping, name: str, default: datetime.date | None, *, lenient: bool = False
) -> datetime.date | None:
    """`YYYY-MM-DD`."""
    value = _value(query, name)
    if not value:
        return default
    try:
        day = datetime.date.fromisoformat(value)
        # fromisoformat also reads 20240331 and 2024-W13-7; a link of ours never sends those.
        if not _ISO_DATE.fullmatch(value) or not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ValueError(value)
    except ValueError:
        if lenient:
            return default
        raise _bad(name) from None
    return day


def safe_next_url(request: HttpRequest, default="", name: str = "next") -> str:
    """Where to go back to after a form: the `next` the page sent (posted, or in the address)
    if it is a page of this site, else `default` (a URL, a URL name or a model with
    get_absolute_url; "" when none is given). Another site's address is never followed: that
    would make a link of ours send people to a look-alike page (an open redirect)."""
    target = request.POST.get(name) or request.GET.get(name) or ""
    # An address, not a word: redirect() would look a word up as a URL name (NoReverseMatch).
    if target.startswith(("/", "http://", "https://")) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(default) if default else ""
