from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def staff_label(user) -> str:
    return user.get_full_name() or user.get_username()


class StaffChoiceField(forms.ModelChoiceField):
    """Lists staff by their full name rather than their user name."""

    def label_from_instance(self, user):
        return staff_label(user)


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return staff_label(user)


def posted(request: HttpRequest):
    """The submitted data, or None on GET. `request.POST or None` would leave a form unbound,
    and silently unvalidated, on a POST whose fields are all empty."""
    return request.POST if request.method == "POST" else None


def preselect_single(form, *names: str) -> None:
    """A choice with only one possible answer comes already made (the organisation's only
    programme, say), unless the page chose for it. One short query per field."""
    for name in names:
        field = form.fields[name]
        if form.is_bound or form.initial.get(name) or field.initial:
            continue
        options = list(field.queryset.values_list("pk", flat=True)[:2])
        if len(options) == 1:
            form.initial[name] = options[0]


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's refusal on the form it came from."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("What is the key for?"),
        max_length=100,
        help_text=_("A name you will recognise, e.g. “Social file sync”."),
    )


class SecondFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )

    def clean_code(self):
        # People copy "123 456" as the app shows it.
        return self.cleaned_data["code"].replace(" ", "")
