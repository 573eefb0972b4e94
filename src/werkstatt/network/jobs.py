"""Background jobs of the network directory: checking and importing member lists."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from werkstatt.jobs.registry import JobError, job_handler

from .models import ImportBatch
from .services import importer


@job_handler("network.import_analyse")
def analyse_import(ctx: Any, payload: dict[str, Any]) -> dict[str, Any]:
    """Check every row of an uploaded list for the preview."""
    try:
        batch = ImportBatch.objects.get(pk=payload["batch_id"])
    except ImportBatch.DoesNotExist as exc:
        raise JobError(gettext("The import no longer exists.")) from exc
    try:
        totals = importer.analyse(batch, ctx.progress)
    except importer.ImportFileError as exc:
        raise JobError(" ".join(exc.messages)) from exc
    ctx.set_result_url(importer.preview_url(batch))
    return {"batch": batch.pk, "totals": totals}


@job_handler("network.import")
def run_import(ctx: Any, payload: dict[str, Any]) -> dict[str, Any]:
    """Import a checked list all-or-nothing (see services/importer.run_import)."""
    batch_id = payload["batch_id"]
    if not ImportBatch.objects.filter(pk=batch_id).exists():
        raise JobError(gettext("The import no longer exists."))
    ctx.set_result_url(importer.import_result_url(ImportBatch(pk=batch_id)))
    return importer.run_import(batch_id, ctx.progress, job_id=ctx.job.pk)
