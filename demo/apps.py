from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data: fictitious organisations, staff and participants at any scale, the fast
    writer that builds them, `manage.py load_demo_data` and `manage.py demo_logins`. At the top
    of the floor plan: it imports every app and nothing imports it (but bench)."""

    name = "demo"
    verbose_name = _("Demo data")
