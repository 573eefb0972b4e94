"""Searching through the API gives what the directory's search service gives."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from tests.factories import (
    CapabilityFactory,
    CertificationFactory,
    OrganisationFactory,
    RegionFactory,
    make_network_moderator,
)

from werkstatt.network.models import Organisation
from werkstatt.network.services.search import SearchParams, search
from werkstatt.network.services.search_index import reindex

pytestmark = pytest.mark.django_db

LIST = "/api/v1/organisations/"
SEARCH = "/api/v1/search/"


@pytest.fixture
def network():
    """A small directory: metalworkers around Chemnitz and Dresden, one hidden."""
    root = CapabilityFactory(key="apitest", name_de="Fertigung")
    milling = CapabilityFactory(key="apitest.fraesen", name_de="Fräsen", parent=root, depth=1)
    coating = CapabilityFactory(
        key="apitest.beschichten", name_de="Pulverbeschichten", parent=root, depth=1
    )
    iso = CertificationFactory(code="ISO 9001")
    chemnitz = RegionFactory(code="14511", slug="chemnitz-test", name_de="Chemnitz")
    dresden = RegionFactory(code="14612", slug="dresden-test", name_de="Dresden")
    orgs = [
        OrganisationFactory(
            name="Blechbearbeitung Müller GmbH",
            description="Laserschneiden und Abkanten",
            region=chemnitz,
            lat=50.83,
            lon=12.92,
            capabilities=[milling],
            certifications=[iso],
        ),
        OrganisationFactory(
            name="Fräserei Schulze",
            description="Fräsen und Drehen, Blech auf Anfrage",
            region=chemnitz,
            lat=50.85,
            lon=12.95,
            size="micro",
            capabilities=[milling],
        ),
        OrganisationFactory(
            name="Pulverbeschichtung Dresden",
            description="Beschichten von Blechteilen",
            region=dresden,
            lat=51.05,
            lon=13.74,
            capabilities=[coating],
            certifications=[iso],
        ),
        OrganisationFactory(
            name="Forschungsinstitut Blechumformung",
            kind=Organisation.Kind.RESEARCH,
            size="",
            description="Umformtechnik",
            region=dresden,
            lat=51.03,
            lon=13.72,
        ),
        OrganisationFactory(
            name="Blechbau Verborgen",
            description="Blech",
            region=chemnitz,
            is_public=False,
            lat=50.8,
            lon=12.9,
            capabilities=[milling],
        ),
    ]
    reindex([o.pk for o in orgs])
    return orgs


CASES = [
    {"q": "Blech"},
    {"q": "blechbearbeitung"},
    {"q": "mueller"},
    {"kind": ["research"]},
    {"capability": ["apitest"]},
    {"capability": ["apitest.fraesen"], "region": ["14511"]},
    {"certification": ["ISO 9001"]},
    {"size": ["micro", "small"]},
    {"q": "Blech", "certification": ["ISO 9001"]},
    {"near": "Nirgendwohausen"},
]

PARAM_NAMES = {
    "kind": "kinds",
    "region": "regions",
    "capability": "capabilities",
    "certification": "certifications",
    "size": "sizes",
}


def service_ids(query: dict, **extra) -> list[int]:
    params = {PARAM_NAMES.get(k, k): v for k, v in query.items()}
    result = search(SearchParams(**params, page_size=100, **extra))
    return [hit.organisation.pk for hit in result.hits]


@pytest.mark.parametrize("query", CASES, ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()))
@pytest.mark.parametrize("url", [LIST, SEARCH])
def test_api_search_gives_the_same_ids_in_the_same_order_as_the_service(network, query, url):
    expected = service_ids(query)
    response = APIClient().get(url, {**query, "page_size": 100})
    assert response.status_code == 200, response.json()
    data = response.json()
    assert [r["id"] for r in data["results"]] == expected
    assert data["count"] == len(expected)


def test_cases_are_not_trivial(network):
    # The cases above would pass against an empty or unfiltered answer if they found nothing
    # or everything; make sure they distinguish.
    results = {tuple(service_ids(q)) for q in CASES}
    assert len(results) >= 6
    assert () not in results


def test_text_search_carries_scores_and_finds_compounds(network):
    data = APIClient().get(LIST, {"q": "Blech"}).json()
    names = [r["name"] for r in data["results"]]
    assert "Blechbearbeitung Müller GmbH" in names
    assert "Blechbau Verborgen" not in names  # not public
    assert all(r["score"] > 0 for r in data["results"])
    scores = [r["score"] for r in data["results"]]
    assert scores == sorted(scores, reverse=True)


def test_hidden_organisations_are_found_by_moderators_only(network):
    moderator = make_network_moderator()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=moderator).key}")
    names = [r["name"] for r in client.get(LIST, {"q": "Blech"}).json()["results"]]
    assert "Blechbau Verborgen" in names
    assert [
        r["id"] for r in client.get(LIST, {"q": "Blech", "page_size": 100}).json()["results"]
    ] == service_ids({"q": "Blech"}, include_hidden=True)


def test_search_endpoint_returns_facets(network):
    data = APIClient().get(SEARCH, {"capability": "apitest"}).json()
    assert set(data["facets"]) >= {"kind", "region", "capability", "certification", "size"}
    kinds = {f["value"]: f["count"] for f in data["facets"]["kind"]}
    assert kinds == {"company": 3}
    capability = {f["value"]: f for f in data["facets"]["capability"]}
    assert capability["apitest"]["selected"] is True
    assert capability["apitest"]["count"] == 3
    certification = {f["value"]: f["count"] for f in data["facets"]["certification"]}
    assert certification == {"ISO 9001": 2}
    assert data["message"] == ""


def test_unknown_place_is_said_in_the_users_language(network):
    data = APIClient().get(SEARCH, {"near": "Nirgendwohausen"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert "Nirgendwohausen" in data["message"]


def test_search_pages(network):
    first = APIClient().get(LIST, {"q": "Blech", "page_size": 1}).json()
    assert first["count"] >= 3
    assert first["previous"] is None
    assert "page=2" in first["next"]
    second = APIClient().get(first["next"]).json()
    assert second["results"][0]["id"] != first["results"][0]["id"]
    assert second["previous"] is not None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "spaceship"}, "kind"),
        ({"size": "huge"}, "size"),
        ({"near": "Chemnitz", "radius_km": "weit"}, "radius_km"),
        ({"near": "Chemnitz", "radius_km": "5000"}, "radius_km"),
        ({"q": "Blech", "page": "0"}, "page"),
    ],
)
def test_bad_search_parameters_are_400_in_german(network, params, field):
    response = APIClient().get(SEARCH, params, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 400
    assert field in response.json()
    assert response["Content-Language"] == "de"


def test_search_query_count_does_not_grow_with_results(network):
    def count(client) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST, {"capability": "apitest"}).status_code == 200
        return len(queries)

    client = APIClient()
    before = count(client)
    extra = [
        OrganisationFactory(capabilities=[CapabilityFactory(key="apitest.fraesen")])
        for _ in range(3)
    ]
    reindex([o.pk for o in extra])
    assert len(client.get(LIST, {"capability": "apitest"}).json()["results"]) == 6
    assert count(client) == before
