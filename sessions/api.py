"""Groups, series, sessions and attendance over the API. Attendance is written through the
same services as the one-tap page: one person at a time with the version read, or a whole
session in one call."""

from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from participants.access import participants_for
from programme import params
from programme.api import (
    STALE_RESPONSE,
    Conflict,
    ModelSerializer,
    ScopedViewSet,
    VersionField,
    service_errors,
)
from programme.text_limits import NOTE
from sessions import services
from sessions.access import (
    attendance_to_record,
    groups_for,
    groups_to_act_on,
    series_for,
    sessions_for,
)
from sessions.filters import (
    AttendanceFilter,
    GroupFilter,
    SeriesFilter,
    SessionFilter,
    window_start,
)
from sessions.models import Attendance, Group, Series, Session


@extend_schema_field(
    {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9](:[0-5][0-9])?$", "example": "09:00:00"}
)
class LocalTimeField(serializers.TimeField):
    """A wall-clock time in Brussels, e.g. 09:00:00 (OpenAPI's "time" format wants an offset,
    which a weekly 9 o'clock does not have)."""


RECORDABLE = [s for s in Attendance.Status.values if s in Attendance.RECORDED]


class GroupSerializer(ModelSerializer):
    class Meta:
        model = Group
        fields = [
            "id", "programme", "module", "name", "coaches", "level_low", "level_high",
            "schooling_low", "schooling_high", "capacity", "site", "starts_on", "ends_on",
        ]  # fmt: skip
        read_only_fields = fields


class GroupJoinRequest(serializers.Serializer):
    participants = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
    joined_on = serializers.DateField()
    override_reason = serializers.CharField(
        max_length=NOTE, required=False, allow_blank=True, default=""
    )


class GroupJoinResponse(serializers.Serializer):
    added = serializers.ListField(child=serializers.IntegerField())


@extend_schema(tags=["groups"])
class GroupViewSet(ScopedViewSet, viewsets.ReadOnlyModelViewSet):
    queryset = Group.objects.none()  # for the schema; get_queryset scopes
    serializer_class = GroupSerializer
    filterset_class = GroupFilter
    ordering_fields = ["name", "starts_on", "id"]
    ordering = ["name", "id"]

    def get_queryset(self):
        return groups_for(self.request.staff).prefetch_related("coaches")

    @extend_schema(request=GroupJoinRequest, responses={201: GroupJoinResponse})
    @action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        """People of one's reach join the group, as on the group page: only those admitted to
        the programme, within its places; when they break the group's composition rules (level
        or schooling band, mother-tongue share), nothing is written unless `override_reason`
        says why."""
        group = self.get_object()
        if not groups_to_act_on(request.staff).filter(pk=group.pk).exists():
            raise Http404
        form = GroupJoinRequest(data=request.data)
        form.is_valid(raise_exception=True)
        ids = form.validated_data["participants"]
        people = list(participants_for(request.staff).filter(pk__in=ids))
        unknown = sorted(set(ids) - {p.pk for p in people})
        if unknown:
            raise serializers.ValidationError(
                {"participants": f"Unknown people: {', '.join(map(str, unknown))}."}
            )
        with service_errors():
            added = services.group_add_members(
                group=group,
                participants=people,
                joined_on=form.validated_data["joined_on"],
                override_reason=form.validated_data["override_reason"],
                by=request.user,
            )
        return Response({"added": [m.participant_id for m in added]}, status=201)


