from django import forms
from django.utils.translation import gettext_lazy as _

from evaluations.models import LOCAL_SCALES, LanguageAssessment
from participants.forms import DateInput
from participants.models import Participant
from programme.models import Programme

SCALE_NAMES = dict(Programme._meta.get_field("language_scale").choices)
SKILLS = ["oral", "reading", "writing"]


class LanguageAssessmentForm(forms.ModelForm):
    """One dated test: the three skills on the CEFR scale, the level on the local scale of the
    person's programmes (when they use one), and literacy and schooling as found that day."""

    class Meta:
        model = LanguageAssessment
        fields = [
            "assessed_on", "language", "oral", "reading", "writing", "local_level", "literacy",
            "schooling", "notes",
        ]  # fmt: skip
        widgets = {"assessed_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, participant: Participant, language: str, scales, **kwargs):
        # Literacy and schooling start from the file: the coach corrects what the test showed.
        kwargs["instance"] = LanguageAssessment(
            participant=participant,
            language=language,
            literacy=participant.literacy,
            schooling=participant.schooling,
        )
        super().__init__(*args, **kwargs)
        for skill in SKILLS:
            self.fields[skill].error_messages["required"] = _(
                "Choose a level for each skill: pre-A1 if the person cannot do it yet."
            )
        self.scales = sorted(set(scales))
        if not self.scales:
            # None of the person's programmes uses a local scale: the CEFR levels say it all.
            del self.fields["local_level"]
            return
        field = self.fields["local_level"]
        if len(self.scales) == 1:
            scale = self.scales[0]
            field.label = _("Level on the %(scale)s scale") % {"scale": scale.upper()}
            field.choices = [("", "---------")] + [
                (code, label) for code, label, _cefr in LOCAL_SCALES[scale]
            ]
        else:
            field.choices = [("", "---------")] + [
                (SCALE_NAMES[scale], [(code, label) for code, label, _cefr in LOCAL_SCALES[scale]])
                for scale in self.scales
            ]
        field.help_text = _("Optional. It should match the oral level within one step.")
