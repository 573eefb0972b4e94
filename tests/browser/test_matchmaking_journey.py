"""Journey: two firms register for the supplier conference (answering its questions), one asks
the other for a B2B meeting, the other accepts, the organiser schedules all meetings, and the
personal schedule downloads as iCal."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext
from icalendar import Calendar

from tests.events.factories import QuestionFactory, make_organiser
from tests.factories import PASSWORD, UserFactory
from tests.matchmaking.factories import b2b_event
from werkstatt.events.models import Question
from werkstatt.matchmaking.models import Meeting

from .conftest import log_in, with_confirmed_email

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def german(msgid: str) -> str:
    with translation.override("de"):
        return gettext(msgid)


def register(page, event, name: str) -> None:
    page.goto(f"/veranstaltungen/{event.slug}/anmelden/")
    page.locator("input[name=name]").fill(name)
    page.get_by_label("Ihre Funktion").fill("Einkauf")
    page.get_by_role("checkbox").check()
    with translation.override("de"):
        button = pgettext("binding registration for an event", "Register")
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_url(lambda url: "/anmelden/" not in url)


def test_request_accept_schedule_download(page, reference_data):
    event = b2b_event(slug="impro", title="Zulieferkonferenz IMPRO", slots=3, tables=2)
    QuestionFactory(event=event, text="Ihre Funktion", kind=Question.Kind.TEXT)
    QuestionFactory(
        event=event, text="Einverstanden mit der Liste der Teilnehmenden", kind="consent"
    )
    buyer = with_confirmed_email(UserFactory(email="einkauf@maschinenbau.example", name="Ute Lang"))
    supplier = with_confirmed_email(UserFactory(email="vertrieb@laser.example", name="Kai Berg"))
    organiser = with_confirmed_email(UserFactory(email="orga@impro.example", name="Orga"))
    make_organiser(event, organiser)

    log_in(page, supplier.email, PASSWORD)
    register(page, event, "Kai Berg")
    page.context.clear_cookies()

    # The buyer registers, finds the supplier among the participants and asks for a meeting.
    log_in(page, buyer.email, PASSWORD)
    register(page, event, "Ute Lang")
    page.goto(f"/b2b/{event.slug}/teilnehmende/")
    page.get_by_label(re.compile("Kai Berg")).fill("Wir brauchen Laserzuschnitte für Gestelle.")
    page.get_by_role("button", name=re.compile(german("Request a meeting"))).click()
    assert page.get_by_text(german("Waiting for an answer")).is_visible()
    page.context.clear_cookies()

    # The supplier accepts.
    log_in(page, supplier.email, PASSWORD)
    page.goto(f"/b2b/{event.slug}/")
    assert page.get_by_text("Wir brauchen Laserzuschnitte für Gestelle.").is_visible()
    page.get_by_role("button", name=re.compile(german("Accept"))).click()
    page.wait_for_load_state()
    assert Meeting.objects.count() == 1
    page.context.clear_cookies()

    # The organiser schedules; the job page shows the outcome and leads to the table plan.
    log_in(page, organiser.email, PASSWORD)
    page.goto(f"/b2b/{event.slug}/tischplan/")
    page.get_by_role("button", name=german("Schedule all meetings")).click()
    page.wait_for_url(re.compile(r"/jobs/\d+/$"))
    assert Meeting.objects.get().slot_id is not None
    # The job page speaks the user's language, not the engine's.
    job_text = page.locator("main").inner_text()
    assert "upper bound" not in job_text and "first schedule" not in job_text
    page.context.clear_cookies()

    # The buyer downloads the personal schedule as iCal.
    log_in(page, buyer.email, PASSWORD)
    page.goto(f"/b2b/{event.slug}/")
    assert page.get_by_role("cell", name="Kai Berg").first.is_visible()  # my schedule
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("iCal")).click()
    with open(info.value.path(), "rb") as handle:
        calendar = Calendar.from_ical(handle.read())
    (entry,) = list(calendar.walk("VEVENT"))
    assert "Kai Berg" in str(entry["summary"])
