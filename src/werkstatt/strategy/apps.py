from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "werkstatt.strategy"
    label = "strategy"
    verbose_name = _("Strategy workshop")

    def ready(self) -> None:
        from .services import search  # noqa: F401 - keeps the search terms on save
