"""32 people rate and compare at the same moment, each in their own thread with their own
database connection (PostgreSQL): nothing is lost, nothing is counted twice, the totals equal
the ratings. Every person also submits twice at once (a double click)."""

from __future__ import annotations

import threading

import pytest
from django.db import connections
from django.db.models import Count, Sum

from tests.assessment.factories import assessment_process, participant, recommendations
from werkstatt.assessment.models import Comparison, CriterionTotal, Rating, RatingTotal
from werkstatt.assessment.services.comparisons import do_compare
from werkstatt.assessment.services.criteria import criteria_of
from werkstatt.assessment.services.ratings import do_rate
from werkstatt.network.models import Organisation, Region

VOTERS = 32
KINDS = [
    Organisation.Kind.COMPANY,
    Organisation.Kind.UNION,
    Organisation.Kind.CHAMBER,
    Organisation.Kind.RESEARCH,
]


def run_together(work, people) -> list[BaseException]:
    start = threading.Barrier(len(people) * 2)
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(number, person):
        try:
            start.wait(timeout=60)
            work(number, person)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    # Each person twice: two requests of the same person racing each other.
    threads = [
        threading.Thread(target=worker, args=(k, person))
        for k, person in enumerate(people)
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_32_concurrent_raters_lose_and_duplicate_nothing(is_postgres):
    if not is_postgres:
        pytest.skip("SQLite's in-memory test database is not shared between connections")
    process = assessment_process()
    recs = recommendations(process, 3)
    criteria = criteria_of(process)
    district = next(c for c in criteria if c.per_district)
    chemnitz = Region.objects.get(slug="chemnitz")
    people = [participant(process, KINDS[k % len(KINDS)]) for k in range(VOTERS)]

    def rate(number, person):
        for rec in recs:  # everyone rates the same recommendations: one row lock, contended
            values = {c.pk: 1 + (number + c.order) % 5 for c in criteria}
            do_rate(person, rec, values, region=chemnitz)

    errors = run_together(rate, people)
    assert not errors, errors[:3]
    assert Rating.objects.count() == VOTERS * len(recs) * len(criteria)
    duplicates = (
        Rating.objects.values("user", "recommendation", "criterion", "region")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not duplicates.exists()
    for rec in recs:
        totals = RatingTotal.objects.filter(recommendation=rec).aggregate(n=Sum("n"))
        assert totals["n"] == VOTERS
        fit = CriterionTotal.objects.get(recommendation=rec, criterion=district, region=chemnitz)
        truth = Rating.objects.filter(recommendation=rec, criterion=district).aggregate(
            n=Count("pk"), s=Sum("value")
        )
        assert (fit.n, fit.total) == (truth["n"], truth["s"]) == (VOTERS, fit.total)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_32_concurrent_voters_lose_and_duplicate_nothing(is_postgres):
    if not is_postgres:
        pytest.skip("SQLite's in-memory test database is not shared between connections")
    process = assessment_process()
    recs = recommendations(process, 4)
    people = [participant(process, KINDS[k % len(KINDS)]) for k in range(VOTERS)]
    pairs = [(recs[i], recs[j]) for i in range(4) for j in range(i + 1, 4)]

    def vote(number, person):
        for first, second in pairs:
            do_compare(person, process, first, second, "first" if number % 3 else "second")

    errors = run_together(vote, people)
    assert not errors, errors[:3]
    assert Comparison.objects.count() == VOTERS * len(pairs)
    assert Comparison.objects.values("user").distinct().count() == VOTERS
    per_pair = Comparison.objects.values("item_low", "item_high").annotate(n=Count("pk"))
    assert {row["n"] for row in per_pair} == {VOTERS}
