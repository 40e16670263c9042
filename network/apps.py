from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Mediation network")

    def ready(self):
        from . import lookups  # noqa: F401  (registers the unaccent transform)
