"""Forms of the lifecycle pages (casefile.lifecycle_views)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluations.forms import ExitForm
from programme.models import Programme
from sessions.forms import AddMembersForm


class TransferForm(ExitForm):
    """The exit review of a transfer, and the programme the person continues in. The reason
    is "transferred": it is not asked."""

    programme = forms.ModelChoiceField(
        label=_("Continues in"),
        queryset=Programme.objects.none(),
        error_messages={"required": _("Choose the programme the person continues in.")},
    )

    field_order = ["programme"]

    def __init__(self, *args, enrolment, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["exit_reason"]
        del self.fields["drop_out_reason"]
        others = Programme.objects.filter(
            organisation_id=enrolment.programme.organisation_id
        ).exclude(pk=enrolment.programme_id)
        self.fields["programme"].queryset = others
        # With one programme to go to, it is already chosen.
        if len(others) == 1:
            self.fields["programme"].initial = others[0].pk


class GroupJoinForm(AddMembersForm):
    """The group page's "add" form, posted to "admit and add"."""
