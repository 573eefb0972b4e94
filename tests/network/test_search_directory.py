"""The directory page and its map endpoint (views/directory.py)."""

import pytest
from django.urls import reverse
from tests.factories import OrganisationFactory, SuperuserFactory

from werkstatt.network.services import search as search_service
from werkstatt.network.services.search_index import reindex

pytestmark = pytest.mark.django_db

URL = "network:directory"


def make(n, **kwargs):
    made = [
        OrganisationFactory(
            description="Blechbearbeitung und Laserschneiden",
            lat=50.8 + i / 100,
            lon=12.9,
            **kwargs,
        )
        for i in range(n)
    ]
    reindex([o.pk for o in made])
    return made


def test_page_lists_results_with_counts_and_map(client):
    made = make(2)
    response = client.get(reverse(URL), {"q": "Blech"})
    assert response.status_code == 200
    html = response.content.decode()
    for org in made:
        assert org.name in html
    assert 'aria-live="polite"' in html
    assert 'id="directory-map"' in html
    assert "data-tile-url=" in html
    assert reverse("network:directory_geojson") + "?q=Blech" in html
    assert "<script>" not in html and 'style="' not in html  # strict CSP: no inline code
    assert "<fieldset>" in html and "<legend>" in html


def test_page_works_without_results_and_without_query(client):
    response = client.get(reverse(URL), {"q": "Nichtvorhanden"})
    assert response.status_code == 200
    assert response.context["result"].total == 0
    assert client.get(reverse(URL)).status_code == 200


def test_bad_parameters_are_ignored(client):
    make(1)
    response = client.get(
        reverse(URL),
        {"kind": "nonsense", "size": "huge", "page": "x", "radius_km": "7", "sort": "?"},
    )
    assert response.status_code == 200
    assert response.context["result"].total == 1


def test_unknown_place_is_said_on_the_page(client):
    make(1)
    response = client.get(reverse(URL), {"near": "Atlantis", "radius_km": "25"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Atlantis" in html
    assert 'class="alert alert--info"' in html
    assert response.context["result"].total == 1


def test_htmx_request_gets_only_the_body(client):
    make(1)
    response = client.get(
        reverse(URL), {"q": "Blech"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="directory-body"
    )
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="directory-results"' in html


def test_hidden_organisations_only_for_curators(client):
    (hidden,) = make(1, is_public=False, name="Geheim Blech GmbH")
    assert hidden.name not in client.get(reverse(URL)).content.decode()
    client.force_login(SuperuserFactory())
    assert hidden.name in client.get(reverse(URL)).content.decode()


def test_geojson_has_all_matching_points(client):
    made = make(3)
    OrganisationFactory(description="Holzbau")  # not matching
    response = client.get(reverse("network:directory_geojson"), {"q": "Laser"})
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert data["total"] == 3 and not data["truncated"]
    assert sorted(f["id"] for f in data["features"]) == sorted(o.pk for o in made)
    feature = data["features"][0]
    assert feature["geometry"]["type"] == "Point"
    assert feature["properties"]["url"].startswith("/netzwerk/o/")


def test_geojson_is_capped(client, monkeypatch):
    make(3)
    monkeypatch.setattr("werkstatt.network.views.directory.MAP_POINT_LIMIT", 2)
    data = client.get(reverse("network:directory_geojson")).json()
    assert len(data["features"]) == 2
    assert data["total"] == 3 and data["truncated"]


@pytest.mark.parametrize("params", [{"q": "Blech"}, {}, {"q": "Laser", "kind": "company"}])
def test_query_count_does_not_grow_with_results(client, params):
    make(1)
    client.get(reverse(URL), params)  # warm caches (sessions, content types)
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    caches["pages"].clear()  # the rendering is measured, not the page cache
    with CaptureQueriesContext(connection) as one:
        client.get(reverse(URL), params)
    make(2)
    caches["pages"].clear()
    with CaptureQueriesContext(connection) as three:
        response = client.get(reverse(URL), params)
    assert response.context["result"].total == 3
    assert len(three) == len(one)


def test_geojson_query_count_is_constant(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make(1)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("network:directory_geojson"), {"q": "Laser"})
    make(4)
    with CaptureQueriesContext(connection) as five:
        client.get(reverse("network:directory_geojson"), {"q": "Laser"})
    assert len(five) == len(one)


def test_radius_on_the_page(client):
    from werkstatt.engines.geo import haversine_km

    made = make(2)
    outside = OrganisationFactory(lat=51.05, lon=13.74)  # Dresden, about 60 km away
    reindex([outside.pk])
    chemnitz = search_service.geocode_place("Chemnitz")  # the real offline gazetteer
    by_distance = sorted(made, key=lambda o: haversine_km(chemnitz.lat, chemnitz.lon, o.lat, o.lon))
    response = client.get(reverse(URL), {"near": "Chemnitz", "radius_km": "10"})
    assert [h.organisation.pk for h in response.context["result"].hits] == [
        o.pk for o in by_distance
    ]
    html = response.content.decode()
    assert "km" in html and "Chemnitz" in html
