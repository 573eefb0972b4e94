"""A person's own notifications and e-mail settings, for the DSGVO download (accounts'
export_user_data includes it as data["notifications"]). Deleting the account deletes both
(CASCADE); notifications that others got about the person's actions keep no link to them
(Notification.actor is set to NULL)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from ..models import Notification, NotificationSettings

#: What this part of the download holds, for the profile page.
DESCRIPTION = _("Your notifications on the platform and your choice of e-mails about them")


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def user_data(user: Any) -> dict[str, Any]:
    prefs = NotificationSettings.objects.filter(user=user).first()
    return {
        "settings": {
            "email_frequency": prefs.email_frequency if prefs else "immediately",
            "last_digest": _iso(prefs.last_digest_at) if prefs else None,
        },
        "notifications": [
            {
                "kind": n.verb,
                "title": n.title,
                "text": n.body,
                "link": n.url,
                "created": _iso(n.created),
                "read": _iso(n.read_at),
                "email": n.email,
                "emailed": _iso(n.emailed_at),
            }
            for n in Notification.objects.filter(recipient=user).order_by("created", "pk")
        ],
    }
