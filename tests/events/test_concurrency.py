"""Many people at once: no overbooking, one check-in per ticket (PostgreSQL, real threads)."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import UserFactory
from werkstatt.events.models import Registration
from werkstatt.events.services.registration import (
    do_cancel_registration,
    do_check_in,
    do_register,
)

Status = Registration.Status


def _in_threads(count: int, work) -> list:
    results: list = []
    errors: list = []
    lock = threading.Lock()
    start = threading.Barrier(count)

    def run(n: int) -> None:
        try:
            start.wait()
            result = work(n)
            with lock:
                results.append(result)
        except Exception as error:  # noqa: BLE001 - reported below
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_registrations_never_overbook(is_postgres):
    if not is_postgres:
        pytest.skip("SQLite's in-memory test database is not shared between connections")
    event = EventFactory(capacity=5)
    people = UserFactory.create_batch(16)
    _in_threads(16, lambda n: do_register(event, people[n]))
    statuses = list(event.registrations.values_list("status", flat=True))
    assert statuses.count(Status.CONFIRMED) == 5
    assert statuses.count(Status.WAITING) == 11


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_cancellations_fill_each_seat_once(is_postgres):
    if not is_postgres:
        pytest.skip("SQLite's in-memory test database is not shared between connections")
    event = EventFactory(capacity=4)
    holders = [do_register(event, UserFactory()) for _ in range(4)]
    waiting = [do_register(event, UserFactory()) for _ in range(6)]
    assert {r.status for r in waiting} == {Status.WAITING}
    _in_threads(4, lambda n: do_cancel_registration(holders[n]))
    confirmed = set(
        event.registrations.filter(status=Status.CONFIRMED).values_list("pk", flat=True)
    )
    assert confirmed == {r.pk for r in waiting[:4]}
    assert event.registrations.filter(status=Status.WAITING).count() == 2


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_staff_checking_in_the_same_ticket_record_one_check_in(is_postgres):
    if not is_postgres:
        pytest.skip("SQLite's in-memory test database is not shared between connections")
    event = EventFactory()
    registration = RegistrationFactory(event=event, ticket_code="ABCDEFGHJKMN")
    staff = UserFactory.create_batch(8)
    results = _in_threads(8, lambda n: do_check_in(event, "ABCDEFGHJKMN", staff[n]))
    assert sorted(r.first for r in results) == [False] * 7 + [True]
    winner = next(r for r in results if r.first)
    registration.refresh_from_db()
    assert registration.checked_in_by == winner.registration.checked_in_by
    # Everyone was told the same time and person.
    assert {r.registration.checked_in_at for r in results} == {registration.checked_in_at}
