"""Moderators' pages: creating and editing a conversation, seeding and moderating statements,
importing a Polis export, exporting in Polis's format, recomputing the groups now."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from werkstatt.strategy.models import Phase

from ..forms import ConversationForm, ModerationForm, PolisImportForm, StatementForm
from ..models import Conversation, Statement
from ..services import analysis, polis
from ..services import conversations as services
from .conversations import GET, GET_POST, conversation_view

MODERATE = "opinions.moderate_conversation"
PAGE_SIZE = 50


@GET_POST
@login_required
def conversation_create(request: HttpRequest, phase: int) -> HttpResponse:
    phase_obj = get_object_or_404(Phase.objects.select_related("process"), pk=phase)
    if not request.user.has_perm("opinions.add_conversation", phase_obj):
        raise PermissionDenied
    form = ConversationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            conversation = services.do_create_conversation(
                phase_obj, request.user, form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The conversation has been created. Now seed statements."))
            return redirect("opinions:moderation", slug=conversation.slug)
    return render(
        request,
        "opinions/conversation_form.html",
        {"form": form, "phase": phase_obj, "conversation": None},
    )


@GET_POST
@conversation_view(MODERATE)
def conversation_edit(request: HttpRequest, conversation: Conversation) -> HttpResponse:
    form = ConversationForm(
        request.POST if request.method == "POST" else None, instance=conversation
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        conversation.refresh_from_db()
        try:
            services.do_update_conversation(conversation, data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The conversation has been saved."))
            return redirect(conversation)
        conversation.refresh_from_db()
    return render(
        request,
        "opinions/conversation_form.html",
        {"form": form, "phase": conversation.phase, "conversation": conversation},
    )


@GET_POST
@conversation_view(MODERATE)
def moderation(request: HttpRequest, conversation: Conversation) -> HttpResponse:
    """The statements of a conversation (pending first) and the form to seed new ones."""
    form = StatementForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_add_statement(
                conversation, request.user, form.cleaned_data["text"], seed=True
            )
        except ValidationError as exc:
            form.add_error("text", exc)
        else:
            messages.success(request, _("The statement has been added."))
            return redirect("opinions:moderation", slug=conversation.slug)
    pending = list(
        conversation.statements.filter(status=Statement.Status.PENDING).order_by("number")[:100]
    )
    others = conversation.statements.exclude(status=Statement.Status.PENDING).order_by("number")
    page = Paginator(others, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "opinions/moderation.html",
        {"conversation": conversation, "form": form, "pending": pending, "page_obj": page},
    )


@require_POST
@conversation_view(MODERATE)
def statement_moderate(request: HttpRequest, conversation: Conversation, pk: int) -> HttpResponse:
    statement = get_object_or_404(Statement, conversation=conversation, pk=pk)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("status", [])) or _("Invalid request."))
    else:
        services.do_moderate_statement(statement, form.cleaned_data["status"])
        if form.cleaned_data["status"] == Statement.Status.ACCEPTED:
            messages.success(request, _("The statement is open for votes."))
        else:
            messages.success(request, _("The statement has been moderated out."))
    return redirect("opinions:moderation", slug=conversation.slug)


@GET_POST
@conversation_view(MODERATE)
def polis_import(request: HttpRequest, conversation: Conversation) -> HttpResponse:
    form = PolisImportForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    if request.method == "POST" and form.is_valid():
        try:
            counts = polis.do_import_polis(conversation, form.files_to_import())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            analysis.request_analysis(conversation, force=True)
            messages.success(
                request,
                _(
                    "Imported %(statements)d statements, %(participants)d participants and "
                    "%(votes)d votes."
                )
                % counts,
            )
            return redirect("opinions:results", slug=conversation.slug)
    return render(request, "opinions/import.html", {"conversation": conversation, "form": form})


@GET
@conversation_view(MODERATE)
def polis_export(request: HttpRequest, conversation: Conversation) -> HttpResponse:
    result = analysis.latest_result(conversation)
    groups = {}
    if result is not None:
        groups = {int(p): g for p, g in result.data.get("participants", {}).items()}
    content = polis.export_polis(conversation, groups)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="polis-{conversation.slug}.zip"'
    return response


@require_POST
@conversation_view(MODERATE)
def analyse_now(request: HttpRequest, conversation: Conversation) -> HttpResponse:
    job = analysis.request_analysis(conversation, force=True)
    if job is None:
        messages.info(request, _("An analysis is already queued."))
    else:
        messages.success(request, _("The opinion groups are being computed."))
    return redirect(reverse("opinions:results", kwargs={"slug": conversation.slug}))
