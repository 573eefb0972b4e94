from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    name = "werkstatt.matchmaking"
    label = "matchmaking"
    verbose_name = _("B2B matchmaking")

    def ready(self) -> None:
        from werkstatt.events.signals import registration_cancelled

        from . import signals

        registration_cancelled.connect(
            signals.registration_cancelled, dispatch_uid="matchmaking.registration_cancelled"
        )
