from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Participants")

    def ready(self):
        from participants import panels, timeline, todo_views

        timeline.register(timeline.participant_entries)
        panels.register(panels.Panel("participants/_todos_panel.html", todo_views.todos_panel, 20))
