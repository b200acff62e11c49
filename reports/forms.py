import datetime

from django import forms
from django.conf import settings
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programme import params
from programme.access import programmes_for
from programme.forms import ModelMultipleChoiceField
from reports.figures import Period


def default_period() -> tuple[datetime.date, datetime.date]:
    """This calendar year so far."""
    today = timezone.localdate()
    return today.replace(month=1, day=1), today


class PeriodFields(forms.Form):
    """A reporting period, this calendar year so far unless told otherwise."""

    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data=None, *, initial=None, **kwargs):
        start, end = default_period()
        super().__init__(data, initial=initial or {"start": start, "end": end}, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The period cannot end before it starts."))
        # The previous period and the windows after an exit are computed from these dates:
        # they must stay dates.
        for name in ("start", "end"):
            if data.get(name) and not params.FIRST_YEAR <= data[name].year <= params.LAST_YEAR:
                self.add_error(name, _("Choose a date between %(first)s and %(last)s.") % {
                    "first": params.FIRST_YEAR, "last": params.LAST_YEAR})  # fmt: skip
        return data

    @property
    def period(self) -> Period:
        return Period(self.cleaned_data["start"], self.cleaned_data["end"])


class ListedOnceChoices(ModelChoiceIterator):
    """The choices from the queryset's own rows: a view that listed the programmes already
    (the dashboard counts them all) does not have the select read them a second time."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for programme in self.queryset:
            yield self.choice(programme)


class ListedOnceChoiceField(forms.ModelChoiceField):
    """A choice of programme read with the list of them: validating the choice, showing the
    select and listing every programme share one query."""

    iterator = ListedOnceChoices

    def to_python(self, value):
        if value in self.empty_values:
            return None
        key = self.to_field_name or "pk"
        if isinstance(value, self.queryset.model):
            value = getattr(value, key)
        for programme in self.queryset:
            if str(getattr(programme, key)) == str(value):
                return programme
        raise forms.ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class PeriodForm(PeriodFields):
    programme = ListedOnceChoiceField(
        label=_("Programme"), queryset=None, required=False, empty_label=_("All programmes")
    )
    field_order = ["programme", "start", "end"]

    def __init__(self, data=None, *, staff, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["programme"].queryset = programmes_for(staff).select_related(
            "indicator_set", "organisation"
        )


class DashboardForm(PeriodForm):
    funder = forms.BooleanField(
        label=_("Hide small counts, as in a funder report"),
        required=False,
        help_text=_("The PDF and the spreadsheet always hide them: they leave Parcours."),
    )


class ProgrammeSelect(forms.Select):
    def use_required_attribute(self, initial):
        # With no empty option there is nothing for the browser to require. Django finds that
        # out by reading the first choice, which costs the programmes query a second time.
        return False


class FunderForm(PeriodForm):
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=None, empty_label=None, widget=ProgrammeSelect
    )
    also = ModelMultipleChoiceField(
        label=_("Together with"),
        queryset=None,
        required=False,
        help_text=_("Other programmes counted in the same report: each person once."),
    )
    by_site = forms.BooleanField(label=_("Split by site"), required=False)

    def __init__(self, data=None, *, staff, **kwargs):
        super().__init__(data, staff=staff, **kwargs)
        self.fields["also"].queryset = programmes_for(staff)

    @property
    def options(self) -> dict:
        """What funder_report needs besides the programme and the period."""
        return {"also": list(self.cleaned_data.get("also") or []),
                "by_site": bool(self.cleaned_data.get("by_site"))}  # fmt: skip

    def clean_programme(self):
        programme = self.cleaned_data["programme"]
        if programme and programme.indicator_set_id is None:
            raise forms.ValidationError(
                _("This programme has no indicator set yet: an administrator chooses one first.")
            )
        return programme


class SnapshotForm(FunderForm):
    """Generating the report to send: also the language every word of its files is in."""

    language = forms.ChoiceField(
        label=_("Language of the report"), choices=settings.STAFF_LANGUAGES, required=False
    )


def bound(request, form_class, **kwargs):
    """The form bound to the query string once the user has chosen something; the defaults
    (this year so far, first programme) otherwise."""
    if request.GET.get("start"):
        return form_class(request.GET, **kwargs)
    form = form_class(**kwargs)
    first = form.fields["programme"].queryset.first() if form.fields["programme"].required else None
    data = {"start": form.initial["start"], "end": form.initial["end"]}
    if first:
        data["programme"] = first.pk
    return form_class(data, **kwargs)


class ProjectFiguresForm(PeriodFields):
    """The project-level indicators of a programme's set, entered for one period."""

    def __init__(self, data=None, *, indicators, values=None, **kwargs):
        super().__init__(data, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            self.fields[f"value_{indicator.pk}"] = forms.IntegerField(
                label=f"{indicator.code} {indicator.wording}",
                min_value=0,
                required=False,
                initial=(values or {}).get(indicator.pk),
                help_text=_("Leave empty when not known: the report shows “not entered”."),
            )

    @property
    def values(self) -> dict:
        return {i: self.cleaned_data.get(f"value_{i.pk}") for i in self.indicators}
