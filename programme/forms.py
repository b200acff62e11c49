import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from programme import params


def staff_label(user) -> str:
    return user.get_full_name() or user.get_username()


class StaffChoiceField(forms.ModelChoiceField):
    """Lists staff by their full name rather than their user name."""

    def label_from_instance(self, user):
        return staff_label(user)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, refusing a value that is no id before it reaches the database: its `pk__in`
    look-up has no guard against a 30-digit number (SQLite raises OverflowError, PostgreSQL an
    out-of-range error), which would be a server error rather than a form error."""

    def _check_values(self, value):
        if (self.to_field_name or "pk") == "pk":
            for pk in value:
                if not params.is_id(str(pk).strip()):
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super()._check_values(value)


class StaffMultipleChoiceField(ModelMultipleChoiceField):
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
    # In days; a key that does not expire works until it is revoked.
    NEVER = "never"
    LIFETIMES = [
        ("30", _("30 days")),
        ("90", _("90 days")),
        ("365", _("1 year")),
        ("730", _("2 years")),
        (NEVER, _("No expiry: until I revoke it")),
    ]

    name = forms.CharField(
        label=_("What is the key for?"),
        max_length=100,
        help_text=_("A name you will recognise, e.g. “Social file sync”."),
    )
    lifetime = forms.TypedChoiceField(
        label=_("Works for"),
        choices=LIFETIMES,
        coerce=lambda days: None if days == "never" else datetime.timedelta(days=int(days)),
        # Not given (another client than the page): the default year.
        empty_value=datetime.timedelta(days=365),
        required=False,
        initial="365",
        help_text=_("After that the key stops working and you make a new one."),
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
