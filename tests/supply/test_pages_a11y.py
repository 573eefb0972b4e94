"""Every supply page passes the small accessibility check (tests/web/html_checks.py): one h1,
labelled controls, working aria references, no inline script or style."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import (
    CapabilityFactory,
    OrganisationAdminFactory,
    OrganisationFactory,
    SiteFactory,
)
from tests.supply.factories import CooperationOfferFactory, DemandFactory, InquiryFactory
from tests.web.html_checks import check_page

pytestmark = pytest.mark.django_db

CUT, WELD = "trennen.abtragen.laserschneiden", "fuegen.schweissen"


@pytest.fixture
def world(client):
    admin = OrganisationAdminFactory()
    client.force_login(admin.user)
    for key, lat in ((CUT, 50.85), (WELD, 50.9)):
        org = OrganisationFactory(capabilities=[CapabilityFactory(key=key)], lat=lat, lon=12.95)
        SiteFactory(organisation=org, lat=lat, lon=12.95)
    demand = DemandFactory(organisation=admin.organisation, steps=[CUT, WELD])
    inquiry = InquiryFactory(demand=demand)
    offer = CooperationOfferFactory(organisation=admin.organisation)
    CooperationOfferFactory(direction="request")
    return demand, inquiry, offer


DATA_BLOCK = re.compile(r'<script id="[\w-]+" type="application/json">')
ANY_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>")


def problems_of(html: str) -> list[str]:
    """check_page's problems; a JSON data block (json_script) is data, not code: CSP does not
    run it, so it is not an "inline script" here; any other script without src still is."""
    found = check_page(html)
    code_blocks = [m for m in ANY_SCRIPT.findall(html) if not DATA_BLOCK.match(m)]
    if not code_blocks:
        found = [p for p in found if p != "inline <script>"]
    return found


def urls(demand, inquiry, offer) -> list[str]:
    return [
        reverse("supply:index"),
        reverse("supply:demand_create"),
        reverse("supply:demand", args=[demand.pk]),
        reverse("supply:demand_edit", args=[demand.pk]),
        reverse("supply:demand_ranking", args=[demand.pk]),
        reverse("supply:demand_consortium", args=[demand.pk]),
        reverse("supply:inquiry_create", args=[demand.pk])
        + f"?organisation={inquiry.organisation.slug}",
        reverse("supply:inquiries"),
        reverse("supply:inquiry", args=[inquiry.pk]),
        reverse("supply:cooperation_list"),
        reverse("supply:cooperation_create"),
        reverse("supply:cooperation", args=[offer.pk]),
        reverse("supply:cooperation_edit", args=[offer.pk]),
    ]


def test_supply_pages_pass_the_accessibility_check(client, world):
    problems = {}
    for url in urls(*world):
        response = client.get(url)
        assert response.status_code == 200, url
        found = problems_of(response.content.decode())
        if found:
            problems[url] = found
    assert not problems


def test_demand_form_with_errors_passes_too(client, world):
    response = client.post(reverse("supply:demand_create"), {"title": ""})
    assert response.status_code == 200
    assert problems_of(response.content.decode()) == []
