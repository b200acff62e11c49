from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "programme"
    verbose_name = _("Programmes")

    def ready(self):
        # The sign-in receivers: what a new session still lacks (the second factor), and the
        # log of failed sign-ins, lock-outs and refused forms.
        from programme import security, two_factor  # noqa: F401
