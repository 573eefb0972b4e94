"""The demo: the ZukunftsWerkstatt INDUSTRIE gets ratings and comparisons with real
differences between stakeholder groups; reproducible and removable."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from tests.factories import UserFactory
from werkstatt.assessment import demo
from werkstatt.assessment.models import Comparison, Rating, RatingTotal
from werkstatt.assessment.services import results
from werkstatt.strategy import demo as strategy_demo
from werkstatt.strategy.models import Process

pytestmark = pytest.mark.django_db


def test_demo_rates_the_zukunftswerkstatt_with_group_differences():
    # The network and the strategy demo it builds on, then this one (the whole demo is
    # tested once in tests/test_demo_apps.py).
    call_command(
        "demo", organisations=150, seed=5, no_index=True, network_only=True, stdout=io.StringIO()
    )
    strategy_demo.build_demo(seed=5, report=lambda message: None)
    lines: list[str] = []
    demo.build_demo(seed=5, report=lines.append)
    assert any("Assessment:" in line for line in lines)
    process = Process.objects.get(slug=demo.PROCESS_SLUG)
    phase = process.current_phase()
    assert phase.allows_prioritise and phase.allows_rate
    ratings = Rating.objects.filter(recommendation__process=process)
    assert ratings.count() > 500
    assert Comparison.objects.filter(process=process).count() > 300
    groups = set(ratings.values_list("group", flat=True))
    assert {"company", "union", "chamber", "research", "public"} <= groups
    # The totals match the ratings.
    people = ratings.values("user", "recommendation").distinct().count()
    assert sum(RatingTotal.objects.filter(process=process).values_list("n", flat=True)) == people
    visitor = UserFactory()
    ranking = results.rating_ranking(visitor, process)
    assert ranking.summaries[0].n > 10
    data = results.group_comparison(visitor, process)
    assert len(data.groups) >= 5
    assert max(row.spread for row in data.rows) >= 3  # the groups really disagree somewhere
    assert min(rho for _, _, rho in data.agreement if rho == rho) < 0.7
    pairwise = results.group_comparison(visitor, process, "pairwise")
    assert len(pairwise.groups) >= 5
    districts = results.district_results(visitor, process)
    assert sum(1 for row in districts.rows if row.n) >= 8

    demo.delete_demo(report=lambda message: None)
    assert not Rating.objects.filter(recommendation__process=process).exists()
    assert not RatingTotal.objects.filter(process=process).exists()
