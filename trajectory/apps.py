from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrajectoryConfig(AppConfig):
    name = "trajectory"
    verbose_name = _("Trajectory")

    def ready(self):
        from participants import panels
        from participants import timeline as participant_timeline
        from trajectory import timeline, views

        participant_timeline.register(timeline.trajectory_entries)
        for template, context, order in [
            ("trajectory/_plan_panel.html", views.plan_panel, 10),
            ("trajectory/_referrals_panel.html", views.referrals_panel, 30),
            ("trajectory/_placements_panel.html", views.placements_panel, 40),
        ]:
            panels.register(panels.Panel(template, context, order))
