"""The whole demo (`werkstatt demo`): the network, then every app's demo on top of it.

The full demo takes a while, so it runs once (and once more with --reset, for reproducibility),
and each app checks its part in `check_demo()` below: a demo that a visitor of `make run` sees
must be complete and plausible in every area. The network's own demo is tested in
tests/network/test_demo.py (with --network-only).
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def check_monitoring() -> None:
    from werkstatt.monitoring.models import ImplementationConcept, ProgressUpdate
    from werkstatt.strategy.models import Recommendation

    concepts = ImplementationConcept.objects.select_related("recommendation__process")
    assert concepts.count() >= 3
    # Both demo processes: the completed StrategieWerkstatt and the ZukunftsWerkstatt.
    assert {c.recommendation.process.status for c in concepts} == {"completed", "active"}
    assert all(c.responsibilities.filter(role="lead").exists() for c in concepts)
    assert ProgressUpdate.objects.exists()
    statuses = set(
        Recommendation.objects.filter(implementation__isnull=False).values_list("status", flat=True)
    )
    assert statuses <= {"in_implementation", "implemented"}


def check_matchmaking() -> None:
    from werkstatt.engines.scheduling import Assignment, Schedule, check_schedule
    from werkstatt.matchmaking.models import Meeting, Profile, Setup
    from werkstatt.matchmaking.services.scheduling import instance_for

    setup = Setup.objects.select_related("event").get()
    assert Profile.objects.filter(event=setup.event).count() >= 250
    placed = Meeting.objects.filter(event=setup.event, slot__isnull=False).count()
    assert placed >= 400
    assert setup.upper_bound >= placed
    instance, _locks, previous = instance_for(setup.event)
    placed_ids = {p[0] for p in previous}
    unplaced = [m["id"] for m in instance["meetings"] if m["id"] not in placed_ids]
    schedule = Schedule(
        [Assignment(*p) for p in previous], unplaced, float(len(previous)), 0, None, 0
    )
    # Every hard rule of FORMATS.md §1 holds for the demo's schedule.
    assert [e for e in check_schedule(instance, schedule) if not e.startswith("idle")] == []


CHECKS = [check_monitoring, check_matchmaking]


def snapshot() -> list:
    from werkstatt.matchmaking.models import Meeting
    from werkstatt.monitoring.models import ImplementationConcept

    return [
        sorted(ImplementationConcept.objects.values_list("recommendation__title", "budget_eur")),
        Meeting.objects.exclude(slot=None).count(),
    ]


def test_the_whole_demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo", organisations=150, no_index=True, stdout=StringIO())
    for check in CHECKS:
        check()
    first = snapshot()
    call_command("demo", organisations=150, no_index=True, reset=True, stdout=StringIO())
    assert snapshot() == first
