"""Opinion conversation pages: the list, voting one statement at a time, adding statements,
the results (the opinion map).

Every view reads the request, asks the rules (opinions/rules.py), calls one service and
renders. Who may not see a conversation gets a 404; who may see it but not act a 403; anonymous
visitors of protected pages the login. Voting works with htmx (the next statement replaces the
card) and without JavaScript (a normal POST and a redirect).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ..forms import StatementForm, VoteForm
from ..models import Conversation, Statement
from ..services import analysis, results
from ..services import conversations as services

PAGE_SIZE = 20
GET = require_http_methods(["GET", "HEAD"])
GET_POST = require_http_methods(["GET", "HEAD", "POST"])


def conversation_view(perm: str | None = None, *, login: bool = True) -> Callable:
    """Load the conversation of `slug`, check that the user sees it (404) and has `perm` (403)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            if login and perm and not request.user.is_authenticated:
                if _is_htmx(request):
                    # A session that ran out: send the whole page to the login, not the card.
                    response = HttpResponse(status=204)
                    back = urlsplit(request.headers.get("HX-Current-URL", "")).path
                    response["HX-Redirect"] = redirect_to_login(back or request.get_full_path())[
                        "Location"
                    ]
                    return response
                return redirect_to_login(request.get_full_path())
            conversation = get_object_or_404(
                Conversation.objects.select_related("phase__process__space"), slug=slug
            )
            if not request.user.has_perm("opinions.view_conversation", conversation):
                raise Http404
            if perm and not request.user.has_perm(perm, conversation):
                raise PermissionDenied
            return view(request, conversation, *args, **kwargs)

        return wrapper

    return decorator


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- list -------------------------------------------------------------------------------------


@GET
def index(request: HttpRequest) -> HttpResponse:
    conversations = services.visible_conversations(request.user).order_by("-created", "-pk")
    page = Paginator(conversations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "opinions/index.html",
        {"page_obj": page, "moderated_phases": services.moderated_phases(request.user)},
    )


# --- voting -----------------------------------------------------------------------------------


def _voting_context(
    request: HttpRequest, conversation: Conversation, *, announcement: str = ""
) -> dict[str, Any]:
    user = request.user
    participant = services.participant_of(conversation, user)
    statement = analysis.next_statement(conversation, participant)
    total = services.accepted_statements(conversation).count()
    voted = (
        participant.votes.filter(statement__status=Statement.Status.ACCEPTED).count()
        if participant
        else 0
    )
    return {
        "conversation": conversation,
        "process": conversation.phase.process,
        "statement": statement,
        "voted": voted,
        "total": total,
        "remaining": max(0, total - voted),
        "can_vote": user.has_perm("opinions.vote", conversation),
        "announcement": announcement,
    }


@GET
@conversation_view(login=False)
def conversation_detail(request: HttpRequest, conversation: Conversation) -> HttpResponse:
    user = request.user
    can_moderate = user.has_perm("opinions.moderate_conversation", conversation)
    context = _voting_context(request, conversation)
    context.update(
        {
            "statement_form": StatementForm(),
            "can_add_statement": user.has_perm("opinions.add_statement", conversation),
            "can_moderate": can_moderate,
            "pending_count": services.pending_count(conversation) if can_moderate else 0,
            "can_join": user.has_perm("strategy.join_process", conversation.phase.process),
            "my_votes": services.my_vote_list(conversation, user),
            "my_pending": Statement.objects.filter(
                conversation=conversation,
                author__user=user,
                status=Statement.Status.PENDING,
            )
            if user.is_authenticated
            else [],
        }
    )
    return render(request, "opinions/conversation.html", context)


ANNOUNCED_CHARACTERS = 80


def vote_announcement(value: int, statement: Statement) -> str:
    """What the live region says after a vote: the vote and the statement it was on, so that
    two votes in a row do not sound the same (the next statement is read where the focus goes)."""
    text = Truncator(statement.text).chars(ANNOUNCED_CHARACTERS)
    messages_by_value = {
        1: _("Agreed: “%(statement)s”."),
        -1: _("Disagreed: “%(statement)s”."),
        0: _("Passed: “%(statement)s”."),
    }
    return messages_by_value[value] % {"statement": text}


@require_POST
@conversation_view("opinions.vote")
def vote(request: HttpRequest, conversation: Conversation) -> HttpResponse:
    form = VoteForm(request.POST)
    error = ""
    announcement = ""
    if form.is_valid():
        statement = Statement.objects.filter(
            conversation=conversation, number=form.cleaned_data["statement"]
        ).first()
        try:
            if statement is None:
                raise ValidationError(_("This statement is not open for votes."))
            services.do_vote(conversation, request.user, statement, form.cleaned_data["value"])
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            announcement = vote_announcement(form.cleaned_data["value"], statement)
    else:
        error = " ".join(m for errors in form.errors.values() for m in errors)
    if _is_htmx(request):
        context = _voting_context(request, conversation, announcement=announcement)
        context["error"] = error
        status = 400 if error else 200
        return render(request, "opinions/_vote_card.html", context, status=status)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, announcement)
    return redirect(conversation.get_absolute_url() + "#abstimmen")


@GET_POST
@conversation_view("opinions.add_statement")
def statement_add(request: HttpRequest, conversation: Conversation) -> HttpResponse:
    form = StatementForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            statement = services.do_add_statement(
                conversation, request.user, form.cleaned_data["text"]
            )
        except ValidationError as exc:
            form.add_error("text", exc)
        else:
            if statement.status == Statement.Status.PENDING:
                messages.success(
                    request,
                    _("Thank you. Your statement appears once a moderator has accepted it."),
                )
            else:
                messages.success(request, _("Thank you. Your statement is open for votes."))
            return redirect(conversation)
    return render(
        request, "opinions/statement_form.html", {"conversation": conversation, "form": form}
    )


# --- results ----------------------------------------------------------------------------------


@GET
@conversation_view(login=False)
def results_view(request: HttpRequest, conversation: Conversation) -> HttpResponse:
    result = analysis.latest_result(conversation)
    # Votes since the last analysis: queue a new one (debounced); this page shows the last.
    job = analysis.refresh_if_stale(conversation, result)
    if job is not None and job.is_finished:  # ran at once (sync mode): show the new result
        result = analysis.latest_result(conversation)
    participant = services.participant_of(conversation, request.user)
    view = results.build_results(conversation, result, participant) if result else None
    return render(
        request,
        "opinions/results.html",
        {
            "conversation": conversation,
            "process": conversation.phase.process,
            "results": view,
            "participant": participant,
            "can_moderate": request.user.has_perm("opinions.moderate_conversation", conversation),
        },
    )
