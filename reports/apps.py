from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from participants import demo
        from reports import demo as reports_demo

        demo.register(reports_demo.load)
