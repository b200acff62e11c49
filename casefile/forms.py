"""Forms of the lifecycle pages (casefile.lifecycle_views)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluations.forms import ExitForm
from programme.models import Module, Programme
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


class CohortStartForm(forms.Form):
    """Start a cohort, and form its group from the people who start."""

    group_name = forms.CharField(
        label=_("Name of the cohort's group"),
        max_length=100,
        required=False,
        help_text=_("Empty: the people start without a group; add them to groups later."),
    )
    module = forms.ModelChoiceField(
        label=_("Module of the group"), queryset=Module.objects.none(), required=False
    )

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = Module.objects.filter(programme_id=cohort.programme_id)
        self.fields["group_name"].initial = cohort.name
