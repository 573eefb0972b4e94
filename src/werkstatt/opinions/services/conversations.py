"""Writes to conversations, statements and votes, and the reads the pages share.

Each `do_*` function makes one change atomically. Permission checks are the caller's (views and
the API ask opinions/rules.py); rules that hold whoever asks (a statement is short and new, a
vote is agree/disagree/pass on an accepted statement of an open conversation) are checked here
and raise `ValidationError` with a message for the user, changing nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from werkstatt.accounts.models import SpaceRole
from werkstatt.notifications.services import notify
from werkstatt.strategy.models import Phase
from werkstatt.strategy.services.queries import visible_processes

from ..models import STATEMENT_MAX_LENGTH, Conversation, Participant, Statement, Vote

Status = Statement.Status
CONVERSATION_FIELDS = (
    "title",
    "question",
    "is_open",
    "allow_statements",
    "moderate_statements",
)


# --- reading ----------------------------------------------------------------------------------


def visible_conversations(user: Any) -> QuerySet[Conversation]:
    """The conversations `user` may see: strategy's phase rule (strategy/rules.py) as a filter.

    Lists must never show what the conversation page would refuse; a test compares both for
    every combination of process status, publicity, phase visibility and role.
    """
    qs = Conversation.objects.select_related("phase__process").filter(
        phase__process__in=visible_processes(user)
    )
    if user.is_authenticated and user.is_superuser:
        return qs
    shown = Q(phase__visibility=Phase.Visibility.PUBLIC)
    if user.is_authenticated:
        roles = SpaceRole.objects.filter(user=user)
        spaces = roles.values("space_id")
        moderated = roles.filter(role=SpaceRole.Role.MODERATOR).values("space_id")
        board = roles.filter(role=SpaceRole.Role.BOARD_MEMBER).values("space_id")
        in_process = Q(phase__process__space_id__in=spaces) | Q(
            phase__process__board_space_id__in=board
        )
        on_board = Q(phase__process__space_id__in=board) | Q(
            phase__process__board_space_id__in=board
        )
        shown |= Q(phase__process__space_id__in=moderated)
        shown |= Q(phase__visibility=Phase.Visibility.MEMBERS) & in_process
        shown |= Q(phase__visibility=Phase.Visibility.BOARD) & on_board
    return qs.filter(shown)


def moderated_phases(user: Any, limit: int = 20) -> list[Phase]:
    """Phases in which the user may start a conversation (moderators of their process)."""
    if not user.is_authenticated:
        return []
    phases = Phase.objects.select_related("process").order_by("-process__start_date", "start_date")
    if not user.is_superuser:
        phases = phases.filter(
            process__space__roles__user=user,
            process__space__roles__role=SpaceRole.Role.MODERATOR,
        )
    return list(phases[:limit])


def my_vote_list(conversation: Conversation, user: Any) -> list[Vote]:
    """The user's votes on accepted statements, in the statements' order (one query)."""
    if not user.is_authenticated:
        return []
    return list(
        Vote.objects.filter(
            participant__conversation=conversation,
            participant__user=user,
            statement__status=Status.ACCEPTED,
        )
        .select_related("statement")
        .order_by("statement__number")
    )


def pending_count(conversation: Conversation) -> int:
    return conversation.statements.filter(status=Status.PENDING).count()


def accepted_statements(conversation: Conversation) -> QuerySet[Statement]:
    return conversation.statements.filter(status=Status.ACCEPTED)


def participant_of(conversation: Conversation, user: Any) -> Participant | None:
    if not user.is_authenticated:
        return None
    return Participant.objects.filter(conversation=conversation, user=user).first()


# --- conversations ----------------------------------------------------------------------------


def unique_slug(title: str) -> str:
    base = slugify(title)[:70] or "meinungsbild"
    slug, n = base, 2
    while Conversation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def do_create_conversation(phase: Phase, user: Any, data: Mapping[str, Any]) -> Conversation:
    title = str(data.get("title", "")).strip()
    if not title:
        raise ValidationError(_("Give the conversation a title."), code="title")
    conversation = Conversation(
        phase=phase, created_by=user if getattr(user, "is_authenticated", False) else None
    )
    for field in CONVERSATION_FIELDS:
        if field in data:
            setattr(conversation, field, data[field])
    conversation.title = title
    conversation.slug = unique_slug(title)
    conversation.save()
    return conversation


@transaction.atomic
def do_update_conversation(conversation: Conversation, data: Mapping[str, Any]) -> Conversation:
    title = str(data.get("title", conversation.title)).strip()
    if not title:
        raise ValidationError(_("Give the conversation a title."), code="title")
    for field in CONVERSATION_FIELDS:
        if field in data:
            setattr(conversation, field, data[field])
    conversation.title = title
    conversation.save()
    return conversation


# --- participants ------------------------------------------------------------------------------


def do_join(conversation: Conversation, user: Any) -> Participant:
    """The user's participant in this conversation, created on the first vote or statement."""
    participant = participant_of(conversation, user)
    if participant is not None:
        return participant
    try:
        with transaction.atomic():
            return Participant.objects.create(conversation=conversation, user=user)
    except IntegrityError:  # a second request of the same person won the race
        return Participant.objects.get(conversation=conversation, user=user)


