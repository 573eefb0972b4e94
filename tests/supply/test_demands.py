"""Demand services: create, edit and close demands; impossible demands change nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import (
    CapabilityFactory,
    CertificationFactory,
    OrganisationAdminFactory,
    OrganisationFactory,
)
from tests.supply.factories import DemandFactory, InquiryFactory, in_days
from werkstatt.notifications.models import Notification
from werkstatt.supply.models import Demand, DemandStep, Inquiry, Visibility
from werkstatt.supply.services import demands as services
from werkstatt.supply.services import inquiries as inquiry_services
from werkstatt.supply.services import lists
from werkstatt.supply.services.demands import StepData

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    return OrganisationAdminFactory(organisation__name="Chemnitzer Maschinenbau GmbH")


def data(**overrides):
    base = {
        "title": "Maschinengestell, geschweißt",
        "description": "S235JR, pulverbeschichtet RAL 7035",
        "delivery_postcode": "09111",
        "delivery_city": "",
        "deadline": in_days(30),
        "visibility": Visibility.PUBLIC,
    }
    return base | overrides


def chain(*keys: str) -> list[StepData]:
    return [StepData(capability=CapabilityFactory(key=k), quantity=5) for k in keys]


def test_create_geocodes_the_place_and_keeps_the_steps_in_order(buyer):
    iso = CertificationFactory(code="ISO 9001")
    steps = chain("trennen.abtragen.laserschneiden", "umformen.biegen", "fuegen.schweissen")
    steps[2].certifications = [iso]
    demand = services.do_create_demand(buyer.organisation, buyer.user, data(), steps)
    assert demand.organisation == buyer.organisation
    assert demand.delivery_city == "Chemnitz"  # the gazetteer names the postcode's place
    assert 50.7 < demand.delivery_lat < 50.95 and 12.8 < demand.delivery_lon < 13.1
    keys = [s.capability.key for s in demand.steps.order_by("order")]
    assert keys == ["trennen.abtragen.laserschneiden", "umformen.biegen", "fuegen.schweissen"]
    assert [s.order for s in demand.steps.order_by("order")] == [1, 2, 3]
    assert list(demand.steps.get(order=3).certifications.all()) == [iso]


@pytest.mark.parametrize(
    ("overrides", "steps", "field"),
    [
        ({}, [], "steps"),
        ({"deadline": in_days(-1)}, None, "deadline"),
        ({"delivery_postcode": "", "delivery_city": "Nirgendwo am Meer"}, None, "delivery_city"),
        ({"delivery_postcode": "", "delivery_city": ""}, None, "delivery_city"),
        ({"visibility": Visibility.INVITED}, None, "invited_organisations"),
        ({"title": "   "}, None, "title"),
    ],
)
def test_impossible_demands_are_refused_and_change_nothing(buyer, overrides, steps, field):
    if steps is None:
        steps = chain("fuegen.schweissen")
    with pytest.raises(ValidationError) as error:
        services.do_create_demand(buyer.organisation, buyer.user, data(**overrides), steps)
    assert field in error.value.message_dict
    assert not Demand.objects.exists()
    assert not DemandStep.objects.exists()


@pytest.fixture
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


def test_a_step_without_capability_or_quantity_is_refused(buyer, english):
    with pytest.raises(ValidationError, match="Step 1"):
        services.do_create_demand(buyer.organisation, buyer.user, data(), [StepData(None)])
    steps = [StepData(capability=CapabilityFactory(key="fuegen.schweissen"), quantity=0)]
    with pytest.raises(ValidationError, match="at least 1"):
        services.do_create_demand(buyer.organisation, buyer.user, data(), steps)
    assert not Demand.objects.exists()


def test_invited_demand_keeps_its_invitations_and_public_ones_drop_them(buyer):
    guest = OrganisationFactory()
    demand = services.do_create_demand(
        buyer.organisation,
        buyer.user,
        data(visibility=Visibility.INVITED, invited_organisations=[guest]),
        chain("fuegen.schweissen"),
    )
    assert list(demand.invited_organisations.all()) == [guest]
    services.do_update_demand(
        demand, buyer.user, {"visibility": Visibility.PUBLIC}, chain("fuegen.schweissen")
    )
    assert not demand.invited_organisations.exists()


def test_update_replaces_the_steps_and_bad_input_leaves_the_old_ones(buyer):
    demand = DemandFactory(organisation=buyer.organisation, steps=["fuegen.schweissen"])
    services.do_update_demand(
        demand, buyer.user, {"title": "Neu"}, chain("trennen.spanen.fraesen", "fuegen.schweissen")
    )
    demand.refresh_from_db()
    assert demand.title == "Neu"
    assert [s.capability.key for s in demand.steps.all()] == [
        "trennen.spanen.fraesen",
        "fuegen.schweissen",
    ]
    with pytest.raises(ValidationError):
        services.do_update_demand(demand, buyer.user, {"title": "Kaputt"}, [])
    demand.refresh_from_db()
    assert demand.title == "Neu"
    assert demand.steps.count() == 2


def test_only_open_demands_change(buyer):
    demand = DemandFactory(organisation=buyer.organisation, steps=["fuegen.schweissen"])
    services.do_set_demand_status(demand, buyer.user, Demand.Status.FULFILLED)
    demand.refresh_from_db()
    assert demand.status == Demand.Status.FULFILLED
    with pytest.raises(ValidationError):
        services.do_update_demand(demand, buyer.user, {"title": "x"}, chain("fuegen.schweissen"))
    with pytest.raises(ValidationError):
        services.do_set_demand_status(demand, buyer.user, Demand.Status.WITHDRAWN)
    demand.refresh_from_db()
    assert demand.status == Demand.Status.FULFILLED


def test_unknown_status_is_refused(buyer):
    demand = DemandFactory(organisation=buyer.organisation)
    with pytest.raises(ValidationError):
        services.do_set_demand_status(demand, buyer.user, "open")
    with pytest.raises(ValidationError):
        services.do_set_demand_status(demand, buyer.user, "deleted")
    demand.refresh_from_db()
    assert demand.status == Demand.Status.OPEN


def test_withdrawing_withdraws_open_inquiries_and_tells_the_suppliers(buyer):
    demand = DemandFactory(organisation=buyer.organisation, steps=["fuegen.schweissen"])
    supplier = OrganisationAdminFactory()
    open_one = InquiryFactory(demand=demand, organisation=supplier.organisation)
    accepted = InquiryFactory(demand=demand, status=Inquiry.Status.ACCEPTED)
    services.do_set_demand_status(demand, buyer.user, Demand.Status.WITHDRAWN)
    open_one.refresh_from_db()
    accepted.refresh_from_db()
    assert open_one.status == Inquiry.Status.WITHDRAWN
    assert accepted.status == Inquiry.Status.ACCEPTED
    assert open_one.messages.last().status == Inquiry.Status.WITHDRAWN
    notes = Notification.objects.filter(recipient=supplier.user)
    assert notes.count() == 1
    assert notes.get().url.endswith(open_one.get_absolute_url())


def test_deadline_today_is_allowed(buyer):
    demand = services.do_create_demand(
        buyer.organisation,
        buyer.user,
        data(deadline=timezone.localdate()),
        chain("fuegen.schweissen"),
    )
    assert demand.deadline == timezone.localdate()
    assert demand.deadline - datetime.timedelta(days=1) < timezone.localdate()


# --- deadlines and closing ------------------------------------------------------------------


def test_a_demand_past_its_deadline_is_expired_not_open(buyer):
    current = DemandFactory(organisation=buyer.organisation, deadline=in_days(0))
    expired = DemandFactory(organisation=buyer.organisation, deadline=in_days(-1))
    assert not current.is_expired and current.is_active
    assert expired.is_expired and not expired.is_active and expired.is_open
    assert expired.state == "expired"
    assert list(lists.open_demands(buyer.user)) == [current]
    # The buyer still finds it among their own demands.
    assert set(lists.own_demands(buyer.user)) == {current, expired}


def test_extend_the_deadline_of_an_expired_demand(buyer):
    demand = DemandFactory(organisation=buyer.organisation, deadline=in_days(-3))
    with pytest.raises(ValidationError):
        services.do_extend_deadline(demand, buyer.user, in_days(-1))
    demand.refresh_from_db()
    assert demand.deadline == in_days(-3)
    services.do_extend_deadline(demand, buyer.user, in_days(14))
    demand.refresh_from_db()
    assert demand.deadline == in_days(14) and demand.is_active
    services.do_set_demand_status(demand, buyer.user, Demand.Status.WITHDRAWN)
    with pytest.raises(ValidationError):
        services.do_extend_deadline(demand, buyer.user, in_days(20))


def test_no_inquiry_about_an_expired_demand(buyer):
    demand = DemandFactory(organisation=buyer.organisation, deadline=in_days(-1))
    supplier = OrganisationAdminFactory()
    with pytest.raises(ValidationError):
        inquiry_services.do_send_inquiry(demand, buyer.user, supplier.organisation, "Angebot?")
    assert not Inquiry.objects.exists()


def test_fulfilling_closes_the_other_open_inquiries_and_tells_their_suppliers(buyer):
    demand = DemandFactory(organisation=buyer.organisation, steps=["fuegen.schweissen"])
    winner = OrganisationAdminFactory()
    others = [OrganisationAdminFactory(), OrganisationAdminFactory()]
    accepted = InquiryFactory(
        demand=demand, organisation=winner.organisation, status=Inquiry.Status.ACCEPTED
    )
    sent = InquiryFactory(demand=demand, organisation=others[0].organisation)
    asked = InquiryFactory(
        demand=demand, organisation=others[1].organisation, status=Inquiry.Status.QUESTION
    )
    services.do_set_demand_status(demand, buyer.user, Demand.Status.FULFILLED)
    for inquiry in (accepted, sent, asked):
        inquiry.refresh_from_db()
    assert accepted.status == Inquiry.Status.ACCEPTED
    assert sent.status == asked.status == Inquiry.Status.CLOSED
    assert sent.messages.last().status == Inquiry.Status.CLOSED
    assert not Notification.objects.filter(recipient=winner.user).exists()
    for other, inquiry in zip(others, (sent, asked), strict=True):
        note = Notification.objects.get(recipient=other.user)
        assert note.verb == "supply.demand_fulfilled"
        assert note.url.endswith(inquiry.get_absolute_url())
        assert demand.title in note.title
