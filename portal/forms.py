from django import forms
from django.utils.translation import gettext_lazy as _

from programme import outcomes

# Django's own messages are not translated into every portal language: these are.
REQUIRED = {"required": _("Please fill this in.")}
OWN_PHONE = _("This is my own phone. Keep me signed in.")
SHARED = "shared"


def _own_phone_field():
    """Two large pictured choices rather than a checkbox someone who cannot read would skip:
    "on" keeps the person signed in (the value the checkbox sent before). Nothing chosen is a
    shared phone, the safer guess."""
    return forms.TypedChoiceField(
        label=_("Whose phone is this?"),
        choices=[
            ("on", _("My own phone")),
            (SHARED, _("A shared phone")),
        ],
        coerce=lambda value: value == "on",
        empty_value=False,
        required=False,
        widget=forms.RadioSelect,
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Your code"),
        max_length=30,
        error_messages=REQUIRED,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


def _pin_field(label):
    return forms.CharField(
        label=label,
        max_length=6,
        strip=True,
        error_messages={**REQUIRED, "max_length": _("Your PIN has 4, 5 or 6 numbers.")},
        widget=forms.PasswordInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]*"}
        ),
    )


class PinForm(forms.Form):
    pin = _pin_field(_("Your PIN"))
    own_phone = _own_phone_field()


class ChoosePinForm(forms.Form):
    pin = _pin_field(_("Choose a PIN (4 to 6 numbers)"))
    pin_again = _pin_field(_("Type the same PIN again"))
    own_phone = _own_phone_field()


class SelfAssessmentForm(forms.Form):
    """One optional face per outcome domain of the programme: a domain left blank keeps what
    the person gave before."""

    def __init__(self, *args, domains: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(level, outcomes.LEVEL_NAMES[level]) for level in outcomes.LEVELS]
        for code in domains:
            self.fields[code] = forms.TypedChoiceField(
                label=outcomes.BY_CODE[code].name,
                choices=choices,
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("Choose one of the faces.")},
            )


# "I can't come": each reason a large picture with a few words (sessions.AbsenceNotice).
# The phone says it in the person's words; the coach reads the staff's label.
CANT_COME_REASONS = [
    ("ill", "frown", _("I am ill")),
    ("child_ill", "heart", _("My child is ill")),
    ("appointment", "calendar-clock", _("I have an appointment")),
    ("transport", "footprints", _("No transport")),
    ("other", "circle-help", _("Another reason")),
]


class CantComeForm(forms.Form):
    reason = forms.ChoiceField(
        choices=[(code, label) for code, _icon, label in CANT_COME_REASONS],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a reason."), "invalid_choice": _("Choose a reason.")},
    )
