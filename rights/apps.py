from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    """The participant's rights over their file: its history, its full export, its erasure,
    and the retention rule. At the top of the dependency order (beside portal and reports),
    since a file spans every app below."""

    name = "rights"
    verbose_name = _("Data-protection rights")
