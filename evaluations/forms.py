from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluations.models import (
    LOCAL_SCALES,
    CallAttempt,
    Evaluation,
    FollowUpCall,
    LanguageAssessment,
)
from evaluations.services import ScoreRow
from participants import choices
from participants.forms import DateInput
from participants.models import Participant
from programme import outcomes
from programme.models import Module, Programme
from programme.text_limits import LONG_NOTE, NOTE

SCALE_NAMES = dict(Programme._meta.get_field("language_scale").choices)
SKILLS = LanguageAssessment.SKILLS


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


# Evaluations with domain scores ---------------------------------------------------------------


def _coach_choices(domain: outcomes.Domain) -> list[tuple[str, str]]:
    # The definition sits in the label itself, so the coach reads it while choosing.
    return [("", _("Not assessed"))] + [
        (
            str(level),
            _("%(level)s · %(name)s — %(definition)s")
            % {
                "level": level,
                "name": outcomes.LEVEL_NAMES[level],
                "definition": domain.definition(level),
            },
        )
        for level in outcomes.LEVELS
    ]


def _participant_choices() -> list[tuple[str, str]]:
    return [("", _("Not given"))] + [
        (str(level), f"{level} · {outcomes.LEVEL_NAMES[level]}") for level in outcomes.LEVELS
    ]


def _score_field(label: str, choices) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


