import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from participants import choices, eligibility
from participants.models import (
    Consent,
    Enrolment,
    EnrolmentCoach,
    IntakeInterview,
    Participant,
    birth_date_in_national_number,
    format_national_number,
    normalise_national_number,
)
from participants.services import CriterionAnswer, Decision
from programme import dates
from programme.access import coaches_for, partners_for, programmes_for
from programme.forms import StaffChoiceField, preselect_single
from programme.models import Cohort, Programme, Track
from programme.text_limits import NOTE


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def not_in_future(value):
    """A form field's date, refused after today (the rule is programme.dates')."""
    dates.not_in_future(value)
    return value


class ParticipantForm(forms.ModelForm):
    """Creates or edits a participant. Catches a person already on file in the organisation:
    the same register number is refused, the same names and birth date must be confirmed."""

    different_person = forms.BooleanField(
        label=_("I checked: this is a different person with the same names and date of birth."),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Longer than the 11 stored digits: people type (and the edit form shows) the formatted
    # number, 85.07.30-033.28; clean_national_number keeps the digits only.
    national_number = forms.CharField(
        label=capfirst(Participant._meta.get_field("national_number").verbose_name),
        help_text=Participant._meta.get_field("national_number").help_text,
        max_length=20,
        required=False,
    )

    class Meta:
        model = Participant
        fields = [
            "first_name", "last_name", "birth_date", "gender", "national_number", "phone",
            "sms_opt_out",
            "nationality", "country_of_birth", "arrived_on", "residence_status",
            "integration_income", "civic_integration_completed", "children", "childcare_needed",
            "portal_language", "interpreter_language", "literacy", "schooling", "schooling_years",
            "labour_market_status", "housing", "coach",
        ]  # fmt: skip
        widgets = {"birth_date": DateInput(), "arrived_on": DateInput()}
        field_classes = {"coach": StaffChoiceField}

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = staff
        self.duplicates = []
        self.fields["coach"].queryset = coaches_for(staff)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.initial["national_number"] = format_national_number(self.instance.national_number)
        else:
            self.fields["portal_language"].initial = staff.organisation.language
            if staff.is_coach:
                self.fields["coach"].initial = staff.user.pk

    def clean_national_number(self):
        return normalise_national_number(self.cleaned_data["national_number"])

    def clean_phone(self):
        """Accept the ways people write numbers (0470 12 34 56, +32 470…); store one format."""
        phone = self.cleaned_data["phone"].strip()
        if not phone:
            return ""
        try:
            number = phonenumbers.parse(phone, "BE")
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise ValidationError(_("This is not a valid phone number, e.g. 0470 12 34 56."))
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)

    def clean(self):
        data = super().clean()
        number, birth_date = data.get("national_number"), data.get("birth_date")
        if number and birth_date and "national_number" not in self.errors:
            encoded = birth_date_in_national_number(number)
            if encoded and encoded != birth_date:
                self.add_error(
                    "national_number",
                    _(
                        "This number belongs to someone born on %(date)s, "
                        "not on the date of birth above."
                    )
                    % {"date": date_format(encoded, "SHORT_DATE_FORMAT")},
                )
        if data.get("arrived_on") and birth_date and data["arrived_on"] < birth_date:
            self.add_error("arrived_on", _("The arrival date cannot be before the date of birth."))
        self._check_duplicates(data)
        return data

    def _check_duplicates(self, data):
        existing = Participant.objects.filter(organisation_id=self.staff.organisation_id)
        if self.instance.pk:
            existing = existing.exclude(pk=self.instance.pk)
        self.duplicates = list(
            existing.possible_duplicates(
                national_number=data.get("national_number", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                birth_date=data.get("birth_date"),
            ).select_related("coach")[:5]
        )
        if not self.duplicates:
            return
        same_number = [
            p
            for p in self.duplicates
            if data.get("national_number") and p.national_number == data["national_number"]
        ]
        if same_number:
            self.add_error(
                "national_number",
                _("A person with this register number is already on file in your organisation."),
            )
        elif not data.get("different_person"):
            self.add_error(
                None,
                _(
                    "A person with the same names and date of birth is already on file. "
                    "Open their file below, or tick the box if this really is someone else."
                ),
            )

    def participant_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class LanguageSkillForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", "---------"), *choices.LANGUAGES]
    )
    use = forms.ChoiceField(
        label=_("How the person uses it"), choices=[("", "---------"), *choices.LanguageUse.choices]
    )


class BaseLanguageFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            language = form.cleaned_data["language"]
            if language in seen:
                raise ValidationError(_("Each language only once, please."))
            seen.add(language)

    def rows(self) -> list[dict]:
        return [
            {"language": f.cleaned_data["language"], "use": f.cleaned_data["use"]}
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


LanguageFormSet = forms.formset_factory(
    LanguageSkillForm, formset=BaseLanguageFormSet, extra=2, can_delete=True, max_num=12
)


class ReferralForm(forms.ModelForm):
    class Meta:
        model = Enrolment
        fields = [
            "programme", "coach", "referred_on", "referral_source", "referring_partner",
            "referrer_name", "referral_reason",
        ]  # fmt: skip
        widgets = {"referred_on": DateInput(), "referral_reason": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"coach": StaffChoiceField}

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes_for(staff)
        preselect_single(self, "programme")
        self.fields["coach"].queryset = coaches_for(staff)
        self.fields["coach"].required = True
        self.fields["referring_partner"].queryset = partners_for(staff)
        self.fields["referred_on"].initial = timezone.localdate()
        if staff.is_coach:
            self.fields["coach"].initial = staff.user.pk

    def clean(self):
        data = super().clean()
        if (
            data.get("referral_source") == choices.ReferralSource.PARTNER
            and not data.get("referring_partner")
            and "referring_partner" not in self.errors
        ):
            self.add_error("referring_partner", _("Choose the partner organisation that referred."))
        return data


class EligibilityForm(forms.Form):
    """One yes/no per criterion. A computed criterion starts from what the data says; changing
    it asks for a reason."""

    YES_NO = [("yes", _("Met")), ("no", _("Not met"))]

    def __init__(self, *args, enrolment: Enrolment, language_level: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        previous = {a.criterion_id: a for a in enrolment.eligibility.all()}
        participant = enrolment.participant
        for criterion in enrolment.programme.criteria.all():
            computed = eligibility.evaluate(
                criterion, participant, enrolment.referred_on, language_level=language_level
            )
            answer = previous.get(criterion.pk)
            met_field = f"criterion_{criterion.pk}"
            reason_field = f"reason_{criterion.pk}"
            if answer is not None:
                initial = "yes" if answer.met else "no"
            elif computed is not None:
                initial = "yes" if computed else "no"
            else:
                initial = None
            self.fields[met_field] = forms.ChoiceField(
                label=str(criterion), choices=self.YES_NO, widget=forms.RadioSelect, initial=initial
            )
            self.fields[reason_field] = forms.CharField(
                label=_("Why does your judgement differ from the data?"),
                max_length=NOTE,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=answer.override_reason if answer else "",
            )
            self.rows.append(
                {
                    "criterion": criterion,
                    "computed": computed,
                    "met": self[met_field],
                    "reason": self[reason_field],
                }
            )

    def answers(self):
        return [
            CriterionAnswer(
                criterion=row["criterion"],
                met=self.cleaned_data[f"criterion_{row['criterion'].pk}"] == "yes",
                override_reason=self.cleaned_data.get(f"reason_{row['criterion'].pk}", ""),
            )
            for row in self.rows
        ]


class InterviewForm(forms.ModelForm):
    class Meta:
        model = IntakeInterview
        fields = ["held_on", "duration_minutes", "support", "support_language", "notes"]
        widgets = {"held_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.initial.get("held_on") is None:
            self.initial["held_on"] = timezone.localdate()
        self.fields["duration_minutes"].widget.attrs.update(min=5, max=480)

    def clean_duration_minutes(self):
        minutes = self.cleaned_data["duration_minutes"]
        if not 5 <= minutes <= 480:
            raise ValidationError(_("Give a length between 5 and 480 minutes."))
        return minutes


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (Decision.ADMITTED, _("Admitted: the trajectory starts")),
            (Decision.WAITING_LIST, _("Waiting list")),
            (Decision.NOT_ADMITTED, _("Not admitted")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason or remark"),
        max_length=NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the person is not admitted."),
    )
    start_date = forms.DateField(
        label=_("Start date"), required=False, widget=DateInput(), help_text=_("For an admission.")
    )
    track = forms.ModelChoiceField(
        label=_("Track"),
        queryset=Track.objects.none(),
        required=False,
        empty_label=_("The programme's planned length"),
        help_text=_("Sets the planned length of the trajectory."),
    )
    cohort = forms.ModelChoiceField(
        label=_("Cohort"),
        queryset=Cohort.objects.none(),
        required=False,
        empty_label=_("The next cohort taking people"),
        help_text=_("The person waits for the cohort's start and starts with it."),
    )

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        # Only what the programme has: a track or a cohort of another programme is no choice.
        if programme.tracks.exists():
            self.fields["track"].queryset = programme.tracks.all()
        else:
            del self.fields["track"]
        if programme.entry_mode == Programme.EntryMode.COHORT:
            self.fields["cohort"].queryset = programme.cohorts.filter(
                ends_on__gte=timezone.localdate()
            )
            del self.fields["start_date"]
            self.fields["decision"].choices = [
                (Decision.ADMITTED, _("Admitted: the person starts with a cohort")),
                *self.fields["decision"].choices[1:],
            ]
        else:
            del self.fields["cohort"]

    def clean(self):
        data = super().clean()
        if data.get("decision") == Decision.NOT_ADMITTED and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why the person is not admitted."))
        return data


class StatusForm(forms.Form):
    """Pause, resume or close an enrolment. An exit has its own page: the exit review."""

    reason = forms.CharField(
        label=_("Why"), max_length=NOTE, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, to_status: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.to_status = to_status
        # Mark what the service will ask for, so the form says it before refusing.
        self.fields["reason"].required = to_status in {
            Enrolment.Status.PAUSED,
            Enrolment.Status.CLOSED,
        }
        self.fields["reason"].error_messages["required"] = _("Say why.")


class TodoForm(forms.Form):
    label = forms.CharField(label=_("What"), max_length=200)
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Purpose"), choices=Consent.Purpose.choices, widget=forms.RadioSelect
    )
    partner = forms.ModelChoiceField(
        label=_("Partner"),
        queryset=None,
        required=False,
        help_text=_("Only to share data: one consent per partner."),
    )
    given_on = forms.DateField(label=_("Given on"), widget=DateInput())
    language = forms.ChoiceField(label=_("Explained in"), required=False)
    interpreter = forms.BooleanField(label=_("With an interpreter"), required=False)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners_for(staff)
        self.fields["given_on"].initial = timezone.localdate()
        self.fields["language"].choices = Consent._meta.get_field("language").formfield().choices
        self.fields["purpose"].error_messages["required"] = _("Choose what the person agrees to.")

    def clean_given_on(self):
        return not_in_future(self.cleaned_data["given_on"])

    def clean(self):
        data = super().clean()
        sharing = data.get("purpose") == Consent.Purpose.SHARING
        if sharing and not data.get("partner") and "partner" not in self.errors:
            self.add_error("partner", _("Choose the partner the data may be shared with."))
        return data


class ConsentWithdrawForm(forms.Form):
    on = forms.DateField(label=_("Withdrawn on"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()

    def clean_on(self):
        return not_in_future(self.cleaned_data["on"])


class CoCoachForm(forms.Form):
    """A second coach beside the lead, with the part they play."""

    coach = StaffChoiceField(label=_("Coach"), queryset=None)
    role = forms.ChoiceField(label=_("Role"), choices=EnrolmentCoach.Role.choices)
    since = forms.DateField(label=_("Since"), widget=DateInput())

    def __init__(self, *args, coaches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coach"].queryset = coaches
        self.initial.setdefault("since", timezone.localdate())


class CoCoachEndForm(forms.Form):
    until = forms.DateField(
        label=_("Stops on"),
        help_text=_("The first day the coach no longer works on this enrolment."),
        widget=DateInput(),
    )
