"""Check-in, reminders, feedback and the retention period."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from tests.events.factories import EventFactory, QuestionFactory, RegistrationFactory
from tests.factories import OrganisationFactory, UserFactory
from werkstatt.events.models import Answer, Feedback, Registration
from werkstatt.events.services.registration import (
    anonymise_registrations,
    do_check_in,
    do_give_feedback,
    send_reminders,
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


def test_check_in_by_typed_code_records_once_and_tells_the_second_scan():
    event = EventFactory()
    registration = RegistrationFactory(event=event, ticket_code="ABCDEFGHJKMN")
    first_staff, second_staff = UserFactory(name="Anja Lorenz"), UserFactory()
    first = do_check_in(event, " abcd-efgh-jkmn ", first_staff)
    assert first.first and first.registration.pk == registration.pk
    stamp = first.registration.checked_in_at
    second = do_check_in(event, "ABCDEFGHJKMN", second_staff)
    assert not second.first
    registration.refresh_from_db()
    assert registration.checked_in_at == stamp
    assert registration.checked_in_by == first_staff


@pytest.mark.parametrize(
    ("code", "status", "message"),
    [
        ("", Status.CONFIRMED, "enter a ticket code"),
        ("ZZZZZZZZZZZZ", Status.CONFIRMED, "no ticket with this code"),
        ("ABCDEFGHJKMN", Status.CANCELLED, "cancelled"),
        ("ABCDEFGHJKMN", Status.WAITING, "waiting list"),
    ],
)
def test_check_in_refuses_bad_codes_and_changes_nothing(code, status, message):
    event = EventFactory()
    registration = RegistrationFactory(event=event, ticket_code="ABCDEFGHJKMN", status=status)
    with pytest.raises(ValidationError, match=message):
        do_check_in(event, code, UserFactory())
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_a_ticket_of_another_event_does_not_check_in():
    event, other = EventFactory(), EventFactory()
    RegistrationFactory(event=other, ticket_code="ABCDEFGHJKMN")
    with pytest.raises(ValidationError, match="no ticket"):
        do_check_in(event, "ABCDEFGHJKMN", UserFactory())


def test_reminders_go_out_once_to_confirmed_people_of_events_starting_soon(
    mailoutbox, django_capture_on_commit_callbacks
):
    now = timezone.now()
    soon = EventFactory(starts_at=now + timedelta(hours=20))
    later = EventFactory(starts_at=now + timedelta(days=10))
    confirmed = RegistrationFactory(event=soon)
    RegistrationFactory(event=soon, status=Status.WAITING)
    RegistrationFactory(event=soon, status=Status.CANCELLED)
    RegistrationFactory(event=later)
    assert send_reminders(now) == 1
    assert [m.to for m in mailoutbox] == [[confirmed.user.email]]
    assert mailoutbox[0].attachments
    assert send_reminders(now) == 0
    call_command("send_event_reminders")
    assert len(mailoutbox) == 1
    confirmed.refresh_from_db()
    assert confirmed.reminded_at == now


def test_feedback_after_the_event_begins_once_per_person():
    event = EventFactory(starts_at=timezone.now() + timedelta(days=1))
    person = UserFactory()
    with pytest.raises(ValidationError, match="begun"):
        do_give_feedback(event, person, rating=5)
    later = event.starts_at + timedelta(hours=1)
    with pytest.raises(ValidationError):
        do_give_feedback(event, person, rating=6, now=later)
    assert not Feedback.objects.exists()
    do_give_feedback(event, person, rating=4, comment=" Gut ", now=later)
    do_give_feedback(event, person, rating=5, now=later)
    feedback = Feedback.objects.get()
    assert (feedback.rating, feedback.comment) == (5, "")


def test_anonymise_after_the_retention_period_keeps_counts_and_drops_people(capsys):
    now = timezone.now()
    ended = EventFactory(
        starts_at=now - timedelta(days=40), retention_days=30, title="Begleitgremium"
    )
    kept = EventFactory(starts_at=now - timedelta(days=10), retention_days=30)
    org = OrganisationFactory()
    question = QuestionFactory(event=ended)
    gone = RegistrationFactory(
        event=ended,
        name="Sabine Teichert",
        organisation=org,
        organisation_name=org.name,
        checked_in_at=ended.starts_at,
        checked_in_by=UserFactory(),
    )
    Answer.objects.create(registration=gone, question=question, value="Geschäftsführung")
    RegistrationFactory(event=ended, status=Status.CANCELLED)
    Feedback.objects.create(event=ended, user=gone.user, rating=5, comment="Sehr gut")
    stays = RegistrationFactory(event=kept, name="Jens Uhlig")
    code = gone.ticket_code

    call_command("anonymise_registrations")
    assert "Begleitgremium" in capsys.readouterr().out

    gone.refresh_from_db()
    ended.refresh_from_db()
    assert ended.anonymised_at is not None
    assert (gone.user, gone.name, gone.organisation, gone.organisation_name) == (None, "", None, "")
    assert gone.checked_in_by is None and gone.anonymised
    assert gone.checked_in_at is not None and gone.status == Status.CONFIRMED
    assert gone.ticket_code != code
    assert not Answer.objects.filter(registration__event=ended).exists()
    assert ended.registrations.count() == 2
    assert Feedback.objects.get(event=ended).user is None
    stays.refresh_from_db()
    assert stays.name == "Jens Uhlig" and stays.user is not None
    # Once only.
    assert anonymise_registrations() == []


def test_the_jobs_run_the_same_services(mailoutbox):
    from werkstatt.jobs.models import Job
    from werkstatt.jobs.services import enqueue

    now = timezone.now()
    RegistrationFactory(event=EventFactory(starts_at=now + timedelta(hours=3)))
    old = EventFactory(starts_at=now - timedelta(days=100), retention_days=10)
    RegistrationFactory(event=old)
    reminders = enqueue("events.send_reminders", {})
    anonymise = enqueue("events.anonymise_registrations", {})
    reminders.refresh_from_db()
    anonymise.refresh_from_db()
    assert reminders.status == Job.Status.SUCCEEDED and reminders.result == {"sent": 1}
    assert anonymise.result == {"events": [old.slug]}
    assert len(mailoutbox) == 1


def test_deleting_an_account_frees_its_seat_and_forgets_its_registrations(mailoutbox):
    from werkstatt.accounts.services import do_delete_account

    event = EventFactory(capacity=1)
    past = EventFactory(starts_at=timezone.now() - timedelta(days=5))
    leaving = UserFactory(name="Jens Uhlig")
    seat = RegistrationFactory(event=event, user=leaving, name="Jens Uhlig")
    attended = RegistrationFactory(event=past, user=leaving, name="Jens Uhlig")
    Feedback.objects.create(event=past, user=leaving, rating=5)
    waiting = RegistrationFactory(event=event, status=Status.WAITING, waiting_since=timezone.now())
    do_delete_account(leaving)
    seat.refresh_from_db()
    attended.refresh_from_db()
    waiting.refresh_from_db()
    assert seat.status == Status.CANCELLED and seat.name == "" and seat.user is None
    assert attended.status == Status.CONFIRMED and attended.name == "" and attended.anonymised
    assert waiting.status == Status.CONFIRMED
    assert Feedback.objects.get(event=past).user is None
