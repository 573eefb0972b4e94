"""The organisation services: profiles, capabilities, sites, contact people, history, index."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from tests.factories import (
    CapabilityFactory,
    CertificationFactory,
    ContactPersonFactory,
    OrganisationAdminFactory,
    OrganisationFactory,
    SiteFactory,
    UserFactory,
)

from werkstatt.network.models import Organisation, OrganisationMembership, Site
from werkstatt.network.services import organisations as services
from werkstatt.network.services.geocoding import geocode
from werkstatt.network.services.history import organisation_history_page
from werkstatt.network.services.search import SearchParams, search

pytestmark = pytest.mark.django_db


def found(query: str) -> set[int]:
    """The organisations the directory's real search finds for `query`."""
    result = search(SearchParams(q=query, page_size=100))
    return {hit.organisation.pk for hit in result.hits}


# The real offline gazetteer's answers for the places used below.
CHEMNITZ = geocode(city="Chemnitz", postcode="09111")
ZWICKAU = geocode(city="Zwickau")


def profile(**overrides):
    data = {
        "name": "Müller Präzisionstechnik GmbH & Co. KG",
        "kind": Organisation.Kind.COMPANY,
        "size": Organisation.Size.SMALL,
        "employees": 25,
        "description": "Drehen und Fräsen",
        "website": "https://mueller.example",
        "is_public": True,
    }
    data.update(overrides)
    return data


# --- organisations ----------------------------------------------------------------------------


def test_create_makes_the_creator_an_active_admin_and_one_history_record():
    user = UserFactory()
    cap = CapabilityFactory()
    cert = CertificationFactory()
    org = services.do_create_organisation(user, profile(capabilities=[cap], certifications=[cert]))
    assert org.slug == "mueller-praezisionstechnik-gmbh-co-kg"
    assert org.name_key == "mueller praezisionstechnik"
    assert list(org.capabilities.all()) == [cap]
    membership = OrganisationMembership.objects.get(organisation=org)
    assert (membership.user, membership.role, membership.status) == (user, "admin", "active")
    records = list(org.history.all())
    assert len(records) == 1
    assert records[0].history_type == "+"
    assert records[0].history_user == user
    assert found("Präzisionstechnik") == {org.pk}


def test_slugs_are_unique():
    user = UserFactory()
    first = services.do_create_organisation(user, profile(name="Metallbau Sachsen"))
    second = services.do_create_organisation(user, profile(name="Metallbau Sachsen"))
    assert first.slug == "metallbau-sachsen"
    assert second.slug == "metallbau-sachsen-2"


def test_update_records_one_change_with_all_fields():
    user = UserFactory()
    org = services.do_create_organisation(user, profile())
    cap = CapabilityFactory()
    services.do_update_profile(
        org, user, {"name": "Schröder Metall KG", "capabilities": [cap], "employees": 30}
    )
    org.refresh_from_db()
    assert org.name == "Schröder Metall KG"
    assert org.name_key == "schroeder metall"
    assert org.slug == "mueller-praezisionstechnik-gmbh-co-kg"  # links stay valid
    assert org.history.count() == 2
    page, entries = organisation_history_page(org)
    changed = {c.field: (c.old, c.new) for c in entries[0].changes}
    assert changed["name"] == ("Müller Präzisionstechnik GmbH & Co. KG", "Schröder Metall KG")
    assert changed["employees"] == ("25", "30")
    assert changed["capabilities"] == ("–", str(cap))
    assert "description" not in changed
    assert entries[0].record.history_user == user
    assert entries[1].kind == "created"
    assert found("Schröder") == {org.pk}
    assert found("Präzisionstechnik") == set()


def test_size_class_is_for_companies_only():
    user = UserFactory()
    with pytest.raises(ValidationError) as info:
        services.do_create_organisation(
            user, profile(kind=Organisation.Kind.UNION, size=Organisation.Size.LARGE)
        )
    assert "size" in info.value.message_dict
    assert not Organisation.objects.exists()


def test_failed_update_changes_nothing():
    org = OrganisationFactory(kind=Organisation.Kind.COMPANY, size="small", name="Alt GmbH")
    before = org.history.count()
    with pytest.raises(ValidationError):
        services.do_update_profile(org, UserFactory(), {"name": "Neu", "kind": "union"})
    org.refresh_from_db()
    assert (org.name, org.kind) == ("Alt GmbH", "company")
    assert org.history.count() == before


def test_set_capabilities_replaces_them():
    org = OrganisationFactory(capabilities=[CapabilityFactory()])
    new = [CapabilityFactory(), CapabilityFactory()]
    before = org.history.count()
    services.do_set_capabilities(org, UserFactory(), new, "Sonderanfertigungen")
    assert set(org.capabilities.all()) == set(new)
    org.refresh_from_db()
    assert org.capabilities_text == "Sonderanfertigungen"
    assert org.history.count() == before + 1


