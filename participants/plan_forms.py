"""The forms of a person's module plan (participants.plans does the work)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.forms import DateInput
from participants.models import PlannedModule
from programme.text_limits import NOTE


class ModuleChooseForm(forms.Form):
    """Add a module to the plan, or try it first when the module offers trial sessions."""

    CHOOSE = "choose"
    TRY = "try"

    module = forms.ModelChoiceField(label=_("Module"), queryset=None)
    action = forms.ChoiceField(
        choices=[(CHOOSE, _("Add to the plan")), (TRY, _("Try it first"))], initial=CHOOSE
    )
    on = forms.DateField(label=_("First trial session"), widget=DateInput(), required=False)

    def __init__(self, *args, modules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = modules

    def clean(self):
        data = super().clean()
        if data.get("action") == self.TRY and not data.get("on"):
            data["on"] = timezone.localdate()
        return data


class ModuleDateForm(forms.Form):
    """The day a module begins or ends."""

    on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=NOTE, required=False)


class ModuleStopForm(forms.Form):
    on = forms.DateField(
        label=_("Date"),
        widget=DateInput(),
        required=False,
        initial=timezone.localdate,
        help_text=_("Only for a module that began."),
    )
    reason = forms.ChoiceField(
        label=_("Why"), choices=[("", "—"), *PlannedModule.StopReason.choices]
    )
    note = forms.CharField(label=_("Note"), max_length=NOTE, required=False)
