"""Visibility per object (rules.py) and in lists (services/queries.py): the same answer.

A world with every kind of process, phase and moderation state; for each person, the list
querysets must hold exactly what the per-object rules allow.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories import SpaceFactory, SpaceRoleFactory, SuperuserFactory, UserFactory
from tests.strategy.factories import (
    PhaseFactory,
    ProcessFactory,
    RecommendationFactory,
    add_role,
    today,
)
from werkstatt.accounts.models import Space, SpaceRole
from werkstatt.strategy.models import Phase, Process, Recommendation
from werkstatt.strategy.services.queries import (
    visible_phases,
    visible_processes,
    visible_recommendations,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    board = SpaceFactory(kind=Space.Kind.BOARD)
    people = {
        "anonymous": AnonymousUser(),
        "user": UserFactory(),
        "member": UserFactory(),
        "author": UserFactory(),
        "board": UserFactory(),
        "moderator": UserFactory(),
        "superuser": SuperuserFactory(),
    }
    SpaceRoleFactory(user=people["board"], space=board, role=SpaceRole.Role.BOARD_MEMBER)
    processes = [
        ProcessFactory(board_space=board),
        ProcessFactory(is_public=False, board_space=board),
        ProcessFactory(status=Process.Status.DRAFT),
        ProcessFactory(status=Process.Status.COMPLETED),
    ]
    for process in processes:
        add_role(people["member"], process)
        add_role(people["author"], process)
        add_role(people["moderator"], process, SpaceRole.Role.MODERATOR)
        start = process.start_date
        phases = [
            PhaseFactory(
                process=process,
                start_date=start + datetime.timedelta(days=i * 5),
                end_date=start + datetime.timedelta(days=i * 5 + 4),
                visibility=visibility,
            )
            for i, visibility in enumerate(Phase.Visibility.values)
        ]
        for phase in [None, *phases]:
            for state in Recommendation.ModerationState.values:
                RecommendationFactory(
                    process=process, phase=phase, author=people["author"], moderation_state=state
                )
    # A process the moderator does not moderate.
    ProcessFactory(is_public=False)
    return people


@pytest.mark.parametrize(
    "who", ["anonymous", "user", "member", "author", "board", "moderator", "superuser"]
)
def test_lists_agree_with_the_rules(world, who):
    user = world[who]
    listed = set(visible_processes(user))
    allowed = {p for p in Process.objects.all() if user.has_perm("strategy.view_process", p)}
    assert listed == allowed
    for process in allowed:
        recs = set(visible_recommendations(user, process))
        may = {
            r
            for r in process.recommendations.all()
            if user.has_perm("strategy.view_recommendation", r)
        }
        assert recs == may, process
        phases = set(visible_phases(user, process))
        assert phases == {
            p for p in process.phases.all() if user.has_perm("strategy.view_phase", p)
        }


def test_what_each_sees(world):
    public = Process.objects.filter(is_public=True, status="active").first()

    def count(who):
        return visible_recommendations(world[who], public).count()

    # 4 phases (none, public, members, board) × 3 moderation states.
    assert count("anonymous") == count("user") == 2  # approved: no phase and public phase
    assert count("member") == 3  # + members-only phase
    assert count("board") == 4  # + members-only and board-only phase
    assert count("author") == 9  # own pending and rejected in the phases they see
    assert count("moderator") == count("superuser") == 12
    assert {p.title for p in visible_processes(world["anonymous"])} == {
        p.title for p in Process.objects.filter(is_public=True).exclude(status="draft")
    }


def test_rules_follow_the_current_phase():
    process = ProcessFactory()
    member = add_role(UserFactory(), process)
    rec = RecommendationFactory(process=process)
    assert not member.has_perm("strategy.propose", process)  # no phase running
    phase = PhaseFactory(process=process, allows_propose=False, allows_comment=True)
    assert not member.has_perm("strategy.propose", process)
    assert member.has_perm("strategy.comment", rec)
    phase.visibility = Phase.Visibility.BOARD
    phase.save()
    assert not member.has_perm("strategy.comment", rec)  # cannot act in a phase one can't see
    past = today() - datetime.timedelta(days=1000)
    assert process.phase_on(past) is None
