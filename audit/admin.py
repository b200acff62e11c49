from django.contrib import admin

from audit.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Read-only: the log is written by the application's services and by nothing else."""

    list_display = ["at", "action", "actor_name", "object_type", "object_id", "participant_id"]
    list_filter = ["action"]
    search_fields = ["actor_name", "note"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