class SeriesSerializer(ModelSerializer):
    start_time = LocalTimeField(read_only=True)
    end_time = LocalTimeField(read_only=True)
    online_link = serializers.CharField(read_only=True)

    class Meta:
        model = Series
        fields = [
            "id", "programme", "group", "kind", "topic", "frequency", "interval", "weekdays",
            "week_of_month", "starts_on", "ends_on", "count", "start_time", "end_time", "place",
            "room", "address", "online_link", "capacity", "partner", "facilitators",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema(tags=["series"])
class SeriesViewSet(ScopedViewSet, viewsets.ReadOnlyModelViewSet):
    queryset = Series.objects.none()  # for the schema; get_queryset scopes
    serializer_class = SeriesSerializer
    filterset_class = SeriesFilter
    ordering_fields = ["starts_on", "id"]
    ordering = ["-starts_on", "-id"]

    def get_queryset(self):
        return series_for(self.request.staff).prefetch_related("facilitators")


class SessionSerializer(ModelSerializer):
    start_time = LocalTimeField(read_only=True)
    end_time = LocalTimeField(read_only=True)
    online_link = serializers.CharField(read_only=True)

    class Meta:
        model = Session
        fields = [
            "id", "programme", "group", "series", "kind", "topic", "date", "start_time",
            "end_time", "place", "room", "address", "online_link", "capacity", "partner",
            "bring", "facilitators", "cancelled_at", "cancel_reason",
        ]  # fmt: skip
        read_only_fields = fields


class AttendanceSerializer(ModelSerializer):
    class Meta:
        model = Attendance
        fields = [
            "id", "session", "participant", "status", "reason", "recorded_by", "recorded_at",
            "version",
        ]  # fmt: skip
        read_only_fields = fields


class Mark(serializers.Serializer):
    participant = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    status = serializers.ChoiceField(choices=RECORDABLE)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    version = VersionField(
        required=False,
        help_text="The version of this person's attendance as last read; if someone recorded "
        "it since, nothing of the call is applied (409).",
    )


class SessionAttendanceRequest(serializers.Serializer):
    marks = Mark(many=True, allow_empty=False)


class SessionAttendanceResponse(serializers.Serializer):
    recorded = serializers.IntegerField()
    attendance = AttendanceSerializer(many=True)


@extend_schema(tags=["sessions"])
class SessionViewSet(ScopedViewSet, viewsets.ReadOnlyModelViewSet):
    """Sessions within reach (led, of a group one coaches, or with someone of one's caseload
    expected). Filter by dates like an agenda: `date_from`, `date_to`. The list covers the
    sessions from 90 days before today onwards unless the request gives `since`, `date_from`
    or `date_to`: give `since` to go further back."""

    queryset = Session.objects.none()  # for the schema; get_queryset scopes
    serializer_class = SessionSerializer
    filterset_class = SessionFilter
    ordering_fields = ["date", "start_time", "id"]
    ordering = ["date", "start_time", "id"]
    own_window = ("since", "date_from", "date_to")

    def get_queryset(self):
        return sessions_for(
            self.request.staff, since=_window(self.request, self.action, self.own_window)
        ).prefetch_related("facilitators")

    @extend_schema(
        request=SessionAttendanceRequest,
        responses={200: SessionAttendanceResponse, 409: STALE_RESPONSE},
    )
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        """Record the whole session in one call: present, late, excused (with a reason) or
        absent for each person expected. Everyone or nobody: one refused mark refuses all."""
        session = self.get_object()
        form = SessionAttendanceRequest(data=request.data)
        form.is_valid(raise_exception=True)
        marks = form.validated_data["marks"]
        ids = [mark["participant"] for mark in marks]
        if len(set(ids)) != len(ids):
            raise serializers.ValidationError({"marks": "Each person appears once."})
        with transaction.atomic():
            # Only the marks one may record (sessions.access): anyone else reads as unknown.
            rows = {
                row.participant_id: row
                for row in attendance_to_record(request.staff)
                .select_for_update()
                .filter(session=session, participant_id__in=ids)
            }
            unknown = sorted(set(ids) - set(rows))
            if unknown:
                raise serializers.ValidationError(
                    {"marks": f"Not expected at this session: {', '.join(map(str, unknown))}."}
                )
            stale = [
                mark["participant"]
                for mark in marks
                if "version" in mark and rows[mark["participant"]].version != mark["version"]
            ]
            if stale:
                raise Conflict(
                    "Someone else recorded the attendance of "
                    f"{', '.join(str(rows[pk].participant_id) for pk in stale)} since you read "
                    "it. Nothing was saved: read the session again."
                )
            with service_errors():
                count = services.attendance_record_session(
                    session=session,
                    marks={mark["participant"]: mark["status"] for mark in marks},
                    reasons={mark["participant"]: mark["reason"] for mark in marks},
                    by=request.user,
                )
        attendance = session.attendances.filter(participant_id__in=ids).order_by("participant_id")
        return Response(
            {
                "recorded": count,
                "attendance": AttendanceSerializer(attendance, many=True).data,
            }
        )


def _window(request, action: str, own: tuple[str, ...]):
    """The first day a list covers: `since` when given, else the default window's
    (sessions.filters.WINDOW_DAYS); None where the request sets its own dates otherwise or
    reads one record. A bad `since` is left to the FilterSet, which refuses it (400)."""
    if action != "list":
        return None
    if request.query_params.get("since"):
        return params.date_param(request.query_params, "since", None, lenient=True)
    if any(request.query_params.get(name) for name in own):
        return None
    return window_start()


class AttendanceUpdate(serializers.Serializer):
    status = serializers.ChoiceField(choices=RECORDABLE)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    version = VersionField()


@extend_schema(tags=["attendance"])
class AttendanceViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Who was expected at which session, and how they attended. Change one person's mark
    with `PATCH` and the version read, like one tap on the session page."""

    queryset = Attendance.objects.none()  # for the schema; get_queryset scopes
    serializer_class = AttendanceSerializer
    filterset_class = AttendanceFilter
    ordering_fields = ["id", "recorded_at"]
    ordering = ["-id"]
    http_method_names = ["get", "patch", "head", "options"]
    own_window = ("since", "date_from", "date_to", "session")

    def get_queryset(self):
        # The window is applied once, to the sessions (sessions_for): filtering the rows by
        # their session's date as well joined every row to its session a second time.
        since = _window(self.request, self.action, self.own_window)
        return Attendance.objects.filter(session__in=sessions_for(self.request.staff, since=since))

    @extend_schema(
        request=AttendanceUpdate, responses={200: AttendanceSerializer, 409: STALE_RESPONSE}
    )
    def partial_update(self, request, pk=None):
        row = self.get_object()
        if not attendance_to_record(request.staff).filter(pk=row.pk).exists():
            # Seen (one's person is at the session too), but someone else's to record.
            raise Http404
        form = AttendanceUpdate(data=request.data)
        form.is_valid(raise_exception=True)
        with service_errors():
            row = services.attendance_record(
                session=row.session,
                participant=row.participant,
                **form.validated_data,
                by=request.user,
            )
        return Response(self.get_serializer(row).data)
