import django_filters
from django.utils.translation import gettext_lazy as _

from evaluations.models import Evaluation, FollowUpCall, LanguageAssessment
from participants.filters import IdFilter, StaffChoiceFilter
from programme.access import coaches_for


class CallQueueFilter(django_filters.FilterSet):
    """A manager's call queue, narrowed to one coach's calls, read as for the coach's own
    queue (`FollowUpCall.objects.for_coach`)."""

    # The method filters; field_name only tells the API schema whose id this is.
    coach = StaffChoiceFilter(
        label=_("Coach"),
        queryset=None,
        field_name="enrolment__coach",
        method="filter_coach",
        empty_label=_("All"),
    )

    class Meta:
        model = FollowUpCall
        fields = ["coach"]

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["coach"].queryset = coaches_for(staff)

    def filter_coach(self, queryset, name, value):
        return queryset.for_coach(value)


class FollowUpCallFilter(CallQueueFilter):
    """The API's follow-up calls: the call queue's coach filter, plus status and due date."""

    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=FollowUpCall.Status.choices
    )
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte")
    due_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gte")
    enrolment = IdFilter(label=_("Enrolment"))

    class Meta:
        model = FollowUpCall
        fields = ["coach", "status", "enrolment"]


class EvaluationFilter(django_filters.FilterSet):
    enrolment = IdFilter(label=_("Enrolment"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Evaluation.Kind.choices)
    held_after = django_filters.DateFilter(field_name="held_on", lookup_expr="gte")
    held_before = django_filters.DateFilter(field_name="held_on", lookup_expr="lte")

    class Meta:
        model = Evaluation
        fields = ["enrolment", "kind"]

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)


class LanguageAssessmentFilter(django_filters.FilterSet):
    participant = IdFilter(label=_("Participant"))
    language = django_filters.ChoiceFilter(
        label=_("Language"), choices=[("nl", _("Dutch")), ("fr", _("French"))]
    )

    class Meta:
        model = LanguageAssessment
        fields = ["participant", "language"]

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
