"""Configuration screens for administrators. An organisation's administrator sees and edits
only their own organisation's records; a superuser sees everything."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from programme import outcomes
from programme.access import staff_of
from programme.models import (
    ActivityMapping,
    ClosureDay,
    EligibilityCriterion,
    Indicator,
    IndicatorSet,
    IndicatorTarget,
    Module,
    Organisation,
    PartnerOrganisation,
    Programme,
    Room,
    Site,
    Staff,
    TemplateStep,
)
from programme.services import staff_change, staff_create, staff_second_factor_reset


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


class ClosureDayInline(admin.TabularInline):
    model = ClosureDay
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(OrganisationScopedAdmin):
    list_display = ["name", "kind", "city", "language"]
    search_fields = ["name", "city"]
    inlines = [SiteInline, ClosureDayInline]

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


class TemplateStepInline(admin.TabularInline):
    model = TemplateStep
    extra = 0
    fields = ["position", "kind", "label", "offset_weeks", "anchor", "repeat_every_weeks"]


class ActivityMappingInline(admin.TabularInline):
    model = ActivityMapping
    extra = 0
    fields = ["category", "module", "session_kind_code"]


class IndicatorTargetInline(admin.TabularInline):
    model = IndicatorTarget
    extra = 0


class ProgrammeAdminForm(forms.ModelForm):
    outcome_domains = forms.TypedMultipleChoiceField(
        label=_("Outcome domains evaluated"),
        choices=outcomes.CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=outcomes.default_domains,
    )

    class Meta:
        model = Programme
        fields = "__all__"  # noqa: DJ007 — the admin shows every field; only one widget changes

    def clean_outcome_domains(self):
        # Kept in the catalogue's order, whatever order the boxes were ticked in.
        chosen = set(self.cleaned_data["outcome_domains"])
        return [code for code in outcomes.default_domains() if code in chosen]


@admin.register(Programme)
class ProgrammeAdmin(OrganisationScopedAdmin):
    form = ProgrammeAdminForm
    list_display = ["name", "organisation", "funder", "starts_on", "ends_on", "entry_mode"]
    list_filter = ["entry_mode", "funder"]
    search_fields = ["name", "code", "funding_reference"]
    prepopulated_fields = {"code": ["name"]}
    filter_horizontal = ["sites"]
    inlines = [
        ModuleInline,
        CriterionInline,
        TemplateStepInline,
        ActivityMappingInline,
        IndicatorTargetInline,
    ]


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


class StaffCreationForm(forms.ModelForm):
    """A new colleague: their user account is created with them. They choose their password
    through "Forgot your password?", so no one else ever knows it."""

    username = forms.CharField(label=_("User name"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))

    class Meta:
        model = Staff
        fields = ["organisation", "role", "site"]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This user name is already taken."))
        return username


class StaffChangeForm(forms.ModelForm):
    is_active = forms.BooleanField(
        label=_("May sign in"), required=False, help_text=_("Untick when the person leaves.")
    )

    class Meta:
        model = Staff
        fields = ["role", "site"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["is_active"].initial = self.instance.user.is_active


@admin.register(Staff)
class StaffAdmin(OrganisationScopedAdmin):
    list_display = ["name", "username", "role", "organisation", "site", "active"]
    list_filter = ["role"]
    list_select_related = ["user", "organisation", "site"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]

    @admin.display(description=_("name"), ordering="user__last_name")
    def name(self, staff):
        return staff.user.get_full_name()

    @admin.display(description=_("user name"), ordering="user__username")
    def username(self, staff):
        return staff.user.username

    @admin.display(description=_("may sign in"), boolean=True)
    def active(self, staff):
        return staff.user.is_active

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = StaffChangeForm if obj else StaffCreationForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj:
            return ["role", "site", "is_active"]
        return ["username", "first_name", "last_name", "email", "organisation", "role", "site"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            staff_change(
                staff=obj, role=data["role"], site=data["site"], is_active=data["is_active"]
            )
        else:
            created = staff_create(
                organisation=data["organisation"],
                role=data["role"],
                site=data["site"],
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
            )
            obj.pk = created.pk

    def has_delete_permission(self, request, obj=None):
        # People leave by losing access, so their name stays on what they recorded.
        return False

    @admin.action(description=_("Reset the second factor (lost phone)"))
    def reset_second_factor(self, request, queryset):
        # The administrator checks who is asking (in person, by phone) before using this.
        for staff in queryset.select_related("user"):
            try:
                staff_second_factor_reset(staff=staff, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(name)s sets up a new authenticator app at the next sign-in.")
                    % {"name": staff.user.get_full_name() or staff.user.username},
                )

    actions = ["reset_second_factor"]


@admin.register(Room)
class RoomAdmin(OrganisationScopedAdmin):
    organisation_path = "site__organisation"
    list_display = ["name", "site", "capacity"]
    list_filter = ["site"]


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["position", "code", "kind", "wording", "rule", "argument", "breakdowns"]


@admin.register(IndicatorSet)
class IndicatorSetAdmin(admin.ModelAdmin):
    """Funders' lists are shared by every organisation: only superusers change them."""

    list_display = ["funder", "name", "version", "valid_from", "valid_to"]
    inlines = [IndicatorInline]

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    has_add_permission = has_delete_permission = has_change_permission
