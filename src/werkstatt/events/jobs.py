"""Background jobs of events: reminders and anonymisation, for a scheduler that enqueues jobs
instead of running the management commands."""

from __future__ import annotations

from typing import Any

from werkstatt.jobs.registry import job_handler

from .services.registration import anonymise_registrations, send_reminders


@job_handler("events.send_reminders")
def reminders(ctx: Any, payload: dict[str, Any]) -> dict[str, Any]:
    return {"sent": send_reminders()}


@job_handler("events.anonymise_registrations")
def anonymise(ctx: Any, payload: dict[str, Any]) -> dict[str, Any]:
    return {"events": [event.slug for event in anonymise_registrations()]}
