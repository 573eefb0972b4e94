from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_table(using: str = "default", **kwargs: object) -> None:
    """The cache lives in the database (login throttling counts there); `migrate` alone does
    not create its table, so every migrate does it too (idempotent)."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class WebConfig(AppConfig):
    name = "werkstatt.web"
    label = "web"
    verbose_name = _("Web")

    def ready(self) -> None:
        from django.apps import apps

        from . import checks  # noqa: F401 - registers the system checks

        # post_migrate is only sent for apps with models; web has none, accounts always does.
        post_migrate.connect(
            create_cache_table,
            sender=apps.get_app_config("accounts"),
            dispatch_uid="werkstatt.web.create_cache_table",
        )
