from __future__ import annotations

import pytest

from tests.factories import UserFactory
from tests.opinions.factories import ConversationFactory, StatementFactory, member_of
from werkstatt.opinions.models import Participant, Vote


@pytest.fixture
def conversation(db):
    return ConversationFactory()


@pytest.fixture
def member(conversation):
    return member_of(conversation.phase.process)


def planted(conversation, *, per_group: int = 10, statements: int = 10):
    """Two camps of imported participants who vote opposite on every statement (real groups),
    and the statements. Returns (statements, camp_a, camp_b)."""
    items = [StatementFactory(conversation=conversation, number=i) for i in range(statements)]
    camps = ([], [])
    votes = []
    for camp in (0, 1):
        for i in range(per_group):
            p = Participant.objects.create(conversation=conversation, external_id=f"{camp}-{i}")
            camps[camp].append(p)
            for j, statement in enumerate(items):
                agree = (j % 2 == 0) == (camp == 0)
                # A little noise so the groups are not points.
                value = 0 if (i + j) % 7 == 0 else 1 if agree else -1
                votes.append(Vote(participant=p, statement=statement, value=value))
    Vote.objects.bulk_create(votes)
    return items, camps[0], camps[1]


@pytest.fixture
def planted_conversation(conversation):
    return conversation, *planted(conversation)


__all__ = ["UserFactory", "planted"]
