"""Supply pages: post and edit demands with their steps, close them, send and answer inquiries,
the cooperation exchange. Bad input shows a German message and changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import (
    CapabilityFactory,
    OrganisationAdminFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.supply.factories import CooperationOfferFactory, DemandFactory, InquiryFactory, in_days
from werkstatt.network.models import Capability
from werkstatt.supply.models import CooperationOffer, Demand, Inquiry, Visibility

pytestmark = pytest.mark.django_db


def german(msgid: str) -> str:
    with translation.override("de"):
        return gettext(msgid)


@pytest.fixture
def buyer(client):
    admin = OrganisationAdminFactory(organisation__name="Vogtland Maschinenbau GmbH")
    client.force_login(admin.user)
    return admin


def cap(key: str) -> int:
    return Capability.objects.get(key=key).pk


def demand_post(steps: list[dict], **overrides) -> dict:
    data = {
        "title": "Schweißgestell für Verpackungsmaschine",
        "description": "Zeichnung auf Anfrage",
        "delivery_postcode": "08523",
        "delivery_city": "Plauen",
        "deadline": in_days(45).isoformat(),
        "visibility": "public",
        "invited": "",
        "steps-TOTAL_FORMS": str(len(steps)),
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "30",
    }
    for i, step in enumerate(steps):
        for key, value in step.items():
            data[f"steps-{i}-{key}"] = value
    data.update(overrides)
    return data


def step(key: str, quantity: str = "20", **extra) -> dict:
    return {"capability": str(cap(key)), "quantity": quantity, **extra}


def test_post_a_demand_with_steps(client, buyer):
    url = reverse("supply:demand_create")
    data = demand_post(
        [
            step("trennen.abtragen.laserschneiden"),
            step("umformen.biegen"),
            step("fuegen.schweissen"),
        ]
    )
    response = client.post(url, data)
    demand = Demand.objects.get()
    assert response.status_code == 302
    assert response["Location"] == demand.get_absolute_url()
    assert demand.organisation == buyer.organisation
    assert demand.delivery_city == "Plauen"
    assert [s.capability.key for s in demand.steps.all()] == [
        "trennen.abtragen.laserschneiden",
        "umformen.biegen",
        "fuegen.schweissen",
    ]
    page = client.get(demand.get_absolute_url()).content.decode()
    assert "Schweißgestell für Verpackungsmaschine" in page
    assert Capability.objects.get(key="umformen.biegen").name_de in page


W = [("fuegen.schweissen", "20")]


@pytest.mark.parametrize(
    ("steps", "overrides", "msgid"),
    [
        ([], {}, "Please add at least one production step to the demand."),
        ([("unknown", "3")], {}, "Please choose a capability from the list."),
        ([("fuegen.schweissen", "0")], {}, "The quantity must be at least 1."),
        (W, {"deadline": in_days(-3).isoformat()}, "The deadline must not be in the past."),
        (
            W,
            {"delivery_postcode": "", "delivery_city": "Atlantis"},
            "We do not know the delivery place “%(place)s”. Please check the postcode "
            "and the place name.",
        ),
        (
            W,
            {"visibility": "invited", "invited": "Gibt Es Nicht GmbH"},
            "We do not know these organisations: %(names)s",
        ),
        (W, {"visibility": "invited"}, "Please invite at least one organisation."),
    ],
)
def test_impossible_demands_show_a_german_message_and_change_nothing(
    client, buyer, steps, overrides, msgid
):
    rows = [
        {"capability": "999999", "quantity": q} if key == "unknown" else step(key, quantity=q)
        for key, q in steps
    ]
    with translation.override("de"):
        response = client.post(reverse("supply:demand_create"), demand_post(rows, **overrides))
    assert response.status_code == 200
    expected = german(msgid).split("%(")[0].split("“")[0].strip()
    assert expected and expected in response.content.decode()
    assert not Demand.objects.exists()


def test_add_a_step_row_without_saving(client, buyer):
    data = demand_post([step("fuegen.schweissen")], add_step="1")
    response = client.post(reverse("supply:demand_create"), data)
    assert response.status_code == 200
    assert response.context["formset"].total_form_count() == 2
    assert 'name="steps-1-capability"' in response.content.decode()
    assert not Demand.objects.exists()


def test_a_deleted_row_is_not_saved(client, buyer):
    data = demand_post([step("fuegen.schweissen"), step("trennen.spanen.fraesen", DELETE="on")])
    client.post(reverse("supply:demand_create"), data)
    assert [s.capability.key for s in Demand.objects.get().steps.all()] == ["fuegen.schweissen"]


def test_edit_prefills_and_saves(client, buyer):
    demand = DemandFactory(organisation=buyer.organisation, steps=["fuegen.schweissen"])
    url = reverse("supply:demand_edit", args=[demand.pk])
    page = client.get(url)
    assert page.context["formset"].initial[0]["capability"] == cap("fuegen.schweissen")
    data = demand_post(
        [step("fuegen.schweissen"), step("beschichten.pulverbeschichten")], title="Neuer Titel"
    )
    data["steps-INITIAL_FORMS"] = "1"
    response = client.post(url, data)
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.title == "Neuer Titel"
    assert demand.steps.count() == 2


def test_someone_else_cannot_post_for_an_organisation_they_do_not_speak_for(client):
    admin = OrganisationAdminFactory()
    client.force_login(admin.user)
    stranger = OrganisationFactory()
    data = demand_post([step("fuegen.schweissen")], organisation=str(stranger.pk))
    response = client.post(reverse("supply:demand_create"), data)
    assert response.status_code == 200  # not one of the choices: a form error
    assert german("Please choose one of your organisations.") in response.content.decode()
    assert not Demand.objects.exists()


def test_index_lists_only_what_the_visitor_may_see(client):
    public = DemandFactory(title="Öffentlicher Bedarf", steps=["fuegen.schweissen"])
    DemandFactory(title="Nur für Mitglieder", visibility=Visibility.MEMBERS)
    DemandFactory(title="Erledigter Bedarf", status=Demand.Status.FULFILLED)
    page = client.get(reverse("supply:index")).content.decode()
    assert public.title in page
    assert "Nur für Mitglieder" not in page
    assert "Erledigter Bedarf" not in page


def test_expired_demands_are_not_open_and_the_buyer_extends_them(client, buyer):
    expired = DemandFactory(
        organisation=buyer.organisation, title="Abgelaufener Bedarf", deadline=in_days(-2)
    )
    index = client.get(reverse("supply:index"))
    assert expired not in index.context["page_obj"].object_list
    assert expired in list(index.context["own_demands"])
    assert german("Expired") in index.content.decode()
    page = client.get(expired.get_absolute_url()).content.decode()
    assert 'id="demand-expired"' in page
    assert reverse("supply:demand_deadline", args=[expired.pk]) in page
    url = reverse("supply:demand_deadline", args=[expired.pk])
    response = client.post(url, {"deadline": in_days(-1).isoformat()}, follow=True)
    assert german("The deadline must not be in the past.") in response.content.decode()
    response = client.post(url, {"deadline": ""}, follow=True)
    assert german("Please enter a deadline.") in response.content.decode()
    client.post(url, {"deadline": in_days(21).isoformat()})
    expired.refresh_from_db()
    assert expired.deadline == in_days(21)
    assert expired in client.get(reverse("supply:index")).context["page_obj"].object_list
    # A visitor sees an expired demand (by its address) as expired, without the form.
    client.logout()
    DemandFactory(title="Alt", deadline=in_days(-5))
    old = Demand.objects.get(title="Alt")
    page = client.get(old.get_absolute_url()).content.decode()
    assert 'id="demand-expired"' in page and "supply:demand_deadline" not in page
    assert reverse("supply:demand_deadline", args=[old.pk]) not in page


def test_mark_fulfilled_and_bad_status(client, buyer):
    demand = DemandFactory(organisation=buyer.organisation)
    url = reverse("supply:demand_status", args=[demand.pk])
    response = client.post(url, {"status": "deleted"}, follow=True)
    assert german("Please choose “fulfilled” or “withdrawn”.") in response.content.decode()
    demand.refresh_from_db()
    assert demand.status == Demand.Status.OPEN
    client.post(url, {"status": "fulfilled"})
    demand.refresh_from_db()
    assert demand.status == Demand.Status.FULFILLED


def test_inquiry_round_trip_between_buyer_and_supplier(client, buyer):
    demand = DemandFactory(organisation=buyer.organisation, steps=["fuegen.schweissen"])
    supplier = OrganisationAdminFactory(organisation__name="Schweißtechnik Reichenbach GmbH")
    url = reverse("supply:inquiry_create", args=[demand.pk])
    slug = supplier.organisation.slug
    assert client.get(url, {"organisation": slug}).status_code == 200
    response = client.post(url, {"organisation": slug, "message": ""})
    assert response.status_code == 200
    assert not Inquiry.objects.exists()
    response = client.post(url, {"organisation": slug, "message": "Preis für 20 Stück?"})
    inquiry = Inquiry.objects.get()
    assert response["Location"] == inquiry.get_absolute_url()

    client.force_login(supplier.user)
    inbox = client.get(reverse("supply:inquiries") + "?box=incoming").content.decode()
    assert demand.title in inbox
    action = reverse("supply:inquiry_action", args=[inquiry.pk])
    client.post(action, {"action": "question", "message": ""})
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.SENT  # a question needs a text
    client.post(action, {"action": "answer", "message": "Ich bin nicht der Käufer"})
    assert client.post(action, {"action": "answer", "message": "x"}).status_code == 403
    client.post(action, {"action": "question", "message": "Mit Zeugnis 3.1?"})
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.QUESTION

    client.force_login(buyer.user)
    page = client.get(inquiry.get_absolute_url()).content.decode()
    assert "Mit Zeugnis 3.1?" in page
    assert client.post(action, {"action": "accept"}).status_code == 403
    client.post(action, {"action": "answer", "message": "Ja, bitte mit Zeugnis."})
    client.force_login(supplier.user)
    client.post(action, {"action": "accept", "message": "Gern."})
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.ACCEPTED
    client.force_login(buyer.user)
    detail = client.get(demand.get_absolute_url()).content.decode()
    assert "Schweißtechnik Reichenbach GmbH" in detail
    assert german("Accepted") in detail


def test_inquiry_to_an_invisible_organisation_is_404(client, buyer):
    demand = DemandFactory(organisation=buyer.organisation)
    hidden = OrganisationFactory(is_public=False)
    url = reverse("supply:inquiry_create", args=[demand.pk])
    assert client.get(url, {"organisation": hidden.slug}).status_code == 404
    assert client.get(url, {"organisation": "gibt-es-nicht"}).status_code == 404


def test_cooperation_create_edit_close(client, buyer):
    url = reverse("supply:cooperation_create")
    data = {
        "direction": "request",
        "kind": "technology",
        "title": "Partner für Leichtbau-Schweißen gesucht",
        "summary": "Wir suchen ein Institut für Rührreibschweißen von Aluminium.",
        "partnership_types": ["research"],
        "capabilities": [str(cap("fuegen.schweissen"))],
        "visibility": "public",
        "expires_on": in_days(60).isoformat(),
    }
    response = client.post(url, {**data, "partnership_types": []})
    assert response.status_code == 200
    assert german("Please choose at least one partnership type.") in response.content.decode()
    assert not CooperationOffer.objects.exists()
    response = client.post(url, data)
    offer = CooperationOffer.objects.get()
    assert response["Location"] == offer.get_absolute_url()
    edit = reverse("supply:cooperation_edit", args=[offer.pk])
    client.post(edit, {**data, "title": "Geändert", "expires_on": in_days(-1).isoformat()})
    offer.refresh_from_db()
    assert offer.title == "Partner für Leichtbau-Schweißen gesucht"
    client.post(edit, {**data, "title": "Geändert"})
    offer.refresh_from_db()
    assert offer.title == "Geändert"
    client.post(reverse("supply:cooperation_close", args=[offer.pk]))
    offer.refresh_from_db()
    assert offer.status == CooperationOffer.Status.CLOSED
    listing = client.get(reverse("supply:cooperation_list")).content.decode()
    assert "Geändert" not in listing


def test_cooperation_detail_shows_matches_with_reasons(client):
    welding = CapabilityFactory(key="fuegen.schweissen")
    offer = CooperationOfferFactory(title="Schweißen in Lohnfertigung")
    offer.capabilities.set([welding])
    request = CooperationOfferFactory(direction="request", title="Schweißer gesucht")
    request.capabilities.set([welding])
    page = client.get(offer.get_absolute_url()).content.decode()
    assert "Schweißer gesucht" in page
    assert welding.name_de in page


def test_cooperation_list_filters(client):
    CooperationOfferFactory(title="Angebot A", direction="offer")
    CooperationOfferFactory(title="Gesuch B", direction="request")
    page = client.get(reverse("supply:cooperation_list"), {"direction": "request"})
    text = page.content.decode()
    assert "Gesuch B" in text and "Angebot A" not in text
    bad = client.get(reverse("supply:cooperation_list"), {"direction": "quer"})
    assert bad.status_code == 200


def test_inquiry_list_shows_only_own_organisations(client):
    mine = InquiryFactory()
    other = InquiryFactory(demand__title="Fremder Bedarf")
    user = UserFactory()
    OrganisationAdminFactory(user=user, organisation=mine.organisation)
    client.force_login(user)
    page = client.get(reverse("supply:inquiries")).content.decode()
    assert mine.demand.title in page
    assert other.demand.title not in page


def test_hidden_organisations_cannot_be_invited_by_name(client, buyer):
    hidden = OrganisationFactory(name="Verdeckte Werkzeugbau GmbH", is_public=False)
    data = demand_post([step("fuegen.schweissen")], visibility="invited", invited=hidden.name)
    response = client.post(reverse("supply:demand_create"), data)
    assert response.status_code == 200
    assert not Demand.objects.exists()
    visible = OrganisationFactory(name="Sichtbare Werkzeugbau GmbH")
    data["invited"] = f"{visible.name}\n{visible.slug}"
    client.post(reverse("supply:demand_create"), data)
    assert list(Demand.objects.get().invited_organisations.all()) == [visible]
