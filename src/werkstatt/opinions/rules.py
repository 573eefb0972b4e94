"""Who may do what with opinion conversations. Pages, the API and templates all ask these.

A conversation belongs to a phase of a strategy process, so seeing it and taking part follow
strategy's rules (strategy/rules.py), asked here, never written again:
- seeing a conversation (its statements and results) = seeing its phase;
- voting and adding statements = taking part in the process (any role in it), seeing the
  phase, the process is active and the conversation is open (and, for statements, allows them);
- creating, editing, moderating, importing and exporting = moderating the process.
Superusers pass every rule (strategy's `moderates` says so).
"""

from __future__ import annotations

from typing import Any

import rules

from werkstatt.strategy import rules as strategy_rules
from werkstatt.strategy.models import Phase, Process

from .models import Conversation


def conversation_of(obj: Any) -> Conversation | None:
    if obj is None or isinstance(obj, Conversation):
        return obj
    return obj.conversation


def sees_conversation(user: Any, conversation: Conversation | None) -> bool:
    return conversation is not None and strategy_rules.sees_phase(user, conversation.phase)


def moderates_conversation(user: Any, conversation: Conversation | None) -> bool:
    return conversation is not None and strategy_rules.moderates(user, conversation.phase.process)


def may_vote(user: Any, conversation: Conversation | None) -> bool:
    if conversation is None or not user.is_authenticated or not conversation.is_open:
        return False
    process = conversation.phase.process
    if process.status != Process.Status.ACTIVE:
        return False
    return strategy_rules.takes_part(user, process) and sees_conversation(user, conversation)


@rules.predicate
def can_view_conversation(user, obj) -> bool:
    return sees_conversation(user, conversation_of(obj))


@rules.predicate
def can_moderate_conversation(user, obj) -> bool:
    return moderates_conversation(user, conversation_of(obj))


@rules.predicate
def can_vote(user, obj) -> bool:
    return may_vote(user, conversation_of(obj))


@rules.predicate
def can_add_statement(user, obj) -> bool:
    conversation = conversation_of(obj)
    return (
        conversation is not None and conversation.allow_statements and may_vote(user, conversation)
    )


@rules.predicate
def can_add_conversation(user, phase: Phase | None) -> bool:
    return phase is not None and strategy_rules.moderates(user, phase.process)


rules.add_perm("opinions.view_conversation", can_view_conversation)
rules.add_perm("opinions.vote", can_vote)
rules.add_perm("opinions.add_statement", can_add_statement)
rules.add_perm("opinions.moderate_conversation", can_moderate_conversation)
rules.add_perm("opinions.add_conversation", can_add_conversation)
