"""Language assessments, evaluations with their domain scores, and follow-up calls over the
API, through the same services and scoping as the pages."""

from django.db.models import Count
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from evaluations import services
from evaluations.access import assessments_for, calls_for, evaluations_for
from evaluations.filters import EvaluationFilter, FollowUpCallFilter, LanguageAssessmentFilter
from evaluations.models import (
    CallAttempt,
    DomainScore,
    Evaluation,
    FollowUpCall,
    LanguageAssessment,
)
from participants.access import enrolments_for, participants_for
from participants.api import ScopedPrimaryKeyField
from programme import outcomes
from programme.api import (
    STALE_RESPONSE,
    ModelSerializer,
    ScopedViewSet,
    VersionField,
    service_errors,
)
from programme.text_limits import LONG_NOTE, NOTE

# Language assessments -------------------------------------------------------------------------


class LanguageAssessmentSerializer(ModelSerializer):
    participant = ScopedPrimaryKeyField(participants_for)

    class Meta:
        model = LanguageAssessment
        fields = [
            "id", "participant", "language", "assessed_on", "assessed_by", "oral", "reading",
            "writing", "local_level", "literacy", "schooling", "notes", "created_at",
        ]  # fmt: skip
        read_only_fields = ["assessed_by", "created_at"]


@extend_schema(tags=["language assessments"])
class LanguageAssessmentViewSet(
    ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    """Dated tests of the national language; a new one adds to the history."""

    queryset = LanguageAssessment.objects.none()  # for the schema; get_queryset scopes
    serializer_class = LanguageAssessmentSerializer
    filterset_class = LanguageAssessmentFilter
    ordering_fields = ["assessed_on", "id"]
    ordering = ["-assessed_on", "-id"]

    def get_queryset(self):
        return assessments_for(self.request.staff)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        participant = data.pop("participant")
        with service_errors():
            serializer.instance = services.language_assessment_record(
                participant=participant, data=data, by=self.request.user
            )


# Evaluations ----------------------------------------------------------------------------------


class ScoreSerializer(ModelSerializer):
    domain = serializers.ChoiceField(choices=outcomes.CHOICES)
    coach_score = serializers.ChoiceField(
        choices=list(outcomes.LEVEL_NAMES.items()), required=False, allow_null=True, default=None
    )
    participant_score = serializers.ChoiceField(
        choices=list(outcomes.LEVEL_NAMES.items()), required=False, allow_null=True, default=None
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE)

    class Meta:
        model = DomainScore
        fields = ["domain", "coach_score", "participant_score", "comment"]


class EvaluationSerializer(ModelSerializer):
    enrolment = ScopedPrimaryKeyField(enrolments_for)
    scores = ScoreSerializer(many=True)
    version = VersionField(required=False)

    class Meta:
        model = Evaluation
        fields = [
            "id", "enrolment", "kind", "held_on", "evaluated_by", "notes", "scores", "version",
            "created_at",
        ]  # fmt: skip
        read_only_fields = ["evaluated_by", "created_at"]
        extra_kwargs = {"held_on": {"required": True}}
        # One baseline and one exit per enrolment: the service says so in plain words.
        validators = []

    def validate(self, attrs):
        if self.instance is not None:
            if "version" not in attrs:
                raise serializers.ValidationError({"version": "Give the version you last read."})
            for field in ("enrolment", "kind"):
                if field in attrs and attrs[field] != getattr(self.instance, field):
                    raise serializers.ValidationError({field: "This cannot change."})
        return attrs


def _rows(scores) -> list[services.ScoreRow]:
    return [services.ScoreRow(**row) for row in scores]


@extend_schema(tags=["evaluations"])
class EvaluationViewSet(
    ScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    """Baseline, mid-way and exit evaluations with one score per outcome domain."""

    queryset = Evaluation.objects.none()  # for the schema; get_queryset scopes
    serializer_class = EvaluationSerializer
    filterset_class = EvaluationFilter
    ordering_fields = ["held_on", "id"]
    ordering = ["-held_on", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return evaluations_for(self.request.staff).prefetch_related("scores")

    def perform_create(self, serializer):
        data = serializer.validated_data
        enrolment = (
            enrolments_for(self.request.staff)
            .select_related("programme")
            .get(pk=data["enrolment"].pk)
        )
        with service_errors():
            serializer.instance = services.evaluation_record(
                enrolment=enrolment,
                kind=data["kind"],
                held_on=data["held_on"],
                scores=_rows(data["scores"]),
                notes=data.get("notes", ""),
                by=self.request.user,
            )

    @extend_schema(responses={200: EvaluationSerializer, 409: STALE_RESPONSE})
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    def perform_update(self, serializer):
        evaluation = serializer.instance
        data = serializer.validated_data
        scores = (
            _rows(data["scores"])
            if "scores" in data
            else [
                services.ScoreRow(
                    domain=s.domain,
                    coach_score=s.coach_score,
                    participant_score=s.participant_score,
                    comment=s.comment,
                )
                for s in evaluation.scores.all()
            ]
        )
        with service_errors():
            serializer.instance = services.evaluation_update(
                evaluation=evaluation,
                held_on=data.get("held_on", evaluation.held_on),
                scores=scores,
                notes=data.get("notes", evaluation.notes),
                version=data["version"],
                by=self.request.user,
            )
        # The scores were replaced: read them again for the answer.
        serializer.instance = self.get_queryset().get(pk=evaluation.pk)


# Follow-up calls ------------------------------------------------------------------------------


class FollowUpCallSerializer(ModelSerializer):
    attempts = serializers.IntegerField(source="attempt_count", read_only=True)

    class Meta:
        model = FollowUpCall
        fields = [
            "id", "enrolment", "weeks_after_exit", "due_on", "status", "situation",
            "needs_help", "help_notes", "helped_integration", "notes", "completed_on",
            "completed_by", "attempts", "version",
        ]  # fmt: skip
        read_only_fields = fields


class CallAttemptRequest(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=CallAttempt.Outcome.choices)
    version = VersionField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    situation = serializers.ChoiceField(
        choices=FollowUpCall.Situation.choices, required=False, allow_blank=True, default=""
    )
    needs_help = serializers.BooleanField(required=False, allow_null=True, default=None)
    help_notes = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=NOTE
    )
    helped_integration = serializers.ChoiceField(
        choices=FollowUpCall.Helped.choices, required=False, allow_blank=True, default=""
    )
    notes = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LONG_NOTE
    )


@extend_schema(tags=["follow-up calls"])
class FollowUpCallViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Calls to former participants. Log each attempt with `POST /follow-up-calls/{id}/attempts/`
    and the call's `version`: two coaches on the same call never both log it."""

    queryset = FollowUpCall.objects.none()  # for the schema; get_queryset scopes
    serializer_class = FollowUpCallSerializer
    filterset_class = FollowUpCallFilter
    ordering_fields = ["due_on", "weeks_after_exit", "id"]
    ordering = ["due_on", "id"]

    def get_queryset(self):
        return calls_for(self.request.staff).annotate(attempt_count=Count("attempts"))

    @extend_schema(
        request=CallAttemptRequest, responses={200: FollowUpCallSerializer, 409: STALE_RESPONSE}
    )
    @action(detail=True, methods=["post"])
    def attempts(self, request, pk=None):
        call = self.get_object()
        form = CallAttemptRequest(data=request.data)
        form.is_valid(raise_exception=True)
        with service_errors():
            services.call_attempt_record(call=call, **form.validated_data, by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=call.pk)).data)
