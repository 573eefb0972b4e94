"""Journeys: register for an event with questions; a full event moves the first on the waiting
list up when someone cancels."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

from tests.browser.conftest import account_menu, log_in, with_confirmed_email
from tests.events.factories import EventFactory, QuestionFactory
from tests.factories import (
    PASSWORD,
    OrganisationFactory,
    OrganisationMembershipFactory,
    UserFactory,
)
from werkstatt.events.models import Question, Registration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


FULL_EVENT = (
    "This event is fully booked. You can join the waiting list: when a seat becomes free, "
    "the first on the list moves up automatically and is told by e-mail."
)


def REGISTER_BUTTON() -> str:  # noqa: N802 - reads as the button's name
    """The registration button: binding, not the account sign-up's "Register"."""
    with translation.override("de"):
        return pgettext("binding registration for an event", "Register")


def WAITING_BUTTON() -> str:  # noqa: N802
    with translation.override("de"):
        return pgettext("registration button", "Join the waiting list")


def german(msgid: str) -> str:
    with translation.override("de"):
        return gettext(msgid)


def _person(email: str, name: str):
    return with_confirmed_email(UserFactory(email=email, name=name))


def _log_out(page) -> None:
    account_menu(page).get_by_role("button", name=german("Log out")).click()
    page.locator(".account-nav").get_by_role("link", name=german("Log in")).wait_for()


def test_register_with_questions(page, reference_data, mailoutbox):
    event = EventFactory(title="Zulieferkonferenz IMPRO", capacity=300)
    QuestionFactory(event=event, text="Ihre Funktion im Unternehmen", position=1)
    QuestionFactory(
        event=event,
        text="Welcher Themenbereich interessiert Sie?",
        kind=Question.Kind.CHOICE,
        options=["Industrie 4.0", "Kooperation in Lieferketten"],
        position=2,
    )
    QuestionFactory(
        event=event,
        text="Ich bin mit der Teilnehmerliste einverstanden.",
        kind=Question.Kind.CONSENT,
        position=3,
    )
    person = _person("k.seifert@zerspanung.example", "Katrin Seifert")
    org = OrganisationFactory(name="Seifert Zerspanungstechnik GmbH")
    OrganisationMembershipFactory(user=person, organisation=org)

    log_in(page, person.email, PASSWORD)
    page.goto(event.get_absolute_url())
    page.get_by_role("link", name=german("Register now")).click()
    assert page.get_by_label(german("Name on your badge")).input_value() == "Katrin Seifert"

    # Submitting without answers explains each missing one and registers nobody.
    page.get_by_role("button", name=REGISTER_BUTTON(), exact=True).click()
    assert page.locator(".error-summary, [role=alert]").first.is_visible()
    assert german("Please give your consent to register.") in page.content()
    assert not Registration.objects.exists()

    page.get_by_label(german("Organisation")).select_option(label=org.name)
    page.get_by_label("Ihre Funktion im Unternehmen").fill("Geschäftsführerin")
    page.get_by_label("Kooperation in Lieferketten").check()
    page.get_by_label("Ich bin mit der Teilnehmerliste einverstanden.").check()
    page.get_by_role("button", name=REGISTER_BUTTON(), exact=True).click()

    page.wait_for_url(re.compile(r"/anmeldung/\d+/$"))
    registration = Registration.objects.get(user=person)
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.organisation_name == org.name
    assert dict(registration.answers.values_list("question__text", "value")) == {
        "Ihre Funktion im Unternehmen": "Geschäftsführerin",
        "Welcher Themenbereich interessiert Sie?": "Kooperation in Lieferketten",
        "Ich bin mit der Teilnehmerliste einverstanden.": "yes",
    }
    assert page.locator(".ticket-code").inner_text() == registration.ticket_code_display
    with page.expect_download() as download:
        page.get_by_role("link", name=german("Download ticket (PDF)")).click()
    with open(download.value.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"
    assert [m.to for m in mailoutbox] == [[person.email]]
    assert mailoutbox[0].attachments[0][2] == "text/calendar"


def test_a_full_event_moves_the_first_on_the_waiting_list_up_when_someone_cancels(
    page, reference_data, mailoutbox
):
    event = EventFactory(title="Strategiekonferenz", capacity=1)
    holder = _person("holder@example.org", "Jens Uhlig")
    first = _person("erste@example.org", "Sabine Teichert")
    second = _person("zweite@example.org", "Thomas Kretzschmar")
    Registration.objects.create(
        event=event, user=holder, name=holder.name, status=Registration.Status.CONFIRMED
    )

    for person in (first, second):
        log_in(page, person.email, PASSWORD)
        page.goto(event.get_absolute_url())
        assert german(FULL_EVENT) in page.locator("main").inner_text()
        page.get_by_role("link", name=german("Join the waiting list")).click()
        page.get_by_role("button", name=WAITING_BUTTON(), exact=True).click()
        page.wait_for_url(re.compile(r"/anmeldung/\d+/$"))
        _log_out(page)
    positions = {r.user_id: r.status for r in Registration.objects.filter(event=event)}
    assert positions == {
        holder.pk: Registration.Status.CONFIRMED,
        first.pk: Registration.Status.WAITING,
        second.pk: Registration.Status.WAITING,
    }

    log_in(page, holder.email, PASSWORD)
    page.goto("/veranstaltungen/meine/")
    page.get_by_role("link", name=re.compile(german("Details"))).click()
    page.get_by_role("button", name=german("Cancel registration")).click()
    page.wait_for_load_state()
    assert german("The registration is cancelled.") in page.content()
    _log_out(page)

    statuses = {r.user_id: r.status for r in Registration.objects.filter(event=event)}
    assert statuses[holder.pk] == Registration.Status.CANCELLED
    assert statuses[first.pk] == Registration.Status.CONFIRMED
    assert statuses[second.pk] == Registration.Status.WAITING
    moved = [m for m in mailoutbox if m.to == [first.email]]
    assert moved and moved[-1].attachments, "the first on the list is told, with the calendar file"

    log_in(page, first.email, PASSWORD)
    page.goto(event.get_absolute_url())
    assert german("You are registered.") in page.content()
    page.get_by_role("link", name=german("Your registration and ticket")).click()
    # Wait for the ticket page: is_visible() does not wait, and a menu opened while the old
    # page is still shown is closed again on the new one.
    page.locator(".ticket-code").wait_for()
    page.wait_for_load_state()
    _log_out(page)
    log_in(page, second.email, PASSWORD)
    page.goto(event.get_absolute_url())
    assert (
        german("You are on the waiting list, in position %(position)s.") % {"position": 1}
        in page.content()
    )
