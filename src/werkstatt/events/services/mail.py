"""E-mails to participants, each in the person's own language, sent after the commit.

Confirmations and move-ups carry the event as an iCal attachment (a calendar invite).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..models import Event, Registration
from .documents import _when, event_ical

#: kind -> subject msgid (with %(title)s), whether the iCal file is attached. gettext_noop marks
#: the msgids for extraction; send() translates them in the recipient's language.
KINDS: dict[str, tuple[str, bool]] = {
    "confirmed": (gettext_noop("Your registration for %(title)s is confirmed"), True),
    "waiting": (gettext_noop("You are on the waiting list for %(title)s"), False),
    "moved_up": (gettext_noop("A seat has become free: you are registered for %(title)s"), True),
    "cancelled": (gettext_noop("Your registration for %(title)s is cancelled"), False),
    "reminder": (gettext_noop("Reminder: %(title)s begins soon"), True),
    "invited": (gettext_noop("You are invited to %(title)s"), False),
}


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def send(kind: str, event: Event, user: Any, registration: Registration | None = None) -> None:
    """Send one e-mail of `kind` now (callers inside a transaction use `send_on_commit`)."""
    if user is None or not user.email:
        return
    subject_msgid, attach = KINDS[kind]
    with translation.override(getattr(user, "language", None) or settings.LANGUAGE_CODE):
        context = {
            "event": event,
            "user": user,
            "registration": registration,
            "when": _when(event),
            "event_url": absolute(event.get_absolute_url()),
            "registration_url": absolute(reverse("events:registration", args=[registration.pk]))
            if registration is not None
            else "",
        }
        message = EmailMessage(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
            + _(subject_msgid) % {"title": event.title},
            body=render_to_string(f"events/email/{kind}.txt", context),
            to=[user.email],
        )
        if attach:
            message.attach(f"{event.slug}.ics", event_ical(event), "text/calendar")
        message.send(fail_silently=True)


def send_on_commit(kind: str, registration: Registration) -> None:
    event, user = registration.event, registration.user
    transaction.on_commit(lambda: send(kind, event, user, registration))
