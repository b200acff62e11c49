from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SessionsConfig(AppConfig):
    name = "sessions"
    # django.contrib.sessions already owns the label "sessions".
    label = "activities"
    verbose_name = _("Groups and sessions")

    def ready(self):
        from participants import demo
        from sessions import demo as sessions_demo

        demo.register(sessions_demo.load)
