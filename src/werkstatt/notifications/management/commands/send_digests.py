"""`werkstatt send_digests`: e-mail the daily digest to everyone who chose it.

Run it once a day (cron or a systemd timer); running it more often is harmless, a person gets
at most one digest in 20 hours. The `notifications.digests` job does the same from the queue.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from werkstatt.notifications.services import send_digests


class Command(BaseCommand):
    help = "E-mail the daily digest of notifications to everyone who chose it."

    def handle(self, *args, **options) -> None:
        sent = send_digests()
        self.stdout.write(f"{sent} digest(s) sent")
