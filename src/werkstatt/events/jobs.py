"""Background jobs of events: reminders and anonymisation, for a scheduler that enqueues jobs
instead of running the management commands."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.translation import gettext as _

from werkstatt.jobs.registry import JobError, job_handler

from .models import Event, Registration
from .services.documents import badges_pdf, badges_storage_path
from .services.registration import anonymise_registrations, send_reminders


@job_handler("events.send_reminders")
def reminders(ctx: Any, payload: dict[str, Any]) -> dict[str, Any]:
    return {"sent": send_reminders()}


@job_handler("events.anonymise_registrations")
def anonymise(ctx: Any, payload: dict[str, Any]) -> dict[str, Any]:
    return {"events": [event.slug for event in anonymise_registrations()]}


@job_handler("events.badges")
def badges(ctx: Any, payload: dict[str, Any]) -> dict[str, Any]:
    """The name badges of all confirmed registrations as one PDF, with progress per page."""
    event = Event.objects.filter(pk=payload.get("event")).first()
    if event is None:
        raise JobError(_("The event no longer exists."))
    people = list(
        event.registrations.filter(status=Registration.Status.CONFIRMED).order_by("name", "pk")
    )
    ctx.progress(0, len(people), _("Making the name badges"))
    content = badges_pdf(
        event,
        people,
        progress=lambda done, total: ctx.progress(done, total, _("Making the name badges")),
    )
    path = badges_storage_path(event, ctx.job.pk)
    if default_storage.exists(path):
        default_storage.delete(path)
    default_storage.save(path, ContentFile(content))
    ctx.progress(len(people), len(people), _("Done"))
    ctx.set_result_url(reverse("events:badges_download", args=[event.slug, ctx.job.pk]))
    return {"badges": len(people), "bytes": len(content)}
