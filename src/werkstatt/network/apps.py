from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "werkstatt.network"
    label = "network"
    verbose_name = _("Network")

    def ready(self) -> None:
        # Connect the signals that keep the search's copies of the directory up to date
        # (services/search_index.py, services/search.py) in every process, not only in those
        # that happen to import the search.
        from .services import search, search_index  # noqa: F401
