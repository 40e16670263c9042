from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Plan")

    def ready(self):
        from . import signals  # noqa: F401  (keep responsibilities in step with the plan)
