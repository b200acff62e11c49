from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("Evaluations")

    def ready(self):
        from evaluations import demo as evaluations_demo
        from evaluations import timeline
        from participants import demo
        from participants import timeline as participant_timeline

        participant_timeline.register(timeline.assessment_entries)
        demo.register(evaluations_demo.load)
