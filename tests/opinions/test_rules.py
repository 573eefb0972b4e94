"""The rules: seeing follows the phase, taking part the process's roles and state."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories import SuperuserFactory, UserFactory
from tests.opinions.factories import (
    ConversationFactory,
    PhaseFactory,
    ProcessFactory,
    member_of,
    moderator_of,
)
from werkstatt.strategy.models import Phase, Process

pytestmark = pytest.mark.django_db


def perms(user, conversation) -> set[str]:
    names = ("view_conversation", "vote", "add_statement", "moderate_conversation")
    return {n for n in names if user.has_perm(f"opinions.{n}", conversation)}


def test_roles_in_an_open_conversation(conversation):
    process = conversation.phase.process
    assert perms(AnonymousUser(), conversation) == {"view_conversation"}
    assert perms(UserFactory(), conversation) == {"view_conversation"}
    assert perms(member_of(process), conversation) == {"view_conversation", "vote", "add_statement"}
    everything = {"view_conversation", "vote", "add_statement", "moderate_conversation"}
    assert perms(moderator_of(process), conversation) == everything
    assert perms(SuperuserFactory(), conversation) == everything
    # A role in another process counts for nothing here.
    assert perms(member_of(ProcessFactory()), conversation) == {"view_conversation"}


def test_closed_or_inactive_takes_no_votes(conversation):
    member = member_of(conversation.phase.process)
    conversation.is_open = False
    assert perms(member, conversation) == {"view_conversation"}
    conversation.is_open = True
    conversation.allow_statements = False
    assert perms(member, conversation) == {"view_conversation", "vote"}
    conversation.phase.process.status = Process.Status.COMPLETED
    assert perms(member, conversation) == {"view_conversation"}


def test_visibility_follows_the_phase():
    board_phase = PhaseFactory(visibility=Phase.Visibility.BOARD)
    conversation = ConversationFactory(phase=board_phase)
    process = board_phase.process
    assert perms(member_of(process), conversation) == set()
    assert "vote" in perms(member_of(process, role="board_member"), conversation)
    assert "moderate_conversation" in perms(moderator_of(process), conversation)


def test_draft_process_is_for_its_moderators():
    conversation = ConversationFactory(phase=PhaseFactory(process=ProcessFactory(status="draft")))
    process = conversation.phase.process
    assert perms(AnonymousUser(), conversation) == set()
    assert perms(member_of(process), conversation) == set()
    assert "moderate_conversation" in perms(moderator_of(process), conversation)


def test_add_conversation_needs_the_process_moderator():
    phase = PhaseFactory()
    assert not member_of(phase.process).has_perm("opinions.add_conversation", phase)
    assert moderator_of(phase.process).has_perm("opinions.add_conversation", phase)
    assert not moderator_of(ProcessFactory()).has_perm("opinions.add_conversation", phase)
