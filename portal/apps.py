from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Participant portal")

    def ready(self):
        from portal import access  # noqa: F401 - connects the staff sign-in receiver
