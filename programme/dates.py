"""The date rules every service shares: a fact is recorded once it has happened, and a period
ends after it starts. One home, so the wording and the meaning of "today" (the site's local
date) are the same on every page, in the API and in imports.

Each rule raises a ValidationError on `field`; given an `errors` dict instead, it adds its
message there and answers False, for services that report every problem at once."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


def _refuse(field: str, message: str, errors: dict | None) -> bool:
    if errors is None:
        raise ValidationError({field: message})
    errors.setdefault(field, message)
    return False


def not_in_future(
    on: datetime.date | None, *, field: str, message: str = "", errors: dict | None = None
) -> bool:
    """A date after today is refused. None passes: "required" is the caller's own rule."""
    if on is not None and on > timezone.localdate():
        return _refuse(field, message or _("The date cannot be in the future."), errors)
    return True


def not_before(
    later: datetime.date | None,
    earlier: datetime.date | None,
    *,
    field: str,
    message: str = "",
    errors: dict | None = None,
) -> bool:
    """`later` may not fall before `earlier` (either missing: nothing to compare)."""
    if later is not None and earlier is not None and later < earlier:
        return _refuse(
            field,
            message
            or _("The date cannot be before %(date)s.")
            % {"date": date_format(earlier, "SHORT_DATE_FORMAT")},
            errors,
        )
    return True
