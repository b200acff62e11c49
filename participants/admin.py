"""Participant data is worked on in the application, where every change goes through the
services and is kept in the history. The admin shows it read-only, to superusers only, and
each of their views is written to the audit log (audit.admin.AuditedViewsAdmin)."""

from django.contrib import admin

from audit.admin import AuditedViewsAdmin
from participants.models import Enrolment, EnrolmentStatusChange, Participant


class ReadOnlyAdmin(AuditedViewsAdmin):
    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StatusChangeInline(admin.TabularInline):
    model = EnrolmentStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "changed_at", "changed_by", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdmin):
    list_display = ["last_name", "first_name", "birth_date", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["last_name", "first_name", "national_number"]

    def participant_of(self, participant):
        return participant


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = ["participant", "programme", "status", "referred_on", "coach"]
    list_filter = ["status", "programme"]
    inlines = [StatusChangeInline]

    def participant_of(self, enrolment):
        return enrolment.participant
