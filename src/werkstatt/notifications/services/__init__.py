"""Notify people: a notification on the platform for each, and e-mail as each of them chose.

    from werkstatt.notifications.services import notify
    notify(moderators, verb="strategy.report", title=format_lazy(_("New report on {}"), rec.title),
           url=rec.get_absolute_url(), actor=request.user, target=rec, body=report.reason)

Titles and bodies are rendered in each recipient's language: pass a lazy string
(gettext_lazy/format_lazy) and it is evaluated once per recipient under their language. `body`
(optional) is what happened in the sender's words — the comment, the inquiry's message, the
reason of a rejection: the e-mail quotes it (up to BODY_MAX_LENGTH characters), the
notifications page and the digest show its beginning. The actor is never notified of their
own action. E-mails go out after the surrounding transaction commits, so a rolled-back change
sends nothing.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from ..models import Notification, NotificationSettings

logger = logging.getLogger("werkstatt.notifications")

Frequency = NotificationSettings.Frequency

#: The longest body kept (and e-mailed); longer texts end with "…".
BODY_MAX_LENGTH = 2000
#: The beginning of a body shown in the digest and on the notifications page.
EXCERPT_LENGTH = 280


def shorten(text: str, length: int) -> str:
    """`text` with its whitespace tidied, cut at a word before `length` characters with "…"."""
    text = "\n".join(" ".join(line.split()) for line in str(text).strip().splitlines())
    text = "\n".join(line for i, line in enumerate(text.split("\n")) if line or i == 0)
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    if " " in cut[length // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-\n") + "…"


def absolute_url(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL.rstrip("/") + url


def frequency_of(user: Any) -> str:
    try:
        return user.notification_settings.email_frequency
    except NotificationSettings.DoesNotExist:
        return Frequency.IMMEDIATELY


def notify(
    recipients: Iterable[Any],
    *,
    verb: str,
    title: Any,
    url: str,
    actor: Any = None,
    target: models.Model | None = None,
    body: Any = "",
) -> None:
    """Record a notification for each recipient and e-mail it now or in the digest.

    `body` (optional): the message, comment or reason behind the notification, quoted in the
    e-mail; a lazy string is rendered in each recipient's language."""
    seen: set[int] = set()
    users = []
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active or not user.email:
            continue
        if actor is not None and user.pk == actor.pk:
            continue
        seen.add(user.pk)
        users.append(user)
    if not users:
        return
    frequencies = dict(
        NotificationSettings.objects.filter(user__in=users).values_list(
            "user_id", "email_frequency"
        )
    )
    target_type = ContentType.objects.get_for_model(target) if target is not None else None
    target_id = str(target.pk) if target is not None else ""
    now = timezone.now()
    rows = []
    immediate = []
    for user in users:
        frequency = frequencies.get(user.pk, Frequency.IMMEDIATELY)
        with translation.override(user.language or settings.LANGUAGE_CODE):
            text = str(title)[:300]
            body_text = shorten(body, BODY_MAX_LENGTH) if body else ""
        email = {
            Frequency.IMMEDIATELY: Notification.Email.SENT,
            Frequency.DAILY: Notification.Email.PENDING,
        }.get(frequency, Notification.Email.NONE)
        row = Notification(
            recipient=user,
            actor=actor,
            verb=verb,
            title=text,
            body=body_text,
            url=url,
            target_type=target_type,
            target_id=target_id,
            email=email,
            emailed_at=now if email == Notification.Email.SENT else None,
        )
        rows.append(row)
        if email == Notification.Email.SENT:
            immediate.append(row)
    Notification.objects.bulk_create(rows)
    for row in immediate:
        transaction.on_commit(lambda row=row: _send_one(row))


def _send_one(notification: Notification) -> None:
    user = notification.recipient
    with translation.override(user.language or settings.LANGUAGE_CODE):
        body = render_to_string(
            "notifications/email/notification.txt",
            {
                "notification": notification,
                "link": absolute_url(notification.url),
                "user": user,
                "settings_link": absolute_url(reverse("notifications:settings")),
            },
        )
        subject = f"[Werkstatt] {notification.title}"
    try:
        send_mail(subject[:200], body, None, [user.email])
    except Exception:  # a mail server down must not break the action that notified
        logger.exception("Notification %s could not be e-mailed", notification.pk)


def send_digests(now: datetime.datetime | None = None) -> int:
    """E-mail each person who chose the daily digest their pending notifications, in one
    message; returns how many e-mails were sent. Safe to run more often than daily: a person
    gets at most one digest per 20 hours, and a notification is in exactly one digest."""
    now = now or timezone.now()
    due_before = now - datetime.timedelta(hours=20)
    pending = (
        Notification.objects.filter(email=Notification.Email.PENDING)
        .select_related("recipient")
        .order_by("recipient_id", "created", "pk")
    )
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for notification in pending:
        by_user[notification.recipient_id].append(notification)
    sent = 0
    for user_id, notifications in by_user.items():
        user = notifications[0].recipient
        prefs, _ = NotificationSettings.objects.get_or_create(user=user)
        if prefs.last_digest_at and prefs.last_digest_at > due_before:
            continue
        ids = [n.pk for n in notifications]
        with transaction.atomic():
            # Claim the rows first: a second run at the same time finds nothing to send.
            claimed = Notification.objects.filter(
                pk__in=ids, email=Notification.Email.PENDING
            ).update(email=Notification.Email.SENT, emailed_at=now)
            if not claimed:
                continue
            NotificationSettings.objects.filter(pk=prefs.pk).update(last_digest_at=now)
        if prefs.email_frequency == Frequency.OFF:
            continue  # changed their mind since: the notifications stay on the platform
        with translation.override(user.language or settings.LANGUAGE_CODE):
            body = render_to_string(
                "notifications/email/digest.txt",
                {
                    "user": user,
                    "items": [
                        (n, absolute_url(n.url), shorten(n.body, EXCERPT_LENGTH))
                        for n in notifications
                    ],
                    "page": absolute_url(reverse("notifications:index")),
                    "settings_link": absolute_url(reverse("notifications:settings")),
                },
            )
            subject = "[Werkstatt] " + ngettext(
                "Your daily summary: %(count)d notification",
                "Your daily summary: %(count)d notifications",
                len(notifications),
            ) % {"count": len(notifications)}
        try:
            send_mail(subject, body, None, [user.email])
            sent += 1
        except Exception:
            logger.exception("Digest for user %s could not be sent", user_id)
    return sent


@transaction.atomic
def do_mark_read(user: Any, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when no ids are given)."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


@transaction.atomic
def do_update_settings(user: Any, email_frequency: str) -> NotificationSettings:
    if email_frequency not in Frequency.values:
        raise ValueError(email_frequency)
    prefs, _ = NotificationSettings.objects.update_or_create(
        user=user, defaults={"email_frequency": email_frequency}
    )
    if email_frequency == Frequency.IMMEDIATELY:
        # Nothing should wait for a digest that no longer comes.
        Notification.objects.filter(recipient=user, email=Notification.Email.PENDING).update(
            email=Notification.Email.NONE
        )
    return prefs


def unread_count(user: Any) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
