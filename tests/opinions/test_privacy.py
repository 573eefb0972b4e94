"""DSGVO in the opinion maps: the download holds the person's votes and statements; deleting the
account keeps the votes (without the person), so the results keep their totals."""

from __future__ import annotations

import pytest

from tests.opinions.factories import member_of
from werkstatt.accounts.services import do_delete_account, export_user_data
from werkstatt.opinions.models import Participant, Statement, Vote
from werkstatt.opinions.services import analysis
from werkstatt.opinions.services import conversations as services

pytestmark = pytest.mark.django_db


@pytest.fixture
def voter(planted_conversation):
    conversation, statements, *_ = planted_conversation
    person = member_of(conversation.phase.process)
    for statement in statements:
        services.do_vote(conversation, person, statement, 1)
    services.do_add_statement(conversation, person, "Mehr Azubi-Wohnheime in den Landkreisen.")
    return conversation, statements, person


def test_the_download_has_the_votes_and_statements(voter):
    conversation, statements, person = voter
    data = export_user_data(person)["opinions"]
    assert len(data) == 1
    assert data[0]["conversation"] == conversation.title
    assert len(data[0]["votes"]) == len(statements)
    assert {v["vote"] for v in data[0]["votes"]} == {1}
    assert [s["text"] for s in data[0]["statements"]] == [
        "Mehr Azubi-Wohnheime in den Landkreisen."
    ]


def test_deleting_the_account_keeps_the_totals(voter):
    conversation, statements, person = voter
    before = analysis.run_analysis(conversation)
    votes = Vote.objects.filter(participant__conversation=conversation).count()
    participant = Participant.objects.get(conversation=conversation, user=person)

    do_delete_account(person)

    participant.refresh_from_db()
    assert participant.user is None  # the votes stay, nobody's name on them
    assert Vote.objects.filter(participant__conversation=conversation).count() == votes
    assert Statement.objects.filter(author=participant).count() == 1
    after = analysis.run_analysis(conversation)
    assert (after.vote_count, after.participant_count) == (
        before.vote_count,
        before.participant_count,
    )
    assert after.data["statements"] == before.data["statements"]  # every statement's totals
