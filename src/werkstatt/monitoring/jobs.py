"""Background jobs of the monitoring: building reports (they can take a while)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from werkstatt.jobs.registry import JobError, job_handler
from werkstatt.strategy.models import Process

from .services.reports import do_build_report


@job_handler("monitoring.report")
def build_report(ctx, payload: dict) -> dict:
    process = Process.objects.filter(pk=payload.get("process")).first()
    if process is None:
        raise JobError("The process no longer exists.")
    user = get_user_model().objects.filter(pk=payload.get("user")).first()
    ctx.progress(0, 3, "")
    report = do_build_report(process, payload["kind"], user, progress=ctx.progress)
    ctx.progress(3, 3, "")
    ctx.set_result_url(report.get_absolute_url())
    return {"report": report.pk, "size": report.file.size}
