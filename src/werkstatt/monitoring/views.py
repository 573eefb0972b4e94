"""Monitoring pages: thin views over services/concepts.py and services/reports.py."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from werkstatt.jobs.services import enqueue
from werkstatt.strategy.models import Process, Recommendation
from werkstatt.strategy.services.queries import visible_processes

from .forms import ConceptForm, MilestoneForm, ReportRequestForm, ResultForm, UpdateForm
from .models import ImplementationConcept, Milestone, ReportFile, Result
from .services import concepts as services
from .services.organisations import suggest
from .services.reports import BUILDERS

GET = require_http_methods(["GET", "HEAD"])
GET_POST = require_http_methods(["GET", "HEAD", "POST"])


def _process(request: HttpRequest, slug: str) -> Process:
    process = get_object_or_404(Process.objects.select_related("space"), slug=slug)
    if not request.user.has_perm("monitoring.view_monitoring", process):
        raise Http404
    return process


def _concept(request: HttpRequest, pk: int, perm: str = "monitoring.view_concept"):
    concept = get_object_or_404(services.concepts_queryset().prefetch_related("updates"), pk=pk)
    if not request.user.has_perm("monitoring.view_concept", concept):
        raise Http404
    if perm != "monitoring.view_concept" and not request.user.has_perm(perm, concept):
        raise PermissionDenied
    return concept


def _save(form: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return None


@GET
def index(request: HttpRequest) -> HttpResponse:
    processes = list(visible_processes(request.user).order_by("-start_date"))
    counts = services.concept_counts(request.user, processes)
    for process in processes:
        process.concepts = counts.get(process.pk, 0)
    return render(request, "monitoring/index.html", {"processes": processes})


@GET
def process_page(request: HttpRequest, slug: str) -> HttpResponse:
    process = _process(request, slug)
    monitoring = services.process_monitoring(request.user, process)
    latest = {
        kind: ReportFile.objects.filter(process=process, kind=kind).order_by("-created").first()
        for kind in (ReportFile.Kind.PDF, ReportFile.Kind.OPEN_DATA)
    }
    return render(
        request,
        "monitoring/process.html",
        {
            "process": process,
            "monitoring": monitoring,
            "can_moderate": request.user.has_perm("monitoring.change_concept", process),
            "latest_pdf": latest[ReportFile.Kind.PDF],
            "latest_open_data": latest[ReportFile.Kind.OPEN_DATA],
            "can_request_report": request.user.has_perm("monitoring.request_report", process),
        },
    )


@GET
def concept_page(request: HttpRequest, pk: int) -> HttpResponse:
    concept = _concept(request, pk)
    progress = services.concept_progress(concept)
    return render(
        request,
        "monitoring/concept.html",
        {
            "concept": concept,
            "progress": progress,
            "process": concept.recommendation.process,
            "timeline": services.timeline_of([concept], today=datetime.date.today()),
            "can_edit": request.user.has_perm("monitoring.change_concept", concept),
        },
    )


@login_required
@GET_POST
def concept_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Write or change the implementation concept of recommendation `pk`."""
    recommendation = get_object_or_404(Recommendation.objects.select_related("process"), pk=pk)
    if not request.user.has_perm("strategy.view_recommendation", recommendation):
        raise Http404
    if not request.user.has_perm("monitoring.change_concept", recommendation.process):
        raise PermissionDenied
    instance = ImplementationConcept.objects.filter(recommendation=recommendation).first()
    form = ConceptForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("lead", "partners")}
        concept = _save(
            form,
            services.do_save_concept,
            recommendation,
            request.user,
            data,
            lead=form.cleaned_data["lead"],
            partners=form.cleaned_data["partners"],
        )
        if concept is not None:
            messages.success(request, _("The implementation concept is saved."))
            return redirect(concept)
    return render(
        request,
        "monitoring/concept_form.html",
        {"form": form, "recommendation": recommendation, "process": recommendation.process},
    )


@login_required
@GET
def organisation_suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    """Names of directory organisations for the concept form's finder (htmx fills a datalist;
    without JavaScript the form takes typed names and suggests the closest on a mismatch)."""
    recommendation = get_object_or_404(Recommendation.objects.select_related("process"), pk=pk)
    if not request.user.has_perm("strategy.view_recommendation", recommendation):
        raise Http404
    if not request.user.has_perm("monitoring.change_concept", recommendation.process):
        raise PermissionDenied
    names = suggest(request.GET.get("q", "")[:100])
    return render(request, "monitoring/_organisation_options.html", {"names": names})


def _edit_part(
    request: HttpRequest,
    concept: ImplementationConcept,
    form: Any,
    save: Any,
    title: str,
) -> HttpResponse:
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, save, form.cleaned_data) is not None
    ):
        messages.success(request, _("Saved."))
        return redirect(concept)
    return render(
        request,
        "monitoring/part_form.html",
        {
            "form": form,
            "concept": concept,
            "title": title,
            "process": concept.recommendation.process,
        },
    )


