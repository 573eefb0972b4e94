"""The OpenAPI document is valid, documents what clients need, and its docs page works offline."""

from __future__ import annotations

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command

SEARCH_PARAMETERS = {
    "q",
    "kind",
    "region",
    "capability",
    "certification",
    "size",
    "near",
    "radius_km",
}


@pytest.fixture(scope="module")
def schema(tmp_path_factory) -> dict:
    # The same command as in the README: fails on any warning of drf-spectacular, and validates
    # the result against the OpenAPI 3 specification.
    path = tmp_path_factory.mktemp("schema") / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def parameters(schema: dict, path: str) -> dict[str, dict]:
    return {p["name"]: p for p in schema["paths"][path]["get"].get("parameters", [])}


def test_schema_is_valid_without_warnings(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Werkstatt API"


def test_every_endpoint_is_documented(schema):
    # The network directory's endpoints; the other apps' are checked in their own tests, and
    # every endpoint of every app must have a tag and a summary (below).
    assert set(schema["paths"]) >= {
        "/api/v1/organisations/",
        "/api/v1/organisations/{slug}/",
        "/api/v1/organisations/{slug}/history/",
        "/api/v1/organisations/{organisation_slug}/sites/",
        "/api/v1/organisations/{organisation_slug}/sites/{id}/",
        "/api/v1/organisations/{organisation_slug}/contacts/",
        "/api/v1/organisations/{organisation_slug}/contacts/{id}/",
        "/api/v1/search/",
        "/api/v1/regions/",
        "/api/v1/sectors/",
        "/api/v1/capabilities/",
        "/api/v1/certifications/",
        "/api/v1/materials/",
        "/api/v1/me/",
    }
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert operation.get("tags"), f"{method} {path} has no tag"
            assert operation.get("summary"), f"{method} {path} has no summary"


def test_search_parameters_are_documented(schema):
    for path in ["/api/v1/organisations/", "/api/v1/search/"]:
        documented = parameters(schema, path)
        assert set(documented) >= SEARCH_PARAMETERS, path
        assert all(documented[name].get("description") for name in SEARCH_PARAMETERS)
    organisations = parameters(schema, "/api/v1/organisations/")
    assert "company" in organisations["kind"]["schema"]["items"]["enum"]
    assert organisations["capability"]["examples"]


def test_write_operations_have_request_bodies_and_token_security(schema):
    patch = schema["paths"]["/api/v1/organisations/{slug}/"]["patch"]
    body = patch["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.endswith("/PatchedOrganisationWrite")
    assert patch["requestBody"]["content"]["application/json"]["examples"]
    assert {"tokenAuth": []} in patch["security"]
    assert "put" not in schema["paths"]["/api/v1/organisations/{slug}/"]


@pytest.mark.django_db
def test_schema_is_served(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/organisations/" in response.content


@pytest.mark.django_db
def test_docs_page_loads_redoc_from_our_static_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    # The sidecar's bundle, served without its logo from Redocly's server (web/api.py).
    assert 'src="/api/docs/redoc/bundles/redoc.standalone.js"' in html
    assert "https://" not in html  # no CDN, no web fonts: works offline
    assert "<script>" not in html  # no inline script under the CSP
    assert finders.find("drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy + ";"
    assert "unsafe-eval" not in policy


@pytest.mark.django_db
def test_other_pages_keep_the_strict_style_policy(client):
    response = client.get("/api/v1/regions/")
    assert "unsafe-inline" not in response.get("Content-Security-Policy", "")
