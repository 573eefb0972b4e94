"""In-platform notifications and each person's choice of e-mail: at once, a daily digest, or none.

Every app notifies through services.notify(); this app knows nothing of the others. The target of
a notification is kept loosely (content type and id) so that any model can be one.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Email(models.TextChoices):
        NONE = "none", _("No e-mail")
        PENDING = "pending", _("Waiting for the daily digest")
        SENT = "sent", _("Sent by e-mail")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    # A short machine word ("strategy.comment", "strategy.answer") for filtering and icons.
    verb = models.CharField(_("kind"), max_length=60, db_index=True)
    title = models.CharField(_("title"), max_length=300)
    # What happened in the sender's words (a comment, an inquiry's message, a rejection's reason),
    # in the recipient's language; the e-mail quotes it, the page shows its beginning.
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email = models.CharField(
        _("e-mail"), max_length=8, choices=Email.choices, default=Email.NONE, db_index=True
    )
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationSettings(models.Model):
    class Frequency(models.TextChoices):
        IMMEDIATELY = "immediately", _("Immediately, one e-mail each")
        DAILY = "daily", _("Once a day, as a digest")
        OFF = "off", _("No e-mails (only here on the platform)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_settings",
        verbose_name=_("user"),
    )
    email_frequency = models.CharField(
        _("e-mail"),
        max_length=12,
        choices=Frequency.choices,
        default=Frequency.IMMEDIATELY,
    )
    last_digest_at = models.DateTimeField(_("last digest"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_email_frequency_display()}"
