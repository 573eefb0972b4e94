"""DSGVO: a person's registrations in the download; what deleting the account leaves behind."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.events.factories import (
    EventFactory,
    QuestionFactory,
    RegistrationFactory,
    make_organiser,
)
from tests.events.test_views import german
from tests.factories import UserFactory
from werkstatt.accounts.services import do_delete_account, export_user_data
from werkstatt.events.models import Answer, Feedback, Registration

pytestmark = pytest.mark.django_db
Status = Registration.Status


def test_the_download_holds_registrations_answers_tickets_and_feedback():
    person = UserFactory(name="Katrin Schubert")
    event = EventFactory(title="Strategiekonferenz")
    question = QuestionFactory(event=event, text="Ihre Funktion")
    registration = RegistrationFactory(event=event, user=person, name="Katrin Schubert")
    Answer.objects.create(registration=registration, question=question, value="Einkauf")
    past = EventFactory(title="Beiratssitzung", starts_at=timezone.now() - timedelta(days=9))
    RegistrationFactory(event=past, user=person)
    Feedback.objects.create(event=past, user=person, rating=4, comment="Gut organisiert")
    RegistrationFactory(event=event, name="Jemand Anderes")
    data = export_user_data(person)["events"]
    assert [r["event"] for r in data["registrations"]] == ["Beiratssitzung", "Strategiekonferenz"]
    mine = data["registrations"][1]
    assert mine["ticket_code"] == registration.ticket_code_display
    assert mine["answers"] == [{"question": "Ihre Funktion", "kind": "text", "answer": "Einkauf"}]
    assert data["feedback"] == [
        {
            "event": "Beiratssitzung",
            "rating": 4,
            "comment": "Gut organisiert",
            "given": data["feedback"][0]["given"],
        }
    ]
    assert "Jemand Anderes" not in str(data)


def test_after_deletion_nobody_holds_a_seat_in_the_persons_name(client):
    event = EventFactory(capacity=1)
    organiser = make_organiser(event)
    leaving = UserFactory(name="Jens Uhlig")
    seat = RegistrationFactory(event=event, user=leaving, name="Jens Uhlig")
    waiting = RegistrationFactory(
        event=event, status=Status.WAITING, waiting_since=timezone.now(), name="Bernd Uhlig"
    )
    past = EventFactory(starts_at=timezone.now() - timedelta(days=5))
    attended = RegistrationFactory(
        event=past, user=leaving, name="Jens Uhlig", checked_in_at=timezone.now()
    )
    make_organiser(past, organiser)
    code = attended.ticket_code
    do_delete_account(leaving)
    seat.refresh_from_db()
    waiting.refresh_from_db()
    attended.refresh_from_db()
    assert seat.status == Status.CANCELLED and waiting.status == Status.CONFIRMED
    # The past registration is anonymised as the retention job does: counts stay, people go.
    assert attended.status == Status.CONFIRMED and attended.anonymised
    assert attended.ticket_code != code and attended.checked_in_by is None
    client.force_login(organiser)
    response = client.get(reverse("events:export_xlsx", args=[past.slug]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == german("(anonymised)")
    assert "Jens Uhlig" not in str(rows)
