"""The audit log in the admin, and the log of the admin's own views of personal data.

This app imports none above it, so an administrator's organisation is read from their staff
record (`user.staff`, programme's) by attribute, not through programme's access helpers."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist

from audit import services
from audit.models import Event


def _organisation_id(user) -> int | None:
    try:
        return user.staff.organisation_id
    except (AttributeError, ObjectDoesNotExist):
        return None


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Read-only: the log is written by the application's services and by nothing else. An
    organisation's administrator (given the view permission with the role) reads their own
    organisation's events: those about it, and those of its staff that concern no organisation
    (a failed second factor, say). A superuser reads every event."""

    list_display = ["at", "action", "actor_name", "object_type", "object_id", "participant_id"]
    list_filter = ["action"]
    search_fields = ["actor_name", "note"]
    date_hierarchy = "at"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        organisation_id = _organisation_id(request.user)
        if organisation_id is None:
            return queryset.none()
        colleagues = get_user_model()._default_manager.filter(
            staff__organisation_id=organisation_id
        )
        return queryset.filter(organisation_id=organisation_id) | queryset.filter(
            organisation_id__isnull=True, actor_id__in=colleagues.values("pk")
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedViewsAdmin(admin.ModelAdmin):
    """For the admin pages that show participants' personal data (only superusers reach them):
    each list and each record opened is written to the audit log, as the application's pages
    are (services.log_view), so the superuser's reading leaves the same trace as a coach's.
    `participant_of(obj)` says whose data a record is."""

    def participant_of(self, obj):
        raise NotImplementedError

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            services.record_event(
                action=Event.Action.VIEW,
                request=request,
                by=request.user,
                object_type=f"admin {self.opts.label_lower} list",
                note=request.get_full_path()[:300],
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            obj = self.get_object(request, object_id)
            if obj is not None:
                services.log_view(
                    request,
                    self.participant_of(obj),
                    what=f"admin {self.opts.label_lower}",
                    object_id=obj.pk,
                )
        return response
