import datetime

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.filters import IdFilter
from programme.access import programmes_for
from sessions.models import Attendance, Group, Series, Session


class GroupFilter(django_filters.FilterSet):
    programme = django_filters.ModelChoiceFilter(label=_("Programme"), queryset=None)
    current = django_filters.BooleanFilter(
        label=_("Running now"), field_name="ends_on", lookup_expr="isnull"
    )

    class Meta:
        model = Group
        fields = ["programme", "current"]

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["programme"].queryset = programmes_for(staff)


class SeriesFilter(django_filters.FilterSet):
    programme = django_filters.ModelChoiceFilter(label=_("Programme"), queryset=None)
    group = IdFilter(label=_("Group"))

    class Meta:
        model = Series
        fields = ["programme", "group"]

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["programme"].queryset = programmes_for(staff)


# The API's lists of sessions and attendance cover a window of dates unless the request gives
# its own: a coach's history grows by the year, and the first page of a list should cost the
# same after three years as after three months (decision 0026 says why a window, not cursors).
WINDOW_DAYS = 90
SINCE_HELP = _(
    "First session date the list covers (YYYY-MM-DD). Without it, nor date_from or date_to, the "
    "list starts 90 days before today (and runs into the future); give an earlier date to go "
    "further back."
)


def window_start() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=WINDOW_DAYS)


class SessionFilter(django_filters.FilterSet):
    """Sessions between two dates, of a programme, group or series (an agenda as a list)."""

    since = django_filters.DateFilter(
        label=_("Since"), field_name="date", lookup_expr="gte", help_text=SINCE_HELP
    )
    date_from = django_filters.DateFilter(label=_("From"), field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("To"), field_name="date", lookup_expr="lte")
    programme = django_filters.ModelChoiceFilter(label=_("Programme"), queryset=None)
    group = IdFilter(label=_("Group"))
    series = IdFilter(label=_("Series"))
    cancelled = django_filters.BooleanFilter(
        label=_("Cancelled"), field_name="cancelled_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Session
        fields = ["date_from", "date_to", "programme", "group", "series", "cancelled"]

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["programme"].queryset = programmes_for(staff)


class AttendanceFilter(django_filters.FilterSet):
    since = django_filters.DateFilter(
        label=_("Since"),
        field_name="session__date",
        lookup_expr="gte",
        help_text=_(
            "First session date the list covers (YYYY-MM-DD). Without it, nor date_from, "
            "date_to or session, the list starts 90 days before today; give an earlier date "
            "to go further back."
        ),
    )
    session = IdFilter(label=_("Session"))
    participant = IdFilter(label=_("Participant"))
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=Attendance.Status.choices
    )
    date_from = django_filters.DateFilter(field_name="session__date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="session__date", lookup_expr="lte")

    class Meta:
        model = Attendance
        fields = ["session", "participant", "status"]

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
