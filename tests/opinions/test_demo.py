"""The demo conversation: attached to the ZukunftsWerkstatt, real groups, fast, reproducible."""

from __future__ import annotations

import itertools
import math
import time

import pytest

from werkstatt.engines import opinions as engine
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
    assert len(groups) == len(demo.CAMPS), "the three planted camps are three groups"
    assert all(group["representative"] for group in groups)
    assert result.data["consensus"]["agree"], "the shared theses are consensus"
    # The demo firm's account voted on every thesis and has a group.
    firma = Participant.objects.get(conversation=conversation, user__email__startswith="firma@")
    assert firma.votes.count() == 30
    assert result.data["participants"][str(firma.pk)] is not None
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


def _engine_votes(people: list[demo.SimulatedParticipant]) -> list[tuple[int, int, int, float]]:
    return [
        (p, index, value, moment.total_seconds())
        for p, person in enumerate(people)
        for index, value, moment in person.votes
    ]


def test_the_camps_are_equally_far_apart_in_what_they_vote():
    """The camps' expected votes on the theses: no two camps are much closer than the others
    (two close camps make two or three groups a matter of the last few votes)."""
    expected = [
        [(1 - demo.PASS_RATE) * (2 * demo._agree_probability(centre, t) - 1) for t in demo.THESES]
        for _name, centre, _share in demo.CAMPS
    ]
    distances = [
        math.dist(expected[a], expected[b]) for a, b in itertools.combinations(range(3), 2)
    ]
    assert min(distances) >= 0.9 * max(distances), distances


@pytest.mark.parametrize("seed", [7, 2026, 3])
def test_the_engine_finds_the_planted_camps(seed):
    people = demo.simulate(seed)
    result = engine.analyse(_engine_votes(people), statements=range(len(demo.THESES)))
    assert len(result.groups) == len(demo.CAMPS)
    placed = [
        p for p, g in result.participants.items() if g is not None and people[p].camp is not None
    ]
    assert len(placed) >= 0.8 * len(people)
    agreement = engine.adjusted_rand_index(
        [people[p].camp for p in placed], [result.participants[p] for p in placed]
    )
    assert agreement >= 0.9, agreement
    # The few-votes tenth is not placed in a group (as in Polis).
    assert sum(1 for g in result.participants.values() if g is None) >= 10


def test_the_number_of_groups_holds_while_the_last_votes_arrive():
    """Recomputed every 60 votes over the last 300, the groups neither split nor merge."""
    votes = sorted(_engine_votes(demo.simulate(2026)), key=lambda vote: vote[3])
    previous = None
    found = []
    for cut in range(len(votes) - 300, len(votes) + 1, 60):
        previous = engine.analyse(
            votes[:cut], statements=range(len(demo.THESES)), previous=previous
        )
        found.append(len(previous.groups))
    assert found == [len(demo.CAMPS)] * len(found)


def test_a_few_more_votes_keep_the_groups_and_their_letters(demo_world):
    conversation, _, _ = build()
    before = analysis.latest_result(conversation)
    firma = Participant.objects.get(conversation=conversation, user__email__startswith="firma@")
    newcomer = Participant.objects.create(conversation=conversation, external_id="neu")
    for statement in conversation.statements.filter(status=Statement.Status.ACCEPTED)[:7]:
        Vote.objects.create(participant=newcomer, statement=statement, value=1)
    after = analysis.run_analysis(conversation)
    assert after.vote_count == before.vote_count + 7
    assert len(after.data["groups"]) == len(before.data["groups"]) == len(demo.CAMPS)
    mine = str(firma.pk)
    assert after.data["participants"][mine] == before.data["participants"][mine]
    moved = sum(
        1
        for p, group in before.data["participants"].items()
        if group is not None and after.data["participants"].get(p) not in (group, None)
    )
    assert moved <= 3
