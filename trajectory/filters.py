"""Filters of the placements and referrals lists in the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from participants.filters import IdFilter
from trajectory.models import Placement, Referral


class PlacementFilter(django_filters.FilterSet):
    enrolment = IdFilter(label=_("Enrolment"))
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=Placement.Status.choices
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Placement.Kind.choices)
    host = IdFilter(label=_("Host"))

    class Meta:
        model = Placement
        fields = ["enrolment", "status", "kind", "host"]

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)


class ReferralFilter(django_filters.FilterSet):
    enrolment = IdFilter(label=_("Enrolment"))
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=Referral.Status.choices)
    kind = django_filters.ChoiceFilter(label=_("For"), choices=Referral.Kind.choices)
    partner = IdFilter(label=_("Partner"))

    class Meta:
        model = Referral
        fields = ["enrolment", "status", "kind", "partner"]

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