class EvaluationForm(forms.Form):
    """The date, the kind (when recording), one row per outcome domain of the programme with
    the coach's score, the participant's own and a comment, and notes."""

    kind = forms.ChoiceField(
        label=_("Evaluation"), choices=Evaluation.Kind.choices, widget=forms.RadioSelect
    )
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    module = forms.ModelChoiceField(
        label=_("Module evaluated"),
        queryset=Module.objects.none(),
        required=False,
        empty_label=_("The trajectory as a whole"),
        help_text=_("An evaluation of one module is recorded as a mid-way evaluation."),
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=LONG_NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args, domains: list[outcomes.Domain], evaluation=None, modules=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.domains = list(domains)
        if modules is None or evaluation is not None:
            # A correction keeps its module; a programme without modules has none to pick.
            del self.fields["module"]
        else:
            self.fields["module"].queryset = modules
        if evaluation is not None:
            # A correction keeps the kind: a baseline does not become an exit evaluation.
            del self.fields["kind"]
            self.fields["version"].required = True
            self.initial.setdefault("held_on", evaluation.held_on)
            self.initial.setdefault("notes", evaluation.notes)
            self.initial.setdefault("version", evaluation.version)
            given = {score.domain: score for score in evaluation.scores.all()}
            # A domain scored once but since dropped from the programme stays correctable.
            known = {domain.code for domain in self.domains}
            self.domains += [
                outcomes.BY_CODE[code]
                for code in given
                if code not in known and code in outcomes.BY_CODE
            ]
        else:
            del self.fields["version"]
            given = {}
        participant_choices = _participant_choices()
        for domain in self.domains:
            score = given.get(domain.code)
            self.fields[f"coach_{domain.code}"] = _score_field(
                _("Coach's score"), _coach_choices(domain)
            )
            self.fields[f"participant_{domain.code}"] = _score_field(
                _("The participant's own score"), participant_choices
            )
            self.fields[f"comment_{domain.code}"] = forms.CharField(
                label=_("Comment"),
                max_length=NOTE,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            if score:
                self.initial.setdefault(f"coach_{domain.code}", score.coach_score)
                self.initial.setdefault(f"participant_{domain.code}", score.participant_score)
                self.initial.setdefault(f"comment_{domain.code}", score.comment)

    def domain_rows(self) -> list[dict]:
        return [
            {
                "domain": domain,
                "coach": self[f"coach_{domain.code}"],
                "participant": self[f"participant_{domain.code}"],
                "comment": self[f"comment_{domain.code}"],
            }
            for domain in self.domains
        ]

    def scores(self) -> list[ScoreRow]:
        data = self.cleaned_data
        return [
            ScoreRow(
                domain=domain.code,
                coach_score=data.get(f"coach_{domain.code}"),
                participant_score=data.get(f"participant_{domain.code}"),
                comment=data.get(f"comment_{domain.code}", ""),
            )
            for domain in self.domains
        ]


class GoalFromScoreForm(forms.Form):
    text = forms.CharField(
        label=_("Goal, in the participant's words"),
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write the goal, in the participant's words.")},
    )


# Exit and follow-up calls ---------------------------------------------------------------------


def _required(field: forms.Field, message: str) -> forms.Field:
    field.error_messages["required"] = message
    return field


class ExitForm(forms.Form):
    """The exit: when and why the person leaves, where they go, and the review that closes
    the trajectory. The rules live in the exit service; the form only marks what it needs."""

    exited_on = _required(
        forms.DateField(label=_("Exit date"), widget=DateInput()), _("Give the exit date.")
    )
    exit_reason = _required(
        forms.ChoiceField(
            label=_("Why the person leaves"),
            choices=[("", "---------"), *choices.ExitReason.choices],
        ),
        _("Choose why the person leaves."),
    )
    drop_out_reason = forms.ChoiceField(
        label=_("Drop-out reason"),
        help_text=_("Only when the person dropped out."),
        choices=[("", "---------"), *choices.DropOutReason.choices],
        required=False,
    )
    exit_destination = _required(
        forms.ChoiceField(
            label=_("Where the person goes next"),
            choices=[("", "---------"), *choices.ExitDestination.choices],
        ),
        _("Choose where the person goes next (or “unknown”)."),
    )
    strengths = _required(
        forms.CharField(
            label=_("Strengths"),
            max_length=NOTE,
            help_text=_("What the person does well, what they gained in the programme."),
            widget=forms.Textarea(attrs={"rows": 3}),
        ),
        _("Write what the person does well: their strengths."),
    )
    limits = forms.CharField(
        label=_("Limits and obstacles"),
        max_length=NOTE,
        help_text=_("What still holds them back: language, health, childcare…"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    next_step = _required(
        forms.CharField(
            label=_("Recommended next step"),
            max_length=NOTE,
            widget=forms.Textarea(attrs={"rows": 2}),
        ),
        _("Write the next step you recommend."),
    )
    contact_person = _required(
        forms.CharField(
            label=_("Who the person can still turn to"),
            help_text=_("A name and a service, e.g. the social worker of their antenna."),
            max_length=200,
        ),
        _("Say who the person can still turn to."),
    )
    contact_phone = forms.CharField(label=_("Contact's phone"), max_length=40, required=False)
    helped_integration = forms.ChoiceField(
        label=_("Did the programme help your integration?"),
        help_text=_(
            "Ask the person. Leave empty if you could not ask: the first follow-up call will."
        ),
        choices=[("", "---------"), *FollowUpCall.Helped.choices],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exited_on"].initial = timezone.localdate()


YES_NO = [("", "---------"), ("yes", _("Yes")), ("no", _("No"))]


class CallAttemptForm(forms.Form):
    """One attempt to reach a former participant and, when reached, their answers."""

    outcome = _required(
        forms.ChoiceField(
            label=_("How did the call go?"),
            choices=CallAttempt.Outcome.choices,
            widget=forms.RadioSelect,
        ),
        _("Say how the call went."),
    )
    note = forms.CharField(
        label=_("Short note on this attempt"),
        help_text=_("e.g. voicemail full, call back after 5 pm."),
        max_length=300,
        required=False,
    )
    situation = forms.ChoiceField(
        label=_("Their situation today"),
        choices=[("", "---------"), *FollowUpCall.Situation.choices],
        required=False,
    )
    needs_help = forms.TypedChoiceField(
        label=_("Do they need help?"),
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
    )
    help_notes = forms.CharField(
        label=_("What help"),
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    helped_integration = forms.ChoiceField(
        label=_("Did the programme help their integration?"),
        choices=[("", "---------"), *FollowUpCall.Helped.choices],
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=LONG_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, call: FollowUpCall, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = call.version
