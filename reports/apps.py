from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from participants import panels

        panels.links.append(panels.Link(_("Printable summary"), "reports:summary", "printer"))
