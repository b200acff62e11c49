from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("Evaluations")

    def ready(self):
        from evaluations import demo as evaluations_demo
        from participants import demo

        demo.register(evaluations_demo.load)
        demo.register(evaluations_demo.load_evaluations)
        demo.register(evaluations_demo.load_exits)
        # Last: the planned to-dos, ticked off where the demo recorded the work.
        from evaluations import demo_todos

        demo.register(demo_todos.load_todos)
