"""The API's shared ground (authentication by personal key, access, errors, pagination, the
page FilterSets) and the programmes, read-only. Each app above exposes its own records in its
own api.py; config/api.py puts them under /api/."""

from contextlib import contextmanager

from django.core.exceptions import BadRequest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Q
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination

from programme import params
from programme.access import programmes_for
from programme.api_auth import StaffOnly
from programme.models import Programme


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "programme.api_auth.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API key (prc_…), made on the user's API keys page.",
        }


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class StaffFilterBackend(DjangoFilterBackend):
    """The pages' FilterSets take the signed-in staff member (their choices of programme and
    coach are scoped to the organisation); the API passes it the same way."""

    def get_filterset_kwargs(self, request, queryset, view):
        return {**super().get_filterset_kwargs(request, queryset, view), "staff": request.staff}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "stale"


@contextmanager
def service_errors():
    """A service's ValidationError becomes a 400 with its plain messages, field by field where
    it names fields; a stale edit (someone saved in between) becomes a 409, nothing applied."""
    try:
        yield
    except DjangoValidationError as error:
        if not hasattr(error, "error_dict") and any(e.code == "stale" for e in error.error_list):
            raise Conflict(" ".join(error.messages)) from error
        if hasattr(error, "error_dict"):
            raise serializers.ValidationError(error.message_dict) from error
        raise serializers.ValidationError({"detail": error.messages}) from error


class VersionField(serializers.IntegerField):
    """The version the client last read. A write based on an older one is refused (409)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault(
            "help_text",
            "The `version` of the record as last read; a stale one is refused with 409.",
        )
        super().__init__(**kwargs)


STALE_RESPONSE = OpenApiResponse(
    response=inline_serializer("Stale", {"detail": serializers.CharField()}),
    description="Someone else changed the record since the given version: nothing was saved.",
)


class ScopedViewSet(viewsets.GenericViewSet):
    permission_classes = [StaffOnly]
    filter_backends = [StaffFilterBackend, OrderingFilter]
    pagination_class = Pages
    participant_work = True

    def get_object(self):
        pk = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, "")
        try:
            # Not isdigit(): it accepts '²', which int() refuses. An id no column can hold is
            # simply not found.
            params.parse_id(str(pk))
        except BadRequest:
            raise Http404 from None
        return super().get_object()


class ModelSerializer(serializers.ModelSerializer):
    """Read-only fields keep saying what the model allows, so the schema is true of what is
    sent: a choice left blank is "", an empty date is null."""

    def get_fields(self):
        fields = super().get_fields()
        model_fields = {f.name: f for f in self.Meta.model._meta.get_fields() if f.concrete}
        for name, field in fields.items():
            model_field = model_fields.get(field.source or name)
            if field.read_only and model_field is not None:
                if model_field.choices and model_field.blank:
                    field.allow_blank = True
                if model_field.null:
                    field.allow_null = True
        return fields


# Programmes -----------------------------------------------------------------------------------


class ProgrammeSerializer(ModelSerializer):
    referred = serializers.IntegerField(read_only=True)
    waiting = serializers.IntegerField(read_only=True)
    active = serializers.IntegerField(read_only=True)
    exited = serializers.IntegerField(read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id", "code", "name", "description", "funder", "funding_reference", "starts_on",
            "ends_on", "planned_length_months", "entry_mode", "target_participants",
            "referred", "waiting", "active", "exited",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema(tags=["programmes"])
class ProgrammeViewSet(ScopedViewSet, viewsets.ReadOnlyModelViewSet):
    """The organisation's programmes, with how many people are at each stage."""

    queryset = Programme.objects.none()  # for the schema; get_queryset scopes
    serializer_class = ProgrammeSerializer
    participant_work = False
    ordering_fields = ["name", "code", "starts_on"]
    ordering = ["name"]

    def get_queryset(self):
        return programmes_for(self.request.staff).annotate(
            referred=Count("enrolments", filter=Q(enrolments__status__in=["referred", "intake"])),
            waiting=Count("enrolments", filter=Q(enrolments__status="waiting_list")),
            active=Count("enrolments", filter=Q(enrolments__status__in=["active", "paused"])),
            exited=Count("enrolments", filter=Q(enrolments__status__in=["exited", "closed"])),
        )


# Documented answers every operation may give, so clients (and schemathesis) know them: a
# refused input (field → messages), no or a wrong key, a CSRF failure, out of reach.
ERROR_RESPONSES = {
    "400": "The input was refused: each field named with its messages, or `detail`.",
    "401": "No valid API key or session.",
    "403": "Signed in by session, but the CSRF token is missing.",
    "404": "Not found, or outside what the signed-in user may see.",
}


def document_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: add the common error answers to every operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = {
        "type": "object",
        "additionalProperties": True,
        "description": "`detail` with a message, or each refused field with its messages.",
    }
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                )
    return result
