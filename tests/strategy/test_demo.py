"""The demo builds both processes on the demo network and deletes them again.

Only the network's demo and ours run here (the other apps' demos have their own tests)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from werkstatt.network import demo as network_demo
from werkstatt.strategy import demo
from werkstatt.strategy.models import Process, Recommendation

pytestmark = pytest.mark.django_db


def test_demo_builds_and_resets():
    network_demo.build_demo(150, 7, index=False)
    messages = []
    demo.build_demo(seed=7, report=messages.append)
    assert "ZukunftsWerkstatt INDUSTRIE" in messages[-1]
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
    assert Recommendation.objects.filter(process=new, comments__parent__isnull=False).exists()
    assert all(r.created <= timezone.now() for r in new.recommendations.all())
    titles = sorted(new.recommendations.values_list("title", flat=True))
    demo.delete_demo(report=messages.append)
    assert not Process.objects.exists()
    demo.build_demo(seed=7, report=messages.append)
    again = Process.objects.get(slug="zukunftswerkstatt-industrie")
    assert sorted(again.recommendations.values_list("title", flat=True)) == titles
    assert Process.objects.count() == 2
