"""Journey: the project office writes the implementation concept of a recommendation, adds a
result made of two parts and reports progress; a visitor follows it on the public monitoring
page."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import PASSWORD, OrganisationFactory, UserFactory
from tests.strategy.factories import RecommendationFactory, add_role, running_process
from werkstatt.accounts.models import SpaceRole
from werkstatt.monitoring.models import ImplementationConcept

from .conftest import log_in, with_confirmed_email

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def german(msgid: str) -> str:
    with translation.override("de"):
        return gettext(msgid)


def test_office_writes_the_concept_and_the_public_follows_it(page, reference_data):
    process = running_process(slug="strategiewerkstatt", title="StrategieWerkstatt")
    rec = RecommendationFactory(process=process, title="Ausbildungsverbünde im Erzgebirge")
    OrganisationFactory(name="Handwerkskammer Chemnitz")
    office = with_confirmed_email(UserFactory(email="buero@projekt.example", name="Projektbüro"))
    add_role(office, process, SpaceRole.Role.MODERATOR)

    log_in(page, office.email, PASSWORD)
    page.goto(rec.get_absolute_url())
    page.get_by_role("link", name=german("Write the implementation concept")).click()
    page.locator("textarea[name=summary]").fill("Drei Verbünde mit je zehn Betrieben gründen.")
    page.locator("select[name=status]").select_option("in_progress")
    page.locator("input[name=budget_eur]").fill("180000")
    page.locator("textarea[name=lead]").fill("Handwerkskammer Chemnitz")
    page.get_by_role("button", name=german("Save")).click()
    page.wait_for_url(re.compile(r"/umsetzung/konzept/\d+/$"))
    concept = ImplementationConcept.objects.get()

    # A result with two parts: the result's progress is theirs.
    page.get_by_role("link", name=german("Add a result")).click()
    page.locator("input[name=title]").fill("Verbünde gegründet")
    page.get_by_role("button", name=german("Save")).click()
    for title, progress in (("Verbund Annaberg", "100"), ("Verbund Marienberg", "0")):
        page.get_by_role("link", name=german("Add a result")).click()
        page.locator("select[name=parent]").select_option(label="Verbünde gegründet")
        page.locator("input[name=title]").fill(title)
        page.locator("input[name=progress]").fill(progress)
        page.get_by_role("button", name=german("Save")).click()
        page.wait_for_url(re.compile(rf"/umsetzung/konzept/{concept.pk}/$"))
    page.get_by_role("link", name=german("Report progress")).click()
    page.locator("textarea[name=text]").fill("Der erste Verbund in Annaberg arbeitet.")
    page.get_by_role("button", name=german("Save")).click()
    page.wait_for_url(re.compile(rf"/umsetzung/konzept/{concept.pk}/$"))
    page.context.clear_cookies()

    # A visitor, not logged in, follows the implementation.
    page.goto("/umsetzung/")
    page.get_by_role("link", name="StrategieWerkstatt").click()
    assert page.get_by_role("link", name="Ausbildungsverbünde im Erzgebirge").first.is_visible()
    assert page.locator("progress").first.get_attribute("value") == "50"
    page.get_by_role("link", name="Ausbildungsverbünde im Erzgebirge").first.click()
    assert page.get_by_text("Handwerkskammer Chemnitz").first.is_visible()
    assert page.get_by_text("Der erste Verbund in Annaberg arbeitet.").is_visible()
    assert page.get_by_role("link", name=german("Edit the concept")).count() == 0
