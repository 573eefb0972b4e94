"""No N+1 on the opinion maps' list pages: as many queries for 3 items as for 1."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import SuperuserFactory, UserFactory
from tests.opinions.factories import (
    ConversationFactory,
    PhaseFactory,
    ProcessFactory,
    StatementFactory,
    member_of,
    moderator_of,
)
from werkstatt.opinions.models import Participant, Statement, Vote
from werkstatt.opinions.services import analysis
from werkstatt.strategy.models import Phase

pytestmark = pytest.mark.django_db


def _conversation_item(ctx, i):
    # Each in its own process and a members-only phase the user takes part in.
    process = ProcessFactory()
    member_of(process, ctx["user"])
    ConversationFactory(phase=PhaseFactory(process=process, visibility=Phase.Visibility.MEMBERS))


def _statement_item(ctx, i):
    conversation = ctx["conversation"]
    status = Statement.Status.PENDING if i % 2 else Statement.Status.ACCEPTED
    participant = Participant.objects.create(conversation=conversation, user=UserFactory())
    StatementFactory(conversation=conversation, status=status, author=participant, is_seed=False)


def _group_item(ctx, i):
    """One more planted camp (and statements), then a new analysis: one more group."""
    conversation = ctx["conversation"]
    base = conversation.statements.count()
    new = [StatementFactory(conversation=conversation, number=base + j) for j in range(4)]
    statements = list(conversation.statements.all())
    votes = []
    for k in range(8):
        p = Participant.objects.create(conversation=conversation, external_id=f"{i}-{k}")
        for s in statements:
            votes.append(Vote(participant=p, statement=s, value=1 if s in new else -1))
    Vote.objects.bulk_create(votes)
    analysis.run_analysis(conversation)


def _vote_item(ctx, i):
    conversation = ctx["conversation"]
    from werkstatt.opinions.services import conversations as services

    statement = StatementFactory(conversation=conversation)
    services.do_vote(conversation, ctx["user"], statement, 1)


def _results_url(ctx):
    return reverse("opinions:results", kwargs={"slug": ctx["conversation"].slug})


CASES: dict[str, tuple[Callable, Callable, str]] = {
    "index": (lambda ctx: reverse("opinions:index"), _conversation_item, "user"),
    "api conversations": (
        lambda ctx: reverse("opinions_api:conversation-list"),
        _conversation_item,
        "user",
    ),
    "moderation": (
        lambda ctx: reverse("opinions:moderation", kwargs={"slug": ctx["conversation"].slug}),
        _statement_item,
        "moderator",
    ),
    "api statements": (
        lambda ctx: reverse(
            "opinions_api:statement-list", kwargs={"slug": ctx["conversation"].slug}
        ),
        _statement_item,
        "moderator",
    ),
    "api votes": (
        lambda ctx: reverse("opinions_api:vote-list", kwargs={"slug": ctx["conversation"].slug}),
        _vote_item,
        "member",
    ),
    "results": (_results_url, _group_item, "member"),
    "api results": (
        lambda ctx: reverse("opinions_api:results", kwargs={"slug": ctx["conversation"].slug}),
        _group_item,
        "member",
    ),
    "vote page": (
        lambda ctx: reverse("opinions:conversation", kwargs={"slug": ctx["conversation"].slug}),
        _vote_item,
        "member",
    ),
    "admin conversations": (
        lambda ctx: reverse("admin:opinions_conversation_changelist"),
        lambda ctx, i: ConversationFactory(),
        "superuser",
    ),
    "admin statements": (
        lambda ctx: reverse("admin:opinions_statement_changelist"),
        _statement_item,
        "superuser",
    ),
    "admin analyses": (
        lambda ctx: reverse("admin:opinions_analysisresult_changelist"),
        lambda ctx, i: analysis.run_analysis(ConversationFactory()),
        "superuser",
    ),
}


def _count(client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(queries), [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize("name", list(CASES))
def test_list_page_queries_do_not_grow_with_items(client, name, settings):
    settings.JOBS_MODE = "worker"  # stale results queue a job; don't run it inside the count
    settings.OPINIONS_ANALYSIS_INTERVAL = 3600
    url, add, kind = CASES[name]
    conversation = ConversationFactory()
    process = conversation.phase.process
    if kind == "superuser":
        user = SuperuserFactory()
    elif kind == "moderator":
        user = moderator_of(process)
    elif kind == "member":
        user = member_of(process)
    else:
        user = UserFactory()
    ctx = {"user": user, "conversation": conversation}
    client.force_login(user)
    add(ctx, 0)
    page = url(ctx)
    client.get(page)  # warm caches (content types, sessions)
    one, _ = _count(client, page)
    add(ctx, 1)
    add(ctx, 2)
    three, sql = _count(client, page)
    assert one == three, f"{name}: {one} queries with 1 item, {three} with 3:\n" + "\n".join(sql)
