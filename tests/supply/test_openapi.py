"""The supply API in the OpenAPI document: every endpoint with a tag and a summary, no PUT."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

PATHS = {
    "/api/v1/lieferketten/demands/",
    "/api/v1/lieferketten/demands/{id}/",
    "/api/v1/lieferketten/demands/matching/",
    "/api/v1/lieferketten/demands/{id}/ranking/",
    "/api/v1/lieferketten/demands/{id}/consortia/",
    "/api/v1/lieferketten/demands/{id}/status/",
    "/api/v1/lieferketten/demands/{id}/attachments/",
    "/api/v1/lieferketten/attachments/{id}/",
    "/api/v1/lieferketten/attachments/{id}/download/",
    "/api/v1/lieferketten/inquiries/",
    "/api/v1/lieferketten/inquiries/{id}/",
    "/api/v1/lieferketten/inquiries/{id}/respond/",
    "/api/v1/lieferketten/cooperation-offers/",
    "/api/v1/lieferketten/cooperation-offers/{id}/",
    "/api/v1/lieferketten/cooperation-offers/{id}/close/",
    "/api/v1/lieferketten/cooperation-offers/{id}/matches/",
    "/api/v1/lieferketten/cooperation-offers/{id}/interest/",
    "/api/v1/lieferketten/cooperation-contacts/",
    "/api/v1/lieferketten/cooperation-contacts/{id}/",
    "/api/v1/lieferketten/cooperation-contacts/{id}/reply/",
}


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_supply_endpoints_are_documented(schema):
    ours = {p: ops for p, ops in schema["paths"].items() if p.startswith("/api/v1/lieferketten/")}
    assert set(ours) == PATHS
    for path, operations in ours.items():
        assert "put" not in operations, path
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert operation.get("tags"), f"{method} {path} has no tag"
            assert operation.get("summary"), f"{method} {path} has no summary"
    respond = ours["/api/v1/lieferketten/inquiries/{id}/respond/"]["post"]
    body = respond["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.endswith("/InquiryAction")