# --- sites ------------------------------------------------------------------------------------


def test_first_site_is_the_headquarters_and_places_the_organisation():
    org = OrganisationFactory()
    site = services.do_add_site(
        org, UserFactory(), {"city": "Chemnitz", "postcode": "09111", "street": "Str. 1"}
    )
    assert site.is_headquarters
    assert (site.lat, site.lon, site.region.code) == (CHEMNITZ.lat, CHEMNITZ.lon, "14511")
    org.refresh_from_db()
    assert (org.lat, org.lon, org.region.code) == (CHEMNITZ.lat, CHEMNITZ.lon, "14511")
    # The directory finds it near Chemnitz now.
    result = search(SearchParams(near="Chemnitz", radius_km=5))
    assert org.pk in {hit.organisation.pk for hit in result.hits}


def test_a_new_headquarters_moves_the_organisation():
    org = OrganisationFactory()
    user = UserFactory()
    first = services.do_add_site(org, user, {"city": "Chemnitz", "postcode": ""})
    second = services.do_add_site(
        org, user, {"city": "Zwickau", "postcode": "", "is_headquarters": True}
    )
    first.refresh_from_db()
    assert not first.is_headquarters and second.is_headquarters
    org.refresh_from_db()
    assert org.region.code == "14524"
    services.do_delete_site(second, user)
    first.refresh_from_db()
    org.refresh_from_db()
    assert first.is_headquarters
    assert org.region.code == "14511"
    services.do_delete_site(first, user)
    org.refresh_from_db()
    assert (org.region, org.lat, org.lon) == (None, None, None)


def test_unknown_place_is_rejected_unless_coordinates_are_given():
    org = OrganisationFactory()
    user = UserFactory()
    with pytest.raises(ValidationError) as info:
        services.do_add_site(org, user, {"city": "Nirgendwo", "postcode": "99999"})
    assert "Nirgendwo" in info.value.message_dict["city"][0]
    assert not Site.objects.exists()
    site = services.do_add_site(
        org, user, {"city": "Nirgendwo", "postcode": "99999", "lat": 51.0, "lon": 13.5}
    )
    assert (site.lat, site.lon) == (51.0, 13.5)


def test_a_postcode_alone_names_the_place():
    # The real offline gazetteer: 08056 is Zwickau.
    org = OrganisationFactory()
    site = services.do_add_site(org, UserFactory(), {"city": "", "postcode": "08056"})
    assert site.city == "Zwickau"
    assert site.region.code == "14524"
    with pytest.raises(ValidationError) as info:
        services.do_add_site(org, UserFactory(), {"city": "", "postcode": ""})
    assert "city" in info.value.message_dict
    assert Site.objects.count() == 1


def test_update_site_geocodes_the_new_place():
    site = SiteFactory(city="Chemnitz", postcode="09111")
    services.do_update_site(site, UserFactory(), {"city": "Zwickau", "postcode": ""})
    site.refresh_from_db()
    assert site.region.code == "14524"
    site.organisation.refresh_from_db()
    assert site.organisation.lat == pytest.approx(ZWICKAU.lat)


# --- contacts ---------------------------------------------------------------------------------


def test_contact_crud():
    org = OrganisationFactory()
    user = UserFactory()
    contact = services.do_add_contact(org, user, {"name": "Anna Schmidt", "is_public": True})
    services.do_update_contact(contact, user, {"function": "Einkauf"})
    contact.refresh_from_db()
    assert contact.function == "Einkauf"
    assert contact.history.first().history_user == user
    with pytest.raises(ValidationError):
        services.do_update_contact(contact, user, {"name": "  "})
    services.do_delete_contact(contact, user)
    assert not org.contacts.exists()


def test_history_page_has_constant_queries(django_assert_max_num_queries):
    user = UserFactory()
    org = services.do_create_organisation(user, profile())
    for i in range(30):
        services.do_update_profile(
            org, user, {"employees": i, "capabilities": [CapabilityFactory()]}
        )
    with django_assert_max_num_queries(8):
        page, entries = organisation_history_page(org, 1)
    assert len(entries) == 25
    assert page.paginator.num_pages == 2
    # The oldest entry on page 1 is diffed against the newest on page 2.
    assert entries[-1].changes
    page2, entries2 = organisation_history_page(org, 2)
    assert entries2[-1].kind == "created"


def test_contact_admin_membership_factory_smoke():
    admin = OrganisationAdminFactory()
    assert admin.user.has_perm("network.change_organisation", admin.organisation)
    assert ContactPersonFactory().is_public
