"""Background job: schedule all accepted meetings of an event (with progress)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from werkstatt.events.models import Event
from werkstatt.jobs.registry import JobError, job_handler

from .services.scheduling import do_schedule

# The engine is framework-free and reports its phases in plain English; the job page shows them
# in the user's language (jobs run in the language of whoever started them).
PHASES = {
    "upper bound": gettext_lazy("Computing the upper bound"),
    "first schedule": gettext_lazy("Building a first schedule"),
    "inserting the unscheduled meetings": gettext_lazy("Placing the meetings not yet scheduled"),
    "exact weight (MILP)": gettext_lazy("Solving exactly for the most meetings"),
    "compacting idle slots": gettext_lazy("Closing gaps in the personal schedules"),
    "exact moves and idle slots (MILP)": gettext_lazy(
        "Solving exactly for fewer moves and fewer gaps"
    ),
    "done": gettext_lazy("Done"),
}


def phase_message(message: str) -> str:
    """The engine's phase in the user's language (an unknown phase: a neutral text)."""
    known = PHASES.get(message)
    return str(known) if known is not None else _("Scheduling the meetings")


@job_handler("matchmaking.schedule")
def schedule(ctx, payload: dict) -> dict:
    event = Event.objects.filter(pk=payload.get("event")).first()
    if event is None:
        raise JobError(_("The event no longer exists."))

    def progress(fraction: float, message: str) -> None:
        ctx.progress(int(fraction * 100), 100, phase_message(message))

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
