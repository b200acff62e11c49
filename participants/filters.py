import datetime

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from participants.models import Enrolment, Participant, Todo
from programme.access import coaches_for, programmes_for
from programme.forms import StaffChoiceField


class StaffChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = StaffChoiceField


class IdFilter(django_filters.NumberFilter):
    """A record's id: a whole number a database column can hold, anything else refused."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class CaseloadFilter(django_filters.FilterSet):
    """The caseload list: filters apply to the participant's enrolments, so "programme X,
    status active" means an active enrolment in X, not any enrolment in X and any active one."""

    q = django_filters.CharFilter(label=_("Name or register number"), method="filter_search")
    # The method filters; field_name only tells the API schema whose id this is.
    programme = django_filters.ModelChoiceFilter(
        label=_("Programme"),
        queryset=None,
        field_name="enrolments__programme",
        method="filter_enrolment",
        empty_label=_("All"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=Enrolment.Status.choices,
        method="filter_enrolment",
        empty_label=_("All"),
    )
    coach = StaffChoiceFilter(
        label=_("Coach"), queryset=None, method="filter_coach", empty_label=_("All")
    )

    class Meta:
        model = Participant
        fields = ["q", "programme", "status", "coach"]

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["programme"].queryset = programmes_for(staff)
        self.filters["coach"].queryset = coaches_for(staff)

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_enrolment(self, queryset, name, value):
        # Both enrolment filters are applied together, once, in filter_queryset.
        return queryset

    def filter_coach(self, queryset, name, value):
        return queryset.in_caseload_of(value)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        enrolments = Enrolment.objects.filter(participant=OuterRef("pk"))
        programme = self.form.cleaned_data.get("programme")
        status = self.form.cleaned_data.get("status")
        if programme:
            enrolments = enrolments.filter(programme=programme)
        if status:
            enrolments = enrolments.filter(status=status)
        if programme or status:
            queryset = queryset.filter(Exists(enrolments))
        return queryset


class TodoFilter(django_filters.FilterSet):
    """The to-do list: what falls due, for one coach (by default the signed-in coach)."""

    WHEN = [
        ("overdue", _("Overdue")),
        ("week", _("Overdue and the next 7 days")),
        ("month", _("Overdue and the next 30 days")),
        ("open", _("Everything still open")),
    ]

    when = django_filters.ChoiceFilter(
        label=_("Due"), choices=WHEN, method="filter_when", empty_label=None
    )
    programme = django_filters.ModelChoiceFilter(
        label=_("Programme"), queryset=None, field_name="enrolment__programme", empty_label=_("All")
    )
    coach = StaffChoiceFilter(
        label=_("Coach"), queryset=None, method="filter_coach", empty_label=_("All")
    )

    class Meta:
        model = Todo
        fields = ["when", "programme", "coach"]

    def __init__(self, data=None, *args, staff, today, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("when", "week")
        if staff.is_coach:
            data.setdefault("coach", str(staff.user_id))
        super().__init__(data, *args, **kwargs)
        self.today = today
        self.filters["programme"].queryset = programmes_for(staff)
        self.filters["coach"].queryset = coaches_for(staff)

    def filter_when(self, queryset, name, value):
        horizon = {"overdue": 0, "week": 7, "month": 30}.get(value)
        if horizon is None:
            return queryset
        return queryset.filter(due_on__lt=self.today + datetime.timedelta(days=horizon))

    def filter_coach(self, queryset, name, value):
        return queryset.for_coach(value)


class EnrolmentFilter(django_filters.FilterSet):
    """Enrolments by programme, status and coach (the API's list of enrolments)."""

    programme = django_filters.ModelChoiceFilter(label=_("Programme"), queryset=None)
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=Enrolment.Status.choices
    )
    coach = StaffChoiceFilter(label=_("Coach"), queryset=None)
    participant = IdFilter(label=_("Participant"))
    referred_after = django_filters.DateFilter(field_name="referred_on", lookup_expr="gte")
    referred_before = django_filters.DateFilter(field_name="referred_on", lookup_expr="lte")

    class Meta:
        model = Enrolment
        fields = ["programme", "status", "coach", "participant"]

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["programme"].queryset = programmes_for(staff)
        self.filters["coach"].queryset = coaches_for(staff)