# --- statements -------------------------------------------------------------------------------


def check_statement_text(conversation: Conversation, text: str) -> str:
    text = " ".join(str(text or "").split())
    if not text:
        raise ValidationError(_("Write a statement."), code="empty")
    if len(text) > STATEMENT_MAX_LENGTH:
        raise ValidationError(
            _("A statement has at most %(limit)d characters; this one has %(length)d."),
            code="too_long",
            params={"limit": STATEMENT_MAX_LENGTH, "length": len(text)},
        )
    if conversation.statements.exclude(status=Status.REJECTED).filter(text__iexact=text).exists():
        raise ValidationError(_("This statement is already in the conversation."), code="duplicate")
    return text


def next_number(conversation: Conversation) -> int:
    top = conversation.statements.aggregate(top=Max("number"))["top"]
    return 0 if top is None else top + 1


def do_add_statement(
    conversation: Conversation, user: Any, text: str, *, seed: bool = False
) -> Statement:
    """Add a statement. Seeds (by moderators) and statements of unmoderated conversations are
    accepted at once; others wait for a moderator."""
    text = check_statement_text(conversation, text)
    if not seed and not conversation.is_open:
        raise ValidationError(_("This conversation is closed."), code="closed")
    if not seed and not conversation.allow_statements:
        raise ValidationError(
            _("This conversation takes no statements of participants."), code="no_statements"
        )
    accepted = seed or not conversation.moderate_statements
    for _attempt in range(3):  # two people adding at once may take the same number
        try:
            with transaction.atomic():
                author = do_join(conversation, user) if not seed else None
                now = timezone.now()
                statement = Statement.objects.create(
                    conversation=conversation,
                    number=next_number(conversation),
                    text=text,
                    author=author,
                    is_seed=seed,
                    status=Status.ACCEPTED if accepted else Status.PENDING,
                    moderated_at=now if accepted else None,
                )
                if not accepted:
                    transaction.on_commit(lambda: notify_moderators(conversation, user))
                return statement
        except IntegrityError:
            continue
    raise ValidationError(_("The statement could not be saved; please try again."))


def moderators_of(conversation: Conversation) -> QuerySet[Any]:
    return (
        get_user_model()
        .objects.filter(
            space_roles__space_id=conversation.phase.process.space_id,
            space_roles__role=SpaceRole.Role.MODERATOR,
        )
        .distinct()
    )


def notify_moderators(conversation: Conversation, author: Any) -> None:
    """Tell the process's moderators that a statement awaits them."""
    notify(
        moderators_of(conversation),
        verb="opinions.statement_pending",
        title=format_lazy(
            gettext_lazy("A new statement awaits moderation in “{}”"), conversation.title
        ),
        url=reverse("opinions:moderation", kwargs={"slug": conversation.slug}),
        actor=author,
        target=conversation,
    )


@transaction.atomic
def do_moderate_statement(statement: Statement, status: str) -> Statement:
    if status not in (Status.ACCEPTED, Status.REJECTED, Status.PENDING):
        raise ValidationError(_("Choose to accept or to reject the statement."), code="status")
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if statement.status == status:
        return statement
    statement.status = status
    statement.moderated_at = timezone.now()
    statement.save(update_fields=["status", "moderated_at"])
    return statement


# --- votes ------------------------------------------------------------------------------------


def check_vote_value(value: Any) -> int:
    """1 agree, -1 disagree, 0 pass (as numbers or their text); anything else is refused."""
    text = str(value).strip() if value is not None and not isinstance(value, bool) else ""
    if text not in ("1", "-1", "0", "+1"):
        raise ValidationError(_("Vote agree, disagree or pass."), code="value")
    return int(text)


@transaction.atomic
def do_vote(conversation: Conversation, user: Any, statement: Statement, value: Any) -> Vote:
    """The user's vote on a statement; voting again changes it (one vote per statement)."""
    number = check_vote_value(value)
    if statement.conversation_id != conversation.pk:
        raise ValidationError(_("This statement belongs to another conversation."), code="other")
    if not conversation.is_open:
        raise ValidationError(_("This conversation is closed."), code="closed")
    if statement.status != Status.ACCEPTED:
        raise ValidationError(_("This statement is not open for votes."), code="not_accepted")
    participant = do_join(conversation, user)
    now = timezone.now()
    vote, created = Vote.objects.select_for_update().get_or_create(
        participant=participant,
        statement=statement,
        defaults={"value": number, "created": now, "modified": now},
    )
    if not created:
        vote.value = number
        vote.modified = now
        vote.save(update_fields=["value", "modified"])
    from .analysis import request_analysis  # analysis imports this module

    transaction.on_commit(lambda: request_analysis(conversation))
    return vote


def my_votes(conversation: Conversation, user: Any) -> dict[int, int]:
    """statement id -> the user's vote."""
    if not user.is_authenticated:
        return {}
    return dict(
        Vote.objects.filter(
            participant__conversation=conversation, participant__user=user
        ).values_list("statement_id", "value")
    )
