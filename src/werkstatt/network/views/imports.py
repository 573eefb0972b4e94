"""Pages of the member-list import: upload → mapping → preview → commit → report.

Only network moderators (and superusers) import (perm network.import_organisations); a batch
is seen only by its creator or a superuser (perm network.view_import). Anonymous visitors go to
the login, everyone else gets 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ..forms.imports import DecisionForm, MappingForm, SheetForm, UploadForm
from ..models import ImportBatch, ImportRow
from ..services import importer

PAGE_SIZE = 50
GET_POST = require_http_methods(["GET", "HEAD", "POST"])


def _check_importer(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("network.import_organisations"):
        raise PermissionDenied
    return None


def batch_view(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(request: HttpRequest, pk: int, *args: Any, **kwargs: Any) -> HttpResponse:
        denied = _check_importer(request)
        if denied is not None:
            return denied
        batch = get_object_or_404(ImportBatch, pk=pk)
        if not request.user.has_perm("network.view_import", batch):
            raise PermissionDenied
        return view(request, batch, *args, **kwargs)

    return wrapper


def _after_job(job: Any, url: str) -> HttpResponse:
    # In sync mode (tests, small setups) the job is already done: go straight on.
    if job.status == job.Status.SUCCEEDED:
        return redirect(url)
    return redirect("jobs:detail", job.pk)


@GET_POST
def import_upload(request: HttpRequest) -> HttpResponse:
    denied = _check_importer(request)
    if denied is not None:
        return denied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = importer.do_create_batch(request.user, upload.name, upload.read())
        except importer.ImportFileError as exc:
            form.add_error("file", exc)
        else:
            return redirect("network:import_mapping", batch.pk)
    batches = importer.batches_for(request.user)[:10]
    return render(request, "network/import_upload.html", {"form": form, "batches": batches})


@GET_POST
@batch_view
def import_mapping(request: HttpRequest, batch: ImportBatch) -> HttpResponse:
    if batch.status in {
        ImportBatch.Status.QUEUED,
        ImportBatch.Status.RUNNING,
        ImportBatch.Status.DONE,
    }:
        return redirect("network:import_report", batch.pk)
    sheets = len(batch.info.get("sheets", [])) > 1
    if request.method == "POST" and "sheet" in request.POST and sheets:
        sheet_form = SheetForm(batch, request.POST)
        if sheet_form.is_valid():
            try:
                importer.do_select_sheet(batch, sheet_form.cleaned_data["sheet"])
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            return redirect("network:import_mapping", batch.pk)
    sheet_form = SheetForm(batch) if sheets else None
    form = MappingForm(batch, request.POST or None)
    if request.method == "POST" and "sheet" not in request.POST and form.is_valid():
        try:
            batch = importer.do_set_mapping(batch, form.mapping())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            job = importer.do_start_analysis(batch, request.user)
            return _after_job(job, importer.preview_url(batch))
    warnings = importer.describe_issues(batch.info.get("warnings", []))
    return render(
        request,
        "network/import_mapping.html",
        {"batch": batch, "form": form, "warnings": warnings, "sheet_form": sheet_form},
    )


def _page(request: HttpRequest, batch: ImportBatch) -> tuple[Any, str]:
    status = request.GET.get("status", "")
    paginator = Paginator(importer.rows_for(batch, status), PAGE_SIZE)
    return paginator.get_page(request.GET.get("page")), status


@GET_POST
@batch_view
def import_preview(request: HttpRequest, batch: ImportBatch) -> HttpResponse:
    if batch.status != ImportBatch.Status.ANALYSED and batch.status != ImportBatch.Status.FAILED:
        if batch.status in {ImportBatch.Status.UPLOADED, ImportBatch.Status.ANALYSING}:
            return redirect("network:import_mapping", batch.pk)
        return redirect("network:import_report", batch.pk)
    page_obj, status = _page(request, batch)
    rows = list(page_obj.object_list)
    form = DecisionForm(rows, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            importer.do_set_decisions(batch, form.decisions())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your decisions have been saved."))
            return redirect(request.get_full_path())
    items = [
        {"row": row, "field": form.field_for(row), "reason": importer.row_reason(row)}
        for row in rows
    ]
    return render(
        request,
        "network/import_preview.html",
        {
            "batch": batch,
            "form": form,
            "items": items,
            "page_obj": page_obj,
            "status": status,
            "totals": importer.row_totals(batch),
            "statuses": ImportRow.Status.choices,
            "warnings": importer.describe_issues(batch.info.get("warnings", [])),
            "mapping": [
                (label, importer.column_label(batch, batch.mapping[f]))
                for f, (label, _w) in importer.FIELDS.items()
                if batch.mapping.get(f) is not None
            ],
        },
    )


@require_POST
@batch_view
def import_commit(request: HttpRequest, batch: ImportBatch) -> HttpResponse:
    try:
        job = importer.do_commit(batch, request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("network:import_report", batch.pk)
    return _after_job(job, importer.import_result_url(batch))


@require_http_methods(["GET", "HEAD"])
@batch_view
def import_report(request: HttpRequest, batch: ImportBatch) -> HttpResponse:
    if request.GET.get("format") == "csv":
        response = StreamingHttpResponse(
            importer.report_csv(batch), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-report.csv"'
        return response
    page_obj, status = _page(request, batch)
    items = [{"row": row, "reason": importer.row_reason(row)} for row in page_obj.object_list]
    return render(
        request,
        "network/import_report.html",
        {
            "batch": batch,
            "items": items,
            "page_obj": page_obj,
            "status": status,
            "counts": batch.report.get("counts", {}),
            "error": batch.report.get("error", ""),
            "results": ImportRow.Result.choices,
        },
    )
