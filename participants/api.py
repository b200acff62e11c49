"""Participants and enrolments (and their status changes) over the API.
Reads are scoped by the same helpers as the pages; every write calls the same service as the
page, so each rule holds for both."""

from django.db.models import Prefetch
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.response import Response

from audit import services as audit
from participants import services
from participants.access import enrolments_for, participants_for
from participants.filters import CaseloadFilter, EnrolmentFilter
from participants.models import Enrolment, EnrolmentStatusChange, Participant
from programme.access import coaches_for, partners_for, programmes_for
from programme.api import (
    STALE_RESPONSE,
    ModelSerializer,
    ScopedViewSet,
    VersionField,
    service_errors,
)


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A reference to a record the signed-in user may reach; anything else reads as unknown."""

    def __init__(self, scope, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.scope(self.context["request"].staff)

    def to_internal_value(self, data):
        # A number too big for the database is as unknown as any other missing id.
        if isinstance(data, int) and not 0 < data < 2**63:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


# Participants ---------------------------------------------------------------------------------

PARTICIPANT_FIELDS = [
    "first_name", "last_name", "birth_date", "gender", "national_number", "nationality",
    "country_of_birth", "arrived_on", "residence_status", "integration_income",
    "civic_integration_completed", "children", "childcare_needed", "phone", "portal_language",
    "interpreter_language", "literacy", "schooling", "schooling_years", "labour_market_status",
    "housing", "coach",
]  # fmt: skip


class ParticipantSerializer(ModelSerializer):
    nationality = CountryField(required=False, allow_blank=True)
    country_of_birth = CountryField(required=False, allow_blank=True)
    coach = ScopedPrimaryKeyField(coaches_for, required=False, allow_null=True)
    version = VersionField(required=False)

    class Meta:
        model = Participant
        fields = ["id", *PARTICIPANT_FIELDS, "version", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, attrs):
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError({"version": "Give the version you last read."})
        return attrs


@extend_schema(tags=["participants"])
class ParticipantViewSet(
    ScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    """The caseload: a coach's own people, a manager's whole organisation. Filters are the
    caseload page's (`q` name or register number, `programme`, `status`, `coach`)."""

    queryset = Participant.objects.none()  # for the schema; get_queryset scopes
    serializer_class = ParticipantSerializer
    filterset_class = CaseloadFilter
    ordering_fields = ["last_name", "first_name", "birth_date", "created_at", "id"]
    ordering = ["last_name", "first_name", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return participants_for(self.request.staff)

    def retrieve(self, request, *args, **kwargs):
        participant = self.get_object()
        # A file read through the API is a view like any other (docs/data-protection.md).
        audit.log_view(request, participant, what="api")
        return Response(self.get_serializer(participant).data)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        with service_errors():
            serializer.instance = services.participant_create(
                organisation=self.request.staff.organisation, data=data, by=self.request.user
            )

    @extend_schema(responses={200: ParticipantSerializer, 409: STALE_RESPONSE})
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version")
        with service_errors():
            serializer.instance = services.participant_update(
                participant=serializer.instance, data=data, version=version, by=self.request.user
            )


# Enrolments -----------------------------------------------------------------------------------


class StatusChangeSerializer(ModelSerializer):
    class Meta:
        model = EnrolmentStatusChange
        fields = ["from_status", "to_status", "changed_at", "changed_by", "reason"]
        read_only_fields = fields


class EnrolmentSerializer(ModelSerializer):
    participant = ScopedPrimaryKeyField(participants_for)
    programme = ScopedPrimaryKeyField(programmes_for)
    coach = ScopedPrimaryKeyField(coaches_for, required=False, allow_null=True)
    referring_partner = ScopedPrimaryKeyField(partners_for, required=False, allow_null=True)
    status_changes = StatusChangeSerializer(source="changes", many=True, read_only=True)

    class Meta:
        model = Enrolment
        fields = [
            "id", "participant", "programme", "coach", "status", "referred_on",
            "referral_source", "referring_partner", "referrer_name", "referral_reason",
            "waiting_since", "decision_reason", "started_on", "exited_on", "exit_reason",
            "drop_out_reason", "exit_destination", "attendance_rate", "consecutive_absences",
            "last_attended_on", "track", "cohort", "status_changes",
        ]  # fmt: skip
        # The track and the cohort are given at admission (participants.services.intake_decide).
        read_only_fields = [
            "status", "waiting_since", "decision_reason", "started_on", "exited_on",
            "exit_reason", "drop_out_reason", "exit_destination", "attendance_rate",
            "consecutive_absences", "last_attended_on", "track", "cohort",
        ]  # fmt: skip


@extend_schema(tags=["enrolments"])
class EnrolmentViewSet(
    ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    """Enrolments with their status history. A new one is a referral; its status then moves
    through the lifecycle actions that casefile.api adds (status, exit, transfer)."""

    queryset = Enrolment.objects.none()  # for the schema; get_queryset scopes
    serializer_class = EnrolmentSerializer
    filterset_class = EnrolmentFilter
    ordering_fields = ["referred_on", "started_on", "exited_on", "status", "id"]
    ordering = ["-referred_on", "-id"]

    def get_queryset(self):
        return enrolments_for(self.request.staff).prefetch_related(
            Prefetch(
                "changes",
                queryset=EnrolmentStatusChange.objects.order_by("changed_at", "pk"),
            )
        )

    def perform_create(self, serializer):
        with service_errors():
            serializer.instance = services.enrolment_refer(
                **{"coach": None, **serializer.validated_data}, by=self.request.user
            )
