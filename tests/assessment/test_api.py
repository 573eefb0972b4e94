"""The assessment API: the same rules and messages as the pages."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.assessment.factories import assessment_process, participant, recommendations
from tests.factories import UserFactory
from werkstatt.assessment.models import Comparison, Rating

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(member):
    client = APIClient(headers={"Accept-Language": "en"})
    client.force_authenticate(member)
    return client


def base(process) -> str:
    return f"/api/v1/bewertung/{process.slug}/"


def test_submit_and_read_own_ratings(api, process, recs, member):
    response = api.post(
        base(process) + "bewertungen/",
        {
            "recommendation": recs[0].pk,
            "values": {"relevance": 5, "district_fit": 4, "urgency": None},
            "region": "chemnitz",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert {r["criterion"]: r["value"] for r in response.json()} == {
        "relevance": 5,
        "district_fit": 4,
    }
    own = api.get(base(process) + "bewertungen/").json()
    assert own["count"] == 2
    assert {r["region"] for r in own["results"]} == {None, "chemnitz"}
    # Someone else's ratings are not listed.
    other = APIClient()
    other.force_authenticate(participant(process))
    assert other.get(base(process) + "bewertungen/").json()["count"] == 0


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"values": {"relevance": 6}}, "Please give a value from 1 to 5."),
        ({"values": {"beauty": 3}}, "Unknown criterion: beauty."),
        ({"values": {"district_fit": 3}, "region": "atlantis"}, "does not exist"),
        ({"values": {"district_fit": 3}}, "Please choose the district"),
    ],
)
def test_bad_ratings_are_refused_with_a_message(api, process, recs, payload, message):
    response = api.post(
        base(process) + "bewertungen/", {"recommendation": recs[0].pk, **payload}, format="json"
    )
    assert response.status_code == 400
    assert message in str(response.json())
    assert not Rating.objects.exists()


def test_rating_a_recommendation_of_another_process_is_refused(api, process):
    foreign = recommendations(assessment_process(), 1)[0]
    response = api.post(
        base(process) + "bewertungen/",
        {"recommendation": foreign.pk, "values": {"relevance": 3}},
        format="json",
    )
    assert response.status_code == 400
    assert "does not belong to the process" in str(response.json())
    assert not Rating.objects.exists()


def test_submit_comparison_and_next_pair(api, process, recs):
    pair = api.get(base(process) + "paar/").json()
    assert pair["total"] == 6 and pair["answered"] == 0
    response = api.post(
        base(process) + "vergleiche/",
        {"first": pair["first"]["id"], "second": pair["second"]["id"], "choice": "first"},
        format="json",
    )
    assert response.status_code == 201
    assert Comparison.objects.count() == 1
    assert api.get(base(process) + "paar/").json()["answered"] == 1
    assert api.get(base(process) + "vergleiche/").json()["count"] == 1
    bad = api.post(
        base(process) + "vergleiche/",
        {"first": recs[0].pk, "second": recs[0].pk, "choice": "first"},
        format="json",
    )
    assert bad.status_code == 400 and "itself" in str(bad.json())
    assert Comparison.objects.count() == 1


def test_outsiders_cannot_submit(process, recs):
    client = APIClient()
    assert client.post(base(process) + "vergleiche/", {}).status_code == 401
    client.force_authenticate(UserFactory())
    response = client.post(
        base(process) + "vergleiche/",
        {"first": recs[0].pk, "second": recs[1].pk, "choice": "first"},
        format="json",
    )
    assert response.status_code == 403
    assert not Comparison.objects.exists()


def test_results_endpoints(api, process, recs, member):
    api.post(
        base(process) + "bewertungen/",
        {"recommendation": recs[1].pk, "values": {"district_fit": 5}, "region": "leipzig"},
        format="json",
    )
    anonymous = APIClient()
    ranking = anonymous.get(base(process) + "rangliste/").json()
    assert ranking["count"] == 4
    first = ranking["results"][0]
    assert first["recommendation"] == recs[1].pk and first["n"] == 1
    assert first["low"] <= first["estimate"] <= first["high"]
    unrated = ranking["results"][-1]
    assert unrated["n"] == 0 and unrated["mean"] is None and unrated["rank"] is None
    assert first["rank"] == 1
    pairwise = anonymous.get(base(process) + "rangliste/?method=pairwise").json()
    assert {r["recommendation"] for r in pairwise["results"]} == {r.pk for r in recs}
    assert {r["rank"] for r in pairwise["results"]} == {None}  # nothing compared yet
    districts = anonymous.get(base(process) + "regionen/?district=leipzig").json()
    assert len(districts["districts"]) == 13
    assert districts["ranking"][0]["recommendation"] == recs[1].pk
    assert anonymous.get(base(process) + "regionen/?district=atlantis").status_code == 400
    groups = anonymous.get(base(process) + "gruppen/").json()
    assert groups["method"] == "ratings" and groups["groups"][0]["key"] == "company"
    assert anonymous.get("/api/v1/bewertung/gibt-es-nicht/rangliste/").status_code == 404
