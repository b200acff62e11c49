"""Placements and referrals to partners over the API. Reads are scoped by the same helpers
as the pages; every write calls the same service as the page, so each rule holds for both."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from participants.access import enrolments_for
from participants.api import ScopedPrimaryKeyField
from programme.access import partners_for
from programme.api import (
    STALE_RESPONSE,
    ModelSerializer,
    ScopedViewSet,
    VersionField,
    service_errors,
)
from programme.text_limits import LONG_NOTE, NOTE
from trajectory import services
from trajectory.filters import PlacementFilter, ReferralFilter
from trajectory.models import Placement, Referral

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
    notes = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LONG_NOTE
    )


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
    outcome = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE)


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
