"""Journey: staff type a ticket code at the door; a second scan is told when and by whom."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext

from tests.browser.conftest import log_in, with_confirmed_email
from tests.events.factories import EventFactory, RegistrationFactory, make_organiser
from tests.factories import PASSWORD, UserFactory
from werkstatt.events.models import Registration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def german(msgid: str) -> str:
    with translation.override("de"):
        return gettext(msgid)


def test_check_in_by_typing_the_code(page, reference_data):
    event = EventFactory(title="Zulieferkonferenz IMPRO")
    staff = with_confirmed_email(UserFactory(email="einlass@example.org", name="Anja Lorenz"))
    make_organiser(event, staff)
    registration = RegistrationFactory(
        event=event, name="Jürgen Größel", ticket_code="ABCDEFGHJKMN"
    )
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    log_in(page, staff.email, PASSWORD)
    page.goto(f"/veranstaltungen/{event.slug}/einlass/")
    code = page.get_by_label(german("Ticket code"))
    assert code.evaluate("element => element === document.activeElement"), "ready to type"
    code.fill("abcd-efgh-jkmn")
    code.press("Enter")
    result = page.locator(".checkin-result")
    assert "Jürgen Größel" in result.inner_text()
    assert result.get_attribute("role") == "status"
    registration.refresh_from_db()
    assert registration.checked_in_by == staff

    page.get_by_label(german("Ticket code")).fill("ABCDEFGHJKMN")
    page.get_by_role("button", name=german("Check in"), exact=True).click()
    assert german("Already checked in") in page.locator(".checkin-result").inner_text()
    assert page.locator(".checkin-result").get_attribute("role") == "alert"

    page.get_by_label(german("Ticket code")).fill("FALSCH")
    page.get_by_role("button", name=german("Check in"), exact=True).click()
    assert german("There is no ticket with this code for this event.") in page.content()
    assert Registration.objects.filter(checked_in_at__isnull=False).count() == 1
    assert errors == []


def test_check_in_by_name_when_the_ticket_is_at_home(page, reference_data):
    event = EventFactory(title="Zulieferkonferenz IMPRO")
    staff = with_confirmed_email(UserFactory(email="einlass@example.org", name="Anja Lorenz"))
    make_organiser(event, staff)
    registration = RegistrationFactory(
        event=event, name="Jürgen Größel", organisation_name="Erzgebirgische Drehteile GmbH"
    )
    RegistrationFactory(event=event, name="Bernd Uhlig", organisation_name="Uhlig Guss")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    log_in(page, staff.email, PASSWORD)
    page.goto(f"/veranstaltungen/{event.slug}/einlass/")
    page.get_by_label(german("Name or organisation")).fill("drehteile")
    page.get_by_role("button", name=german("Search")).click()
    rows = page.locator("#attendees-found tbody tr")
    assert rows.count() == 1 and "Jürgen Größel" in rows.inner_text()
    rows.get_by_role("button").click()
    assert "Jürgen Größel" in page.locator(".checkin-result").inner_text()
    registration.refresh_from_db()
    assert registration.checked_in_by == staff
    # The list stays for the next person, now saying when this one came.
    assert german("Check in") not in page.locator("#attendees-found tbody").inner_text()
    assert errors == []
