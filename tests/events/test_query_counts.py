"""No N+1 on the events' list pages and API lists: as many queries for 3 items as for 1."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.events.factories import (
    EventFactory,
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    make_organiser,
)
from tests.factories import OrganisationFactory, SuperuserFactory, UserFactory
from werkstatt.events.models import Registration

pytestmark = pytest.mark.django_db


def _event_item(ctx, i):
    org = OrganisationFactory()
    EventFactory(organiser=org, capacity=10)
    EventFactory(organiser=org, starts_at=timezone.now() - timedelta(days=10 + i))


def _session_item(ctx, i):
    event = ctx["event"]
    room = RoomFactory(event=event)
    session = SessionFactory(event=event, room=room, starts_at=event.starts_at + timedelta(hours=i))
    session.speakers.add(SpeakerFactory(event=event, organisation=OrganisationFactory()))
    session.speakers.add(SpeakerFactory(event=event))


def _my_registration_item(ctx, i):
    RegistrationFactory(user=ctx["user"])


def _registration_item(ctx, i):
    RegistrationFactory(
        event=ctx["event"], checked_in_at=timezone.now(), checked_in_by=UserFactory()
    )
    RegistrationFactory(
        event=ctx["event"], status=Registration.Status.WAITING, waiting_since=timezone.now()
    )


def _feedback_item(ctx, i):
    from werkstatt.events.models import Feedback

    Feedback.objects.create(event=ctx["event"], user=UserFactory(), rating=4, comment=f"Gut {i}")


E = lambda name: lambda ctx: reverse(name, args=[ctx["event"].slug])  # noqa: E731

CASES = {
    "index": (lambda ctx: reverse("events:index"), _event_item),
    "index of past events": (lambda ctx: reverse("events:index") + "?zeit=vergangen", _event_item),
    "event page with agenda": (lambda ctx: ctx["event"].get_absolute_url(), _session_item),
    "organiser agenda": (E("events:agenda"), _session_item),
    "my registrations": (lambda ctx: reverse("events:my_registrations"), _my_registration_item),
    "registrations": (E("events:registrations"), _registration_item),
    "manage with feedback": (E("events:manage"), _feedback_item),
    "api events": (lambda ctx: reverse("events_api:event-list"), _event_item),
    "api event detail": (
        lambda ctx: reverse("events_api:event-detail", args=[ctx["event"].slug]),
        _session_item,
    ),
    "api sessions": (
        lambda ctx: reverse("events_api:session-list", args=[ctx["event"].slug]),
        _session_item,
    ),
    "api my registrations": (
        lambda ctx: reverse("events_api:registration-list"),
        _my_registration_item,
    ),
    "api registrations of an event": (
        lambda ctx: reverse("events_api:registration-list") + f"?event={ctx['event'].slug}",
        _registration_item,
    ),
    "admin events": (lambda ctx: reverse("admin:events_event_changelist"), _event_item),
    "admin registrations": (
        lambda ctx: reverse("admin:events_registration_changelist"),
        _registration_item,
    ),
}


def _count(client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(queries), [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize("name", list(CASES))
def test_list_queries_do_not_grow_with_items(client, name):
    url, add = CASES[name]
    user = SuperuserFactory() if name.startswith("admin") else UserFactory()
    event = EventFactory(capacity=100)
    make_organiser(event, user)
    ctx = {"user": user, "event": event}
    client.force_login(user)
    add(ctx, 0)
    page = url(ctx)
    client.get(page)
    one, _ = _count(client, page)
    add(ctx, 1)
    add(ctx, 2)
    three, sql = _count(client, page)
    assert one == three, f"{name}: {one} queries with 1 item, {three} with 3:\n" + "\n".join(sql)
