"""Statements and votes: the services' rules, whoever asks."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.opinions.factories import ConversationFactory, StatementFactory
from werkstatt.opinions.models import Participant, Statement, Vote
from werkstatt.opinions.services import analysis
from werkstatt.opinions.services import conversations as services

pytestmark = pytest.mark.django_db
Status = Statement.Status


def test_participant_statement_waits_for_moderation(conversation, member):
    statement = services.do_add_statement(conversation, member, "  Mehr  Geld für Berufsschulen. ")
    assert statement.status == Status.PENDING
    assert statement.text == "Mehr Geld für Berufsschulen."
    assert statement.author.user == member
    assert statement.number == 0
    # Not shown to voters until accepted.
    assert analysis.next_statement(conversation, None) is None
    services.do_moderate_statement(statement, Status.ACCEPTED)
    assert analysis.next_statement(conversation, None) == statement


def test_unmoderated_conversation_accepts_at_once(member):
    conversation = ConversationFactory(moderate_statements=False)
    statement = services.do_add_statement(conversation, member, "Tarifbindung stärken.")
    assert statement.status == Status.ACCEPTED


def test_seeds_are_accepted_and_numbered(conversation, member):
    first = services.do_add_statement(conversation, member, "Erste These.", seed=True)
    second = services.do_add_statement(conversation, member, "Zweite These.", seed=True)
    assert (first.number, second.number) == (0, 1)
    assert first.is_seed and first.status == Status.ACCEPTED and first.author is None


@pytest.mark.parametrize(
    "text, code",
    [
        ("", "empty"),
        ("   ", "empty"),
        ("x" * 281, "too_long"),
    ],
)
def test_bad_statements_are_refused_and_change_nothing(conversation, member, text, code):
    with pytest.raises(ValidationError) as error:
        services.do_add_statement(conversation, member, text)
    assert error.value.code == code
    assert not Statement.objects.exists()
    assert not Participant.objects.exists()


def test_duplicate_statement_is_refused(conversation, member):
    services.do_add_statement(conversation, member, "Die 4-Tage-Woche hilft.", seed=True)
    with pytest.raises(ValidationError) as error:
        services.do_add_statement(conversation, member, "die 4-tage-woche  hilft.")
    assert error.value.code == "duplicate"
    assert conversation.statements.count() == 1


def test_closed_conversation_takes_no_statements_but_seeds(member):
    conversation = ConversationFactory(is_open=False)
    with pytest.raises(ValidationError):
        services.do_add_statement(conversation, member, "Zu spät.")
    services.do_add_statement(conversation, member, "Saat.", seed=True)
    assert conversation.statements.count() == 1


def test_statements_not_allowed(member):
    conversation = ConversationFactory(allow_statements=False)
    with pytest.raises(ValidationError) as error:
        services.do_add_statement(conversation, member, "Meine These.")
    assert error.value.code == "no_statements"


def test_vote_and_change_keeps_one_row(conversation, member):
    statement = StatementFactory(conversation=conversation)
    first = services.do_vote(conversation, member, statement, 1)
    again = services.do_vote(conversation, member, statement, "-1")
    assert first.pk == again.pk
    vote = Vote.objects.get()
    assert vote.value == -1
    assert vote.modified >= vote.created
    assert services.my_votes(conversation, member) == {statement.pk: -1}


@pytest.mark.parametrize("value", [2, "-2", "agree", None, "", 0.5])
def test_bad_vote_values_are_refused(conversation, member, value):
    statement = StatementFactory(conversation=conversation)
    with pytest.raises(ValidationError) as error:
        services.do_vote(conversation, member, statement, value)
    assert error.value.code == "value"
    assert not Vote.objects.exists()


def test_no_votes_on_pending_rejected_or_foreign_statements(conversation, member):
    pending = StatementFactory(conversation=conversation, status=Status.PENDING)
    rejected = StatementFactory(conversation=conversation, status=Status.REJECTED)
    foreign = StatementFactory()
    for statement in (pending, rejected, foreign):
        with pytest.raises(ValidationError):
            services.do_vote(conversation, member, statement, 1)
    assert not Vote.objects.exists()


def test_no_votes_in_closed_conversation(member):
    conversation = ConversationFactory(is_open=False)
    statement = StatementFactory(conversation=conversation)
    with pytest.raises(ValidationError) as error:
        services.do_vote(conversation, member, statement, 1)
    assert error.value.code == "closed"


def test_the_database_allows_one_vote_per_participant_and_statement(conversation, member):
    statement = StatementFactory(conversation=conversation)
    services.do_vote(conversation, member, statement, 1)
    participant = Participant.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(participant=participant, statement=statement, value=0)


def test_the_database_allows_one_participant_per_user(conversation, member):
    Participant.objects.create(conversation=conversation, user=member)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.create(conversation=conversation, user=member)


def test_next_statement_walks_through_all_once(conversation, member):
    statements = [StatementFactory(conversation=conversation) for _ in range(5)]
    shown = []
    for _ in statements:
        participant = services.participant_of(conversation, member)
        statement = analysis.next_statement(conversation, participant)
        assert statement is not None and statement not in shown
        # The same statement again until the person votes (a reload does not skip).
        assert analysis.next_statement(conversation, participant) == statement
        shown.append(statement)
        services.do_vote(conversation, member, statement, 0)
    participant = services.participant_of(conversation, member)
    assert analysis.next_statement(conversation, participant) is None
    assert set(shown) == set(statements)


def test_own_data_for_the_download_and_account_deletion_keeps_totals(conversation, member):
    from werkstatt.opinions.services.privacy import user_data

    statement = StatementFactory(conversation=conversation, number=0, text="Mehr Tarifbindung.")
    services.do_vote(conversation, member, statement, -1)
    services.do_add_statement(conversation, member, "Meine eigene These.")
    other = StatementFactory(conversation=conversation, number=10)
    from tests.factories import UserFactory

    services.do_vote(conversation, UserFactory(), other, 1)  # someone else's: not in mine
    data = user_data(member)
    assert len(data) == 1
    assert data[0]["votes"] == [
        {"statement": "Mehr Tarifbindung.", "vote": -1, "voted": data[0]["votes"][0]["voted"]}
    ]
    assert [s["text"] for s in data[0]["statements"]] == ["Meine eigene These."]
    member.delete()
    assert Vote.objects.count() == 2  # the votes stay, without the person
    assert Participant.objects.filter(user__isnull=True).count() == 1
