"""A phase (or a process) holding an opinion conversation cannot be deleted behind its back: the
database-level rule (Conversation.phase PROTECT) keeps the conversation, its statements and
votes; strategy's do_delete_phase refuses with a message or moves the conversation first."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from tests.factories import UserFactory
from tests.opinions.factories import PhaseFactory
from werkstatt.opinions.models import Conversation, Vote
from werkstatt.strategy.models import Phase, Process
from werkstatt.strategy.services.processes import do_delete_phase

pytestmark = pytest.mark.django_db


@pytest.fixture
def voted(planted_conversation):
    conversation = planted_conversation[0]
    return conversation, Vote.objects.filter(participant__conversation=conversation).count()


def test_deleting_the_phase_directly_is_refused_and_keeps_the_votes(voted):
    conversation, votes = voted
    phase = conversation.phase
    with pytest.raises(ProtectedError), transaction.atomic():
        phase.delete()
    assert Phase.objects.filter(pk=phase.pk).exists()
    assert Vote.objects.filter(participant__conversation=conversation).count() == votes > 0


def test_deleting_the_process_is_refused_too(voted):
    conversation, votes = voted
    process = conversation.phase.process
    with pytest.raises(ProtectedError), transaction.atomic():
        process.delete()
    assert Process.objects.filter(pk=process.pk).exists()
    assert Vote.objects.filter(participant__conversation=conversation).count() == votes


def test_the_phase_service_refuses_with_a_message_or_moves_the_conversation(voted):
    conversation, votes = voted
    phase = conversation.phase
    moderator = UserFactory()
    with pytest.raises(ValidationError) as refused:
        do_delete_phase(phase, moderator)
    assert refused.value.code == "phase_not_empty"
    assert Conversation.objects.get(pk=conversation.pk).phase_id == phase.pk
    other = PhaseFactory(process=phase.process, visibility=phase.visibility)
    do_delete_phase(phase, moderator, move_to=other)
    assert not Phase.objects.filter(pk=phase.pk).exists()
    assert Conversation.objects.get(pk=conversation.pk).phase_id == other.pk
    assert Vote.objects.filter(participant__conversation=conversation).count() == votes
