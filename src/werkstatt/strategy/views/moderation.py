"""The moderators' pages: the queue (contributions awaiting moderation, open reports), hiding
and showing comments, handling reports, and the audit trail of every moderation action."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms import HandleReportForm, ModerateForm, ReasonForm
from ..models import ModerationAction, Process, Report
from ..services import comments as services
from ..services.queries import moderation_queue
from .common import GET, GET_POST, process_view, run
from .recommendations import get_comment

PAGE_SIZE = 50


@GET
@process_view("strategy.moderate")
def queue(request: HttpRequest, process: Process) -> HttpResponse:
    context = {
        "process": process,
        "moderate_form": ModerateForm(),
        **moderation_queue(process),
    }
    return render(request, "strategy/moderation_queue.html", context)


@GET
@process_view("strategy.moderate")
def audit_log(request: HttpRequest, process: Process) -> HttpResponse:
    qs = ModerationAction.objects.filter(process=process).select_related(
        "actor", "recommendation", "comment"
    )
    kind = request.GET.get("kind", "")
    if kind in ModerationAction.Kind.values:
        qs = qs.filter(kind=kind)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "process": process,
        "page_obj": page,
        "actions": page.object_list,
        "kinds": ModerationAction.Kind.choices,
        "kind": kind,
    }
    return render(request, "strategy/audit_log.html", context)


@GET_POST
@process_view("strategy.moderate")
def comment_hide(request: HttpRequest, process: Process, pk: int) -> HttpResponse:
    comment = get_comment(request, process, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        if run(form, services.do_hide_comment, comment, request.user, reason):
            messages.success(request, _("The comment is hidden; its author has been told why."))
            return redirect(comment.get_absolute_url())
    context = {"process": process, "comment": comment, "form": form}
    return render(request, "strategy/comment_hide.html", context)


@require_POST
@process_view("strategy.moderate")
def comment_show(request: HttpRequest, process: Process, pk: int) -> HttpResponse:
    comment = get_comment(request, process, pk)
    try:
        services.do_show_comment(comment, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("The comment is shown again."))
    return redirect(comment.get_absolute_url())


@require_POST
@process_view("strategy.moderate")
def report_handle(request: HttpRequest, process: Process, pk: int) -> HttpResponse:
    report = get_object_or_404(Report, pk=pk, process=process)
    form = HandleReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose whether the report is resolved or dismissed."))
    else:
        data = form.cleaned_data
        if run(
            form, services.do_handle_report, report, request.user, data["decision"], data["reason"]
        ):
            messages.success(request, _("The report has been handled."))
        else:
            messages.error(request, " ".join(form.non_field_errors()))
    return redirect("strategy:moderation", slug=process.slug)
