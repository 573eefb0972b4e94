"""No N+1 on the B2B pages and API lists: as many queries for 3 items as for 1."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from tests.events.factories import make_organiser
from tests.factories import CapabilityFactory
from tests.matchmaking.factories import b2b_event, meeting, participant
from werkstatt.matchmaking.models import MeetingRequest
from werkstatt.matchmaking.services import scheduling

pytestmark = pytest.mark.django_db


def _meeting(ctx, i):
    meeting(ctx["me"], participant(ctx["event"], organisation_name=f"Partner {i}"))
    meeting(participant(ctx["event"]), participant(ctx["event"]))


def _request(ctx, i):
    MeetingRequest.objects.create(
        event=ctx["event"], sender=participant(ctx["event"]), recipient=ctx["me"], message="?"
    )
    MeetingRequest.objects.create(
        event=ctx["event"], sender=ctx["me"], recipient=participant(ctx["event"]), message="?"
    )


def _suggestion(ctx, i):
    other = participant(ctx["event"], organisation_name=f"Laser {i}", offer="Laserschneiden")
    other.offered.add(ctx["capability"])
    other.sought.add(CapabilityFactory())


def _scheduled(ctx, i):
    _meeting(ctx, i)
    scheduling.do_schedule(ctx["event"], time_limit=1)


def api(name):
    return lambda ctx: reverse(f"matchmaking_api:{name}", kwargs={"event_slug": ctx["event"].slug})


def page(name):
    return lambda ctx: reverse(f"matchmaking:{name}", args=[ctx["event"].slug])


# name -> (url, add one item, who asks)
CASES = {
    "api schedule": (api("schedule"), _meeting, "me"),
    "api suggestions": (api("suggestions"), _suggestion, "me"),
    "api requests": (lambda ctx: reverse("matchmaking_api:request-list"), _request, "me"),
    "api plan": (api("plan"), _scheduled, "organiser"),
    "page plan": (page("plan"), _scheduled, "organiser"),
    "page participants": (page("participants"), _suggestion, "me"),
}


def _count(client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(queries), [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize("name", list(CASES))
def test_list_queries_do_not_grow_with_items(name):
    url, add, who = CASES[name]
    event = b2b_event(slots=6, tables=10)
    capability = CapabilityFactory()
    me = participant(event, organisation_name="Ich GmbH")
    me.sought.add(capability)
    ctx = {"event": event, "me": me, "capability": capability}
    user = me.registration.user if who == "me" else make_organiser(event)
    client = APIClient()
    client.force_login(user)
    add(ctx, 0)
    target = url(ctx)
    client.get(target)
    one, _ = _count(client, target)
    add(ctx, 1)
    add(ctx, 2)
    three, sql = _count(client, target)
    assert one == three, f"{name}: {one} queries with 1 item, {three} with 3:\n" + "\n".join(sql)
