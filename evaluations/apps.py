import functools

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("Evaluations")

    def ready(self):
        from evaluations import timeline, views
        from participants import panels
        from participants import timeline as participant_timeline

        participant_timeline.register(timeline.assessment_entries)
        # Evaluations with domain scores
        participant_timeline.register(timeline.evaluation_entries)
        panels.register(
            panels.Panel("evaluations/_evaluations_panel.html", views.evaluations_panel, 25)
        )
        # Exit and follow-up calls: the exit is a review, on its own page (casefile.lifecycle,
        # which also takes the person off their groups and later sessions).
        participant_timeline.register(timeline.exit_entries)
        panels.register(panels.Panel("evaluations/_exit_panel.html", views.exit_panel, 60))
        panels.status_pages["exited"] = "lifecycle:exit"
        # The to-dos an evaluation or a language test closes link to the page recording it.
        for kind in ("baseline", "midway", "exit"):
            panels.todo_links[kind] = functools.partial(_evaluation_url, kind=kind)
        panels.todo_links["language_test"] = _language_url
        panels.todo_reminders.append(views.calls_due_reminder)


def _evaluation_url(enrolment, kind: str) -> str:
    return reverse("evaluations:evaluation-new", args=[enrolment.pk]) + f"?kind={kind}"


def _language_url(enrolment) -> str:
    return reverse("evaluations:language", args=[enrolment.participant_id])
