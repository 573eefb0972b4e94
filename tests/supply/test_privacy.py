"""DSGVO: a person's supply-network data in the download; deleting the account leaves the
organisations' correspondence standing without the person."""

from __future__ import annotations

import pytest

from tests.factories import OrganisationFactory, UserFactory
from tests.supply.factories import CooperationOfferFactory, DemandFactory, InquiryFactory
from werkstatt.accounts.services import data_download_contents, do_delete_account, export_user_data
from werkstatt.supply.models import CooperationMessage, Demand, Inquiry, InquiryMessage
from werkstatt.supply.services import privacy
from werkstatt.supply.services.cooperation import do_express_interest

pytestmark = pytest.mark.django_db


def _scene():
    me = UserFactory(name="Katrin Weber")
    other = UserFactory(name="Uwe Lange")
    demand = DemandFactory(created_by=me, title="Gehäuse aus Aluminium", steps=["trennen.spanen"])
    mine = InquiryFactory(demand=demand, created_by=me, message="Können Sie 500 Stück fräsen?")
    InquiryMessage.objects.create(
        inquiry=mine,
        side="supplier",
        author=other,
        text="Geheime Antwort des Lieferanten",
        status="question",
    )
    InquiryMessage.objects.create(
        inquiry=mine, side="buyer", author=me, text="Toleranz ±0,05 mm genügt.", status="answered"
    )
    offer = CooperationOfferFactory(created_by=other, title="Lohnfertigung Blech")
    interested = OrganisationFactory(name="Weber Feinmechanik")
    do_express_interest(offer, me, interested, "Wir suchen einen Partner für Kleinserien.")
    return me, other, demand, mine, offer


def test_the_download_holds_what_the_person_posted_and_wrote_but_not_others_words():
    me, _other, _demand, _mine, offer = _scene()
    CooperationOfferFactory(created_by=me, title="Messtechnik zu vergeben")
    data = export_user_data(me)["supply"]
    assert [d["title"] for d in data["demands"]] == ["Gehäuse aus Aluminium"]
    assert data["demands"][0]["steps"][0]["capability"] == "trennen.spanen"
    assert [i["message"] for i in data["inquiries_sent"]] == ["Können Sie 500 Stück fräsen?"]
    assert [m["text"] for m in data["inquiry_messages"]] == ["Toleranz ±0,05 mm genügt."]
    assert [o["title"] for o in data["cooperation_profiles"]] == ["Messtechnik zu vergeben"]
    assert data["expressions_of_interest"] == [
        {
            "profile": offer.title,
            "for_organisation": "Weber Feinmechanik",
            "created": data["expressions_of_interest"][0]["created"],
        }
    ]
    assert [m["text"] for m in data["cooperation_messages"]] == [
        "Wir suchen einen Partner für Kleinserien."
    ]
    assert "Geheime Antwort" not in str(data)
    assert privacy.DESCRIPTION in data_download_contents()  # the profile page lists it


def test_deleting_the_account_keeps_the_correspondence_without_the_person():
    me, other, demand, mine, _offer = _scene()
    do_delete_account(me)
    demand = Demand.objects.get(pk=demand.pk)
    assert demand.created_by is None
    assert Inquiry.objects.get(pk=mine.pk).created_by is None
    texts = list(InquiryMessage.objects.filter(inquiry=mine).values_list("text", "author"))
    assert ("Toleranz ±0,05 mm genügt.", None) in texts
    assert ("Geheime Antwort des Lieferanten", other.pk) in texts
    assert CooperationMessage.objects.get().author is None
