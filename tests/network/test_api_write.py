"""Writing through the API: who may, what is recorded, and bad input that changes nothing."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from tests.factories import (
    CapabilityFactory,
    CertificationFactory,
    ContactPersonFactory,
    OrganisationAdminFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    SiteFactory,
    SuperuserFactory,
    UserFactory,
    make_network_moderator,
)

from werkstatt.network.models import ContactPerson, Organisation, OrganisationMembership, Site

pytestmark = pytest.mark.django_db


def detail(org) -> str:
    return f"/api/v1/organisations/{org.slug}/"


def token_client(user, language: str = "de") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def org():
    return OrganisationFactory(name="Muster Drehteile GmbH", description="Alt")


@pytest.fixture
def admin(org):
    return OrganisationAdminFactory(organisation=org).user


def snapshot(org) -> tuple:
    org = Organisation.objects.get(pk=org.pk)
    return (
        org.name,
        org.kind,
        org.size,
        org.description,
        org.website,
        org.updated,
        sorted(org.capabilities.values_list("key", flat=True)),
        sorted(org.certifications.values_list("code", flat=True)),
        org.history.count(),
    )


# --- the profile ------------------------------------------------------------------------------


def test_org_admin_patches_profile_and_history_records_it(org, admin):
    milling = CapabilityFactory(key="apitest.fraesen")
    iso = CertificationFactory(code="ISO 9001")
    before = org.history.count()
    response = token_client(admin).patch(
        detail(org),
        {
            "description": "Drehen und Fräsen",
            "capabilities": [milling.key],
            "certifications": [iso.code],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["description"] == "Drehen und Fräsen"
    assert [c["key"] for c in data["capabilities"]] == [milling.key]
    assert [c["code"] for c in data["certifications"]] == ["ISO 9001"]
    org.refresh_from_db()
    assert org.description == "Drehen und Fräsen"
    assert list(org.capabilities.all()) == [milling]
    assert org.history.count() == before + 1
    latest = org.history.latest()
    assert latest.history_user == admin
    assert latest.description == "Drehen und Fräsen"


@pytest.mark.parametrize("who", ["moderator", "superuser"])
def test_curators_may_patch_any_organisation(org, who):
    user = make_network_moderator() if who == "moderator" else SuperuserFactory()
    response = token_client(user).patch(detail(org), {"description": "Neu"}, format="json")
    assert response.status_code == 200
    org.refresh_from_db()
    assert org.description == "Neu"


def test_other_organisations_admin_gets_403_and_nothing_changes(org):
    other_admin = OrganisationAdminFactory().user
    before = snapshot(org)
    response = token_client(other_admin).patch(detail(org), {"description": "X"}, format="json")
    assert response.status_code == 403
    assert snapshot(org) == before


def test_plain_member_gets_403(org):
    member = OrganisationMembershipFactory(organisation=org).user
    response = token_client(member).patch(detail(org), {"description": "X"}, format="json")
    assert response.status_code == 403


def test_write_without_credentials_is_401(org):
    before = snapshot(org)
    response = APIClient().patch(detail(org), {"description": "X"}, format="json")
    assert response.status_code == 401
    assert snapshot(org) == before


def test_write_with_wrong_token_is_401(org):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token nope")
    assert client.patch(detail(org), {"description": "X"}, format="json").status_code == 401


def test_patch_on_hidden_organisation_by_stranger_is_404(org):
    hidden = OrganisationFactory(is_public=False)
    response = token_client(UserFactory()).patch(detail(hidden), {"name": "X"}, format="json")
    assert response.status_code == 404


def test_invalid_input_is_400_in_german_with_field_names_and_changes_nothing(org, admin):
    CapabilityFactory(key="apitest.ok")
    before = snapshot(org)
    response = token_client(admin, "de").patch(
        detail(org),
        {
            "name": "Neu",
            "kind": "spaceship",
            "capabilities": ["apitest.ok", "gibt.es.nicht"],
            "website": "kein link",
            "description": "Neu",
        },
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"kind", "capabilities", "website"}
    assert errors["kind"] == ['"spaceship" ist keine gültige Option.']
    assert "existiert nicht" in errors["capabilities"][0]
    assert response["Content-Language"] == "de"
    assert snapshot(org) == before


def test_validation_errors_in_english_when_asked(org, admin):
    response = token_client(admin, "en").patch(detail(org), {"kind": "spaceship"}, format="json")
    assert response.status_code == 400
    assert response.json()["kind"] == ['"spaceship" is not a valid choice.']


def test_business_rule_errors_of_the_services_are_400(org, admin):
    # The organisation service refuses a size class for non-companies.
    before = snapshot(org)
    response = token_client(admin).patch(
        detail(org), {"kind": "association", "size": "small"}, format="json"
    )
    assert response.status_code == 400
    assert "size" in response.json()
    assert snapshot(org) == before


def test_put_is_not_offered(org, admin):
    response = token_client(admin).put(detail(org), {"name": "X", "kind": "company"}, format="json")
    assert response.status_code == 405


# --- creating ---------------------------------------------------------------------------------


def test_signed_in_user_creates_organisation_and_becomes_its_admin():
    user = UserFactory()
    response = token_client(user).post(
        "/api/v1/organisations/", {"name": "Neue Fräserei GmbH", "kind": "company"}, format="json"
    )
    assert response.status_code == 201, response.json()
    org = Organisation.objects.get(slug=response.json()["slug"])
    assert org.name == "Neue Fräserei GmbH"
    membership = OrganisationMembership.objects.get(organisation=org)
    assert (membership.user, membership.role, membership.status) == (user, "admin", "active")
    assert response.json()["can_change"] is True


def test_create_without_credentials_is_401_and_bad_create_is_400():
    count = Organisation.objects.count()
    response = APIClient().post(
        "/api/v1/organisations/", {"name": "X", "kind": "company"}, format="json"
    )
    assert response.status_code == 401
    response = token_client(UserFactory()).post(
        "/api/v1/organisations/", {"kind": "company"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["name"] == ["Dieses Feld ist zwingend erforderlich."]
    assert Organisation.objects.count() == count


# --- sites ------------------------------------------------------------------------------------


def test_admin_adds_site_geocoded_from_place(org, admin):
    response = token_client(admin).post(
        f"{detail(org)}sites/",
        {
            "street": "Straße der Nationen 1",
            "postcode": "09111",
            "city": "Chemnitz",
            "is_headquarters": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    site = Site.objects.get(pk=response.json()["id"])
    assert site.lat == pytest.approx(50.83, abs=0.2)
    assert site.lon == pytest.approx(12.92, abs=0.2)
    org.refresh_from_db()
    assert (org.lat, org.lon) == (site.lat, site.lon)


def test_unknown_place_is_400_on_city_and_adds_nothing(org, admin):
    response = token_client(admin).post(
        f"{detail(org)}sites/",
        {"city": "Nirgendwohausen am Nichts", "postcode": ""},
        format="json",
    )
    assert response.status_code == 400
    assert "city" in response.json()
    assert not org.sites.exists()


def test_admin_changes_and_deletes_site_with_given_coordinates(org, admin):
    site = SiteFactory(organisation=org)
    client = token_client(admin)
    url = f"{detail(org)}sites/{site.pk}/"
    response = client.patch(url, {"name": "Werk 2", "lat": 51.05, "lon": 13.74}, format="json")
    assert response.status_code == 200, response.json()
    site.refresh_from_db()
    assert (site.name, site.lat, site.lon) == ("Werk 2", 51.05, 13.74)
    assert site.history.latest().history_user == admin
    assert client.delete(url).status_code == 204
    assert not Site.objects.filter(pk=site.pk).exists()


def test_stranger_may_not_touch_sites(org):
    site = SiteFactory(organisation=org)
    client = token_client(OrganisationAdminFactory().user)
    url = f"{detail(org)}sites/{site.pk}/"
    assert client.get(url).status_code == 200  # the organisation is public
    assert client.patch(url, {"name": "X"}, format="json").status_code == 403
    assert client.delete(url).status_code == 403
    assert (
        client.post(f"{detail(org)}sites/", {"city": "Chemnitz"}, format="json").status_code == 403
    )
    assert APIClient().delete(url).status_code == 401
    assert Site.objects.filter(pk=site.pk, name="").exists()


def test_site_of_another_organisation_is_404(org, admin):
    foreign = SiteFactory()
    response = token_client(admin).delete(f"{detail(org)}sites/{foreign.pk}/")
    assert response.status_code == 404
    assert Site.objects.filter(pk=foreign.pk).exists()


# --- contacts ---------------------------------------------------------------------------------


def test_admin_manages_contacts(org, admin):
    client = token_client(admin)
    url = f"{detail(org)}contacts/"
    response = client.post(
        url,
        {"name": "Erika Muster", "function": "Einkauf", "email": "erika@example.org"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    contact = ContactPerson.objects.get(pk=response.json()["id"])
    assert (contact.organisation, contact.is_public) == (org, False)
    response = client.patch(f"{url}{contact.pk}/", {"is_public": True}, format="json")
    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.is_public
    assert client.delete(f"{url}{contact.pk}/").status_code == 204
    assert not ContactPerson.objects.filter(pk=contact.pk).exists()


def test_bad_contact_is_400_in_german(org, admin):
    response = token_client(admin).post(
        f"{detail(org)}contacts/", {"name": "", "email": "kein"}, format="json"
    )
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"name", "email"}
    assert errors["name"] == ["Dieses Feld darf nicht leer sein."]
    assert not ContactPerson.objects.filter(organisation=org).exists()


def test_hidden_contact_is_404_for_visitors(org):
    hidden = ContactPersonFactory(organisation=org, is_public=False)
    assert APIClient().get(f"{detail(org)}contacts/{hidden.pk}/").status_code == 404


# --- history ----------------------------------------------------------------------------------


def test_history_endpoint_shows_the_api_change_to_admins_only(org, admin):
    client = token_client(admin)
    client.patch(detail(org), {"description": "Neu beschrieben"}, format="json")
    response = client.get(f"{detail(org)}history/")
    assert response.status_code == 200
    latest = response.json()["results"][0]
    assert latest["user"] == str(admin)
    assert latest["kind"] == "changed"
    assert [(c["field"], c["old"], c["new"]) for c in latest["changes"]] == [
        ("description", "Alt", "Neu beschrieben")
    ]
    assert (
        token_client(OrganisationAdminFactory().user).get(f"{detail(org)}history/").status_code
        == 403
    )
    assert APIClient().get(f"{detail(org)}history/").status_code == 401
