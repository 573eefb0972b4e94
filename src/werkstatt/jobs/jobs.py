"""Handlers of the jobs app itself."""

from __future__ import annotations

import time
from typing import Any

from django.utils.translation import gettext as _

from .registry import job_handler
from .services import JobContext


@job_handler("jobs.check")
def check(ctx: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    """A self-test: counts to `steps`, sleeping `sleep` seconds per step; shows who ran it.

    Lets an operator see that workers pick up jobs and report progress.
    """
    steps = max(0, min(int(payload.get("steps", 5)), 10_000))
    pause = max(0.0, min(float(payload.get("sleep", 0.2)), 10.0))
    for step in range(steps):
        ctx.progress(
            step, steps, _("Step %(step)d of %(steps)d") % {"step": step + 1, "steps": steps}
        )
        time.sleep(pause)
    ctx.progress(steps, steps, _("Done"))
    return {"worker": ctx.worker, "steps": steps}
