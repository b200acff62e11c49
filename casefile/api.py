"""The enrolment's lifecycle over the API: the same services as the pages (casefile.lifecycle),
added to the enrolments of participants.api, which cannot reach the apps that a status
change also changes."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from casefile import lifecycle
from participants.api import EnrolmentViewSet
from participants.choices import DropOutReason, ExitDestination, ExitReason
from participants.models import Enrolment
from programme.access import programmes_for
from programme.api import STALE_RESPONSE, Conflict, service_errors


class StatusChangeRequest(serializers.Serializer):
    to_status = serializers.ChoiceField(
        choices=Enrolment.Status.choices,
        help_text=(
            "Pause, resume (active), a decision of the intake, or closed. `exited` is refused: "
            "an exit is recorded with its review, `POST /enrolments/{id}/exit/`."
        ),
    )
    from_status = serializers.ChoiceField(
        choices=Enrolment.Status.choices,
        required=False,
        help_text="The status as last read; if it has changed since, nothing is done (409).",
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The start date when the person is admitted (today if left out).",
    )


class ExitRequest(serializers.Serializer):
    from_status = serializers.ChoiceField(
        choices=Enrolment.Status.choices,
        required=False,
        help_text="The status as last read; if it has changed since, nothing is done (409).",
    )
    exited_on = serializers.DateField(help_text="Not in the future, not before the start.")
    exit_reason = serializers.ChoiceField(choices=ExitReason.choices)
    drop_out_reason = serializers.ChoiceField(
        choices=DropOutReason.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when the person dropped out.",
    )
    exit_destination = serializers.ChoiceField(choices=ExitDestination.choices)
    strengths = serializers.CharField()
    limits = serializers.CharField(required=False, allow_blank=True, default="")
    next_step = serializers.CharField()
    contact_person = serializers.CharField()
    contact_phone = serializers.CharField(required=False, allow_blank=True, default="")
    helped_integration = serializers.CharField(required=False, allow_blank=True, default="")


class TransferRequest(ExitRequest):
    exit_reason = None
    drop_out_reason = None
    programme = serializers.IntegerField(
        help_text="Another programme of the organisation, where the person continues."
    )


class ExitResult(serializers.Serializer):
    enrolment = serializers.IntegerField()
    status = serializers.CharField()
    groups_left = serializers.ListField(child=serializers.IntegerField())
    sessions_left = serializers.IntegerField(
        help_text="Later sessions that no longer expect the person."
    )
    individual_sessions_cancelled = serializers.ListField(child=serializers.IntegerField())
    follow_up_calls = serializers.IntegerField()
    continued_in = serializers.IntegerField(allow_null=True)


def _result(outcome: lifecycle.Outcome) -> dict:
    return {
        "enrolment": outcome.enrolment.pk,
        "status": outcome.enrolment.status,
        "groups_left": [group.pk for group in outcome.groups],
        "sessions_left": outcome.sessions_left,
        "individual_sessions_cancelled": [session.pk for session in outcome.individual],
        "follow_up_calls": outcome.enrolment.follow_up_calls.count(),
        "continued_in": outcome.continued_in.pk if outcome.continued_in else None,
    }


@extend_schema(tags=["enrolments"])
class EnrolmentLifecycleViewSet(EnrolmentViewSet):
    """Enrolments with their status history. A new one is a referral; its status then moves
    through `POST /enrolments/{id}/status/` (pause, resume, intake decisions, closing), and
    the person leaves through `POST /enrolments/{id}/exit/` or `/transfer/`, with the same
    rules and consequences as the pages."""

    def _read(self, request, form_class):
        enrolment = self.get_object()
        form = form_class(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        expected = data.pop("from_status", None)
        if expected and expected != enrolment.status:
            raise Conflict(
                "This enrolment is no longer in the status you read: nothing was changed. "
                "Read it again."
            )
        return enrolment, data

    @extend_schema(
        request=StatusChangeRequest,
        responses={200: EnrolmentViewSet.serializer_class, 409: STALE_RESPONSE},
    )
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        enrolment, data = self._read(request, StatusChangeRequest)
        with service_errors():
            lifecycle.enrolment_change_status(enrolment=enrolment, by=request.user, **data)
        # Read again with the serializer's prefetches: the service changed the status history.
        return Response(self.get_serializer(self.get_queryset().get(pk=enrolment.pk)).data)

    @extend_schema(request=ExitRequest, responses={200: ExitResult, 409: STALE_RESPONSE})
    @action(detail=True, methods=["post"], url_path="exit")
    def exit(self, request, pk=None):
        """Record the exit with its review: the person leaves their groups on the exit date,
        no later session expects them, and the follow-up calls are planned."""
        enrolment, data = self._read(request, ExitRequest)
        with service_errors():
            outcome = lifecycle.enrolment_exit(enrolment=enrolment, by=request.user, **data)
        return Response(_result(outcome))

    @extend_schema(request=TransferRequest, responses={200: ExitResult, 409: STALE_RESPONSE})
    @action(detail=True, methods=["post"], url_path="transfer")
    def transfer(self, request, pk=None):
        """Exit as "transferred" and continue in another programme, without a new intake."""
        enrolment, data = self._read(request, TransferRequest)
        programme = programmes_for(request.staff).filter(pk=data.pop("programme")).first()
        if programme is None:
            raise serializers.ValidationError({"programme": ["Unknown programme."]})
        with service_errors():
            outcome = lifecycle.enrolment_transfer(
                enrolment=enrolment,
                programme=programme,
                on=data.pop("exited_on"),
                by=request.user,
                **data,
            )
        return Response(_result(outcome))
