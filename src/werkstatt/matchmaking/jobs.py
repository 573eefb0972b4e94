"""Background job: schedule all accepted meetings of an event (with progress)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse

from werkstatt.events.models import Event
from werkstatt.jobs.registry import JobError, job_handler

from .services.scheduling import do_schedule


@job_handler("matchmaking.schedule")
def schedule(ctx, payload: dict) -> dict:
    event = Event.objects.filter(pk=payload.get("event")).first()
    if event is None:
        raise JobError("The event no longer exists.")

    def progress(fraction: float, message: str) -> None:
        ctx.progress(int(fraction * 100), 100, message)

    try:
        outcome = do_schedule(
            event, time_limit=float(payload.get("time_limit", 20.0)), progress=progress
        )
    except ValidationError as error:
        raise JobError(" ".join(error.messages)) from error
    ctx.set_result_url(reverse("matchmaking:plan", kwargs={"slug": event.slug}))
    return {
        "scheduled": outcome.scheduled,
        "unscheduled": outcome.unscheduled,
        "upper_bound": outcome.upper_bound,
        "idle_slots": outcome.idle_slots,
        "moved": outcome.moved,
        "seconds": round(outcome.seconds, 2),
    }
