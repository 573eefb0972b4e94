"""No N+1 on the assessment's list pages: as many queries for 3 items as for 1."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.assessment.factories import assessment_process, participant
from tests.strategy.factories import ActionFieldFactory, RecommendationFactory, add_role
from werkstatt.assessment.services.comparisons import do_compare
from werkstatt.assessment.services.criteria import criteria_of
from werkstatt.assessment.services.ratings import do_rate
from werkstatt.network.models import Organisation, Region

pytestmark = pytest.mark.django_db
KINDS = [Organisation.Kind.COMPANY, Organisation.Kind.UNION, Organisation.Kind.CHAMBER]


def add_item(process, member, i: int) -> None:
    """One more recommendation, rated and compared by people of three groups."""
    rec = RecommendationFactory(process=process, title=f"Empfehlung {i}")
    rec.action_fields.add(ActionFieldFactory(process=process))
    chemnitz = Region.objects.get(slug="chemnitz")
    for kind in KINDS:
        person = participant(process, kind)
        do_rate(person, rec, {c.pk: 1 + i % 5 for c in criteria_of(process)}, region=chemnitz)
    do_rate(member, rec, {criteria_of(process)[0].pk: 3})
    others = list(process.recommendations.exclude(pk=rec.pk))
    if others:
        do_compare(participant(process, KINDS[i % 3]), process, rec, others[0], "first")


PAGES: dict[str, Callable] = {
    "index": lambda p: reverse("assessment:index"),
    "process": lambda p: reverse("assessment:process", kwargs={"slug": p.slug}),
    "ranking": lambda p: reverse("assessment:ranking", kwargs={"slug": p.slug}),
    "pairwise": lambda p: (
        reverse("assessment:ranking", kwargs={"slug": p.slug}) + "?method=pairwise"
    ),
    "groups": lambda p: reverse("assessment:groups", kwargs={"slug": p.slug}),
    "groups_pairwise": lambda p: (
        reverse("assessment:groups", kwargs={"slug": p.slug}) + "?method=pairwise"
    ),
    "districts": lambda p: (
        reverse("assessment:districts", kwargs={"slug": p.slug}) + "?bezirk=chemnitz"
    ),
    "api_ranking": lambda p: f"/api/v1/bewertung/{p.slug}/rangliste/",
    "api_ratings": lambda p: f"/api/v1/bewertung/{p.slug}/bewertungen/",
    "api_comparisons": lambda p: f"/api/v1/bewertung/{p.slug}/vergleiche/",
}


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", list(PAGES))
def test_list_pages_make_as_many_queries_for_three_items_as_for_one(client, name):
    process = assessment_process()
    member = participant(process)
    client.force_login(member)
    url = PAGES[name](process)
    RecommendationFactory(process=process, title="Basis")  # so that the first item is compared
    add_item(process, member, 0)
    client.get(url)  # warm caches (criteria, the Bradley–Terry fit, sessions)
    one = count(client, url)
    add_item(process, member, 1)
    add_item(process, member, 2)
    client.get(url)
    three = count(client, url)
    assert three == one, f"{name}: {one} queries for 1 item, {three} for 3"


def test_index_makes_as_many_queries_for_three_processes_as_for_one(client):
    member = participant(assessment_process())
    client.force_login(member)
    url = reverse("assessment:index")
    client.get(url)
    one = count(client, url)
    for _ in range(2):
        add_role(member, assessment_process())
    client.get(url)
    three = count(client, url)
    assert three == one, f"{one} queries for 1 process, {three} for 3"


def test_criteria_page_makes_as_many_queries_for_three_criteria_as_for_one(client):
    from werkstatt.assessment.models import Criterion

    process = assessment_process()
    Criterion.objects.filter(process=process).exclude(key="relevance").delete()
    moderator = add_role(participant(process), process, "moderator")
    client.force_login(moderator)
    rec = RecommendationFactory(process=process)
    url = reverse("assessment:criteria", kwargs={"slug": process.slug})

    def add(i: int) -> None:
        criterion = Criterion.objects.create(process=process, key=f"k{i}", name=f"K{i}", order=i)
        do_rate(participant(process), rec, {criterion.pk: 3})

    add(1)
    client.get(url)
    one = count(client, url)
    add(2)
    add(3)
    client.get(url)
    three = count(client, url)
    assert three == one, f"{one} queries for 1 criterion, {three} for 3"
