"""Visibility per object (rules.py) and in lists (services/queries.py): the same answer.

A world with every kind of process, phase and moderation state; for each person, the list
querysets must hold exactly what the per-object rules allow.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from tests.factories import SpaceFactory, SpaceRoleFactory, SuperuserFactory, UserFactory
from tests.monitoring.factories import ConceptFactory
from tests.strategy.factories import (
    ActionFieldFactory,
    PhaseFactory,
    ProcessFactory,
    RecommendationFactory,
    add_role,
    today,
)
from werkstatt.accounts.models import Space, SpaceRole
from werkstatt.monitoring.models import ImplementationConcept
from werkstatt.monitoring.services.concepts import concept_counts, process_monitoring
from werkstatt.strategy.models import Phase, Process, Recommendation
from werkstatt.strategy.services.queries import (
    RecommendationFilter,
    count_by_action_field,
    filtered_recommendations,
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
        fields = [ActionFieldFactory(process=process), ActionFieldFactory(process=process)]
        for n, phase in enumerate([None, *phases]):
            for state in Recommendation.ModerationState.values:
                rec = RecommendationFactory(
                    process=process, phase=phase, author=people["author"], moderation_state=state
                )
                rec.action_fields.add(*fields[: 1 + n % 2])
                if state == Recommendation.ModerationState.APPROVED:
                    ImplementationConcept.objects.create(recommendation=rec, summary="Umsetzen.")
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


@pytest.mark.parametrize(
    "who", ["anonymous", "user", "member", "author", "board", "moderator", "superuser"]
)
def test_counts_agree_with_the_lists_and_the_rules(world, who):
    """The numbers on the process page (per action field) and on the monitoring start page
    (concepts per process) are the lengths of the lists they lead to."""
    user = world[who]
    processes = list(visible_processes(user))
    concepts = concept_counts(user, processes)
    for process in processes:
        counts = count_by_action_field(user, process)
        for field in process.action_fields.all():
            listed = filtered_recommendations(
                user, process, RecommendationFilter(action_field=field.pk)
            )
            may = [
                r
                for r in field.recommendations.all()
                if user.has_perm("strategy.view_recommendation", r)
            ]
            assert counts.get(field.pk, 0) == listed.count() == len(may), (process, field)
        shown = [
            c
            for c in ImplementationConcept.objects.filter(recommendation__process=process)
            if user.has_perm("monitoring.view_concept", c)
        ]
        assert (
            concepts.get(process.pk, 0)
            == len(shown)
            == len(process_monitoring(user, process).concepts)
        )


def test_the_process_page_counts_what_a_visitor_can_open(client):
    process = ProcessFactory()
    board = PhaseFactory(process=process, visibility=Phase.Visibility.BOARD)
    field = ActionFieldFactory(process=process, name="Kooperation und Cross-Innovation")
    for phase in (None, None, board):
        RecommendationFactory(process=process, phase=phase).action_fields.add(field)
    page = client.get(reverse("strategy:process", args=[process.slug])).content.decode()
    with translation.override("de"):
        two = ngettext("%(counter)s recommendation", "%(counter)s recommendations", 2) % {
            "counter": 2
        }
    assert two in page
    ConceptFactory(recommendation=process.recommendations.get(phase=board))
    ConceptFactory(recommendation=process.recommendations.filter(phase=None).first())
    index = client.get(reverse("monitoring:index")).content.decode()
    assert "<td>1</td>" in index and "<td>2</td>" not in index


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
