from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.forms import DateInput
from programme.access import coaches_for, partners_for, programmes_for
from programme.forms import ModelMultipleChoiceField, StaffMultipleChoiceField, preselect_single
from programme.models import Room
from programme.text_limits import NOTE
from sessions.access import groups_to_act_on
from sessions.models import (
    WEEKDAY_NAMES,
    Group,
    InterpreterBooking,
    Series,
    Session,
    SessionKind,
    ensure_default_kinds,
)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def _rooms_for(staff):
    return Room.objects.filter(site__organisation_id=staff.organisation_id).select_related("site")


class GroupForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = [
            "programme", "module", "name", "level_low", "level_high", "schooling_low",
            "schooling_high", "capacity", "site", "coaches",
            "starts_on", "ends_on",
        ]  # fmt: skip
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "coaches": forms.CheckboxSelectMultiple,
        }
        field_classes = {"coaches": StaffMultipleChoiceField}

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes_for(staff)
        preselect_single(self, "programme")
        self.fields["module"].queryset = self.fields["module"].queryset.filter(
            programme__organisation_id=staff.organisation_id
        )
        self.fields["site"].queryset = self.fields["site"].queryset.filter(
            organisation_id=staff.organisation_id
        )
        self.fields["coaches"].queryset = coaches_for(staff)
        self.fields["capacity"].widget.attrs.update(min=1, max=60)
        if staff.is_coach and not self.instance.pk:
            self.fields["coaches"].initial = [staff.user.pk]

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if not 1 <= capacity <= 60:
            raise ValidationError(_("Give a capacity between 1 and 60."))
        return capacity


class AddMembersForm(forms.Form):
    participants = ModelMultipleChoiceField(
        label=_("People to add"), queryset=None, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one person.")},
    )  # fmt: skip
    joined_on = forms.DateField(label=_("In the group from"), widget=DateInput())
    override_reason = forms.CharField(
        label=_("Why add them despite the warning?"),
        max_length=NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = candidates
        self.fields["joined_on"].initial = timezone.localdate()


class ScheduleForm(forms.ModelForm):
    """The fields a series and a single session share."""

    facilitators = StaffMultipleChoiceField(
        label=_("Facilitators"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = staff
        programmes = programmes_for(staff)
        self.fields["programme"].queryset = programmes
        # The groups one plans for, not every group one can see (sessions.access).
        self.fields["group"].queryset = groups_to_act_on(staff).select_related("programme")
        ensure_default_kinds()
        self.fields["kind"].queryset = SessionKind.objects.filter(
            programme__isnull=True
        ) | SessionKind.objects.filter(programme__in=programmes)
        self.fields["room"].queryset = _rooms_for(staff)
        self.fields["partner"].queryset = partners_for(staff)
        self.fields["facilitators"].queryset = coaches_for(staff)
        preselect_single(self, "programme")
        if staff.is_coach and not self.instance.pk:
            self.fields["facilitators"].initial = [staff.user.pk]

    def clean(self):
        data = super().clean()
        group, programme = data.get("group"), data.get("programme")
        if group and programme and group.programme_id != programme.pk:
            self.add_error("group", _("This group belongs to another programme."))
        kind = data.get("kind")
        if kind and kind.programme_id and programme and kind.programme_id != programme.pk:
            self.add_error("kind", _("This kind belongs to another programme."))
        return data


SCHEDULE_FIELDS = [
    "programme", "group", "kind", "topic", "start_time", "end_time", "place", "room", "address",
    "online_link", "capacity", "partner", "bring", "notes",
]  # fmt: skip
SCHEDULE_WIDGETS = {
    "start_time": TimeInput(),
    "end_time": TimeInput(),
    "notes": forms.Textarea(attrs={"rows": 3}),
}


class SeriesForm(ScheduleForm):
    WEEKDAYS = [(str(day), name) for day, name in enumerate(WEEKDAY_NAMES)]
    days = forms.MultipleChoiceField(
        label=_("On"), choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one weekday.")},
    )  # fmt: skip

    class Meta:
        model = Series
        fields = [
            *SCHEDULE_FIELDS,
            "frequency",
            "interval",
            "week_of_month",
            "starts_on",
            "ends_on",
            "count",
        ]
        widgets = {**SCHEDULE_WIDGETS, "starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interval"].widget.attrs.update(min=1, max=8)
        self.fields["count"].widget.attrs.update(min=1, max=200)
        if self.instance.pk:
            self.fields["days"].initial = [str(day) for day in self.instance.weekday_list()]

    def clean_interval(self):
        interval = self.cleaned_data["interval"]
        if not 1 <= interval <= 8:
            raise ValidationError(_("Between every week and every eight weeks."))
        return interval

    def clean_count(self):
        count = self.cleaned_data["count"]
        if count is not None and not 1 <= count <= 200:
            raise ValidationError(_("Between 1 and 200 sessions."))
        return count

    def clean(self):
        data = super().clean()
        self.instance.weekdays = ",".join(data.get("days", []))
        return data

    def add_error(self, field, error):
        # The model checks its `weekdays`, which this form shows as the `days` boxes; an error
        # on a field the form lacks would raise ValueError instead of being shown.
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            weekdays = error.error_dict.pop("weekdays", None)
            if weekdays and "days" not in self._errors:
                super().add_error("days", weekdays)
            if not error.error_dict:
                return
        super().add_error(field, error)

    def series_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        data["weekdays"] = ",".join(self.cleaned_data["days"])
        return data


class SessionForm(ScheduleForm):
    # Rendered by the search-as-you-type picker (participants:pick); validated against the
    # user's caseload here.
    participants = ModelMultipleChoiceField(
        label=_("Participants (for an individual session)"),
        queryset=None,
        required=False,
        widget=forms.MultipleHiddenInput,
    )

    class Meta:
        model = Session
        fields = [*SCHEDULE_FIELDS, "date"]
        widgets = {**SCHEDULE_WIDGETS, "date": DateInput()}

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = participants

    def clean(self):
        data = super().clean()
        if not data.get("group") and not data.get("participants") and not self.instance.pk:
            self.add_error("participants", _("Choose a group, or the people this session is for."))
        return data

    def session_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class MoveForm(forms.Form):
    date = forms.DateField(label=_("New date"), widget=DateInput())
    start_time = forms.TimeField(label=_("From"), widget=TimeInput())
    end_time = forms.TimeField(label=_("To"), widget=TimeInput())


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it cancelled?"), max_length=200,
        error_messages={"required": _("Say why the session is cancelled.")},
    )  # fmt: skip


class ExtendForm(forms.Form):
    count = forms.IntegerField(
        label=_("Number of sessions to add"), min_value=1, max_value=100, initial=4
    )


class ChangeFromForm(forms.Form):
    from_date = forms.DateField(label=_("Starting with the session of"), widget=DateInput())
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput())
    end_time = forms.TimeField(label=_("End time"), widget=TimeInput())
    days = forms.MultipleChoiceField(
        label=_("On"), choices=SeriesForm.WEEKDAYS, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one weekday.")},
    )  # fmt: skip

    def clean_from_date(self):
        from_date = self.cleaned_data["from_date"]
        if from_date < timezone.localdate():
            raise ValidationError(_("Past sessions stay as they were: choose today or later."))
        return from_date


class InterpreterForm(forms.ModelForm):
    class Meta:
        model = InterpreterBooking
        fields = ["language", "provider", "interpreter_name", "status"]

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = partners_for(staff)
        for code in ("required", "invalid_choice"):
            self.fields["language"].error_messages[code] = _("Choose the interpreter's language.")
