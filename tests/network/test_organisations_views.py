"""Organisation pages: public profile, editing, sites, contacts; bad input changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from tests.factories import (
    CapabilityFactory,
    ContactPersonFactory,
    OrganisationAdminFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    SiteFactory,
    UserFactory,
)

from werkstatt.network.models import Organisation, OrganisationMembership, Site

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = OrganisationAdminFactory(organisation__name="Alt Metall GmbH")
    client.force_login(admin.user)
    client.organisation = admin.organisation
    client.user = admin.user
    return client


def edit_data(org: Organisation, **overrides):
    data = {
        "name": org.name,
        "kind": org.kind,
        "size": org.size,
        "employees": "12",
        "founded": "1990",
        "description": org.description,
        "website": "https://alt-metall.example",
        "email": "",
        "phone": "",
        "is_public": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- the public profile -----------------------------------------------------------------------


def test_public_profile_shows_grouped_capabilities_and_only_public_contacts(client):
    root = CapabilityFactory(key="zz-trennen", name_de="Trennen (Test)", depth=0)
    leaf = CapabilityFactory(key="zz-trennen.fraesen", name_de="Fräsen (Test)", parent=root)
    org = OrganisationFactory(capabilities=[leaf])
    SiteFactory(organisation=org, city="Chemnitz")
    ContactPersonFactory(organisation=org, name="Öffentliche Person", is_public=True)
    ContactPersonFactory(organisation=org, name="Geheime Person", is_public=False)
    with translation.override("de"):
        page = client.get(org.get_absolute_url()).content.decode()
    assert "Trennen (Test)" in page and "Fräsen (Test)" in page
    assert "Öffentliche Person" in page
    assert "Geheime Person" not in page
    assert "openstreetmap.org/?mlat=50.83570" in page
    assert reverse("account_login") in page  # anonymous: log in to join


def test_non_public_organisation_is_404_except_for_members(client):
    org = OrganisationFactory(is_public=False)
    assert client.get(org.get_absolute_url()).status_code == 404
    client.force_login(UserFactory())
    assert client.get(org.get_absolute_url()).status_code == 404
    member = OrganisationMembershipFactory(organisation=org)
    client.force_login(member.user)
    assert client.get(org.get_absolute_url()).status_code == 200


def test_edit_needs_admin(client):
    org = OrganisationFactory()
    url = reverse("network:organisation_edit", args=[org.slug])
    response = client.get(url)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    client.force_login(OrganisationMembershipFactory(organisation=org).user)
    assert client.get(url).status_code == 403


# --- editing ----------------------------------------------------------------------------------


def test_admin_edits_profile_with_capabilities(admin_client):
    org = admin_client.organisation
    cap = CapabilityFactory(key="zz-fuegen.schweissen", name_de="Schweißen (Test)")
    url = reverse("network:organisation_edit", args=[org.slug])
    page = admin_client.get(url).content.decode()
    assert "Schweißen (Test)" in page and "data-filter-input" in page
    response = admin_client.post(
        url, edit_data(org, name="Neu Metall GmbH", capabilities=[str(cap.pk)])
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.name == "Neu Metall GmbH"
    assert list(org.capabilities.all()) == [cap]
    assert org.history.latest().history_user == admin_client.user


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"website": "keine adresse"}, "website"),
        ({"employees": "-3"}, "employees"),
        ({"founded": "3000"}, "founded"),
        ({"name": "   "}, "name"),
        ({"kind": "union", "size": "large"}, "size"),
        ({"kind": "pirate"}, "kind"),
        ({"email": "nicht@"}, "email"),
    ],
)
def test_bad_profile_input_is_rejected_and_changes_nothing(admin_client, overrides, field):
    org = admin_client.organisation
    before = (org.name, org.kind, org.size, org.employees, org.history.count())
    with translation.override("de"):
        response = admin_client.post(
            reverse("network:organisation_edit", args=[org.slug]), edit_data(org, **overrides)
        )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    org.refresh_from_db()
    assert (org.name, org.kind, org.size, org.employees, org.history.count()) == before


def test_create_organisation_page(client):
    user = UserFactory()
    client.force_login(user)
    url = reverse("network:organisation_create")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"name": "Neue Firma GmbH", "kind": "company", "size": "micro", "is_public": "on"},
    )
    org = Organisation.objects.get(name="Neue Firma GmbH")
    assert response["Location"] == reverse("network:organisation_sites", args=[org.slug])
    assert OrganisationMembership.objects.get(organisation=org).user == user
    bad = client.post(url, {"name": "", "kind": "company"})
    assert bad.status_code == 200 and Organisation.objects.count() == 1


# --- sites and contacts -----------------------------------------------------------------------


def test_add_site_by_postcode(admin_client):
    org = admin_client.organisation
    url = reverse("network:organisation_sites", args=[org.slug])
    response = admin_client.post(url, {"city": "Chemnitz", "postcode": "09111", "street": "A 1"})
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.region.code == "14511"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"city": "Nirgendwo", "postcode": "99999"}, "city"),
        ({"city": "", "postcode": ""}, "city"),
        ({"city": "Chemnitz", "postcode": "0#1"}, "postcode"),
        ({"city": "Nirgendwo", "postcode": "", "lat": "51"}, None),
        ({"city": "Nirgendwo", "postcode": "", "lat": "95", "lon": "13"}, "lat"),
    ],
)
def test_bad_site_input_is_rejected_and_changes_nothing(admin_client, data, field):
    org = admin_client.organisation
    with translation.override("de"):
        response = admin_client.post(reverse("network:organisation_sites", args=[org.slug]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert (field or "__all__") in errors
    assert not Site.objects.exists()
    org.refresh_from_db()
    assert org.region is None


def test_unknown_place_message_is_german(admin_client):
    org = admin_client.organisation
    response = admin_client.post(
        reverse("network:organisation_sites", args=[org.slug]),
        {"city": "Nirgendwo", "postcode": "99999"},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    message = response.context["form"].errors["city"][0]
    assert "Nirgendwo" in message


def test_edit_and_delete_site(admin_client):
    org = admin_client.organisation
    site = SiteFactory(organisation=org)
    url = reverse("network:site_edit", args=[org.slug, site.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"city": "Zwickau", "postcode": "", "is_headquarters": "on"})
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.city == "Zwickau" and site.region.code == "14524"
    delete = reverse("network:site_delete", args=[org.slug, site.pk])
    assert admin_client.get(delete).status_code == 200
    assert admin_client.post(delete).status_code == 302
    assert not Site.objects.exists()


def test_sites_of_another_organisation_are_404(admin_client):
    foreign = SiteFactory()
    org = admin_client.organisation
    url = reverse("network:site_edit", args=[org.slug, foreign.pk])
    assert admin_client.get(url).status_code == 404
    assert (
        admin_client.post(reverse("network:site_delete", args=[org.slug, foreign.pk])).status_code
        == 404
    )
    assert Site.objects.filter(pk=foreign.pk).exists()


def test_contacts_crud(admin_client):
    org = admin_client.organisation
    url = reverse("network:organisation_contacts", args=[org.slug])
    assert admin_client.post(url, {"name": "Anna Schmidt", "email": "anna@"}).status_code == 200
    assert not org.contacts.exists()
    assert admin_client.post(url, {"name": "Anna Schmidt", "is_public": "on"}).status_code == 302
    contact = org.contacts.get()
    edit = reverse("network:contact_edit", args=[org.slug, contact.pk])
    admin_client.post(edit, {"name": "Anna Schmidt", "function": "Einkauf"})
    contact.refresh_from_db()
    assert contact.function == "Einkauf" and not contact.is_public
    admin_client.post(reverse("network:contact_delete", args=[org.slug, contact.pk]))
    assert not org.contacts.exists()


def test_history_page(admin_client):
    org = admin_client.organisation
    admin_client.post(
        reverse("network:organisation_edit", args=[org.slug]),
        edit_data(org, name="Umbenannt GmbH"),
    )
    page = admin_client.get(reverse("network:organisation_history", args=[org.slug]))
    text = page.content.decode()
    assert "Umbenannt GmbH" in text and "Alt Metall GmbH" in text
    assert str(admin_client.user) in text
