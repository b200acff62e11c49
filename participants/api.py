"""Participants, enrolments (and their status changes), placements and referrals over the API.
Reads are scoped by the same helpers as the pages; every write calls the same service as the
page, so each rule holds for both."""

from django.db.models import Prefetch
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from audit import services as audit
from participants import services
from participants.access import enrolments_for, participants_for
from participants.filters import CaseloadFilter, EnrolmentFilter, PlacementFilter, ReferralFilter
from participants.models import Enrolment, EnrolmentStatusChange, Participant, Placement, Referral
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
            "last_attended_on", "status_changes",
        ]  # fmt: skip
        read_only_fields = [
            "status", "waiting_since", "decision_reason", "started_on", "exited_on",
            "exit_reason", "drop_out_reason", "exit_destination", "attendance_rate",
            "consecutive_absences", "last_attended_on",
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


# Placements -----------------------------------------------------------------------------------


class PlacementSerializer(ModelSerializer):
    enrolment = ScopedPrimaryKeyField(enrolments_for)
    host = ScopedPrimaryKeyField(partners_for)
    version = VersionField(required=False)
    status = serializers.ChoiceField(
        choices=[
            Placement.Status.PLANNED,
            Placement.Status.ONGOING,
            Placement.Status.CANCELLED,
        ],
        required=False,
        help_text="Planned, ongoing or cancelled; ending a placement goes through /end/.",
    )

    class Meta:
        model = Placement
        fields = [
            "id", "enrolment", "kind", "host", "role", "tasks", "hours_per_week", "schedule",
            "supervisor_name", "supervisor_phone", "supervisor_email", "starts_on", "ends_on",
            "ended_on", "status", "outcome", "notes", "version",
        ]  # fmt: skip
        read_only_fields = ["ended_on", "outcome"]

    def to_representation(self, instance):
        # The status shown can also be "ended", which a client cannot set directly.
        data = super().to_representation(instance)
        data["status"] = instance.status
        return data

    def validate(self, attrs):
        if self.instance is not None:
            if "version" not in attrs:
                raise serializers.ValidationError({"version": "Give the version you last read."})
            if "enrolment" in attrs and attrs["enrolment"] != self.instance.enrolment:
                raise serializers.ValidationError(
                    {"enrolment": "A placement stays with its enrolment."}
                )
        return attrs


class PlacementEndRequest(serializers.Serializer):
    on = serializers.DateField()
    outcome = serializers.ChoiceField(choices=Placement.Outcome.choices)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema(tags=["placements"])
class PlacementViewSet(
    ScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    queryset = Placement.objects.none()  # for the schema; get_queryset scopes
    serializer_class = PlacementSerializer
    filterset_class = PlacementFilter
    ordering_fields = ["starts_on", "ends_on", "id"]
    ordering = ["-starts_on", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return Placement.objects.filter(enrolment__in=enrolments_for(self.request.staff))

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        enrolment = data.pop("enrolment")
        data.pop("version", None)
        data.pop("status", None)  # a new placement is planned or ongoing by its start date
        with service_errors():
            serializer.instance = services.placement_create(
                enrolment=enrolment, data=data, by=self.request.user
            )

    @extend_schema(responses={200: PlacementSerializer, 409: STALE_RESPONSE})
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("enrolment", None)
        version = data.pop("version")
        new_status = data.pop("status", None)
        with service_errors():
            serializer.instance = services.placement_update(
                placement=serializer.instance,
                data=data,
                version=version,
                status=new_status,
                by=self.request.user,
            )

    @extend_schema(request=PlacementEndRequest, responses={200: PlacementSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        placement = self.get_object()
        form = PlacementEndRequest(data=request.data)
        form.is_valid(raise_exception=True)
        with service_errors():
            placement = services.placement_end(
                placement=placement, **form.validated_data, by=request.user
            )
        return Response(self.get_serializer(placement).data)


# Referrals ------------------------------------------------------------------------------------


class ReferralSerializer(ModelSerializer):
    enrolment = ScopedPrimaryKeyField(enrolments_for)
    partner = ScopedPrimaryKeyField(partners_for)

    class Meta:
        model = Referral
        fields = [
            "id", "enrolment", "partner", "kind", "sent_on", "reason", "status", "started_on",
            "ended_on", "outcome", "shares_personal_data", "consent",
            "consent_override_reason", "created_at",
        ]  # fmt: skip
        read_only_fields = ["status", "started_on", "ended_on", "outcome", "consent", "created_at"]
        extra_kwargs = {"sent_on": {"required": True}}


class ReferralStatusRequest(serializers.Serializer):
    status = serializers.ChoiceField(choices=Referral.Status.choices)
    on = serializers.DateField()
    outcome = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema(tags=["referrals"])
class ReferralViewSet(
    ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    """Referrals to partners. Sharing personal data needs the person's consent for that
    partner, or a reason to share without it, as on the page."""

    queryset = Referral.objects.none()  # for the schema; get_queryset scopes
    serializer_class = ReferralSerializer
    filterset_class = ReferralFilter
    ordering_fields = ["sent_on", "status", "id"]
    ordering = ["-sent_on", "-id"]

    def get_queryset(self):
        return Referral.objects.filter(enrolment__in=enrolments_for(self.request.staff))

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.setdefault("consent_override_reason", "")
        with service_errors():
            serializer.instance = services.referral_create(**data, by=self.request.user)

    @extend_schema(request=ReferralStatusRequest, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        referral = self.get_object()
        form = ReferralStatusRequest(data=request.data)
        form.is_valid(raise_exception=True)
        with service_errors():
            referral = services.referral_update_status(
                referral=referral, **form.validated_data, by=request.user
            )
        return Response(self.get_serializer(referral).data, status=status.HTTP_200_OK)
