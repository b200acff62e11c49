"""Configuration screens for administrators. An organisation's administrator sees and edits
only their own organisation's records; a superuser sees everything."""

from django.contrib import admin

from programme.access import staff_of
from programme.models import (
    EligibilityCriterion,
    Module,
    Organisation,
    PartnerOrganisation,
    Programme,
    Site,
    Staff,
)


class OrganisationScopedAdmin(admin.ModelAdmin):
    organisation_path = "organisation"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        staff = staff_of(request.user)
        if staff is None:
            return queryset.none()
        return queryset.filter(**{f"{self.organisation_path}_id": staff.organisation_id})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        staff = staff_of(request.user)
        if not request.user.is_superuser and staff is not None:
            if db_field.name == "organisation":
                kwargs["queryset"] = Organisation.objects.filter(pk=staff.organisation_id)
            elif db_field.name in {"site", "programme"}:
                kwargs["queryset"] = db_field.related_model.objects.filter(
                    organisation_id=staff.organisation_id
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        staff = staff_of(request.user)
        if not request.user.is_superuser and staff is not None and db_field.name == "sites":
            kwargs["queryset"] = Site.objects.filter(organisation_id=staff.organisation_id)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(OrganisationScopedAdmin):
    organisation_path = "pk"  # filter on the organisation itself
    list_display = ["name", "kind", "city"]
    search_fields = ["name", "city"]
    inlines = [SiteInline]

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return queryset
        staff = staff_of(request.user)
        return queryset.filter(pk=staff.organisation_id) if staff else queryset.none()

    def has_add_permission(self, request):
        return request.user.is_superuser


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0
    fields = ["position", "name", "kind", "rhythm", "hours_per_week", "length_weeks"]


class CriterionInline(admin.TabularInline):
    model = EligibilityCriterion
    extra = 0
    fields = ["position", "kind", "label", "min_age"]


@admin.register(Programme)
class ProgrammeAdmin(OrganisationScopedAdmin):
    list_display = ["name", "organisation", "funder", "starts_on", "ends_on", "entry_mode"]
    list_filter = ["entry_mode", "funder"]
    search_fields = ["name", "code", "funding_reference"]
    prepopulated_fields = {"code": ["name"]}
    filter_horizontal = ["sites"]
    inlines = [ModuleInline, CriterionInline]


@admin.register(PartnerOrganisation)
class PartnerAdmin(OrganisationScopedAdmin):
    list_display = [
        "name",
        "services",
        "receives_referrals",
        "hosts_volunteers",
        "provides_sessions",
    ]
    list_filter = ["receives_referrals", "hosts_volunteers", "provides_sessions"]
    search_fields = ["name", "services"]


@admin.register(Staff)
class StaffAdmin(OrganisationScopedAdmin):
    list_display = ["user", "role", "organisation", "site"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]
