from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Mediation network")

    def ready(self):
        from . import lookups, signals  # noqa: F401  (register the transform and handlers)
