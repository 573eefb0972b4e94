"""Reading the network directory through the API: visibility, authentication, query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from tests.factories import (
    CapabilityFactory,
    CertificationFactory,
    ContactPersonFactory,
    MaterialFactory,
    OrganisationAdminFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    SectorFactory,
    SiteFactory,
    UserFactory,
    make_network_moderator,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/organisations/"


def detail(org) -> str:
    return f"/api/v1/organisations/{org.slug}/"


@pytest.fixture
def api():
    return APIClient()


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def slugs(response) -> set[str]:
    return {item["slug"] for item in response.json()["results"]}


def full_organisation(**kwargs):
    org = OrganisationFactory(
        capabilities=[CapabilityFactory(), CapabilityFactory()],
        certifications=[CertificationFactory()],
        materials=[MaterialFactory()],
        sectors=[SectorFactory()],
        **kwargs,
    )
    SiteFactory(organisation=org)
    SiteFactory(organisation=org, is_headquarters=False, city="Zwickau")
    ContactPersonFactory(organisation=org, is_public=True)
    ContactPersonFactory(organisation=org, is_public=False)
    return org


# --- visibility -------------------------------------------------------------------------------


def test_anonymous_lists_public_organisations_only(api):
    public = OrganisationFactory()
    hidden = OrganisationFactory(is_public=False)
    response = api.get(LIST)
    assert response.status_code == 200
    assert slugs(response) == {public.slug}
    assert hidden.slug not in response.content.decode()


def test_moderators_also_list_non_public_ones_members_reach_theirs_by_slug(api):
    public = OrganisationFactory()
    hidden = OrganisationFactory(is_public=False)
    other_hidden = OrganisationFactory(is_public=False)
    member = OrganisationMembershipFactory(organisation=hidden).user
    # Lists are the directory: public organisations (as the search service's), ...
    assert slugs(token_client(member).get(LIST)) == {public.slug}
    # ... moderators see all of them.
    moderator = make_network_moderator()
    assert slugs(token_client(moderator).get(LIST)) == {
        public.slug,
        hidden.slug,
        other_hidden.slug,
    }


def test_non_public_organisation_is_404_to_those_who_may_not_see_it(api):
    hidden = OrganisationFactory(is_public=False)
    assert api.get(detail(hidden)).status_code == 404
    assert token_client(UserFactory()).get(detail(hidden)).status_code == 404
    member = OrganisationMembershipFactory(organisation=hidden).user
    assert token_client(member).get(detail(hidden)).status_code == 200


def test_detail_has_sites_reference_data_and_public_contacts(api):
    org = full_organisation()
    data = api.get(detail(org)).json()
    assert data["slug"] == org.slug
    assert {s["city"] for s in data["sites"]} == {"Chemnitz", "Zwickau"}
    assert data["sites"][0]["is_headquarters"] is True
    assert {c["key"] for c in data["capabilities"]} == set(
        org.capabilities.values_list("key", flat=True)
    )
    assert [c["code"] for c in data["certifications"]] == [org.certifications.get().code]
    assert [m["key"] for m in data["materials"]] == [org.materials.get().key]
    assert [s["code"] for s in data["sectors"]] == [org.sectors.get().code]
    assert [c["is_public"] for c in data["contacts"]] == [True]
    assert data["can_change"] is False


def test_org_admin_and_moderator_see_non_public_contacts(api):
    org = full_organisation()
    admin = OrganisationAdminFactory(organisation=org).user
    for user in [admin, make_network_moderator()]:
        data = token_client(user).get(detail(org)).json()
        assert sorted(c["is_public"] for c in data["contacts"]) == [False, True]
        assert data["can_change"] is True
    # A plain member is not an admin: public contacts only.
    member = OrganisationMembershipFactory(organisation=org).user
    data = token_client(member).get(detail(org)).json()
    assert [c["is_public"] for c in data["contacts"]] == [True]


def test_contacts_endpoint_hides_non_public_contacts_from_visitors(api):
    org = full_organisation()
    url = f"{detail(org)}contacts/"
    assert [c["is_public"] for c in api.get(url).json()] == [True]
    admin = OrganisationAdminFactory(organisation=org).user
    assert len(token_client(admin).get(url).json()) == 2


def test_sites_of_non_public_organisation_are_404(api):
    org = full_organisation(is_public=False)
    assert api.get(f"{detail(org)}sites/").status_code == 404
    assert api.get(f"{detail(org)}contacts/").status_code == 404


# --- authentication ---------------------------------------------------------------------------


def test_token_authentication_identifies_the_user(api):
    user = UserFactory(name="Anna Schmidt")
    org = OrganisationFactory()
    OrganisationAdminFactory(user=user, organisation=org)
    response = token_client(user).get("/api/v1/me/")
    assert response.status_code == 200
    data = response.json()
    assert data["email"] == user.email
    assert data["organisations"] == [
        {
            "slug": org.slug,
            "name": org.name,
            "role": "admin",
            "status": "active",
            "url": f"http://testserver{detail(org)}",
        }
    ]


def test_me_lists_space_roles(api):
    moderator = make_network_moderator()
    data = token_client(moderator).get("/api/v1/me/").json()
    assert [(r["space"], r["role"]) for r in data["roles"]] == [("netzwerk", "moderator")]


def test_wrong_token_is_401(api):
    OrganisationFactory()
    api.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = api.get(LIST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_me_without_credentials_is_401(api):
    assert api.get("/api/v1/me/").status_code == 401


def test_session_authentication_works_too(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/api/v1/me/").json()["email"] == user.email


# --- cost -------------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_list_query_count_does_not_grow_with_organisations(api, who):
    first = full_organisation()
    client = api
    if who == "member":
        client = token_client(OrganisationMembershipFactory(organisation=first).user)
    one = count_queries(client, LIST)
    full_organisation()
    full_organisation()
    assert len(client.get(LIST).json()["results"]) == 3
    assert count_queries(client, LIST) == one


def test_detail_query_count_does_not_grow_with_its_parts(api):
    org = full_organisation()
    one = count_queries(api, detail(org))
    for _ in range(3):
        SiteFactory(organisation=org, is_headquarters=False)
        ContactPersonFactory(organisation=org)
        org.capabilities.add(CapabilityFactory())
    assert count_queries(api, detail(org)) == one


def test_list_is_paginated(api):
    for _ in range(3):
        OrganisationFactory()
    data = api.get(LIST, {"page_size": 2}).json()
    assert data["count"] == 3
    assert len(data["results"]) == 2
    assert data["next"].endswith("page=2&page_size=2")


# --- reference data ---------------------------------------------------------------------------


def test_capabilities_come_as_a_tree(api):
    root = CapabilityFactory(key="apitest", name_de="Wurzel")
    child = CapabilityFactory(key="apitest.kind", name_de="Kind", parent=root, synonyms="a, b")
    response = api.get("/api/v1/capabilities/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=3600"
    node = next(n for n in response.json() if n["key"] == "apitest")
    assert [c["key"] for c in node["children"]] == [child.key]
    assert node["children"][0]["synonyms"] == ["a", "b"]


@pytest.mark.parametrize(
    ("path", "factory", "field"),
    [
        ("certifications", CertificationFactory, "code"),
        ("materials", MaterialFactory, "key"),
        ("sectors", SectorFactory, "code"),
    ],
)
def test_reference_lists(api, path, factory, field):
    item = factory(name_en="In English")
    response = api.get(f"/api/v1/{path}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    entry = next(e for e in response.json() if e[field] == getattr(item, field))
    assert entry["name"] == "In English"
    assert "Accept-Language" in response["Vary"]


def test_regions(api):
    from tests.factories import RegionFactory

    region = RegionFactory(name_de="Landkreis Test")
    data = api.get("/api/v1/regions/").json()
    assert any(r["code"] == region.code and r["name"] == "Landkreis Test" for r in data)
