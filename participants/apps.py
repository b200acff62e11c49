from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Participants")

    def ready(self):
        from participants import panels, timeline, todo_views, trajectory_views

        timeline.register(timeline.participant_entries)
        timeline.register(timeline.trajectory_entries)
        for template, context, order in [
            ("participants/_plan_panel.html", trajectory_views.plan_panel, 10),
            ("participants/_referrals_panel.html", trajectory_views.referrals_panel, 30),
            ("participants/_placements_panel.html", trajectory_views.placements_panel, 40),
        ]:
            panels.register(panels.Panel(template, context, order))
        panels.register(panels.Panel("participants/_todos_panel.html", todo_views.todos_panel, 20))
