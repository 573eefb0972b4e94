"""`werkstatt send_event_reminders`: e-mail confirmed participants once, 48 hours ahead.

Run it every hour from cron or a systemd timer; each participant gets the reminder once,
however often it runs (see services.registration.send_reminders).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from werkstatt.events.services.registration import send_reminders


class Command(BaseCommand):
    help = "Send the reminder e-mail to participants of events that begin within 48 hours."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_reminders()
        self.stdout.write(f"Sent {sent} reminder(s).")
