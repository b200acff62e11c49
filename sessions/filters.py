import django_filters
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


class SessionFilter(django_filters.FilterSet):
    """Sessions between two dates, of a programme, group or series (an agenda as a list)."""

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
