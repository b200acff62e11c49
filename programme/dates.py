"""The date rules every service shares: a fact is recorded once it has happened, and a period
ends after it starts. One home, so the wording and the meaning of "today" (the site's local
date) are the same on every page, in the API and in imports.

Each rule raises a ValidationError on `field` (without a field: a plain one, as a form's
`clean_<field>` raises); given an `errors` dict instead, it adds its message there and answers
False, for services that report every problem at once. Models, services and forms all call
these, so a form that says it first says it in the same words as the service behind it."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


def in_future(on: datetime.date | None) -> bool:
    """After today, the site's local date. None is not in the future."""
    return on is not None and on > timezone.localdate()


def _refuse(field: str | None, message: str, errors: dict | None) -> bool:
    if errors is None:
        raise ValidationError({field: message} if field else message)
    errors.setdefault(field, message)
    return False


def not_in_future(
    on: datetime.date | None,
    *,
    field: str | None = None,
    message: str = "",
    errors: dict | None = None,
) -> bool:
    """A date after today is refused. None passes: "required" is the caller's own rule."""
    if in_future(on):
        return _refuse(field, message or _("The date cannot be in the future."), errors)
    return True


def not_before(
    later: datetime.date | None,
    earlier: datetime.date | None,
    *,
    field: str | None = None,
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
