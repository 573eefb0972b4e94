"""Recommendation pages: the filtered list, proposing, the detail page with its discussion,
editing, versions, attachments; comments, reactions and reports (htmx and plain forms)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms import (
    AnswerForm,
    CommentForm,
    ModerateForm,
    ReactionForm,
    RecommendationFilterForm,
    RecommendationForm,
    ReportForm,
)
from ..models import Attachment, Comment, Process, Recommendation, RecommendationEdit
from ..services import comments as comment_services
from ..services import recommendations as services
from ..services.history import recommendation_versions
from ..services.queries import (
    RecommendationFilter,
    comment_node,
    comment_tree,
    filtered_recommendations,
    visible_attachments,
)
from .common import GET, GET_POST, process_view, run

PAGE_SIZE = 20


def get_recommendation(request: HttpRequest, process: Process, pk: int) -> Recommendation:
    rec = get_object_or_404(
        Recommendation.objects.select_related(
            "process__space", "phase", "author", "author_organisation", "answered_by"
        ),
        pk=pk,
        process=process,
    )
    if not request.user.has_perm("strategy.view_recommendation", rec):
        raise Http404
    return rec


def get_comment(request: HttpRequest, process: Process, pk: int) -> Comment:
    comment = get_object_or_404(
        Comment.objects.select_related("recommendation__process", "recommendation__phase"),
        pk=pk,
        recommendation__process=process,
    )
    if not request.user.has_perm("strategy.view_recommendation", comment.recommendation):
        raise Http404
    return comment


@GET
@process_view()
def recommendation_list(request: HttpRequest, process: Process) -> HttpResponse:
    form = RecommendationFilterForm(request.GET or None, process=process)
    filters = RecommendationFilter()
    if form.is_valid():
        data = form.cleaned_data
        filters = RecommendationFilter(
            action_field=data["action_field"].pk if data["action_field"] else None,
            region=data["region"].pk if data["region"] else None,
            sector=data["sector"].pk if data["sector"] else None,
            status=data["status"],
            kind=data["kind"],
            query=data["q"].strip(),
        )
    qs = filtered_recommendations(request.user, process, filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "process": process,
        "form": form,
        "page_obj": page,
        "recommendations": page.object_list,
        "can_propose": request.user.has_perm("strategy.propose", process),
        "can_moderate": request.user.has_perm("strategy.moderate", process),
    }
    return render(request, "strategy/recommendation_list.html", context)


@GET_POST
@process_view("strategy.propose")
def recommendation_create(request: HttpRequest, process: Process) -> HttpResponse:
    form = RecommendationForm(
        request.POST or None, request.FILES or None, process=process, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        rec = run(form, services.do_propose, process, request.user, data, data["attachments"])
        if rec is not None:
            if rec.is_published:
                messages.success(request, _("Thank you! Your contribution is published."))
            else:
                messages.success(
                    request,
                    _("Thank you! Your contribution will appear once a moderator has seen it."),
                )
            return redirect(rec)
    return render(request, "strategy/recommendation_form.html", {"form": form, "process": process})


def detail_context(request: HttpRequest, rec: Recommendation, **extra: Any) -> dict[str, Any]:
    user = request.user
    can_moderate = user.has_perm("strategy.moderate", rec.process)
    context = {
        "process": rec.process,
        "recommendation": rec,
        "attachments": visible_attachments(user, rec),
        "pending_edit": _pending_edit_for(user, rec, can_moderate),
        "action_fields": rec.action_fields.all(),
        "regions": rec.regions.all(),
        "sectors": rec.sectors.all(),
        "comments": comment_tree(user, rec),
        "comment_form": CommentForm(recommendation=rec),
        "can_comment": user.has_perm("strategy.comment", rec),
        "can_react": user.is_authenticated and user.has_perm("strategy.react", _probe(rec)),
        "can_report": user.has_perm("strategy.report", rec),
        "can_edit": user.has_perm("strategy.change_recommendation", rec),
        "can_moderate": can_moderate,
        "answer_form": AnswerForm(initial={"answer": rec.answer, "status": rec.status})
        if can_moderate
        else None,
        "moderate_form": ModerateForm() if can_moderate else None,
    }
    context.update(extra)
    return context


def _pending_edit_for(user: Any, rec: Recommendation, can_moderate: bool) -> Any:
    """The edit awaiting moderation, for its author and the moderators (nobody else)."""
    if not user.is_authenticated:
        return None
    edit = services.pending_edit(rec)
    if edit is not None and (can_moderate or edit.author_id == user.pk):
        return edit
    return None


def _probe(rec: Recommendation) -> Comment:
    # Reacting depends on the recommendation, not on which comment: ask once for the page.
    return Comment(recommendation=rec)


@GET
@process_view()
def recommendation_detail(request: HttpRequest, process: Process, pk: int) -> HttpResponse:
    rec = get_recommendation(request, process, pk)
    return render(request, "strategy/recommendation_detail.html", detail_context(request, rec))


@GET_POST
@process_view()
def recommendation_edit(request: HttpRequest, process: Process, pk: int) -> HttpResponse:
    rec = get_recommendation(request, process, pk)
    if not request.user.has_perm("strategy.change_recommendation", rec):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    waiting = services.pending_edit(rec)
    initial = {}
    if waiting is not None and waiting.author_id == request.user.pk:
        # The author goes on with the edit the moderators have not seen yet.
        initial = {
            "kind": waiting.kind,
            "title": waiting.title,
            "text": waiting.text,
            "author_organisation": waiting.author_organisation_id,
            **waiting.tags,
        }
    form = RecommendationForm(
        request.POST or None,
        request.FILES or None,
        instance=rec,
        initial=initial,
        process=process,
        user=request.user,
    )
    moderated = services.needs_edit_moderation(rec, request.user)
    if request.method == "POST" and form.is_valid():
        rec.refresh_from_db()
        data = form.cleaned_data
        if run(form, services.do_edit, rec, request.user, data, data["attachments"]):
            if moderated:
                messages.success(
                    request,
                    _(
                        "Thank you! Your changes will appear once a moderator has seen them; "
                        "until then the published version stays."
                    ),
                )
            else:
                messages.success(
                    request, _("Your changes are saved; the previous version is kept.")
                )
            return redirect(rec)
        rec.refresh_from_db()
    context = {
        "form": form,
        "process": process,
        "recommendation": rec,
        "moderated": moderated,
        "attachments": visible_attachments(request.user, rec),
    }
    return render(request, "strategy/recommendation_form.html", context)


@GET
@process_view()
def recommendation_versions_view(request: HttpRequest, process: Process, pk: int) -> HttpResponse:
    rec = get_recommendation(request, process, pk)
    page = recommendation_versions(rec, request.GET.get("page"))
    context = {"process": process, "recommendation": rec, "page_obj": page, "entries": page}
    return render(request, "strategy/recommendation_versions.html", context)


@GET
@process_view()
def attachment_download(request: HttpRequest, process: Process, pk: int) -> HttpResponse:
    attachment = get_object_or_404(
        Attachment.objects.select_related("recommendation__process", "recommendation__phase"),
        pk=pk,
        recommendation__process=process,
    )
    if not request.user.has_perm("strategy.view_recommendation", attachment.recommendation):
        raise Http404
    if (
        not visible_attachments(request.user, attachment.recommendation)
        .filter(pk=attachment.pk)
        .exists()
    ):
        raise Http404  # added with an edit that awaits moderation
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        content_type=attachment.content_type,
        as_attachment=attachment.content_type == "application/pdf",
        filename=attachment.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- discussion -----------------------------------------------------------------------------


def _discussion_response(
    request: HttpRequest, rec: Recommendation, form: CommentForm | None = None
) -> HttpResponse:
    context = detail_context(request, rec)
    if form is not None:
        context["comment_form"] = form
    status = 422 if form is not None and form.errors else 200
    return render(request, "strategy/_discussion.html", context, status=status)


@require_POST
@process_view()
def comment_create(request: HttpRequest, process: Process, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    rec = get_recommendation(request, process, pk)
    if not request.user.has_perm("strategy.comment", rec):
        raise PermissionDenied
    form = CommentForm(request.POST, recommendation=rec)
    comment = None
    if form.is_valid():
        data = form.cleaned_data
        comment = run(
            form, comment_services.do_comment, rec, request.user, data["text"], data["parent"]
        )
    if request.htmx:
        return _discussion_response(request, rec, None if comment else form)
    if comment is None:
        context = detail_context(request, rec, comment_form=form)
        return render(request, "strategy/recommendation_detail.html", context, status=422)
    messages.success(request, _("Your comment has been published."))
    return redirect(comment.get_absolute_url())


@GET_POST
@process_view()
def comment_reply(request: HttpRequest, process: Process, pk: int) -> HttpResponse:
    """The reply form of one comment as its own page (works without JavaScript)."""
    comment = get_comment(request, process, pk)
    rec = comment.recommendation
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("strategy.comment", rec):
        raise PermissionDenied
    form = CommentForm(request.POST or None, recommendation=rec, initial={"parent": comment.pk})
    if request.method == "POST" and form.is_valid():
        reply = run(
            form, comment_services.do_comment, rec, request.user, form.cleaned_data["text"], comment
        )
        if reply is not None:
            messages.success(request, _("Your reply has been published."))
            return redirect(reply.get_absolute_url())
    context = {"process": process, "recommendation": rec, "comment": comment, "form": form}
    if request.htmx and request.method == "GET":
        # Inside the discussion: the reply replaces the discussion. On its own page (without
        # JavaScript, or opened before htmx was ready) the form posts here and comes back.
        return render(request, "strategy/_reply_form.html", {**context, "inline": True})
    return render(request, "strategy/comment_reply.html", context)


@require_POST
@process_view()
def comment_react(request: HttpRequest, process: Process, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    comment = get_comment(request, process, pk)
    if not request.user.has_perm("strategy.react", comment):
        raise PermissionDenied
    form = ReactionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown reaction."))
    else:
        comment_services.do_react(comment, request.user, form.cleaned_data["kind"])
    if request.htmx:
        # Only this comment's reactions: what someone is typing elsewhere stays untouched.
        context = {
            "process": process,
            "comment": comment,
            "node": comment_node(request.user, comment),
            "can_react": True,
        }
        return render(request, "strategy/_reactions.html", context)
    return redirect(comment.get_absolute_url())


@GET_POST
@process_view()
def report(request: HttpRequest, process: Process, kind: str, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if kind not in ("kommentar", "empfehlung"):
        raise Http404
    target: Comment | Recommendation
    if kind == "kommentar":
        target = get_comment(request, process, pk)
        rec = target.recommendation
    else:
        target = rec = get_recommendation(request, process, pk)
    if not request.user.has_perm("strategy.report", target):
        raise PermissionDenied
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run(
            form, comment_services.do_report, target, request.user, data["reason"], data["text"]
        )
        if done is not None:
            messages.success(request, _("Thank you. The moderators will look into it."))
            return redirect(target.get_absolute_url())
    context = {
        "process": process,
        "recommendation": rec,
        "target": target,
        "is_comment": kind == "kommentar",
        "form": form,
    }
    return render(request, "strategy/report_form.html", context)


# --- the project office's answer and moderation of one recommendation ----------------------


@require_POST
@process_view("strategy.moderate")
def recommendation_answer(request: HttpRequest, process: Process, pk: int) -> HttpResponse:
    rec = get_recommendation(request, process, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if run(form, services.do_answer, rec, request.user, data["answer"], data["status"]):
            messages.success(request, _("The answer has been saved; the participants are told."))
            return redirect(rec)
    context = detail_context(request, rec, answer_form=form)
    return render(request, "strategy/recommendation_detail.html", context, status=422)


@require_POST
@process_view("strategy.moderate")
def recommendation_moderate(request: HttpRequest, process: Process, pk: int) -> HttpResponse:
    rec = get_recommendation(request, process, pk)
    form = ModerateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if run(form, services.do_moderate, rec, request.user, data["decision"], data["reason"]):
            messages.success(request, _("The moderation decision has been saved."))
            if request.POST.get("next") == "queue":
                return redirect("strategy:moderation", slug=process.slug)
            return redirect(rec)
    context = detail_context(request, rec, moderate_form=form)
    return render(request, "strategy/recommendation_detail.html", context, status=422)


@require_POST
@process_view("strategy.moderate")
def edit_moderate(request: HttpRequest, process: Process, pk: int) -> HttpResponse:
    """Publish or reject an edit that awaits moderation (from the moderation queue)."""
    edit = get_object_or_404(
        RecommendationEdit.objects.select_related("recommendation__process"),
        pk=pk,
        recommendation__process=process,
    )
    form = ModerateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        decided = run(
            form, services.do_moderate_edit, edit, request.user, data["decision"], data["reason"]
        )
        if decided:
            messages.success(request, _("The moderation decision has been saved."))
            return redirect("strategy:moderation", slug=process.slug)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(reverse("strategy:moderation", args=[process.slug]) + f"#edit-{edit.pk}")
