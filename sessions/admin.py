"""Administrators add their programmes' own kinds of session; the default kinds are shared
by every programme and not edited here."""

from django.contrib import admin

from programme.admin import OrganisationScopedAdmin
from sessions.models import SessionKind


@admin.register(SessionKind)
class SessionKindAdmin(OrganisationScopedAdmin):
    organisation_path = "programme__organisation"
    list_display = ["name", "code", "programme"]
    list_filter = ["programme"]
    prepopulated_fields = {"code": ["name"]}

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        # Only a superuser may add a kind shared by every organisation.
        form.base_fields["programme"].required = not request.user.is_superuser
        return form
