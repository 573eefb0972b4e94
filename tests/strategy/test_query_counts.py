"""No N+1: the strategy list pages make as many queries for 3 items as for 1."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import RegionFactory, UserFactory
from tests.strategy.factories import (
    ActionFieldFactory,
    CommentFactory,
    PhaseFactory,
    ProcessFactory,
    RecommendationFactory,
    member_of,
    moderator_of,
    running_process,
)
from werkstatt.strategy.models import (
    Attachment,
    CommentReaction,
    ModerationAction,
    RecommendationEdit,
    Report,
)
from werkstatt.strategy.services import recommendations as services

pytestmark = pytest.mark.django_db


def _process_item(ctx, i):
    process = ProcessFactory(title=f"Werkstatt {i}")
    PhaseFactory(process=process)


def _recommendation_item(ctx, i):
    rec = RecommendationFactory(process=ctx["process"], author=UserFactory())
    rec.action_fields.add(ActionFieldFactory(process=ctx["process"]))
    rec.regions.add(RegionFactory())
    CommentFactory(recommendation=rec)


def _comment_item(ctx, i):
    parent = CommentFactory(recommendation=ctx["rec"], author=UserFactory())
    reply = CommentFactory(recommendation=ctx["rec"], parent=parent, author=UserFactory())
    CommentReaction.objects.create(comment=reply, user=UserFactory(), kind="agree")
    CommentReaction.objects.create(comment=parent, user=ctx["user"], kind="helpful")


def _queue_item(ctx, i):
    published = RecommendationFactory(process=ctx["process"])
    edit = RecommendationEdit.objects.create(
        recommendation=published, author=UserFactory(), kind="thesis", title="Neu", text="Neu",
        tags={"regions": [RegionFactory().pk], "action_fields": []},
    )  # fmt: skip
    Attachment.objects.create(
        recommendation=published, edit=edit, name="a.pdf", content_type="application/pdf",
        size=3, file="a.pdf",
    )  # fmt: skip
    rec = RecommendationFactory(process=ctx["process"], moderation_state="pending")
    Attachment.objects.create(
        recommendation=rec, name="b.pdf", content_type="application/pdf", size=3, file="b.pdf"
    )
    comment = CommentFactory(recommendation=rec)
    Report.objects.create(
        process=ctx["process"], recommendation=rec, comment=comment, reason="spam",
        reporter=UserFactory(),
    )  # fmt: skip
    ModerationAction.objects.create(
        process=ctx["process"], actor=UserFactory(), kind="approve", recommendation=rec
    )


def _audit_item(ctx, i):
    rec = RecommendationFactory(process=ctx["process"])
    ModerationAction.objects.create(
        process=ctx["process"], actor=UserFactory(), kind="answer", recommendation=rec
    )


def _version_item(ctx, i):
    field = ActionFieldFactory(process=ctx["process"])
    services.do_edit(
        ctx["rec"], ctx["user"], {"text": f"Fassung {i} " * 5, "action_fields": [field]}
    )


def _member_item(ctx, i):
    member_of(ctx["process"])


CASES: dict[str, tuple[Callable, Callable]] = {
    "index": (lambda ctx: reverse("strategy:index"), _process_item),
    "recommendations": (
        lambda ctx: reverse("strategy:recommendations", args=[ctx["process"].slug]),
        _recommendation_item,
    ),
    "detail": (lambda ctx: ctx["rec"].get_absolute_url(), _comment_item),
    "moderation": (
        lambda ctx: reverse("strategy:moderation", args=[ctx["process"].slug]),
        _queue_item,
    ),
    "members": (lambda ctx: reverse("strategy:members", args=[ctx["process"].slug]), _member_item),
    "audit": (lambda ctx: reverse("strategy:audit_log", args=[ctx["process"].slug]), _audit_item),
    "versions": (
        lambda ctx: reverse(
            "strategy:recommendation_versions", args=[ctx["process"].slug, ctx["rec"].pk]
        ),
        _version_item,
    ),
    "api recommendations": (
        lambda ctx: reverse("strategy_api:recommendation-list", args=[ctx["process"].slug]),
        _recommendation_item,
    ),
    "api comments": (
        lambda ctx: reverse("strategy_api:comment-list", args=[ctx["process"].slug, ctx["rec"].pk]),
        _comment_item,
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_list_pages_do_not_grow_with_items(client, name):
    process = running_process()
    moderator = moderator_of(process)
    author = member_of(process)
    rec = services.do_propose(process, author, {"title": "Ausgangspunkt", "text": "x" * 30})
    ctx = {"process": process, "user": moderator, "rec": rec}
    client.force_login(moderator)
    url_of, add = CASES[name]
    add(ctx, 0)
    url = url_of(ctx)
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    add(ctx, 1)
    add(ctx, 2)
    with CaptureQueriesContext(connection) as three:
        assert client.get(url).status_code == 200
    assert len(three) == len(one), "\n".join(q["sql"] for q in three.captured_queries)
