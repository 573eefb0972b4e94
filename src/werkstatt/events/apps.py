from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "werkstatt.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        # Deleting an account (DSGVO) frees its seats and forgets its registrations' personal
        # data: accounts' do_delete_account calls services/privacy.before_account_deletion; this
        # hook covers deletions elsewhere (the admin). forget_person is idempotent.
        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_delete

        from .services.registration import forget_person

        def forget(sender, instance, **kwargs) -> None:
            forget_person(instance)

        pre_delete.connect(
            forget, sender=get_user_model(), weak=False, dispatch_uid="events.forget_person"
        )
