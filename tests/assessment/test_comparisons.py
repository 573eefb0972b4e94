"""Pairwise comparisons: the service, the database's guarantees, the next pair, the page."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from tests.assessment.factories import (
    ComparisonFactory,
    assessment_process,
    participant,
    recommendations,
)
from tests.factories import UserFactory
from tests.strategy.factories import RecommendationFactory
from werkstatt.assessment.models import Comparison
from werkstatt.assessment.services.comparisons import do_compare, next_pair_for
from werkstatt.network.models import Organisation
from werkstatt.strategy.models import Recommendation

pytestmark = pytest.mark.django_db


def test_a_vote_is_stored_as_an_ordered_pair(process, recs, member):
    low, high = sorted(recs[:2], key=lambda r: r.pk)
    vote = do_compare(member, process, high, low, "first")  # shown the higher id first
    assert (vote.item_low, vote.item_high, vote.choice) == (low, high, Comparison.Choice.HIGH)
    assert vote.group == "company"
    assert vote.score_low == 0.0
    again = do_compare(member, process, low, high, "undecided")
    assert again.pk == vote.pk
    assert Comparison.objects.get().choice == Comparison.Choice.UNDECIDED


def test_the_database_refuses_a_second_vote_and_an_unordered_pair(process, recs, member):
    low, high = sorted(recs[:2], key=lambda r: r.pk)
    ComparisonFactory(user=member, item_low=low, item_high=high)
    with pytest.raises(IntegrityError), transaction.atomic():
        ComparisonFactory(user=member, item_low=low, item_high=high)
    with pytest.raises(IntegrityError), transaction.atomic():
        ComparisonFactory(user=member, item_low=high, item_high=low)
    assert Comparison.objects.count() == 1


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("same", "cannot be compared with itself"),
        ("other_process", "does not belong to the process"),
        ("thesis", "cannot be prioritised"),
        ("choice", "Please choose one of the two"),
    ],
)
def test_bad_votes_change_nothing(process, recs, member, case, message):
    first, second, choice = recs[0], recs[1], "first"
    if case == "same":
        second = first
    elif case == "other_process":
        second = recommendations(assessment_process(), 1)[0]
    elif case == "thesis":
        second = RecommendationFactory(process=process, kind=Recommendation.Kind.THESIS)
    elif case == "choice":
        choice = "both"
    with translation.override("en"), pytest.raises(ValidationError, match=message):
        do_compare(member, process, first, second, choice)
    assert not Comparison.objects.exists()


def test_votes_outside_a_prioritisation_phase_or_by_outsiders_are_refused(recs, process):
    closed = assessment_process(prioritise=False)
    a, b = recommendations(closed, 2)
    with translation.override("en"), pytest.raises(ValidationError, match="not open"):
        do_compare(participant(closed), closed, a, b, "first")
    with translation.override("en"), pytest.raises(ValidationError, match="Only participants"):
        do_compare(UserFactory(), process, recs[0], recs[1], "first")
    assert not Comparison.objects.exists()


def test_next_pair_never_repeats_until_all_pairs_are_answered(process, recs, member):
    seen = set()
    for _ in range(6):  # 4 recommendations: 6 pairs
        pair = next_pair_for(member, process)
        key = tuple(sorted((pair.first.pk, pair.second.pk)))
        assert key not in seen
        seen.add(key)
        do_compare(member, process, pair.first, pair.second, "first")
    assert len(seen) == 6
    pair = next_pair_for(member, process)
    assert pair is not None and pair.answered == 6 and pair.total == 6


def test_next_pair_needs_two_recommendations(member, process):
    assert next_pair_for(member, process) is None
    recommendations(process, 1)
    assert next_pair_for(member, process) is None


# --- the page -----------------------------------------------------------------------------------


def url(process) -> str:
    return reverse("assessment:compare", kwargs={"slug": process.slug})


def test_compare_without_javascript_posts_and_redirects(client, process, recs, member):
    client.force_login(member)
    page = client.get(url(process)).content.decode()
    assert 'name="choice" value="first"' in page and 'hx-post="' in page
    pair = next_pair_for(member, process)
    response = client.post(
        url(process), {"first": pair.first.pk, "second": pair.second.pk, "choice": "second"}
    )
    assert response.status_code == 302 and response["Location"] == url(process)
    vote = Comparison.objects.get()
    preferred = vote.item_high if vote.choice == Comparison.Choice.HIGH else vote.item_low
    assert preferred == pair.second


def test_compare_with_htmx_answers_with_the_next_pair(client, process, recs, member):
    client.force_login(member)
    pair = next_pair_for(member, process)
    with translation.override("en"):
        english = url(process)  # /en/…: the messages below are our msgids
    response = client.post(
        english,
        {"first": pair.first.pk, "second": pair.second.pk, "choice": "first"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and 'name="first"' in body
    assert "1 of 6" in body
    assert Comparison.objects.count() == 1
    # The new pair's heading takes the focus (compare.js); the pair itself is no live region,
    # a short message in #pair-status names the next pair instead.
    assert '<h2 id="pair-heading" tabindex="-1">' in body
    assert "aria-live" not in body
    following = next_pair_for(member, process)
    status = body.split('hx-swap-oob="innerHTML:#pair-status">')[1].split("</div>")[0]
    assert status == f"Saved. Next pair: “{following.first.title}” or “{following.second.title}”."
    page = client.get(url(process)).content.decode()
    assert 'id="pair-status"' in page and 'role="status"' in page
    assert '<div id="pair">' in page  # the whole pair is not re-read on every answer


def test_compare_rejects_a_recommendation_of_another_process(client, process, recs, member):
    foreign = recommendations(assessment_process(), 1)[0]
    client.force_login(member)
    with translation.override("en"):
        target = url(process)
    response = client.post(target, {"first": recs[0].pk, "second": foreign.pk, "choice": "first"})
    assert response.status_code == 400
    assert "This recommendation does not belong to the process." in response.content.decode()
    response = client.post(target, {"first": recs[0].pk, "second": recs[1].pk, "choice": "9"})
    assert response.status_code == 400
    assert not Comparison.objects.exists()


def test_groups_are_taken_from_the_organisation_kind(process, recs):
    union = participant(process, Organisation.Kind.UNION)
    research = participant(process, Organisation.Kind.RESEARCH)
    assert do_compare(union, process, recs[0], recs[1], "first").group == "union"
    assert do_compare(research, process, recs[0], recs[1], "first").group == "research"
