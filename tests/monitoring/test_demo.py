"""The monitoring demo: implementation concepts for both demo processes, dated plausibly."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from werkstatt.monitoring import demo
from werkstatt.monitoring.models import ImplementationConcept, Milestone, ProgressUpdate
from werkstatt.network import demo as network_demo
from werkstatt.strategy import demo as strategy_demo
from werkstatt.strategy.models import Recommendation

pytestmark = pytest.mark.django_db


def test_both_processes_have_their_implementation_and_nothing_lies_ahead():
    network_demo.build_demo(150, 7, index=False)
    strategy_demo.build_demo(seed=7, report=lambda message: None)
    messages: list[str] = []
    demo.build_demo(seed=7, report=messages.append)
    today = timezone.localdate()
    concepts = ImplementationConcept.objects.select_related("recommendation__process")
    by_process = {c.recommendation.process.slug for c in concepts}
    assert by_process == {strategy_demo.STRATEGY_SLUG, strategy_demo.FUTURE_SLUG}
    future = [c for c in concepts if c.recommendation.process.slug == strategy_demo.FUTURE_SLUG]
    # The ZukunftsWerkstatt wrote its concepts after its prioritisation of 2020.
    assert future and all(c.start_date >= datetime.date(2020, 6, 1) for c in future)
    for concept in concepts:
        assert concept.responsibilities.filter(role="lead").exists()
        rec = concept.recommendation
        assert rec.status in (
            Recommendation.Status.IN_IMPLEMENTATION,
            Recommendation.Status.IMPLEMENTED,
        )
        if concept.status == "completed":
            assert concept.end_date <= today
            assert rec.status == Recommendation.Status.IMPLEMENTED
        updates = list(concept.updates.order_by("date", "pk"))
        if updates:
            assert updates[0].text.startswith("Auftakt")
            texts = [u.text for u in updates]
            assert len(texts) == len(set(texts))
            progress = [u.progress for u in updates]
            assert progress == sorted(progress)
    assert not ProgressUpdate.objects.filter(date__gt=today).exists()
    assert not Milestone.objects.filter(reached_date__gt=today).exists()
    assert not ImplementationConcept.objects.filter(created__gt=timezone.now()).exists()
    demo.delete_demo(report=messages.append)
    assert not ImplementationConcept.objects.exists()
