from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasefileConfig(AppConfig):
    """The top floor: pages and workflows that read or change several apps at once (a coach's
    Today, the lifecycle of an enrolment). It imports the apps below directly."""

    name = "casefile"
    verbose_name = _("Case file")
