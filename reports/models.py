"""Report snapshots, and the project-level figures a manager enters for the funder."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from programme.models import Indicator, IndicatorSet, Programme

DECIMAL_COMMA = {"fr", "nl"}  # Belgian offices: "58,3 %", and ";" between CSV cells


class FunderSnapshot(models.Model):
    """A funder report as generated: its parameters, its figures (aggregates only, no ids and
    no names), who asked and when. The PDF and spreadsheets of a snapshot are drawn from these
    stored figures, so they come out the same years later whatever the data became."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to start")
        RUNNING = "running", _("Counting")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="+", verbose_name=_("programme")
    )
    indicator_set = models.ForeignKey(
        IndicatorSet, on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator set")
    )
    # Every word of the report's files is in this language, whoever opens them later.
    language = models.CharField(
        _("report language"), max_length=5, choices=settings.STAFF_LANGUAGES, default="fr"
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    # Names as they were when generated: a renamed programme must not change an old report.
    parameters = models.JSONField(default=dict, blank=True)
    figures = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("funder report snapshot")
        verbose_name_plural = _("funder report snapshots")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="snapshot_period_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="snapshot_progress_at_most_100"
            ),
        ]

    def __str__(self):
        return f"{self.programme} {self.period_start:%d/%m/%Y}–{self.period_end:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("reports:snapshot", args=[self.pk])

    @property
    def small_count(self) -> int:
        """The threshold the figures were hidden with when generated: the files keep it."""
        return self.parameters.get("small_count", 5)

    @property
    def decimal_comma(self) -> bool:
        return self.language in DECIMAL_COMMA

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def is_working(self) -> bool:
        return self.status in {self.Status.PENDING, self.Status.RUNNING}


class ProjectFigure(models.Model):
    """A project-level indicator (AMIF O.2.1, O.2.2, O.2.4, O.2.6, O.2.7: measures, authorities
    supported, campaigns…) is a fact about the project, not a count of participants: the
    manager enters it for each reporting period."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="+", verbose_name=_("programme")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="+", verbose_name=_("indicator")
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    value = models.PositiveIntegerField(_("value"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["programme", "indicator__position", "period_start"]
        verbose_name = _("project-level figure")
        verbose_name_plural = _("project-level figures")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "indicator", "period_start", "period_end"],
                name="project_figure_unique_period",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="project_figure_period_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.period_start:%d/%m/%Y}–{self.period_end:%d/%m/%Y}"
