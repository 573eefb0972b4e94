"""The notifications' URLs in the permission matrix: every page is one's own."""

from __future__ import annotations

from tests.matrix import LOGIN_THEN_200, POST_ONLY, Row
from werkstatt.notifications.models import NotificationSettings
from werkstatt.notifications.services import notify

ROWS = [
    Row("notifications:index", {}, "GET", LOGIN_THEN_200),
    Row("notifications:settings", {}, "GET", LOGIN_THEN_200),
    Row(
        "notifications:settings",
        {},
        "POST",
        "login 302 302 302 302 302 302",
        {"email_frequency": "daily"},
    ),
    Row("notifications:mark_read", {}, "GET", POST_ONLY),
    Row("notifications:mark_read", {}, "POST", "login 302 302 302 302 302 302"),
]


def world(users: dict, values: dict) -> None:
    notify(users.values(), verb="test.hello", title="Willkommen", url="/")
    NotificationSettings.objects.create(user=users["member"], email_frequency="daily")
