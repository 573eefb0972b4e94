"""The cooperation exchange: offers and requests, filters, closing, matching with reasons."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.factories import (
    CapabilityFactory,
    OrganisationAdminFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    SectorFactory,
    UserFactory,
)
from tests.supply.factories import CooperationOfferFactory, in_days
from werkstatt.supply.models import CooperationOffer, Visibility
from werkstatt.supply.services import cooperation as services

pytestmark = pytest.mark.django_db


def offer_data(**overrides):
    return {
        "kind": "business",
        "direction": "offer",
        "title": "Lohnfertigung Laserschneiden",
        "summary": "Freie Kapazitäten im Laserschneiden von Edelstahlblech bis 20 mm.",
        "partnership_types": ["subcontracting"],
        "visibility": Visibility.PUBLIC,
        "expires_on": in_days(120),
        "capabilities": [CapabilityFactory(key="trennen.abtragen.laserschneiden")],
    } | overrides


def test_create_and_update(db):
    admin = OrganisationAdminFactory()
    offer = services.do_create_offer(admin.organisation, admin.user, offer_data())
    assert offer.partnership_type_list == ["subcontracting"]
    assert [c.key for c in offer.capabilities.all()] == ["trennen.abtragen.laserschneiden"]
    services.do_update_offer(
        offer, admin.user, {"partnership_types": ["joint_production", "licence"]}
    )
    offer.refresh_from_db()
    assert offer.partnership_type_list == ["joint_production", "licence"]
    assert offer.title == "Lohnfertigung Laserschneiden"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"partnership_types": []}, "partnership_types"),
        ({"partnership_types": ["friendship"]}, "partnership_types"),
        ({"expires_on": in_days(-1)}, "expires_on"),
        ({"expires_on": in_days(5 * 365)}, "expires_on"),
        ({"kind": "art"}, "kind"),
        ({"direction": "both"}, "direction"),
        ({"summary": " "}, "summary"),
        ({"visibility": "invited"}, "visibility"),
    ],
)
def test_bad_offers_are_refused_and_change_nothing(overrides, field):
    admin = OrganisationAdminFactory()
    with pytest.raises(ValidationError) as error:
        services.do_create_offer(admin.organisation, admin.user, offer_data(**overrides))
    assert field in error.value.message_dict
    assert not CooperationOffer.objects.exists()


def test_close_and_lists_show_only_active_unexpired_offers():
    admin = OrganisationAdminFactory()
    active = CooperationOfferFactory(organisation=admin.organisation)
    expired = CooperationOfferFactory(expires_on=in_days(-1))
    closed = services.do_close_offer(CooperationOfferFactory(), admin.user)
    with pytest.raises(ValidationError):
        services.do_close_offer(closed, admin.user)
    listed = list(services.filter_offers(UserFactory()))
    assert listed == [active]
    assert expired not in listed
    everything = set(services.filter_offers(UserFactory(), include_closed=True))
    assert everything == {active, expired, closed}


def test_filters():
    laser = CapabilityFactory(key="trennen.abtragen.laserschneiden")
    a = CooperationOfferFactory(
        kind="technology", direction="request", partnership_types="|research|licence|"
    )
    a.capabilities.set([laser])
    b = CooperationOfferFactory(title="Vertriebspartner Polen gesucht", summary="Vertrieb")
    viewer = UserFactory()
    assert list(services.filter_offers(viewer, kind="technology")) == [a]
    assert list(services.filter_offers(viewer, direction="offer")) == [b]
    assert list(services.filter_offers(viewer, partnership_type="licence")) == [a]
    assert list(services.filter_offers(viewer, partnership_type="research")) == [a]
    assert list(services.filter_offers(viewer, partnership_type="subcontracting")) == [b]
    # A capability finds its sub-capabilities too.
    parent = CapabilityFactory(key="trennen.abtragen")
    assert list(services.filter_offers(viewer, capability=parent)) == [a]
    assert list(services.filter_offers(viewer, q="polen vertrieb")) == [b]


def test_members_only_offers_are_hidden_from_visitors_and_people_without_organisation(client):
    hidden = CooperationOfferFactory(visibility=Visibility.MEMBERS)
    public = CooperationOfferFactory()
    member = OrganisationMembershipFactory().user
    from django.contrib.auth.models import AnonymousUser

    assert list(services.filter_offers(AnonymousUser())) == [public]
    assert list(services.filter_offers(UserFactory())) == [public]
    assert set(services.filter_offers(member)) == {public, hidden}


def test_matches_pair_offers_with_requests_and_explain_why():
    laser = CapabilityFactory(key="trennen.abtragen.laserschneiden")
    automotive = SectorFactory(code="29", name_de="Herstellung von Kraftwagen")
    offer = CooperationOfferFactory(
        title="Laserschneiden von Edelstahlblech in Lohnfertigung",
        summary="Wir schneiden Edelstahlbleche bis 20 mm mit Faserlasern.",
    )
    offer.capabilities.set([laser])
    offer.sectors.set([automotive])
    fitting = CooperationOfferFactory(
        direction="request",
        title="Suchen Lohnfertiger für Laserschneiden",
        summary="Für Edelstahlbleche in Kleinserien suchen wir einen Partner zum Laserschneiden.",
    )
    fitting.capabilities.set([laser])
    fitting.sectors.set([automotive])
    unrelated = CooperationOfferFactory(
        direction="request",
        kind="technology",
        partnership_types="|research|",
        title="Forschungspartner für Biokunststoffe",
        summary="Hochschule sucht Partner für kompostierbare Verpackungsfolien.",
    )
    same_direction = CooperationOfferFactory(title="Laserschneiden", direction="offer")
    own = CooperationOfferFactory(
        organisation=offer.organisation, direction="request", title="Laserschneiden"
    )
    matches = services.match_suggestions(offer, UserFactory())
    found = [m.offer for m in matches]
    assert found[0] == fitting
    assert unrelated not in found
    assert same_direction not in found
    assert own not in found
    kinds = {r["kind"] for r in matches[0].reasons}
    assert {"same_kind", "partnership", "capabilities", "sectors", "text"} <= kinds
    text = next(r for r in matches[0].reasons if r["kind"] == "text")
    assert 0 < text["percent"] <= 100


def test_matches_never_show_what_the_viewer_may_not_see():
    offer = CooperationOfferFactory()
    CooperationOfferFactory(direction="request", visibility=Visibility.MEMBERS)
    assert services.match_suggestions(offer, UserFactory()) == []
    member = OrganisationMembershipFactory(organisation=OrganisationFactory()).user
    assert len(services.match_suggestions(offer, member)) == 1


def test_text_similarity_uses_german_analysis():
    from werkstatt.engines.text import index_terms

    a = index_terms([("Schweißen von Edelstahlkonstruktionen", 1.0)])
    b = index_terms([("Edelstahl-Schweißkonstruktion gesucht", 1.0)])
    c = index_terms([("Vertrieb von Software", 1.0)])
    assert services.text_similarity(a, b) > 0.2
    assert services.text_similarity(a, c) == 0
    assert services.text_similarity({}, b) == 0
