from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "werkstatt.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        # Every installed app's `jobs.py` registers its handlers (like admin.autodiscover), so a
        # worker knows all kinds of jobs without a list to keep up to date.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("jobs")
