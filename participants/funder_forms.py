"""Forms of the participant's facts for the funder: dated events and the characteristics at
entry. Thin: the rules live in participants.services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.forms import DateInput
from participants.models import EntryCharacteristics, ParticipantEvent


class ParticipantEventForm(forms.ModelForm):
    class Meta:
        model = ParticipantEvent
        fields = ["kind", "happened_on", "note"]
        widgets = {"kind": forms.RadioSelect, "happened_on": DateInput()}
        help_texts = {"note": _("Optional, for colleagues: never sent to the funder.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Radio buttons: no "---------" line for the empty choice.
        self.fields["kind"].choices = ParticipantEvent.Kind.choices
        self.fields["kind"].error_messages["required"] = _("Choose what happened.")
        self.fields["happened_on"].error_messages["required"] = _("Give the date it happened.")
        self.fields["happened_on"].initial = timezone.localdate()

    def event_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class AnsweredRadio(forms.RadioSelect):
    """Yes, no, or "not asked" (None): an empty answer is a fact too, and the funder counts
    only the yeses."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs, choices=[("", _("Not asked")), ("True", _("Yes")), ("False", _("No"))]
        )


ANSWERS = ["foreign_background", "rural_area", "disability", "minority"]


class EntryCharacteristicsForm(forms.ModelForm):
    class Meta:
        model = EntryCharacteristics
        fields = [
            "foreign_background",
            "rural_area",
            "special_categories_consent_on",
            "disability",
            "minority",
        ]
        widgets = {
            **{name: AnsweredRadio for name in ANSWERS},
            "special_categories_consent_on": DateInput(),
        }
        labels = {"special_categories_consent_on": _("Explicit consent given on")}
        help_texts = {
            "special_categories_consent_on": _(
                "Disability and minority are sensitive data: ask only if the person agrees, "
                "explain it is voluntary and counted only in totals. Empty: not asked."
            ),
        }

    def clean(self):
        # The model's own check says the same; here each refused answer shows on its field.
        data = super().clean()
        if not data.get("special_categories_consent_on"):
            for name in ("disability", "minority"):
                if data.get(name) is not None and name not in self.errors:
                    self.add_error(
                        name,
                        _(
                            "Only with the person's explicit consent: give the date they "
                            "agreed, or leave it as “not asked”."
                        ),
                    )
        return data

    def _post_clean(self):
        # The service validates the whole record (with the person's consent) and saves it;
        # the model form only reads the answers.
        pass

    def characteristics_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}
