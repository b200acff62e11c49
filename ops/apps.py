from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running Parcours: the health endpoint, the report worker's heartbeat, pruning. It reads
    Django's and the libraries' tables, never the domain apps."""

    name = "ops"
    verbose_name = _("Operations")

    def ready(self):
        # Registers the production settings check (ops/checks.py).
        from ops import checks  # noqa: F401
