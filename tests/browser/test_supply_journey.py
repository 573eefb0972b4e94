"""Journey: a buyer posts a demand → sees the ranking and the consortium on the map → sends an
inquiry → the supplier answers → the buyer sees the answer."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from tests.factories import (
    PASSWORD,
    CapabilityFactory,
    OrganisationAdminFactory,
    OrganisationFactory,
    SiteFactory,
    UserFactory,
)
from werkstatt.network.models import Capability
from werkstatt.supply.models import Demand, Inquiry

from .conftest import log_in, with_confirmed_email

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CUT, WELD = "trennen.abtragen.laserschneiden", "fuegen.schweissen"


def german(msgid: str) -> str:
    with translation.override("de"):
        return gettext(msgid)


def person(email: str, name: str, organisation) -> object:
    user = UserFactory(email=email, name=name)
    OrganisationAdminFactory(user=user, organisation=organisation)
    return with_confirmed_email(user)


@pytest.fixture
def network(reference_data):
    buyer_org = OrganisationFactory(
        name="Erzgebirgische Sondermaschinen GmbH", slug="erzgebirgische-sondermaschinen"
    )
    SiteFactory(organisation=buyer_org, city="Chemnitz", postcode="09111")
    cutter = OrganisationFactory(
        name="Laserzentrum Flöha GmbH",
        capabilities=[CapabilityFactory(key=CUT)],
        lat=50.856,
        lon=13.072,
    )
    SiteFactory(organisation=cutter, city="Flöha", postcode="09557", lat=50.856, lon=13.072)
    welder = OrganisationFactory(
        name="Schweißtechnik Mittweida GmbH",
        capabilities=[CapabilityFactory(key=WELD)],
        lat=50.985,
        lon=12.981,
    )
    SiteFactory(organisation=welder, city="Mittweida", postcode="09648", lat=50.985, lon=12.981)
    buyer = person("k.seifert@sondermaschinen.example", "Katrin Seifert", buyer_org)
    supplier = person("t.uhlig@schweisstechnik.example", "Tobias Uhlig", welder)
    return buyer, supplier, cutter, welder


def test_demand_ranking_consortium_inquiry_answer(page, browser, live_server, network):
    buyer, supplier, cutter, welder = network
    log_in(page, buyer.email, PASSWORD)

    # Post the demand: two steps, the second added with "Add a step".
    page.goto("/lieferketten/")
    page.get_by_role("link", name=german("Post a demand")).click()
    page.get_by_label(german("title")).fill("Schweißgestell für eine Verpackungsmaschine")
    page.get_by_label(german("delivery postcode")).fill("09111")
    deadline = timezone.localdate() + datetime.timedelta(days=60)
    page.get_by_label(german("deadline")).fill(deadline.isoformat())
    page.locator("select[name=steps-0-capability]").select_option(
        str(Capability.objects.get(key=CUT).pk)
    )
    page.locator("input[name=steps-0-quantity]").fill("40")
    page.get_by_role("button", name=german("Add a step")).click()
    page.locator("select[name=steps-1-capability]").wait_for()
    page.locator("select[name=steps-1-capability]").select_option(
        str(Capability.objects.get(key=WELD).pk)
    )
    page.locator("input[name=steps-1-quantity]").fill("40")
    page.get_by_role("button", name=german("Post demand")).click()
    page.wait_for_url(re.compile(r"/lieferketten/bedarf/\d+/$"))
    assert german("The demand has been posted.") in page.locator("main").inner_text()
    demand = Demand.objects.get()
    assert [s.capability.key for s in demand.steps.all()] == [CUT, WELD]

    # The ranking: both suppliers, each with its explanation in German.
    page.get_by_role("link", name=german("Find suppliers")).click()
    ranking = page.locator("#ranking")
    ranking.wait_for()
    text = ranking.inner_text()
    assert "Schweißtechnik Mittweida GmbH" in text and "Laserzentrum Flöha GmbH" in text
    with translation.override("de"):
        covers = gettext("covers %(covered)d of %(total)d steps") % {"covered": 1, "total": 2}
    assert covers in text
    assert " km" in text

    # The consortium: cutter then welder on the map, with the route and the cost breakdown.
    page.get_by_role("link", name=german("Consortia for the whole chain")).click()
    page.locator("#consortium-map.map--active").wait_for()
    assert page.locator("#consortium-map path.leaflet-interactive").count() >= 4  # 2 legs, 2 stops
    best = page.locator("section.supply-option").first
    assert "Laserzentrum Flöha GmbH" in best.inner_text()
    assert german("Cost breakdown") in best.inner_text()
    assert german("proven optimal") in best.inner_text()

    # An inquiry to the welder, from the ranking.
    page.go_back()
    page.get_by_role(
        "link", name=re.compile(re.escape(german("Send an inquiry")) + r".*Mittweida")
    ).click()
    page.get_by_label(german("Message")).fill("Können Sie 40 Gestelle bis Ende März schweißen?")
    page.get_by_role("button", name=german("Send inquiry")).click()
    page.wait_for_url(re.compile(r"/lieferketten/anfragen/\d+/$"))
    assert german("Sent") in page.locator("#inquiry-status").inner_text()

    # The supplier finds it in the inbox and accepts with a message.
    context = browser.new_context(locale="de-DE", base_url=live_server.url)
    try:
        other = context.new_page()
        log_in(other, supplier.email, PASSWORD)
        other.goto("/lieferketten/anfragen/")
        other.get_by_role("link", name="Schweißgestell für eine Verpackungsmaschine").click()
        assert "Können Sie 40 Gestelle" in other.locator("#inquiry-history").inner_text()
        other.get_by_label(german("Message")).fill("Ja, gern. Angebot folgt morgen.")
        other.get_by_role("button", name=german("Accept")).click()
        other.wait_for_load_state()
        assert german("You have accepted the inquiry.") in other.locator("main").inner_text()
    finally:
        context.close()
    assert Inquiry.objects.get().status == Inquiry.Status.ACCEPTED

    # The buyer sees the answer on the demand and in the inquiry's history.
    page.goto(demand.get_absolute_url())
    inquiries = page.locator("section[aria-labelledby=inquiries-title]")
    assert "Schweißtechnik Mittweida GmbH" in inquiries.inner_text()
    assert german("Accepted") in inquiries.inner_text()
    inquiries.get_by_role("link", name="Schweißtechnik Mittweida GmbH").click()
    assert "Ja, gern. Angebot folgt morgen." in page.locator("#inquiry-history").inner_text()
