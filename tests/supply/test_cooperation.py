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
    kinds = [r["kind"] for r in matches[0].reasons]
    assert kinds[:2] == ["capabilities", "sectors"]  # the substance first
    assert {"partnership", "shared_words"} <= set(kinds)
    words = next(r for r in matches[0].reasons if r["kind"] == "shared_words")
    assert "Laserschneiden" in words["terms"] and 0 < words["percent"] <= 100


def test_no_match_without_a_real_overlap():
    """The review's case: a milling offer and a powder-coating request, both subcontracting
    business profiles in machine building with a few common words, are no match."""
    machines = SectorFactory(code="28", name_de="Maschinenbau")
    milling = CooperationOfferFactory(
        title="Freie Kapazitäten im 5-Achs-Fräsen",
        summary="Lohnfertiger bietet freie Kapazitäten für Einzelteile und Kleinserien aus "
        "Stahl im Raum Chemnitz.",
    )
    milling.capabilities.set([CapabilityFactory(key="trennen.spanen.fraesen")])
    milling.sectors.set([machines])
    coating = CooperationOfferFactory(
        direction="request",
        title="Partner für Pulverbeschichtung in Kleinserien gesucht",
        summary="Maschinenbauer sucht einen regionalen Beschichter für Gestelle aus Stahl, "
        "Kleinserien im Raum Chemnitz.",
    )
    coating.capabilities.set([CapabilityFactory(key="beschichten.pulverbeschichten")])
    coating.sectors.set([machines])
    turning = CooperationOfferFactory(direction="request", title="Drehteile gesucht", summary="x")
    turning.capabilities.set([CapabilityFactory(key="trennen.spanen.drehen")])  # a sibling
    talk = CooperationOfferFactory(
        direction="request", title="Gespräch", summary="Wir suchen Kontakte.", kind="business"
    )
    found = [m.offer for m in services.match_suggestions(milling, UserFactory())]
    assert coating not in found and turning not in found and talk not in found


def test_related_capabilities_and_sectors_count():
    welding = CooperationOfferFactory(title="Schweißbaugruppen", summary="Wir schweißen.")
    welding.capabilities.set([CapabilityFactory(key="fuegen.schweissen")])
    mig = CooperationOfferFactory(direction="request", title="MAG-Schweißer", summary="Gesucht.")
    mig.capabilities.set([CapabilityFactory(key="fuegen.schweissen.mig_mag")])
    sector = SectorFactory(code="30", name_de="Sonstiger Fahrzeugbau")
    welding.sectors.set([sector])
    vague = CooperationOfferFactory(direction="request", title="Bahnzulieferer", summary="Gesucht.")
    vague.sectors.set([sector])  # no capabilities named: the sector is the overlap
    matches = {m.offer: m for m in services.match_suggestions(welding, UserFactory())}
    assert set(matches) == {mig, vague}
    related = next(r for r in matches[mig].reasons if r["kind"] == "related_capabilities")
    assert related["pairs"] == [["Schweißen", "MIG/MAG-Schweißen"]]
    assert [r["kind"] for r in matches[vague].reasons][0] == "sectors"


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


# --- expressions of interest ("Interesse bekunden") -----------------------------------------


def test_express_interest_reaches_the_profiles_admins_and_they_answer(client):
    from django.urls import reverse

    from werkstatt.notifications.models import Notification
    from werkstatt.supply.models import CooperationContact

    poster = OrganisationAdminFactory(organisation__name="Fräserei Annaberg GmbH")
    offer = CooperationOfferFactory(organisation=poster.organisation, title="Freie Fräskapazität")
    interested = OrganisationAdminFactory(organisation__name="Gestellbau Zwickau GmbH")
    client.force_login(interested.user)
    page = client.get(offer.get_absolute_url()).content.decode()
    url = reverse("supply:cooperation_interest", args=[offer.pk])
    assert url in page
    empty = client.post(url, {"message": "  "})
    assert empty.status_code == 200 and not CooperationContact.objects.exists()
    response = client.post(url, {"message": "Wir hätten 40 Gestelle im Jahr zu fräsen."})
    contact = CooperationContact.objects.get()
    assert response["Location"] == contact.get_absolute_url()
    assert contact.organisation == interested.organisation
    note = Notification.objects.get(recipient=poster.user)
    assert note.verb == "supply.cooperation_interest" and note.url == contact.get_absolute_url()
    assert "Gestellbau Zwickau GmbH" in note.title
    # A second message goes into the same conversation.
    client.post(url, {"message": "Und gern auch Bohrungen."})
    assert CooperationContact.objects.count() == 1 and contact.messages.count() == 2
    # The poster sees who is interested and answers.
    client.force_login(poster.user)
    page = client.get(offer.get_absolute_url()).content.decode()
    assert contact.get_absolute_url() in page and url not in page  # not for their own
    client.post(
        reverse("supply:cooperation_contact_reply", args=[contact.pk]),
        {"message": "Gern, rufen Sie uns an."},
    )
    assert [m.side for m in contact.messages.all()] == ["interested", "interested", "poster"]
    assert Notification.objects.filter(
        recipient=interested.user, verb="supply.cooperation_reply"
    ).exists()
    inbox = client.get(reverse("supply:inquiries")).content.decode()
    assert contact.get_absolute_url() in inbox


def test_who_sees_and_who_may_express_interest(client):
    from django.urls import reverse

    offer = CooperationOfferFactory()
    contact = services.do_express_interest(
        offer, None, OrganisationFactory(), "Wir sind interessiert."
    )
    contact_url = contact.get_absolute_url()
    assert client.get(contact_url).status_code == 302  # to the login
    client.force_login(OrganisationAdminFactory().user)  # a third organisation
    assert client.get(contact_url).status_code == 404
    client.force_login(UserFactory())  # nobody's admin
    assert client.get(reverse("supply:cooperation_interest", args=[offer.pk])).status_code == 403
    services.do_close_offer(offer, None)
    with pytest.raises(ValidationError):
        services.do_express_interest(offer, None, OrganisationFactory(), "Noch da?")
    with pytest.raises(ValidationError):
        services.do_express_interest(
            CooperationOfferFactory(organisation=offer.organisation), None, offer.organisation, "x"
        )


def test_api_interest_and_reply():
    from django.urls import reverse
    from rest_framework.test import APIClient

    poster = OrganisationAdminFactory()
    offer = CooperationOfferFactory(organisation=poster.organisation)
    interested = OrganisationAdminFactory()
    api = APIClient()
    api.force_authenticate(interested.user)
    url = reverse("supply_api:cooperation-offer-interest", args=[offer.pk])
    foreign = api.post(url, {"organisation": OrganisationFactory().slug, "message": "Hallo"})
    assert foreign.status_code == 400
    created = api.post(url, {"organisation": interested.organisation.slug, "message": "Hallo"})
    assert created.status_code == 201
    contact_id = created.json()["id"]
    api.force_authenticate(poster.user)
    listed = api.get(reverse("supply_api:cooperation-contact-list")).json()
    assert [c["id"] for c in listed["results"]] == [contact_id]
    answered = api.post(
        reverse("supply_api:cooperation-contact-reply", args=[contact_id]), {"message": "Gern."}
    )
    assert [m["side"] for m in answered.json()["messages"]] == ["interested", "poster"]
