import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from evaluations.models import FollowUpCall
from participants.filters import StaffChoiceFilter
from programme.access import coaches_for


class CallQueueFilter(django_filters.FilterSet):
    """A manager's call queue, narrowed to one coach's caseload: the enrolment's coach or the
    person's referent coach, as for the coach's own queue."""

    coach = StaffChoiceFilter(
        label=_("Coach"), queryset=None, method="filter_coach", empty_label=_("All")
    )

    class Meta:
        model = FollowUpCall
        fields = ["coach"]

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["coach"].queryset = coaches_for(staff)

    def filter_coach(self, queryset, name, value):
        return queryset.filter(Q(enrolment__coach=value) | Q(enrolment__participant__coach=value))
