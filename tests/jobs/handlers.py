"""Job handlers for the tests (imported by the tests and by the worker processes they start)."""

from __future__ import annotations

import os
import time

from django.utils.translation import gettext as _

from werkstatt.jobs.registry import JobError, job_handler


@job_handler("tests.record")
def record(ctx, payload):
    """Append this job's id to payload["log"]: one line per time the handler ran."""
    with open(f"{payload['log']}.started", "a") as started:  # the handler has begun
        started.write(f"{ctx.job.pk}\n")
    if payload.get("sleep"):
        time.sleep(payload["sleep"])
    fd = os.open(payload["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, f"{ctx.job.pk} {ctx.worker}\n".encode())
    finally:
        os.close(fd)
    return {"pid": os.getpid()}


@job_handler("tests.progress")
def progress(ctx, payload):
    for step in range(payload["steps"]):
        ctx.progress(step + 1, payload["steps"], f"step {step + 1}")
        if payload.get("sleep"):
            time.sleep(payload["sleep"])
    if payload.get("result_url"):
        ctx.set_result_url(payload["result_url"])
    return {"steps": payload["steps"]}


@job_handler("tests.refuse")
def refuse(ctx, payload):
    ctx.progress(1, 4, "checking")
    raise JobError(_("The file is empty."))


@job_handler("tests.crash")
def crash(ctx, payload):
    from werkstatt.accounts.models import Space

    # A write that must be undone when the handler fails.
    Space.objects.create(kind="process", slug="written-by-crash", name="crash")
    raise RuntimeError("secret internal detail")


@job_handler("tests.not_json")
def not_json(ctx, payload):
    return {"value": object()}
