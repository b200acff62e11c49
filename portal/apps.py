from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Participant portal")

    def ready(self):
        from participants import demo
        from participants.management.commands import demo_logins
        from portal import access  # noqa: F401 - connects the staff sign-in receiver
        from portal import demo as portal_demo

        demo.register(portal_demo.load)
        demo_logins.extra_lines.append(portal_demo.logins)
