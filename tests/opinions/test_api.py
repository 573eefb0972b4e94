"""The API: the same rules as the pages; votes and statements with 400 answers for bad input."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tests.opinions.factories import ConversationFactory, StatementFactory, member_of
from werkstatt.opinions.models import Statement, Vote
from werkstatt.opinions.services import analysis

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(member):
    client = APIClient()
    client.force_authenticate(member)
    return client


def api_url(name: str, conversation) -> str:
    return reverse(f"opinions_api:{name}", kwargs={"slug": conversation.slug})


def test_vote_and_change_it(api, conversation, member):
    StatementFactory(conversation=conversation, number=0)
    response = api.post(api_url("vote-list", conversation), {"statement": 0, "value": 1})
    assert response.status_code == 200, response.content
    assert response.json()["value"] == 1
    api.post(api_url("vote-list", conversation), {"statement": 0, "value": -1}, format="json")
    assert Vote.objects.get().value == -1
    mine = api.get(api_url("vote-list", conversation)).json()
    assert [(v["statement"], v["value"]) for v in mine] == [(0, -1)]


@pytest.mark.parametrize(
    "data",
    [
        {"statement": 0, "value": 5},
        {"statement": 9, "value": 1},
        {"value": 1},
        {"statement": 1, "value": 1},
    ],
)
def test_bad_votes_are_400_and_change_nothing(api, conversation, data):
    StatementFactory(conversation=conversation, number=0)
    StatementFactory(conversation=conversation, number=1, status=Statement.Status.PENDING)
    response = api.post(api_url("vote-list", conversation), data, format="json")
    assert response.status_code == 400
    assert response.json()
    assert not Vote.objects.exists()


def test_statements_pending_are_for_moderators_only(api, conversation):
    StatementFactory(conversation=conversation, number=0)
    response = api.post(api_url("statement-list", conversation), {"text": "Neue These."})
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    listed = api.get(api_url("statement-list", conversation)).json()["results"]
    assert [s["number"] for s in listed] == [0]
    too_long = api.post(api_url("statement-list", conversation), {"text": "x" * 281})
    assert too_long.status_code == 400
    duplicate = api.post(api_url("statement-list", conversation), {"text": "neue these."})
    assert duplicate.status_code == 400
    assert conversation.statements.count() == 2


def test_results(api, planted_conversation):
    conversation, statements, camp_a, camp_b = planted_conversation
    empty = api.get(api_url("results", ConversationFactory())).json()
    assert empty["groups"] == [] and empty["computed_at"] is None
    analysis.run_analysis(conversation)
    data = api.get(api_url("results", conversation)).json()
    assert data["clustered"] is True and data["participants"] == 20
    assert sorted(g["label"] for g in data["groups"]) == ["A", "B"]
    assert sum(g["size"] for g in data["groups"]) == 20
    assert all(g["representative"] for g in data["groups"])
    assert len(data["map"]) == 20 and {p[2] for p in data["map"]} == {"A", "B"}
    assert data["your_group"] is None  # the API caller has not voted


def test_someone_without_a_role_cannot_vote_by_api(conversation):
    StatementFactory(conversation=conversation, number=0)
    client = APIClient()
    client.force_authenticate(UserFactory())
    response = client.post(api_url("vote-list", conversation), {"statement": 0, "value": 1})
    assert response.status_code == 403
    assert not Vote.objects.exists()


def test_list_shows_only_visible(conversation):
    from tests.opinions.factories import PhaseFactory
    from werkstatt.strategy.models import Phase

    hidden = ConversationFactory(phase=PhaseFactory(visibility=Phase.Visibility.BOARD))
    slugs = [
        c["slug"]
        for c in APIClient().get(reverse("opinions_api:conversation-list")).json()["results"]
    ]
    assert conversation.slug in slugs and hidden.slug not in slugs
    board = member_of(hidden.phase.process, role="board_member")
    client = APIClient()
    client.force_authenticate(board)
    slugs = [
        c["slug"] for c in client.get(reverse("opinions_api:conversation-list")).json()["results"]
    ]
    assert hidden.slug in slugs