@login_required
@GET_POST
def result_add(request: HttpRequest, pk: int) -> HttpResponse:
    concept = _concept(request, pk, "monitoring.change_concept")
    form = ResultForm(request.POST or None, concept=concept)
    return _edit_part(
        request, concept, form, lambda data: services.do_save_result(concept, data), _("New result")
    )


@login_required
@GET_POST
def result_edit(request: HttpRequest, pk: int) -> HttpResponse:
    result = get_object_or_404(Result, pk=pk)
    concept = _concept(request, result.concept_id, "monitoring.change_concept")
    form = ResultForm(request.POST or None, instance=result, concept=concept)
    # The form has written the cleaned values into `result`; the service checks and saves.
    return _edit_part(
        request,
        concept,
        form,
        lambda data: services.do_save_result(concept, data, result=result),
        _("Edit result"),
    )


@require_POST
@login_required
def result_delete(request: HttpRequest, pk: int) -> HttpResponse:
    result = get_object_or_404(Result, pk=pk)
    concept = _concept(request, result.concept_id, "monitoring.change_concept")
    services.do_delete_result(result)
    messages.success(request, _("The result and its parts are deleted."))
    return redirect(concept)


@login_required
@GET_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    concept = _concept(request, pk, "monitoring.change_concept")
    form = MilestoneForm(request.POST or None)
    return _edit_part(
        request,
        concept,
        form,
        lambda data: services.do_save_milestone(concept, data),
        _("New milestone"),
    )


@login_required
@GET_POST
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_object_or_404(Milestone, pk=pk)
    concept = _concept(request, milestone.concept_id, "monitoring.change_concept")
    form = MilestoneForm(request.POST or None, instance=milestone)
    return _edit_part(
        request,
        concept,
        form,
        lambda data: services.do_save_milestone(concept, data, milestone=milestone),
        _("Edit milestone"),
    )


@require_POST
@login_required
def milestone_delete(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_object_or_404(Milestone, pk=pk)
    concept = _concept(request, milestone.concept_id, "monitoring.change_concept")
    services.do_delete_milestone(milestone)
    messages.success(request, _("The milestone is deleted."))
    return redirect(concept)


@login_required
@GET_POST
def update_add(request: HttpRequest, pk: int) -> HttpResponse:
    concept = _concept(request, pk, "monitoring.change_concept")
    form = UpdateForm(request.POST or None)
    return _edit_part(
        request,
        concept,
        form,
        lambda data: services.do_add_update(concept, request.user, data),
        _("New progress report"),
    )


@login_required
@GET_POST
def reports(request: HttpRequest, slug: str) -> HttpResponse:
    process = _process(request, slug)
    if not request.user.has_perm("monitoring.request_report", process):
        raise PermissionDenied
    may_workbook = request.user.has_perm("monitoring.request_workbook", process)
    form = ReportRequestForm(request.POST or None)
    if not may_workbook:
        form.fields["kind"].choices = [
            c for c in ReportFile.Kind.choices if c[0] != ReportFile.Kind.XLSX
        ]
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        job = enqueue(
            "monitoring.report",
            {"process": process.pk, "kind": kind, "user": request.user.pk},
            user=request.user,
            title=f"{ReportFile.Kind(kind).label}: {process.title}",
        )
        return redirect(job)
    files = [
        f
        for f in ReportFile.objects.filter(process=process).select_related("process")[:20]
        if request.user.has_perm("monitoring.download_report", f)
    ]
    return render(
        request,
        "monitoring/reports.html",
        {"process": process, "form": form, "files": files},
    )


#: URL segment -> the public kinds of report the monitoring page links.
LATEST = {"pdf": ReportFile.Kind.PDF, "offene-daten": ReportFile.Kind.OPEN_DATA}


@GET
def latest_report(request: HttpRequest, slug: str, kind: str) -> FileResponse:
    """The newest public report of a kind: the link a visitor can follow and share."""
    process = _process(request, slug)
    if kind not in LATEST:
        raise Http404
    report = (
        ReportFile.objects.filter(process=process, kind=LATEST[kind])
        .select_related("process")
        .order_by("-created", "-pk")
        .first()
    )
    if report is None:
        raise Http404
    return report_download(request, report.pk)


@GET
def report_download(request: HttpRequest, pk: int) -> FileResponse:
    report = get_object_or_404(ReportFile.objects.select_related("process"), pk=pk)
    if not request.user.has_perm("monitoring.download_report", report):
        raise Http404
    extension, content_type = BUILDERS[ReportFile.Kind(report.kind)]
    return FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=f"{report.process.slug}-{report.kind}.{extension}",
        content_type=content_type,
    )
