"""The demo conversation: attached to the ZukunftsWerkstatt, real groups, fast, reproducible."""

from __future__ import annotations

import time

import pytest

from werkstatt.network import demo as network_demo
from werkstatt.opinions import demo
from werkstatt.opinions.models import Conversation, Participant, Statement, Vote
from werkstatt.opinions.services import analysis
from werkstatt.strategy import demo as strategy_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_world():
    network_demo.build_demo(150, 7, index=False)
    strategy_demo.build_demo(7, lambda message: None)


def build(seed: int = 7) -> tuple[Conversation, list[str], float]:
    lines: list[str] = []
    started = time.perf_counter()
    demo.build_demo(seed, lines.append)
    return Conversation.objects.get(slug=demo.SLUG), lines, time.perf_counter() - started


def test_demo_conversation_has_real_groups(demo_world):
    conversation, lines, seconds = build()
    process = conversation.phase.process
    assert process.space.slug == network_demo.PROCESS_SPACE[0]
    assert "Thesen" in conversation.phase.name
    assert conversation.statements.filter(status=Statement.Status.ACCEPTED).count() == 30
    assert conversation.statements.filter(status=Statement.Status.PENDING).count() == 2
    assert Participant.objects.filter(conversation=conversation).count() >= 300
    result = analysis.latest_result(conversation)
    assert result is not None and result.data["clustered"]
    groups = result.data["groups"]
    assert 2 <= len(groups) <= 5
    assert all(group["representative"] for group in groups)
    assert result.data["consensus"]["agree"], "the shared theses are consensus"
    # The demo firm's account voted on every thesis and has a group.
    firma = Participant.objects.get(conversation=conversation, user__email__startswith="firma@")
    assert firma.votes.count() == 30
    assert result.data["participants"][str(firma.pk)] is not None
    assert seconds < 10, f"the demo took {seconds:.1f} s"
    assert "opinion groups" in lines[-1]


def test_demo_is_reproducible_and_idempotent(demo_world):
    conversation, _, _ = build(7)
    first = sorted(
        Vote.objects.filter(participant__conversation=conversation).values_list(
            "participant__external_id", "statement__number", "value"
        )
    )
    lines: list[str] = []
    demo.build_demo(7, lines.append)  # already there: left alone
    assert "already there" in lines[-1]
    assert Conversation.objects.filter(slug=demo.SLUG).count() == 1
    demo.delete_demo(lines.append)
    assert not Conversation.objects.filter(slug=demo.SLUG).exists()
    assert not Vote.objects.exists()
    conversation, _, _ = build(7)
    again = sorted(
        Vote.objects.filter(participant__conversation=conversation).values_list(
            "participant__external_id", "statement__number", "value"
        )
    )
    assert first == again


def test_demo_without_the_strategy_process_skips():
    lines: list[str] = []
    demo.build_demo(7, lines.append)
    assert "skipped" in lines[-1]
    assert not Conversation.objects.exists()
