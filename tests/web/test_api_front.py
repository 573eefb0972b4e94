"""The API's front door: /api/v1/ lists the endpoints, unknown /api/ paths answer in JSON, the
docs page loads nothing from other servers, and /favicon.ico exists."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_index_links_every_collection_the_schema_and_the_docs(client):
    response = client.get("/api/v1/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert data["schema"] == "http://testserver/api/schema/"
    assert data["docs"] == "http://testserver/api/docs/"
    endpoints = data["endpoints"]
    for label, path in [
        ("organisations", "/api/v1/organisations/"),
        ("search", "/api/v1/search/"),
        ("me", "/api/v1/me/"),
        ("strategie/processes", "/api/v1/strategie/processes/"),
        ("lieferketten/demands", "/api/v1/lieferketten/demands/"),
        ("veranstaltungen/events", "/api/v1/veranstaltungen/events/"),
        ("meinungsbild/conversations", "/api/v1/meinungsbild/conversations/"),
    ]:
        assert endpoints[label] == "http://testserver" + path
    # Every link answers (none needs parameters); the anonymous see 200 or 401.
    for url in endpoints.values():
        assert client.get(url).status_code in (200, 401), url


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing-here/", "/api/v2/", "/api/", "/api/v1/organisations/x/y/z/"]
)
def test_unknown_api_paths_answer_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["detail"]
    assert data["index"] == "http://testserver/api/v1/"


def test_a_missing_slash_under_the_api_still_redirects(client):
    response = client.get("/api/v1/organisations")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/organisations/"


def test_unknown_pages_elsewhere_stay_html(client):
    response = client.get("/netzwerk/gibt-es-nicht/x/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_unknown_api_path_message_follows_the_language(client):
    english = client.get("/api/v1/nothing/", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert english == "Not found."
    german = client.get("/api/v1/nothing/", HTTP_ACCEPT_LANGUAGE="de").json()["detail"]
    assert german != english


def test_the_index_answers_in_the_clients_language(client):
    english = client.get("/api/v1/", HTTP_ACCEPT_LANGUAGE="en").json()["authentication"]
    assert english.startswith("Send Authorization")


def test_the_docs_page_loads_redoc_without_its_third_party_logo(client):
    html = client.get(reverse("api-docs")).content.decode()
    assert 'src="/api/docs/redoc/bundles/redoc.standalone.js"' in html
    bundle = client.get("/api/docs/redoc/bundles/redoc.standalone.js")
    assert bundle.status_code == 200
    assert bundle["Content-Type"].startswith("text/javascript")
    code = b"".join(bundle.streaming_content) if bundle.streaming else bundle.content
    assert b"Redoc" in code and len(code) > 100_000  # the real bundle
    assert b"cdn.redoc.ly" not in code
    from werkstatt.web.api import EMPTY_IMAGE

    assert EMPTY_IMAGE.encode() in code


def test_favicon_ico_leads_to_our_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    from django.contrib.staticfiles import finders
    from django.templatetags.static import static

    assert response["Location"] == static("werkstatt/favicon.svg")
    assert finders.find("werkstatt/favicon.svg")
