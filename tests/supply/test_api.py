"""The supply API: the same rules and services as the pages; bad input is a 400 in German."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from rest_framework.test import APIClient

from tests.factories import OrganisationAdminFactory, OrganisationFactory, UserFactory
from tests.supply.factories import CooperationOfferFactory, DemandFactory, InquiryFactory, in_days
from werkstatt.supply.models import CooperationOffer, Demand, Inquiry, Visibility

pytestmark = pytest.mark.django_db


def german(msgid: str) -> str:
    with translation.override("de"):
        return gettext(msgid)


@pytest.fixture
def buyer():
    return OrganisationAdminFactory(organisation__name="Bautzener Waggonbau Zulieferung GmbH")


@pytest.fixture
def api(buyer):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="de")
    client.force_authenticate(buyer.user)
    return client


def payload(buyer, **overrides):
    return {
        "organisation": buyer.organisation.slug,
        "title": "Drehgestellrahmen-Konsole",
        "description": "Schweißbaugruppe für Schienenfahrzeuge, EN 15085",
        "delivery_postcode": "02625",
        "delivery_city": "Bautzen",
        "deadline": in_days(90).isoformat(),
        "visibility": "public",
        "steps": [
            {"capability": "trennen.abtragen.brennschneiden", "quantity": 40},
            {
                "capability": "fuegen.schweissen",
                "quantity": 40,
                "certifications": ["ISO 3834"],
                "tolerances": "ISO 13920 BF",
            },
            {"capability": "trennen.spanen.fraesen", "quantity": 40, "material": "stahl"},
        ],
    } | overrides


def test_create_read_update_a_demand(api, buyer):
    response = api.post(reverse("supply_api:demand-list"), payload(buyer), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [s["capability"] for s in body["steps"]] == [
        "trennen.abtragen.brennschneiden",
        "fuegen.schweissen",
        "trennen.spanen.fraesen",
    ]
    assert body["steps"][1]["certifications"] == ["ISO 3834"]
    assert body["steps"][2]["material"] == "stahl"
    assert body["delivery_lat"] is not None
    url = reverse("supply_api:demand-detail", args=[body["id"]])
    assert APIClient().get(url).json()["title"] == "Drehgestellrahmen-Konsole"
    response = api.patch(url, {"title": "Konsole"}, format="json")
    assert response.status_code == 200
    demand = Demand.objects.get()
    assert demand.title == "Konsole"
    assert demand.steps.count() == 3  # steps kept when not sent


@pytest.mark.parametrize(
    ("overrides", "field", "msgid"),
    [
        ({"steps": []}, "steps", "Please add at least one production step to the demand."),
        (
            {"steps": [{"capability": "zaubern", "quantity": 1}]},
            "steps",
            "Unknown capability “{value}”: use a key of /api/v1/capabilities/.",
        ),
        (
            {"deadline": in_days(-1).isoformat()},
            "deadline",
            "The deadline must not be in the past.",
        ),
        (
            {"delivery_postcode": "", "delivery_city": "Atlantis"},
            "delivery_city",
            "We do not know the delivery place “%(place)s”. Please check the postcode and the "
            "place name.",
        ),
    ],
)
def test_impossible_demands_are_400_in_german_and_change_nothing(
    api, buyer, overrides, field, msgid
):
    response = api.post(
        reverse("supply_api:demand-list"), payload(buyer, **overrides), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    expected = german(msgid).split("“")[0].split("%(")[0].split("{")[0].strip()
    assert expected in str(response.json()[field])
    assert not Demand.objects.exists()


def test_cannot_post_for_another_organisation(api, buyer):
    other = OrganisationFactory()
    response = api.post(
        reverse("supply_api:demand-list"), payload(buyer, organisation=other.slug), format="json"
    )
    assert response.status_code == 403
    assert not Demand.objects.exists()


def test_list_hides_what_the_caller_may_not_see(buyer):
    DemandFactory(title="Offen")
    DemandFactory(title="Mitglieder", visibility=Visibility.MEMBERS)
    guest = OrganisationFactory()
    invited = DemandFactory(title="Eingeladen", visibility=Visibility.INVITED)
    invited.invited_organisations.set([guest])
    anonymous = APIClient().get(reverse("supply_api:demand-list")).json()
    assert [d["title"] for d in anonymous["results"]] == ["Offen"]
    member = APIClient()
    member.force_authenticate(buyer.user)
    titles = {d["title"] for d in member.get(reverse("supply_api:demand-list")).json()["results"]}
    assert titles == {"Offen", "Mitglieder"}
    invited_admin = OrganisationAdminFactory(organisation=guest)
    member.force_authenticate(invited_admin.user)
    titles = {d["title"] for d in member.get(reverse("supply_api:demand-list")).json()["results"]}
    assert titles == {"Offen", "Mitglieder", "Eingeladen"}


def test_expired_demands_are_not_listed_as_open_but_among_mine(api, buyer):
    DemandFactory(title="Laufend", organisation=buyer.organisation)
    DemandFactory(title="Abgelaufen", organisation=buyer.organisation, deadline=in_days(-1))
    url = reverse("supply_api:demand-list")
    assert [d["title"] for d in api.get(url).json()["results"]] == ["Laufend"]
    mine = {d["title"]: d["expired"] for d in api.get(url, {"mine": "1"}).json()["results"]}
    assert mine == {"Laufend": False, "Abgelaufen": True}


def test_inquiry_conversation_through_the_api(api, buyer):
    demand = DemandFactory(organisation=buyer.organisation, steps=["fuegen.schweissen"])
    supplier = OrganisationAdminFactory()
    response = api.post(
        reverse("supply_api:inquiry-list"),
        {"demand": demand.pk, "organisation": supplier.organisation.slug, "message": "Angebot?"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    respond = reverse("supply_api:inquiry-respond", args=[pk])
    assert api.post(respond, {"action": "accept"}, format="json").status_code == 403
    other = APIClient(HTTP_ACCEPT_LANGUAGE="de")
    other.force_authenticate(supplier.user)
    bad = other.post(respond, {"action": "question", "message": ""}, format="json")
    assert bad.status_code == 400
    assert german("Please write a message.") in str(bad.json())
    ok = other.post(respond, {"action": "decline", "message": "Keine Kapazität"}, format="json")
    assert ok.status_code == 200
    assert ok.json()["status"] == "declined"
    assert [m["status"] for m in ok.json()["messages"]] == ["sent", "declined"]
    assert Inquiry.objects.get().status == Inquiry.Status.DECLINED


def test_inquiry_about_an_invisible_demand_is_refused(api, buyer):
    hidden = DemandFactory(visibility=Visibility.INVITED)
    response = api.post(
        reverse("supply_api:inquiry-list"),
        {"demand": hidden.pk, "organisation": OrganisationFactory().slug, "message": "Hallo"},
        format="json",
    )
    assert response.status_code == 400
    assert not Inquiry.objects.exists()


def test_inquiries_list_only_own(buyer):
    mine = InquiryFactory(demand=DemandFactory(organisation=buyer.organisation))
    InquiryFactory()
    client = APIClient()
    client.force_authenticate(buyer.user)
    ids = [i["id"] for i in client.get(reverse("supply_api:inquiry-list")).json()["results"]]
    assert ids == [mine.pk]
    stranger = APIClient()
    stranger.force_authenticate(UserFactory())
    assert stranger.get(reverse("supply_api:inquiry-list")).json()["results"] == []


def test_cooperation_offers_through_the_api(api, buyer):
    data = {
        "organisation": buyer.organisation.slug,
        "kind": "technology",
        "direction": "offer",
        "partnership_types": ["licence", "research"],
        "title": "Patent: Sensorik für Radsatzlager",
        "summary": "Lizenz für ein Messsystem zur Zustandsüberwachung von Radsatzlagern.",
        "capabilities": ["trennen.spanen.fraesen"],
        "expires_on": in_days(200).isoformat(),
    }
    bad = api.post(
        reverse("supply_api:cooperation-offer-list"),
        {**data, "partnership_types": ["freundschaft"]},
        format="json",
    )
    assert bad.status_code == 400
    assert not CooperationOffer.objects.exists()
    response = api.post(reverse("supply_api:cooperation-offer-list"), data, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["partnership_types"] == ["licence", "research"]
    pk = response.json()["id"]
    # Matches need a real overlap (here the capability); a shared partnership type alone is none.
    unrelated = CooperationOfferFactory(
        direction="request", partnership_types="|licence|", summary="Gesucht."
    )
    request = CooperationOfferFactory(
        direction="request",
        partnership_types="|licence|",
        capabilities=["trennen.spanen.fraesen"],
    )
    matches = api.get(reverse("supply_api:cooperation-offer-matches", args=[pk])).json()
    assert [m["offer"]["id"] for m in matches] == [request.pk]
    closed = api.post(reverse("supply_api:cooperation-offer-close", args=[pk]))
    assert closed.json()["status"] == "closed"
    listed = APIClient().get(reverse("supply_api:cooperation-offer-list")).json()["results"]
    assert sorted(o["id"] for o in listed) == sorted([unrelated.pk, request.pk])


def test_invitations_by_slug_and_hidden_organisations_are_unknown(api, buyer):
    guest = OrganisationFactory(slug="gast-gmbh")
    hidden = OrganisationFactory(slug="verdeckt-gmbh", is_public=False)
    url = reverse("supply_api:demand-list")
    refused = api.post(
        url,
        payload(buyer, visibility="invited", invited_organisations=[hidden.slug]),
        format="json",
    )
    assert refused.status_code == 400
    assert "invited_organisations" in refused.json()
    assert not Demand.objects.exists()
    created = api.post(
        url,
        payload(buyer, visibility="invited", invited_organisations=[guest.slug]),
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["invited_organisations"] == ["gast-gmbh"]
