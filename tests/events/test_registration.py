"""Registration services: seats, waiting list, move-up, cancellation, answers, mails."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from icalendar import Calendar

from tests.events.factories import EventFactory, QuestionFactory, RegistrationFactory
from tests.factories import OrganisationFactory, OrganisationMembershipFactory, UserFactory
from werkstatt.events.models import TICKET_ALPHABET, Answer, Question, Registration
from werkstatt.events.services import queries
from werkstatt.events.services.registration import (
    do_cancel_registration,
    do_register,
    registration_window,
)

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture(autouse=True)
def _english():
    # These tests read the services' messages in their English msgids; the German texts are
    # checked on the pages.
    from django.utils import translation

    with translation.override("en"):
        yield


def test_registers_with_a_seat_while_seats_are_free_then_on_the_waiting_list(
    django_capture_on_commit_callbacks, mailoutbox
):
    event = EventFactory(capacity=2)
    people = UserFactory.create_batch(4)
    with django_capture_on_commit_callbacks(execute=True):
        registrations = [do_register(event, person) for person in people]
    assert [r.status for r in registrations] == [
        Status.CONFIRMED,
        Status.CONFIRMED,
        Status.WAITING,
        Status.WAITING,
    ]
    assert queries.seats_taken(event) == 2
    assert [queries.waiting_position(r) for r in registrations] == [None, None, 1, 2]
    # Confirmations carry the event as an iCal file; waiting-list mails don't.
    assert [m.to for m in mailoutbox] == [[p.email] for p in people]
    confirmed_mail, waiting_mail = mailoutbox[0], mailoutbox[2]
    assert event.title in confirmed_mail.subject
    assert registrations[0].ticket_code_display in confirmed_mail.body
    ((name, content, mimetype),) = confirmed_mail.attachments
    assert mimetype == "text/calendar"
    calendar = Calendar.from_ical(content)
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == [event.title]
    assert waiting_mail.attachments == []
    assert "Warteliste" in waiting_mail.subject or "waiting list" in waiting_mail.subject


def test_cancelling_a_seat_moves_the_first_on_the_waiting_list_up(
    django_capture_on_commit_callbacks, mailoutbox
):
    event = EventFactory(capacity=1)
    holder, first, second = (do_register(event, UserFactory()) for _ in range(3))
    assert (holder.status, first.status, second.status) == (
        Status.CONFIRMED,
        Status.WAITING,
        Status.WAITING,
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = do_cancel_registration(holder, holder.user)
    assert promoted == [first]
    holder.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert holder.status == Status.CANCELLED and holder.cancelled_at is not None
    assert first.status == Status.CONFIRMED and first.confirmed_at is not None
    assert second.status == Status.WAITING
    assert queries.waiting_position(second) == 1
    assert sorted(m.to[0] for m in mailoutbox) == sorted([holder.user.email, first.user.email])
    moved = next(m for m in mailoutbox if m.to == [first.user.email])
    assert moved.attachments, "the moved-up person gets the calendar file"


def test_cancelling_a_place_on_the_waiting_list_moves_nobody():
    event = EventFactory(capacity=1)
    holder = do_register(event, UserFactory())
    waiting = do_register(event, UserFactory())
    assert do_cancel_registration(waiting) == []
    holder.refresh_from_db()
    assert holder.status == Status.CONFIRMED
    assert queries.seats_taken(event) == 1


def test_cancelling_twice_or_after_check_in_is_refused():
    event = EventFactory(capacity=5)
    registration = do_register(event, UserFactory())
    do_cancel_registration(registration)
    with pytest.raises(ValidationError, match="cancelled already"):
        do_cancel_registration(registration)
    other = do_register(event, UserFactory())
    Registration.objects.filter(pk=other.pk).update(checked_in_at=timezone.now())
    with pytest.raises(ValidationError, match="checked in"):
        do_cancel_registration(other)
    other.refresh_from_db()
    assert other.status == Status.CONFIRMED


def test_registering_twice_is_refused_but_again_after_cancelling_is_allowed():
    event = EventFactory()
    person = UserFactory()
    first = do_register(event, person)
    with pytest.raises(ValidationError, match="already"):
        do_register(event, person)
    assert event.registrations.count() == 1
    do_cancel_registration(first)
    again = do_register(event, person)
    assert again.status == Status.CONFIRMED and again.pk != first.pk


def test_the_database_refuses_a_second_active_registration():
    event = EventFactory()
    person = UserFactory()
    RegistrationFactory(event=event, user=person)
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(event=event, user=person, status=Status.WAITING)
    # A cancelled one next to an active one is fine.
    RegistrationFactory(event=event, user=person, status=Status.CANCELLED)


def test_registration_window():
    now = timezone.now()
    event = EventFactory(
        registration_opens_at=now + timedelta(days=1),
        registration_closes_at=now + timedelta(days=5),
    )
    assert registration_window(event, now) == "not_yet"
    assert registration_window(event, now + timedelta(days=2)) == "open"
    assert registration_window(event, now + timedelta(days=5)) == "closed"
    with pytest.raises(ValidationError, match="not opened"):
        do_register(event, UserFactory())
    past = EventFactory(starts_at=now - timedelta(days=2))
    with pytest.raises(ValidationError, match="closed"):
        do_register(past, UserFactory())
    assert not Registration.objects.exists()


def test_answers_are_checked_and_stored():
    event = EventFactory()
    text = QuestionFactory(event=event, text="Ihre Funktion im Unternehmen?")
    choice = QuestionFactory(
        event=event,
        text="Workshop",
        kind=Question.Kind.CHOICE,
        options=["Industrie 4.0", "Ausbildung"],
    )
    consent = QuestionFactory(event=event, text="Fotos", kind=Question.Kind.CONSENT)
    optional = QuestionFactory(event=event, text="Anmerkungen", required=False)
    person = UserFactory()
    with pytest.raises(ValidationError) as info:
        do_register(event, person, answers={text.pk: "  ", choice.pk: "Golf", consent.pk: False})
    errors = info.value.message_dict
    assert errors[f"question_{text.pk}"] == ["Please answer this question."]
    assert errors[f"question_{choice.pk}"] == ["Please choose one of the options."]
    assert errors[f"question_{consent.pk}"] == ["Please give your consent to register."]
    assert f"question_{optional.pk}" not in errors
    assert not Registration.objects.exists() and not Answer.objects.exists()

    registration = do_register(
        event,
        person,
        answers={str(text.pk): " Einkauf ", choice.pk: "Ausbildung", consent.pk: "on"},
    )
    stored = {a.question.text: a.value for a in registration.answers.select_related("question")}
    assert stored == {
        "Ihre Funktion im Unternehmen?": "Einkauf",
        "Workshop": "Ausbildung",
        "Fotos": "yes",
    }


def test_registering_for_an_organisation_needs_a_membership():
    event = EventFactory()
    person = UserFactory(name="Jens Uhlig")
    org = OrganisationFactory(name="Erzgebirgische Drehteile GmbH")
    with pytest.raises(ValidationError) as info:
        do_register(event, person, organisation=org)
    assert "organisation" in info.value.message_dict
    OrganisationMembershipFactory(user=person, organisation=org)
    registration = do_register(event, person, organisation=org)
    assert registration.organisation_name == "Erzgebirgische Drehteile GmbH"
    assert registration.name == "Jens Uhlig"


def test_ticket_codes_are_random_and_unique():
    event = EventFactory()
    codes = {do_register(event, UserFactory()).ticket_code for _ in range(20)}
    assert len(codes) == 20
    assert all(len(c) == 12 and set(c) <= set(TICKET_ALPHABET) for c in codes)
    assert not set("".join(codes)) & set("01IOL")
