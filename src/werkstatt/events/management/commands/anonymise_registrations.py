"""`werkstatt anonymise_registrations`: forget who registered once an event's retention is over.

Run it daily. Each event is anonymised once, `retention_days` after it ended (the organiser
sets the days on the event); counts, check-in times and feedback ratings stay.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from werkstatt.events.services.registration import anonymise_registrations


class Command(BaseCommand):
    help = "Delete the personal data of registrations whose event's retention period is over."

    def handle(self, *args: Any, **options: Any) -> None:
        events = anonymise_registrations()
        for event in events:
            self.stdout.write(f"Anonymised the registrations of {event.title} ({event.slug}).")
        self.stdout.write(f"{len(events)} event(s) anonymised.")
