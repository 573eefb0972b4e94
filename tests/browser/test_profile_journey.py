"""Journey: an organisation admin edits the profile and adds a site; bad input changes nothing."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import (
    PASSWORD,
    CapabilityFactory,
    OrganisationAdminFactory,
    OrganisationFactory,
    UserFactory,
)
from werkstatt.network.models import Organisation
from werkstatt.network.services import organisations as services

from .conftest import account_menu, log_in, with_confirmed_email

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def german(msgid: str) -> str:
    with translation.override("de"):
        return gettext(msgid)


@pytest.fixture
def admin(reference_data):
    org = OrganisationFactory(
        name="Chemnitzer Zerspanungstechnik GmbH",
        slug="chemnitzer-zerspanungstechnik",
        description="Drehteile für den Maschinenbau.",
        website="https://zerspanung-chemnitz.example",
        capabilities=[CapabilityFactory(key="trennen.spanen.drehen")],
    )
    # In the directory's index, as every organisation is (and the text analysis is loaded
    # before the first save: its first use in a process takes seconds).
    services.reindex([org.pk])
    user = UserFactory(email="m.lehmann@zerspanung-chemnitz.example", name="Maria Lehmann")
    OrganisationAdminFactory(user=user, organisation=org)
    return with_confirmed_email(user)


def test_admin_edits_profile_and_sites_and_sees_the_history(page, admin):
    log_in(page, admin.email, PASSWORD)
    # In the header's account menu (web/templates/base.html).
    account_menu(page).get_by_role("link", name=german("My organisations")).click()
    page.get_by_role("link", name="Chemnitzer Zerspanungstechnik GmbH").click()
    page.wait_for_url(re.compile(r"/netzwerk/o/chemnitzer-zerspanungstechnik/$"))
    org_nav = page.get_by_role("navigation", name=german("Organisation"))
    org_nav.get_by_role("link", name=german("Edit profile"), exact=True).click()

    # Description and a capability: the filter field narrows the long tree to "Fräsen".
    description = page.locator("textarea[name=description]")
    description.fill("Drehen und Fräsen von Präzisionsteilen aus Stahl und Aluminium.")
    page.get_by_label(german("Filter capabilities")).fill("Fräsen")
    page.get_by_role("checkbox", name=re.compile(r"(^|: )Fräsen$")).check()
    page.get_by_role("button", name=german("Save profile")).click()
    page.wait_for_url(re.compile(r"/netzwerk/o/chemnitzer-zerspanungstechnik/$"))

    main = page.locator("main")
    assert german("The profile has been saved.") in main.inner_text()
    assert "Drehen und Fräsen von Präzisionsteilen" in main.inner_text()
    capabilities = page.locator("section[aria-labelledby=capabilities-title]")
    assert "Fräsen" in capabilities.inner_text()
    assert "Drehen" in capabilities.inner_text()

    # A second site, located by postcode and place (the place is required even when the
    # postcode alone is known to the gazetteer).
    org_nav.get_by_role("link", name=german("Sites"), exact=True).click()
    add = page.locator("section[aria-labelledby=add-site-title]")
    add.get_by_label(german("street and number")).fill("Crimmitschauer Straße 40")
    add.get_by_label(german("postcode")).fill("08056")
    add.get_by_label(german("place")).fill("Zwickau")
    add.get_by_role("button", name=german("Add site")).click()
    page.wait_for_load_state()
    assert german("The site has been added.") in main.inner_text()
    assert "Zwickau" in page.locator("table").inner_text()

    org_nav.get_by_role("link", name=german("Profile"), exact=True).click()
    sites = page.locator("section[aria-labelledby=sites-title]")
    assert "Crimmitschauer Straße 40" in sites.inner_text()
    assert "08056 Zwickau" in sites.inner_text()

    # Bad input: a website that is no address. A linked German message, nothing saved.
    org_nav.get_by_role("link", name=german("Edit profile"), exact=True).click()
    description.fill("Das soll nicht gespeichert werden.")
    website = page.get_by_label(german("website"))
    website.fill("keine Adresse")
    page.get_by_role("button", name=german("Save profile")).click()
    page.wait_for_load_state()
    assert website.get_attribute("aria-invalid") == "true"
    described_by = website.get_attribute("aria-describedby") or ""
    error = page.locator("#id_website_error")
    assert "id_website_error" in described_by.split()
    assert german("Enter a valid URL.") in error.inner_text()
    assert german("Enter a valid URL.") != "Enter a valid URL."  # Django's own German
    # The error summary links to the field.
    summary = page.locator(".error-summary")
    summary.get_by_role("link", name=re.compile(german("website"), re.I)).click()
    assert page.evaluate("document.activeElement.id") == "id_website"
    org = Organisation.objects.get(slug="chemnitzer-zerspanungstechnik")
    assert org.website == "https://zerspanung-chemnitz.example"
    assert org.description.startswith("Drehen und Fräsen")

    # The history lists the change with before and after.
    org_nav.get_by_role("link", name=german("History"), exact=True).click()
    history = page.locator("main ol").first
    changed = history.locator("li", has_text="Drehen und Fräsen von Präzisionsteilen").first
    assert "Drehteile für den Maschinenbau." in changed.inner_text()
    assert "Maria Lehmann" in changed.inner_text() or admin.email in changed.inner_text()
