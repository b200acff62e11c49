"""Configuration screens for administrators. An organisation's administrator sees and edits
only their own organisation's records; a superuser sees everything."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from programme import invitations, outcomes, photos
from programme.access import staff_of
from programme.forms import add_service_errors
from programme.models import (
    ActivityMapping,
    ClosureDay,
    Cohort,
    EligibilityCriterion,
    Indicator,
    IndicatorSet,
    IndicatorTarget,
    Module,
    Organisation,
    PartnerOrganisation,
    Phase,
    Programme,
    Room,
    Site,
    Staff,
    TodoTemplate,
    Track,
)
from programme.services import (
    staff_change,
    staff_invitation_resend,
    staff_invite,
    staff_role_check,
    staff_second_factor_reset,
)


def organisation_lookup(model) -> str | None:
    """The lookup from `model` to its organisation's id, or None for what every organisation
    shares (funders' indicator lists, the default kinds of session)."""
    if model is Organisation:
        return "pk"
    if model is get_user_model():
        return "staff__organisation_id"
    names = {field.name for field in model._meta.concrete_fields if field.is_relation}
    for via in ("organisation", "programme", "site"):
        if via in names:
            return "organisation_id" if via == "organisation" else f"{via}__organisation_id"
    return None


def scoped_to_organisation(queryset, organisation_id: int):
    lookup = organisation_lookup(queryset.model)
    return queryset if lookup is None else queryset.filter(**{lookup: organisation_id})


class ScopedChoicesMixin:
    """Every drop-down and multiple choice of an administrator's forms (the inlines' too) lists
    only their own organisation's records: another organisation's programmes, sites, modules or
    colleagues are not even named."""

    def _scope_choices(self, db_field, request, kwargs):
        if request.user.is_superuser:
            return kwargs
        staff = staff_of(request.user)
        related = db_field.related_model
        if staff is None or organisation_lookup(related) is None:
            return kwargs
        queryset = kwargs.get("queryset")
        if queryset is None:
            queryset = related._default_manager.all()
        kwargs["queryset"] = scoped_to_organisation(queryset, staff.organisation_id)
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = self._scope_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs = self._scope_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class OrganisationScopedAdmin(ScopedChoicesMixin, admin.ModelAdmin):
    organisation_path = "organisation"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        staff = staff_of(request.user)
        if staff is None:
            return queryset.none()
        return queryset.filter(**{f"{self.organisation_path}_id": staff.organisation_id})

    def get_list_filter(self, request):
        """A filter on a related record lists only the values found in the administrator's own
        records (themselves scoped by get_queryset), never every organisation's by name."""
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        scoped = []
        for entry in filters:
            if isinstance(entry, str) and "__" not in entry:
                field = self.model._meta.get_field(entry)
                if field.is_relation:
                    entry = (entry, admin.RelatedOnlyFieldListFilter)
            scoped.append(entry)
        return scoped


class ScopedTabularInline(ScopedChoicesMixin, admin.TabularInline):
    pass


class SiteInline(ScopedTabularInline):
    model = Site
    extra = 0


class ClosureDayInline(ScopedTabularInline):
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


class PhaseInline(ScopedTabularInline):
    model = Phase
    extra = 0
    fields = ["position", "name", "min_weeks", "max_weeks", "description"]


class ModuleInline(ScopedTabularInline):
    model = Module
    extra = 0
    fields = [
        "position",
        "name",
        "kind",
        "phase",
        "sessions_per_week",
        "hours_per_week",
        "weekdays",
        "length_weeks",
        "rhythm",
        "trial_sessions",
        "evaluated_at",
    ]


class TrackInline(ScopedTabularInline):
    model = Track
    extra = 0
    fields = ["position", "name", "length_months"]


class CohortInline(ScopedTabularInline):
    model = Cohort
    extra = 0
    fields = ["name", "intake_opens_on", "intake_closes_on", "starts_on", "ends_on", "track"]


class CriterionInline(ScopedTabularInline):
    model = EligibilityCriterion
    extra = 0
    fields = ["position", "kind", "label", "min_age", "min_language_level"]


class TodoTemplateInline(ScopedTabularInline):
    model = TodoTemplate
    extra = 0
    fields = ["position", "kind", "label", "offset_weeks", "anchor", "repeat_every_weeks"]


class ActivityMappingInline(ScopedTabularInline):
    model = ActivityMapping
    extra = 0
    fields = ["category", "module", "session_kind_code"]


class IndicatorTargetInline(ScopedTabularInline):
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
    filter_horizontal = ["sites", "co_funding_sets"]
    inlines = [
        PhaseInline,
        ModuleInline,
        TrackInline,
        CohortInline,
        CriterionInline,
        TodoTemplateInline,
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


class StaffFormMixin:
    """The staff forms know who fills them in (`by`, set by StaffAdmin.get_form): the roles
    they may give are theirs to choose from, and the service's rule (staff_role_check) shows
    as an error on the form rather than as a server error."""

    by = None

    def _offer_roles(self, current: str | None) -> None:
        if self.by.is_superuser or current == Staff.Role.MANAGER:
            return
        # Only a manager grants the manager role (programme.services.staff_role_check).
        self.fields["role"].choices = [
            (value, label)
            for value, label in self.fields["role"].choices
            if value != Staff.Role.MANAGER
        ]

    def _check_role(self, organisation, old_role: str | None) -> None:
        role = self.cleaned_data.get("role")
        if not role or organisation is None or role == old_role:
            return
        try:
            staff_role_check(
                by=self.by,
                organisation=organisation,
                old_role=old_role,
                new_role=role,
                staff=self.instance if self.instance.pk else None,
            )
        except ValidationError as error:
            add_service_errors(self, error)


class StaffCreationForm(StaffFormMixin, forms.ModelForm):
    """A new colleague: their account is created with them, with no password. They receive an
    invitation to choose one, so no one else ever knows it. Their e-mail is their user name."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("The invitation goes to this address; it is also the user name."),
    )

    class Meta:
        model = Staff
        fields = ["organisation", "role", "site"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        staff = staff_of(self.by)
        if not self.by.is_superuser and staff is not None:
            # An administrator adds colleagues to their own organisation only.
            self.instance.organisation = staff.organisation
        self._offer_roles(None)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if (
            get_user_model()
            .objects.filter(Q(username__iexact=email) | Q(email__iexact=email))
            .exists()
        ):
            raise forms.ValidationError(_("An account already uses this e-mail address."))
        return email

    def clean(self):
        cleaned = super().clean()
        organisation = cleaned.get("organisation") or (
            self.instance.organisation if self.instance.organisation_id else None
        )
        self._check_role(organisation, None)
        return cleaned


class StaffChangeForm(StaffFormMixin, forms.ModelForm):
    is_active = forms.BooleanField(
        label=_("May sign in"), required=False, help_text=_("Untick when the person leaves.")
    )

    class Meta:
        model = Staff
        fields = ["role", "site"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["is_active"].initial = self.instance.user.is_active
        self._offer_roles(self.instance.role)
        if not self.by.is_superuser and self.instance.role == Staff.Role.MANAGER:
            self.fields["role"].disabled = True
            self.fields["role"].help_text = _(
                "Only a manager of the organisation changes a manager's role."
            )

    def clean(self):
        cleaned = super().clean()
        self._check_role(self.instance.organisation, Staff.objects.get(pk=self.instance.pk).role)
        return cleaned


@admin.register(Staff)
class StaffAdmin(OrganisationScopedAdmin):
    list_display = ["name", "username", "role", "organisation", "site", "active", "invited"]
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

    @admin.display(description=_("password chosen"), boolean=True)
    def invited(self, staff):
        return staff.user.has_usable_password()

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = StaffChangeForm if obj else StaffCreationForm
        form = super().get_form(request, obj, change=change, **kwargs)
        form.by = request.user
        return form

    def get_fields(self, request, obj=None):
        if obj:
            return ["role", "site", "is_active"]
        fields = ["first_name", "last_name", "email", "organisation", "role", "site"]
        if not request.user.is_superuser:
            fields.remove("organisation")
        return fields

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            staff_change(
                staff=obj,
                role=data["role"],
                site=data["site"],
                is_active=data["is_active"],
                by=request.user,
            )
            return
        created, sent = staff_invite(
            organisation=obj.organisation,
            role=data["role"],
            site=data["site"],
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            by=request.user,
            base_url=invitations.base_url(request),
        )
        # The admin goes on with `obj` (its history entry, the next page): it must be the
        # saved staff member, user included.
        obj.pk = created.pk
        obj.user = created.user
        obj._state.adding = False
        self._say_invitation(request, created, sent)

    def _say_invitation(self, request, staff, sent: bool) -> None:
        if sent:
            self.message_user(
                request,
                _(
                    "An invitation went to %(email)s: its link to choose a password works "
                    "once, for %(days)s days."
                )
                % {"email": staff.user.email, "days": invitations.INVITATION_DAYS},
            )
        else:
            self.message_user(
                request,
                _(
                    "The invitation to %(email)s could not be sent: the mail server did not "
                    "take it. The account is ready; use “Send the invitation again” later."
                )
                % {"email": staff.user.email},
                messages.ERROR,
            )

    def has_delete_permission(self, request, obj=None):
        # People leave by losing access, so their name stays on what they recorded.
        return False

    @admin.action(description=_("Send the invitation again"))
    def resend_invitation(self, request, queryset):
        for staff in queryset.select_related("user", "organisation"):
            try:
                sent = staff_invitation_resend(
                    staff=staff, by=request.user, base_url=invitations.base_url(request)
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self._say_invitation(request, staff, sent)

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

    actions = ["resend_invitation", "reset_second_factor"]


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LockOutAdmin(AccessAttemptAdmin):
    """Sign-in lock-outs (django-axes). An organisation's administrator sees the attempts on
    their colleagues' user names and lifts a lock-out by deleting the row; attempts on a name
    that is nobody's of theirs (a mistyped name, another organisation's) stay the superuser's."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        staff = staff_of(request.user)
        if staff is None:
            return queryset.none()
        usernames = (
            get_user_model()
            .objects.filter(staff__organisation_id=staff.organisation_id)
            .values("username")
        )
        return queryset.filter(username__in=usernames)


class RoomAdminForm(forms.ModelForm):
    entrance_photo = forms.FileField(
        label=_("Photo of the entrance"),
        required=False,
        help_text=_(
            "JPEG, PNG or WebP, at most 5 MB; shown on the participant's phone, made small."
        ),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_photo = forms.BooleanField(label=_("Remove the photo"), required=False)

    class Meta:
        model = Room
        fields = ["site", "name", "capacity", "address"]

    def clean_entrance_photo(self):
        upload = self.cleaned_data.get("entrance_photo")
        return photos.prepare(upload) if upload else None


@admin.register(Room)
class RoomAdmin(OrganisationScopedAdmin):
    organisation_path = "site__organisation"
    form = RoomAdminForm
    list_display = ["name", "site", "capacity", "has_photo"]
    list_filter = ["site"]
    fields = ["site", "name", "capacity", "address", "entrance_photo", "remove_photo"]

    @admin.display(boolean=True, description=_("photo"))
    def has_photo(self, room):
        return bool(room.photo_digest)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("entrance_photo"):
            photos.room_photo_set(obj, *form.cleaned_data["entrance_photo"])
        elif form.cleaned_data.get("remove_photo"):
            photos.room_photo_remove(obj)


class IndicatorInline(ScopedTabularInline):
    model = Indicator
    extra = 0
    fields = ["position", "code", "kind", "wording", "wordings", "rule", "argument", "breakdowns"]


@admin.register(IndicatorSet)
class IndicatorSetAdmin(admin.ModelAdmin):
    """Funders' lists are shared by every organisation: only superusers change them."""

    list_display = ["funder", "name", "version", "valid_from", "valid_to"]
    inlines = [IndicatorInline]

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    has_add_permission = has_delete_permission = has_change_permission
