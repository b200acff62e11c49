from django import forms
from django.utils.translation import gettext_lazy as _


class ErasureForm(forms.Form):
    legal_basis = forms.CharField(
        label=_("Legal basis, if the file must still be kept"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Only needed while a file is open or within the funder's retention period: say on "
            "what ground it is erased anyway (e.g. the data was recorded unlawfully)."
        ),
    )
    confirm = forms.BooleanField(
        label=_("I understand that names, contact details and notes are removed for good."),
        required=True,
    )
