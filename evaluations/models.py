"""Language assessments (and, in later issues, evaluations, exit reviews and follow-up calls)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants import choices
from participants.models import Participant


class Cefr(models.TextChoices):
    """CEFR levels, with the literacy stage below A1 that low-literate learners start from."""

    PRE_A1 = "pre_a1", _("Pre-A1 (literacy)")
    A1 = "a1", "A1"
    A2 = "a2", "A2"
    B1 = "b1", "B1"
    B2 = "b2", "B2"
    C1 = "c1", "C1"
    C2 = "c2", "C2"

    @classmethod
    def rank(cls, level: str) -> int:
        """0 for pre-A1 … 6 for C2: levels compared and averaged as numbers."""
        return cls.values.index(level)


# Local scales, with the CEFR level each step roughly matches (FUNDER-INDICATORS.md).
LOCAL_SCALES = {
    "nt2": [
        ("alfa", "Alfa", "pre_a1"),
        ("1.1", "1.1", "a1"),
        ("1.2", "1.2", "a2"),
        ("2", "2", "b1"),
        ("3", "3", "b2"),
        ("4", "4", "c1"),
    ],
    "fle": [
        ("alpha", "Alpha", "pre_a1"),
        ("fle_a1", "FLE A1", "a1"),
        ("fle_a2", "FLE A2", "a2"),
        ("fle_b1", "FLE B1", "b1"),
        ("fle_b2", "FLE B2", "b2"),
        ("fle_c1", "FLE C1", "c1"),
    ],
}
LOCAL_LEVEL_CHOICES = [
    (code, label) for steps in LOCAL_SCALES.values() for code, label, _cefr in steps
]
# Local level code -> (scale, label, the CEFR level it roughly matches).
LOCAL_LEVELS = {
    code: (scale, label, cefr)
    for scale, steps in LOCAL_SCALES.items()
    for code, label, cefr in steps
}
# The language each local scale measures: an NT2 level says nothing about someone's French.
SCALE_LANGUAGE = {"nt2": "nl", "fle": "fr"}


class LanguageAssessmentQuerySet(models.QuerySet):
    def latest_per_participant(self):
        """The most recent assessment of each participant (one row each)."""
        latest = self.filter(participant=models.OuterRef("participant")).order_by(
            "-assessed_on", "-pk"
        )
        return self.filter(pk=models.Subquery(latest.values("pk")[:1]))


class LanguageAssessment(models.Model):
    """One dated test of the national language. A new test adds a row: the history shows
    progress and feeds the funder's "improved by one CEFR level" indicator."""

    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="language_assessments",
        verbose_name=_("participant"),
    )
    language = models.CharField(
        _("language tested"), max_length=2, choices=[("nl", _("Dutch")), ("fr", _("French"))]
    )
    assessed_on = models.DateField(_("date"), default=timezone.localdate)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("assessed by"),
    )
    oral = models.CharField(_("oral"), max_length=10, choices=Cefr.choices)
    reading = models.CharField(_("reading"), max_length=10, choices=Cefr.choices)
    writing = models.CharField(_("writing"), max_length=10, choices=Cefr.choices)
    local_level = models.CharField(
        _("level on the programme's scale"), max_length=10, choices=LOCAL_LEVEL_CHOICES, blank=True
    )
    literacy = models.CharField(
        _("literacy"), max_length=20, choices=choices.Literacy.choices, blank=True
    )
    schooling = models.CharField(
        _("highest schooling completed"),
        max_length=10,
        choices=choices.Schooling.choices,
        blank=True,
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LanguageAssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("language assessment")
        verbose_name_plural = _("language assessments")
        indexes = [models.Index(fields=["participant", "-assessed_on"])]

    def __str__(self):
        return f"{self.participant} — {self.assessed_on:%d/%m/%Y}"

    def clean(self):
        if self.assessed_on and self.assessed_on > timezone.localdate():
            raise ValidationError(
                {"assessed_on": _("Record an assessment once it has taken place.")}
            )
        if self.local_level in LOCAL_LEVELS:
            self._check_local_level()

    def _check_local_level(self):
        """The local level must belong to a scale of the language tested and roughly agree
        with the oral level, so the two scales never tell different stories."""
        scale, label, cefr = LOCAL_LEVELS[self.local_level]
        if self.language and SCALE_LANGUAGE[scale] != self.language:
            language = dict(self._meta.get_field("language").choices)[SCALE_LANGUAGE[scale]]
            message = _("The %(scale)s scale measures %(language)s, not the language tested.")
            raise ValidationError(
                {"local_level": message % {"scale": scale.upper(), "language": language}}
            )
        if self.oral in Cefr.values and abs(Cefr.rank(cefr) - Cefr.rank(self.oral)) > 1:
            message = _(
                "Level %(local)s matches about %(cefr)s, more than one step away from the "
                "oral level %(oral)s. Check both levels."
            )
            values = {"local": label, "cefr": Cefr(cefr).label, "oral": Cefr(self.oral).label}
            raise ValidationError({"local_level": message % values})

    @property
    def level_rank(self) -> float:
        """One number for grouping: the mean of the three skills (0 = pre-A1 … 6 = C2)."""
        return sum(Cefr.rank(level) for level in (self.oral, self.reading, self.writing)) / 3

    @property
    def summary(self) -> str:
        return _("%(oral)s oral · %(reading)s reading · %(writing)s writing") % {
            "oral": self.get_oral_display(),
            "reading": self.get_reading_display(),
            "writing": self.get_writing_display(),
        }
