"""Background job: the daily digest (`enqueue("notifications.digests", {})`)."""

from __future__ import annotations

from werkstatt.jobs.registry import job_handler

from .services import send_digests


@job_handler("notifications.digests")
def digests(ctx, payload: dict) -> dict:
    sent = send_digests()
    ctx.progress(1, 1)
    return {"sent": sent}
