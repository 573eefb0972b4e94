"""Inquiries to organisations nobody represents on Werkstatt: the buyer is told before sending,
the inquiry goes by e-mail to the public address (with a link to register) or is kept as not
delivered, and the network moderators hear of it."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import OrganisationAdminFactory, OrganisationFactory, make_network_moderator
from tests.supply.factories import DemandFactory
from werkstatt.notifications.models import Notification
from werkstatt.supply.models import Demand, Inquiry
from werkstatt.supply.services import demands as demand_services
from werkstatt.supply.services import inquiries as services
from werkstatt.supply.services.delivery import reach_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    admin = OrganisationAdminFactory(
        organisation__name="Erzgebirgs-Maschinenbau GmbH",
        organisation__email="einkauf@erzgebirgs-maschinenbau.example",
    )
    return admin


@pytest.fixture
def demand(buyer):
    return DemandFactory(organisation=buyer.organisation, steps=["fuegen.schweissen"])


@pytest.fixture
def moderator():
    return make_network_moderator()


def test_reach_of_many_organisations_in_one_query(django_assert_num_queries):
    represented = OrganisationAdminFactory().organisation
    listed = OrganisationFactory(email="info@listed.example")
    silent = OrganisationFactory(email="")
    with django_assert_num_queries(1):
        reach = reach_of([represented, listed, silent])
    assert reach[represented.pk].on_platform
    assert reach[listed.pk].by_email and reach[listed.pk].email == "info@listed.example"
    assert reach[silent.pk].unreachable


def test_an_organisation_with_admins_gets_it_on_werkstatt(
    demand, buyer, moderator, django_capture_on_commit_callbacks
):
    supplier = OrganisationAdminFactory(organisation__email="info@schweiss.example")
    with django_capture_on_commit_callbacks(execute=True):
        inquiry = services.do_send_inquiry(demand, buyer.user, supplier.organisation, "Angebot?")
    assert inquiry.delivery == Inquiry.Delivery.PLATFORM
    assert Notification.objects.filter(recipient=supplier.user).exists()
    assert "info@schweiss.example" not in [to for m in mail.outbox for to in m.to]
    assert not Notification.objects.filter(recipient=moderator).exists()


def test_without_admins_it_goes_by_e_mail_with_a_link_to_register(
    demand, buyer, moderator, django_capture_on_commit_callbacks
):
    supplier = OrganisationFactory(
        name="Schweißtechnik Annaberg GmbH", email="anfrage@schweisstechnik-annaberg.example"
    )
    with django_capture_on_commit_callbacks(execute=True):
        inquiry = services.do_send_inquiry(
            demand, buyer.user, supplier, "Können Sie 40 Gestelle bis März schweißen?"
        )
    assert inquiry.delivery == Inquiry.Delivery.EMAIL
    assert inquiry.delivery_email == "anfrage@schweisstechnik-annaberg.example"
    sent = [m for m in mail.outbox if m.to == ["anfrage@schweisstechnik-annaberg.example"]]
    assert len(sent) == 1
    message = sent[0]
    assert demand.title in message.subject
    assert "> Können Sie 40 Gestelle bis März schweißen?" in message.body
    # Register, then on to the organisation's page to ask to represent it.
    join = reverse("account_signup") + "?" + urlencode({"next": supplier.get_absolute_url()})
    assert join in message.body
    assert message.reply_to == ["einkauf@erzgebirgs-maschinenbau.example"]
    note = Notification.objects.get(recipient=moderator)
    assert note.verb == "supply.inquiry_unreached"
    assert supplier.name in note.title and note.url == supplier.get_absolute_url()


def test_without_admins_and_address_it_is_kept_as_not_delivered(
    client, demand, buyer, moderator, django_capture_on_commit_callbacks
):
    supplier = OrganisationFactory(name="Stille Dreherei GmbH", email="")
    with django_capture_on_commit_callbacks(execute=True):
        inquiry = services.do_send_inquiry(demand, buyer.user, supplier, "Angebot?")
    assert inquiry.delivery == Inquiry.Delivery.NONE
    assert not [m for m in mail.outbox if "Angebot?" in m.body]
    assert Notification.objects.filter(recipient=moderator, verb="supply.inquiry_unreached")
    client.force_login(buyer.user)
    page = client.get(inquiry.get_absolute_url()).content.decode()
    assert 'id="inquiry-delivery"' in page
    # Once someone represents the firm, the inquiry waits in their inbox.
    admin = OrganisationAdminFactory(organisation=supplier)
    client.force_login(admin.user)
    assert inquiry in client.get(reverse("supply:inquiries")).context["page_obj"].object_list


def test_the_buyer_is_told_before_sending(client, demand, buyer):
    listed = OrganisationFactory(email="info@listed.example", slug="gelistet")
    silent = OrganisationFactory(email="", slug="still")
    represented = OrganisationAdminFactory(organisation__slug="vertreten").organisation
    client.force_login(buyer.user)
    url = reverse("supply:inquiry_create", args=[demand.pk])
    with translation.override("de"):
        by_email = client.get(url, {"organisation": listed.slug})
        unreachable = client.get(url, {"organisation": silent.slug})
        on_platform = client.get(url, {"organisation": represented.slug})
    assert by_email.context["reach"].by_email
    assert "info@listed.example" in by_email.content.decode()
    assert 'id="reach-notice"' in by_email.content.decode()
    assert unreachable.context["reach"].unreachable
    assert 'id="reach-notice"' in unreachable.content.decode()
    assert 'id="reach-notice"' not in on_platform.content.decode()


def test_ranking_marks_suppliers_nobody_represents(client, buyer):
    from tests.factories import CapabilityFactory, SiteFactory

    weld = CapabilityFactory(key="fuegen.schweissen")
    silent = OrganisationFactory(name="Ohne Konto GmbH", email="", capabilities=[weld])
    SiteFactory(organisation=silent, lat=50.84, lon=12.93)
    demand = DemandFactory(organisation=buyer.organisation, steps=["fuegen.schweissen"])
    client.force_login(buyer.user)
    with translation.override("de"):
        response = client.get(reverse("supply:demand_ranking", args=[demand.pk]))
        badge = gettext("Not on Werkstatt and no e-mail address: an inquiry cannot be delivered")
    row = response.context["rows"][0]
    assert row.organisation == silent and row.reach.unreachable
    assert badge in response.content.decode()
    api = client.get(reverse("supply_api:demand-ranking", args=[demand.pk])).json()
    assert api[0]["delivery"] == "none"


def test_withdrawing_and_closing_reach_the_address_too(
    demand, buyer, django_capture_on_commit_callbacks
):
    supplier = OrganisationFactory(email="info@blech.example")
    other = OrganisationFactory(email="info@lack.example")
    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = services.do_send_inquiry(demand, buyer.user, supplier, "Angebot?")
        services.do_send_inquiry(demand, buyer.user, other, "Angebot?")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.do_inquiry_action(withdrawn, buyer.user, "withdraw", "Hat sich erledigt.")
    assert [m.to for m in mail.outbox] == [["info@blech.example"]]
    assert "> Hat sich erledigt." in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        demand_services.do_set_demand_status(demand, buyer.user, Demand.Status.FULFILLED)
    assert [m.to for m in mail.outbox] == [["info@lack.example"]]


def test_a_rolled_back_inquiry_sends_no_e_mail(demand, buyer, django_capture_on_commit_callbacks):
    supplier = OrganisationFactory(email="info@blech.example")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.do_send_inquiry(demand, buyer.user, supplier, "Angebot?")
    # Nothing is sent before the commit; the callback is what would send it.
    assert not mail.outbox
    assert callbacks
