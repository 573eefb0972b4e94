"""DSGVO in the assessment: the download holds the person's ratings and comparisons; deleting
the account keeps them in the results without the person, and the totals stay right even when
they are recomputed later (each deleted person still counts once per recommendation)."""

from __future__ import annotations

import pytest

from tests.assessment.factories import participant
from werkstatt.accounts.services import do_delete_account, export_user_data
from werkstatt.assessment.models import Comparison, Rating, RatingTotal
from werkstatt.assessment.services import results
from werkstatt.assessment.services.comparisons import do_compare
from werkstatt.assessment.services.criteria import criteria_of
from werkstatt.assessment.services.ratings import do_rate
from werkstatt.network.models import Region

pytestmark = pytest.mark.django_db


def rate(process, rec, user, value, region=None):
    values = {c.pk: value for c in criteria_of(process) if not c.per_district or region}
    do_rate(user, rec, values, region=region)


def test_the_download_has_the_ratings_and_comparisons(process, recs):
    person = participant(process)
    rate(process, recs[0], person, 4, region=Region.objects.get(slug="chemnitz"))
    do_compare(person, process, recs[0], recs[1], "second")
    data = export_user_data(person)["assessment"]
    assert len(data["ratings"]) == 4
    assert {r["recommendation"] for r in data["ratings"]} == {recs[0].title}
    assert {r["value"] for r in data["ratings"]} == {4}
    assert [r["district"] for r in data["ratings"] if r["district"]] == ["Chemnitz"]
    (comparison,) = data["comparisons"]
    assert set(comparison["pair"]) == {recs[0].title, recs[1].title}
    assert comparison["first"] == recs[1].title
    # Nothing of anybody else.
    other = participant(process)
    rate(process, recs[1], other, 2)
    assert len(export_user_data(person)["assessment"]["ratings"]) == 4


def test_deleted_accounts_keep_counting_once_each(process, recs):
    leaving = [participant(process) for _ in range(2)]
    for person, value in zip(leaving, (5, 3), strict=True):
        rate(process, recs[0], person, value)
        do_compare(person, process, recs[0], recs[1], "first")
    before = results.rating_ranking(participant(process), process)
    first = next(s for s in before.summaries if s.item == recs[0].pk)
    assert (first.n, first.mean) == (2, 4.0)

    for person in leaving:
        do_delete_account(person)

    assert not Rating.objects.filter(user__isnull=False).exists()
    assert Rating.objects.count() == 6  # three criteria each (no district), kept
    # A new rating recomputes the recommendation's totals from its ratings: the two deleted
    # people are still two people with their own means, not one.
    rate(process, recs[0], participant(process), 1)
    assert sum(RatingTotal.objects.filter(recommendation=recs[0]).values_list("n", flat=True)) == 3
    after = results.rating_ranking(participant(process), process)
    first = next(s for s in after.summaries if s.item == recs[0].pk)
    assert (first.n, first.mean) == (3, 3.0)
    pairwise = results.pairwise_ranking(participant(process), process)
    assert (pairwise.comparisons, pairwise.people) == (2, 2)
    assert Comparison.objects.filter(user__isnull=True).count() == 2
