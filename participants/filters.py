import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from participants.models import Enrolment, Participant
from programme.access import coaches_for, programmes_for
from programme.forms import StaffChoiceField


class StaffChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = StaffChoiceField


class CaseloadFilter(django_filters.FilterSet):
    """The caseload list: filters apply to the participant's enrolments, so "programme X,
    status active" means an active enrolment in X, not any enrolment in X and any active one."""

    q = django_filters.CharFilter(label=_("Name or register number"), method="filter_search")
    programme = django_filters.ModelChoiceFilter(
        label=_("Programme"), queryset=None, method="filter_enrolment", empty_label=_("All")
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
        return queryset.filter(
            Q(coach=value)
            | Exists(Enrolment.objects.filter(participant=OuterRef("pk"), coach=value))
        )

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
