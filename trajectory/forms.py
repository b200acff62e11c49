"""Forms of the trajectory pages: the action plan, referrals to partners and placements.
Thin: the rules live in trajectory.services."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from participants.forms import DateInput, not_in_future
from programme import outcomes
from programme.access import partners_for
from programme.models import Module, parse_weekdays
from programme.text_limits import LONG_NOTE, NOTE
from trajectory.models import ActionStep, Goal, Placement, Referral


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["text", "text_own_language", "own_language", "domain"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "text_own_language": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "text": _("As the person says it, in the first person: “I want to…”."),
            "text_own_language": _("Optional: written by or with the person."),
        }

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        # The programme's own domains first: those are the ones its evaluations score.
        domains = programme.domains() or outcomes.DOMAINS
        self.fields["domain"].choices = [("", "---------")] + [
            (domain.code, domain.name) for domain in domains
        ]
        self.fields["domain"].required = False
        self.fields["text"].error_messages["required"] = _("Write the goal.")

    def clean(self):
        data = super().clean()
        if data.get("text_own_language", "").strip() and not data.get("own_language"):
            self.add_error("own_language", _("Say which language this is."))
        return data

    def goal_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.fields}


class GoalReviseForm(GoalForm):
    carry_open_steps = forms.BooleanField(
        label=_("Carry the steps still to do over to the new goal"),
        help_text=_("Untick to drop them with the old goal."),
        required=False,
        initial=True,
    )


class StepForm(forms.ModelForm):
    class Meta:
        model = ActionStep
        fields = ["text", "who", "due_on"]
        widgets = {"who": forms.RadioSelect, "due_on": DateInput()}
        help_texts = {"who": _("Move people up the ladder: from the coach, to together, to alone.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].error_messages["required"] = _("Write the step.")
        self.fields["who"].error_messages["required"] = _("Say who does this step.")
        # Radio buttons need no empty "---------" choice: leaving all unticked says the same.
        self.fields["who"].choices = ActionStep.Who.choices

    def step_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.fields}


class PartnerReferralForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=None)
    kind = forms.ChoiceField(label=_("For"), choices=Referral.Kind.choices)
    sent_on = forms.DateField(label=_("Date"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"), max_length=NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )
    shares_personal_data = forms.BooleanField(
        label=_("This referral shares the person's data with the partner"),
        help_text=_("Name, contact details, situation… Needs the person's consent."),
        required=False,
        initial=True,
    )
    consent_override = forms.BooleanField(
        label=_("Share without recorded consent"),
        help_text=_("Only when it cannot wait: your name and your reason are kept."),
        required=False,
    )
    consent_override_reason = forms.CharField(
        label=_("Why without consent"),
        max_length=NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners_for(staff).filter(receives_referrals=True)
        self.fields["sent_on"].initial = timezone.localdate()
        self.fields["partner"].error_messages["required"] = _("Choose the partner.")
        self.fields["reason"].error_messages["required"] = _("Say why the person is referred.")

    def clean_sent_on(self):
        return not_in_future(self.cleaned_data["sent_on"])

    def clean(self):
        data = super().clean()
        if data.get("consent_override") and not data.get("consent_override_reason", "").strip():
            self.add_error("consent_override_reason", _("Write why the data is shared anyway."))
        return data

    def referral_data(self) -> dict:
        data = self.cleaned_data
        return {
            "partner": data["partner"],
            "kind": data["kind"],
            "sent_on": data["sent_on"],
            "reason": data["reason"],
            "shares_personal_data": data["shares_personal_data"],
            # Only an explicit tick overrides: a reason typed without it does not count.
            "consent_override_reason": data["consent_override_reason"]
            if data["consent_override"]
            else "",
        }


class ReferralStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)
    on = forms.DateField(label=_("Date"), widget=DateInput())
    outcome = forms.CharField(
        label=_("Outcome"),
        max_length=NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the help ends or is refused."),
    )

    def __init__(self, *args, referral: Referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (status, Referral.Status(status).label) for status in referral.next_statuses()
        ]
        self.fields["status"].error_messages["required"] = _("Choose the new status.")
        self.fields["on"].initial = timezone.localdate()

    def clean_on(self):
        return not_in_future(self.cleaned_data["on"])


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class PlacementForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    days = forms.MultipleChoiceField(
        label=_("Days"),
        choices=[(str(day), name) for day, name in WEEKDAYS.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            (Placement.Status.PLANNED, Placement.Status.PLANNED.label),
            (Placement.Status.ONGOING, Placement.Status.ONGOING.label),
            (Placement.Status.CANCELLED, Placement.Status.CANCELLED.label),
        ],
    )

    class Meta:
        model = Placement
        fields = [
            "kind", "host", "module", "role", "tasks", "hours_per_week", "starts_at", "ends_at",
            "schedule", "supervisor_name", "supervisor_phone", "supervisor_email", "starts_on",
            "ends_on", "notes",
        ]  # fmt: skip
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "starts_at": TimeInput(),
            "ends_at": TimeInput(),
            "tasks": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, staff, enrolment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = partners_for(staff).filter(hosts_volunteers=True)
        # The modules of the person's plan (and the one already chosen): a placement within
        # a module, like a job tasting within VIA. None in the plan: no such question.
        enrolment = enrolment or (self.instance.enrolment if self.instance.pk else None)
        modules = Module.objects.none()
        if enrolment is not None:
            modules = Module.objects.filter(
                Q(planned__enrolment=enrolment) | Q(pk=self.instance.module_id or 0),
                programme_id=enrolment.programme_id,
            ).distinct()
        if modules.exists():
            self.fields["module"].queryset = modules
            self.fields["module"].empty_label = _("Not within a module")
        else:
            del self.fields["module"]
        self.fields["hours_per_week"].widget.attrs.update(min=0.5, max=60, step=0.5)
        self.fields["schedule"].label = _("Schedule note")
        self.fields["schedule"].help_text = _(
            "Only what the days and hours above cannot say, e.g. every other week."
        )
        if self.instance.pk:
            self.fields["days"].initial = [str(d) for d in parse_weekdays(self.instance.weekdays)]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["status"].initial = self.instance.status
            if self.instance.status == Placement.Status.ENDED:
                del self.fields["status"]
        else:
            del self.fields["status"]

    def clean_hours_per_week(self):
        hours = self.cleaned_data["hours_per_week"]
        if hours is not None and not 0 < hours <= 60:
            raise ValidationError(_("Give the hours of a week: more than 0, at most 60."))
        return hours

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The planned end cannot be before the start."))
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and not ends_at and "ends_at" not in self.errors:
            self.add_error("ends_at", _("Give the time it ends too, or neither time."))
        elif ends_at and not starts_at and "starts_at" not in self.errors:
            self.add_error("starts_at", _("Give the time it starts too, or neither time."))
        elif starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The end time must be after the start time."))
        self.instance.weekdays = ",".join(data.get("days", []))
        return data

    def placement_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self._meta.fields if name in self.fields}
        data["weekdays"] = ",".join(self.cleaned_data["days"])
        return data


class PlacementEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=DateInput())
    outcome = forms.ChoiceField(
        label=_("How it ended"), choices=Placement.Outcome.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=LONG_NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].initial = timezone.localdate()
        self.fields["outcome"].error_messages["required"] = _("Say how the placement ended.")

    def clean_ended_on(self):
        return not_in_future(self.cleaned_data["ended_on"])
