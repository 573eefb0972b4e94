"""No N+1 in the supply network's lists: as many queries for 3 items as for 1."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    CapabilityFactory,
    CertificationFactory,
    OrganisationAdminFactory,
    OrganisationFactory,
    SectorFactory,
    SuperuserFactory,
)
from tests.supply.factories import CooperationOfferFactory, DemandFactory, InquiryFactory

pytestmark = pytest.mark.django_db

STEPS = ["trennen.abtragen.laserschneiden", "umformen.biegen", "fuegen.schweissen"]


def _public_demand(ctx, i):
    DemandFactory(steps=STEPS)


def _own_demand(ctx, i):
    demand = DemandFactory(organisation=ctx["org"], steps=STEPS)
    InquiryFactory(demand=demand)


def _offer(ctx, i):
    offer = CooperationOfferFactory(partnership_types="|subcontracting|licence|")
    offer.capabilities.set([CapabilityFactory(key=STEPS[i % 3])])
    offer.sectors.set([SectorFactory()])


def _inquiry(ctx, i):
    InquiryFactory(organisation=ctx["org"], demand=DemandFactory(steps=STEPS))
    InquiryFactory(demand=DemandFactory(organisation=ctx["org"]))


def _matching_demand(ctx, i):
    ctx["org"].capabilities.add(CapabilityFactory(key=STEPS[0]), CapabilityFactory(key=STEPS[2]))
    demand = DemandFactory(steps=STEPS)
    demand.steps.get(order=3).certifications.set([CertificationFactory(code="EN 1090")])


def _message_attachment(ctx, i):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from werkstatt.supply.services import attachments

    inquiry = InquiryFactory(organisation=ctx["org"], demand=DemandFactory(steps=STEPS))
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.7\n")
    checked = attachments.check_files([pdf], already=0, limit=5)
    attachments.store(inquiry.demand, None, checked, inquiry.messages.first())


def _contact(ctx, i):
    from werkstatt.supply.services.cooperation import do_express_interest

    do_express_interest(
        CooperationOfferFactory(organisation=ctx["org"]), None, OrganisationFactory(), "Hallo"
    )


CASES: dict[str, tuple[Callable, Callable, bool]] = {
    "inquiries (contacts)": (lambda ctx: reverse("supply:inquiries"), _contact, False),
    "api contacts": (lambda ctx: reverse("supply_api:cooperation-contact-list"), _contact, False),
    "matching demands": (lambda ctx: reverse("supply:matching"), _matching_demand, False),
    "api matching demands": (
        lambda ctx: reverse("supply_api:demand-matching"),
        _matching_demand,
        False,
    ),
    "index filtered": (
        lambda ctx: reverse("supply:index") + "?capability=fuegen&deadline_from=2000-01-01",
        _public_demand,
        False,
    ),
    "api inquiries with files": (
        lambda ctx: reverse("supply_api:inquiry-list"),
        _message_attachment,
        False,
    ),
    "index (open demands)": (lambda ctx: reverse("supply:index"), _public_demand, False),
    "index (own demands)": (lambda ctx: reverse("supply:index"), _own_demand, False),
    "index (offers)": (lambda ctx: reverse("supply:index"), _offer, False),
    "cooperation list": (lambda ctx: reverse("supply:cooperation_list"), _offer, False),
    "inquiries": (lambda ctx: reverse("supply:inquiries"), _inquiry, False),
    "api demands": (lambda ctx: reverse("supply_api:demand-list"), _public_demand, False),
    "api own demands": (
        lambda ctx: reverse("supply_api:demand-list") + "?mine=1",
        _own_demand,
        False,
    ),
    "api inquiries": (lambda ctx: reverse("supply_api:inquiry-list"), _inquiry, False),
    "api offers": (lambda ctx: reverse("supply_api:cooperation-offer-list"), _offer, False),
    "admin demands": (lambda ctx: reverse("admin:supply_demand_changelist"), _own_demand, True),
    "admin inquiries": (lambda ctx: reverse("admin:supply_inquiry_changelist"), _inquiry, True),
    "admin offers": (
        lambda ctx: reverse("admin:supply_cooperationoffer_changelist"),
        _offer,
        True,
    ),
}


def _count(client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(queries), [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize("name", list(CASES))
def test_list_queries_do_not_grow_with_items(client, name):
    url, add, superuser = CASES[name]
    if superuser:
        membership = OrganisationAdminFactory(user=SuperuserFactory())
    else:
        membership = OrganisationAdminFactory()
    ctx = {"user": membership.user, "org": membership.organisation}
    client.force_login(membership.user)
    add(ctx, 0)
    page = url(ctx)
    client.get(page)  # warm caches
    one, _ = _count(client, page)
    add(ctx, 1)
    add(ctx, 2)
    three, sql = _count(client, page)
    assert one == three, f"{name}: {one} queries with 1 item, {three} with 3:\n" + "\n".join(sql)
