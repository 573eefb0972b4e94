"""Threaded comments, reactions, reports and hiding, with the audit trail."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import UserFactory
from tests.strategy.factories import (
    CommentFactory,
    RecommendationFactory,
    member_of,
    moderator_of,
    running_process,
)
from werkstatt.notifications.models import Notification
from werkstatt.strategy.models import Comment, CommentReaction, ModerationAction, Report
from werkstatt.strategy.services import comments as services
from werkstatt.strategy.services.queries import comment_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def rec():
    process = running_process()
    return RecommendationFactory(process=process, author=member_of(process))


def test_comment_and_reply_notify_author_and_parent(rec):
    alice, bob = member_of(rec.process), member_of(rec.process)
    first = services.do_comment(rec, alice, "  Gute Idee.  ")
    assert first.text == "Gute Idee."
    reply = services.do_comment(rec, bob, "Finde ich auch.", first)
    assert reply.parent == first
    assert Notification.objects.filter(recipient=alice, verb="strategy.reply").count() == 1
    assert Notification.objects.filter(recipient=rec.author, verb="strategy.comment").count() == 2
    tree = comment_tree(bob, rec)
    assert [n.comment for n in tree] == [first]
    assert [n.comment for n in tree[0].replies] == [reply]


def test_bad_comments_change_nothing(rec):
    member = member_of(rec.process)
    other = RecommendationFactory(process=rec.process)
    foreign = CommentFactory(recommendation=other)
    hidden = CommentFactory(recommendation=rec, is_hidden=True, hidden_reason="Spam")
    for text, parent in (("   ", None), ("x" * 5001, None), ("Antwort", foreign), ("A", hidden)):
        with pytest.raises(ValidationError):
            services.do_comment(rec, member, text, parent)
    with pytest.raises(PermissionDenied):
        services.do_comment(rec, UserFactory(), "Ich bin kein Mitglied")
    assert rec.comments.count() == 1


def test_no_comments_when_the_phase_does_not_allow_them():
    process = running_process(phase={"allows_comment": False})
    rec = RecommendationFactory(process=process)
    with pytest.raises(PermissionDenied):
        services.do_comment(rec, member_of(process), "Hallo")


def test_replies_nest_at_most_three_levels(rec):
    member = member_of(rec.process)
    parent = services.do_comment(rec, member, "Ebene 0")
    comments = [parent]
    for level in range(1, 6):
        parent = services.do_comment(rec, member, f"Ebene {level}", parent)
        comments.append(parent)
    depths = [services.depth_of(c) for c in comments]
    # A comment, a reply, a reply to the reply; further replies stay on the third level.
    assert services.MAX_DEPTH == 3
    assert depths == [0, 1, 2, 2, 2, 2]
    # The reply to a third-level comment joins that comment's thread.
    assert comments[3].parent == comments[1] and comments[4].parent == comments[1]
    # ... and the person replied to hears of it.
    third_level = services.do_comment(rec, member_of(rec.process), "Dritte Ebene", comments[1])
    other = member_of(rec.process)
    services.do_comment(rec, other, "Antwort darauf", third_level)
    assert Notification.objects.filter(
        recipient=third_level.author, verb="strategy.reply", actor=other
    ).exists()


def test_reaction_toggles_and_replaces(rec):
    comment = CommentFactory(recommendation=rec)
    member = member_of(rec.process)
    services.do_react(comment, member, "agree")
    services.do_react(comment, member, "helpful")
    assert list(CommentReaction.objects.values_list("kind", flat=True)) == ["helpful"]
    assert services.do_react(comment, member, "helpful") is None
    assert not CommentReaction.objects.exists()
    with pytest.raises(ValidationError):
        services.do_react(comment, member, "love")
    with pytest.raises(PermissionDenied):
        services.do_react(comment, UserFactory(), "agree")
    services.do_react(comment, member, "agree")
    node = comment_tree(member, rec)[0]
    assert node.mine == "agree" and node.counts == {"agree": 1}


def test_report_once_and_moderators_are_told(rec):
    moderator = moderator_of(rec.process)
    comment = CommentFactory(recommendation=rec)
    reporter = UserFactory()  # anyone who can see it may report it
    report = services.do_report(comment, reporter, "offensive")
    assert report.recommendation == rec and report.comment == comment
    assert Notification.objects.filter(recipient=moderator, verb="strategy.report").exists()
    with pytest.raises(ValidationError):
        services.do_report(comment, reporter, "offensive")
    with pytest.raises(ValidationError):
        services.do_report(rec, reporter, "other", "  ")
    with pytest.raises(ValidationError):
        services.do_report(rec, reporter, "boring")
    assert Report.objects.count() == 1
    services.do_report(rec, reporter, "other", "Werbung für eine Firma")
    assert Report.objects.count() == 2


def test_hide_needs_a_reason_closes_reports_and_is_logged(rec):
    moderator = moderator_of(rec.process)
    comment = CommentFactory(recommendation=rec)
    services.do_report(comment, UserFactory(), "spam")
    with pytest.raises(ValidationError):
        services.do_hide_comment(comment, moderator, " ")
    with pytest.raises(PermissionDenied):
        services.do_hide_comment(comment, member_of(rec.process), "Ich will das nicht lesen")
    comment.refresh_from_db()
    assert not comment.is_hidden
    services.do_hide_comment(comment, moderator, "Werbung")
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_reason == "Werbung"
    assert comment.hidden_by == moderator
    assert Report.objects.get().state == Report.State.RESOLVED
    action = ModerationAction.objects.get(kind="hide_comment")
    assert action.comment == comment and action.reason == "Werbung"
    assert Notification.objects.filter(recipient=comment.author, verb="strategy.hidden").exists()
    with pytest.raises(ValidationError):
        services.do_hide_comment(comment, moderator, "nochmal")
    services.do_show_comment(comment, moderator)
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert ModerationAction.objects.filter(kind="show_comment").count() == 1


def test_handle_report_once(rec):
    moderator = moderator_of(rec.process)
    report = services.do_report(rec, UserFactory(), "spam")
    with pytest.raises(ValidationError):
        services.do_handle_report(report, moderator, "ignore")
    services.do_handle_report(report, moderator, "dismiss", "Kein Spam")
    report.refresh_from_db()
    assert report.state == "dismissed" and report.handled_at
    with pytest.raises(ValidationError):
        services.do_handle_report(report, moderator, "resolve")
    assert ModerationAction.objects.filter(kind="dismiss_report", report=report).count() == 1


def test_comment_by_deleted_account_stays(rec):
    comment = CommentFactory(recommendation=rec)
    comment.author.delete()
    assert Comment.objects.get(pk=comment.pk).author is None


def test_database_allows_one_open_report_per_person_and_thing(rec):
    from django.db import IntegrityError, transaction

    reporter = UserFactory()
    comment = CommentFactory(recommendation=rec)
    services.do_report(comment, reporter, "spam")
    services.do_report(rec, reporter, "spam")  # the recommendation itself is another thing
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(
            process=rec.process, recommendation=rec, comment=comment, reporter=reporter,
            reason="spam",
        )  # fmt: skip
    Report.objects.filter(comment=comment).update(state=Report.State.DISMISSED)
    services.do_report(comment, reporter, "offensive")  # after handling, a new report is fine
    assert Report.objects.filter(comment=comment).count() == 2
