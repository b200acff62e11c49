from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SessionsConfig(AppConfig):
    name = "sessions"
    # django.contrib.sessions already owns the label "sessions".
    label = "activities"
    verbose_name = _("Groups and sessions")

    def ready(self):
        from participants import timeline as participant_timeline
        from programme.services import administrator_models_elsewhere
        from sessions import timeline

        participant_timeline.register(timeline.attendance_entries)
        administrator_models_elsewhere.append((self.label, "sessionkind"))
