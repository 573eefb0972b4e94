"""The demo builds both processes on the demo network and deletes them again.

Only the network's demo and ours run here (the other apps' demos have their own tests)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from werkstatt.network import demo as network_demo
from werkstatt.strategy import demo
from werkstatt.strategy.models import (
    Comment,
    CommentReaction,
    ModerationAction,
    Process,
    Recommendation,
    Report,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    network_demo.build_demo(150, 7, index=False)
    messages: list[str] = []
    demo.build_demo(seed=7, report=messages.append)
    return messages


def test_demo_builds_and_resets(built):
    """One build of the network for all the checks (it takes a while)."""
    assert "ZukunftsWerkstatt INDUSTRIE" in built[-1]
    check_nothing_in_the_future()
    check_the_processes_follow_the_seeds()
    check_discussions_read_like_discussions()
    old = Process.objects.get(slug="strategiewerkstatt-industrie-der-zukunft")
    new = Process.objects.get(slug="zukunftswerkstatt-industrie")
    assert old.status == "completed" and old.end_date.year == 2018
    assert {f.name for f in old.action_fields.all()} >= {
        "Digitalisierung",
        "Kooperation und Cross-Innovation",
        "Aus- und Weiterbildung",
        "Infrastruktur",
        "Demografischer Wandel",
        "Weiche Standortfaktoren",
        "Innovation und Transfer",
    }
    current = new.current_phase()
    assert current is not None and current.allows("prioritise")
    assert new.start_date.year == 2018 and new.start_date.month == 11
    assert new.recommendations.filter(kind="thesis").exists()
    assert new.recommendations.filter(moderation_state="pending").exists()
    assert new.recommendations.filter(phase__visibility="board").exists()
    assert new.moderation_actions.filter(kind="hide_comment").exists()
    assert Report.objects.filter(process=new, state="open").exists()
    assert Recommendation.objects.filter(process=new, comments__parent__isnull=False).exists()
    assert Comment.objects.filter(recommendation__process=old).count() >= 15
    titles = sorted(new.recommendations.values_list("title", flat=True))
    demo.delete_demo(report=built.append)
    assert not Process.objects.exists()
    demo.build_demo(seed=7, report=built.append)
    again = Process.objects.get(slug="zukunftswerkstatt-industrie")
    assert sorted(again.recommendations.values_list("title", flat=True)) == titles
    assert Process.objects.count() == 2


def check_nothing_in_the_future() -> None:
    now = timezone.now()
    assert Recommendation.objects.filter(created__gt=now).count() == 0
    assert Recommendation.objects.filter(answered_at__gt=now).count() == 0
    assert Recommendation.history.filter(history_date__gt=now).count() == 0
    assert Comment.objects.filter(created__gt=now).count() == 0
    assert CommentReaction.objects.filter(created__gt=now).count() == 0
    assert ModerationAction.objects.filter(created__gt=now).count() == 0
    assert Report.objects.filter(created__gt=now).count() == 0
    assert Report.objects.filter(handled_at__gt=now).count() == 0
    for report in Report.objects.exclude(handled_at=None):
        assert report.created <= report.handled_at


def check_the_processes_follow_the_seeds() -> None:
    new = Process.objects.get(slug="zukunftswerkstatt-industrie")
    phases = new.timeline()
    for a, b in zip(phases, phases[1:], strict=False):
        assert a.end_date < b.start_date, (a, b)
    # The first two years (seeds 003/004): from November 2018, phases of weeks and months.
    first_round = [p for p in phases if p.end_date <= datetime.date(2020, 11, 1)]
    assert [p.name for p in first_round][:2] == [
        "Themen und kontroverse Thesen einbringen",
        "Passfähigkeit prüfen",
    ]
    assert len(first_round) == 5
    assert all((p.end_date - p.start_date).days <= 300 for p in first_round)
    # Only following the implementation takes years; the process ends within a year.
    long = [p.name for p in phases if (p.end_date - p.start_date).days > 366]
    assert long == ["Umsetzung begleiten"]
    assert new.end_date <= timezone.localdate() + datetime.timedelta(days=366)
    # Every contribution came in during its phase.
    for rec in Recommendation.objects.select_related("phase"):
        day = timezone.localtime(rec.created).date()
        assert rec.phase.start_date <= day <= rec.phase.end_date, rec.title


def check_discussions_read_like_discussions() -> None:
    for rec in Recommendation.objects.prefetch_related("comments"):
        comments = list(rec.comments.all())
        texts = [c.text for c in comments]
        assert len(texts) == len(set(texts)), rec.title  # nothing said twice in a thread
        by_pk = {c.pk: c for c in comments}
        for comment in comments:
            assert comment.created > rec.created, rec.title
            if comment.parent_id:
                parent = by_pk[comment.parent_id]
                assert comment.created > parent.created
                assert comment.author_id != parent.author_id  # nobody answers themselves
    # Each recommendation's discussion is its own: no text appears under two of them.
    all_texts = list(Comment.objects.values_list("text", flat=True))
    assert len(all_texts) == len(set(all_texts))
    # The completed StrategieWerkstatt has its discussions too.
    old = Process.objects.get(slug="strategiewerkstatt-industrie-der-zukunft")
    assert all(r.comments.exists() for r in old.recommendations.all())
