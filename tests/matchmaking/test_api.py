"""The B2B API: the same rules and services as the pages (the roles are in matrix.py)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.events.factories import make_organiser
from tests.factories import CapabilityFactory
from tests.matchmaking.factories import b2b_event, meeting, participant
from werkstatt.matchmaking.models import Meeting, MeetingRequest, Slot

pytestmark = pytest.mark.django_db


def url(name: str, event=None, **kwargs) -> str:
    if event is not None:
        kwargs["event_slug"] = event.slug
    return reverse(f"matchmaking_api:{name}", kwargs=kwargs)


def client_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_request_accept_schedule_and_download_through_the_api():
    event = b2b_event(slots=0, tables=1)
    laser = CapabilityFactory(key="trennen.laser", name_de="Laserschneiden")
    buyer = participant(event, organisation_name="Maschinenbau Chemnitz")
    supplier = participant(event, organisation_name="Laser Zwickau")
    supplier.offered.add(laser)
    organiser = make_organiser(event)
    as_buyer, as_supplier, as_organiser = (
        client_for(buyer.registration.user),
        client_for(supplier.registration.user),
        client_for(organiser),
    )
    changed = as_buyer.patch(
        url("profile", event), {"seek": "Zuschnitte", "sought": ["trennen.laser"]}, format="json"
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["sought"] == ["trennen.laser"]
    (suggestion,) = as_buyer.get(url("suggestions", event)).json()
    assert suggestion["profile"]["id"] == supplier.pk
    assert suggestion["they_offer"] == ["Laserschneiden"]
    sent = as_buyer.post(
        url("request-list"),
        {"event": event.slug, "recipient": supplier.pk, "message": "Reden wir über Rahmen?"},
        format="json",
    )
    assert sent.status_code == 201, sent.json()
    assert sent.json()["direction"] == "sent"
    (received,) = as_supplier.get(url("request-list"), {"direction": "received"}).json()["results"]
    assert received["message"] == "Reden wir über Rahmen?"
    accepted = as_supplier.post(
        url("request-accept", pk=received["id"]), {"answer": "Gern"}, format="json"
    )
    assert accepted.json()["status"] == "accepted"
    start = event.starts_at + datetime.timedelta(hours=1)
    slots = as_organiser.post(
        url("slots", event),
        {"first": start.isoformat(), "count": 2, "minutes": 20, "pause": 5},
        format="json",
    )
    assert slots.status_code == 201 and len(slots.json()) == 2
    assert (
        as_organiser.patch(url("setup", event), {"tables": 3}, format="json").json()["tables"] == 3
    )
    job = as_organiser.post(url("scheduling", event))
    assert job.status_code == 202
    state = as_organiser.get(url("scheduling-status", event, job=job.json()["id"])).json()
    assert state["status"] == "succeeded" and state["result"]["scheduled"] == 1
    plan = as_organiser.get(url("plan", event)).json()
    (placed,) = plan["meetings"]
    assert placed["slot"] is not None and plan["unplaced"]["by_tables"] == 0
    assert as_organiser.post(url("meeting-lock", pk=placed["id"])).json()["locked"] is True
    assert Meeting.objects.get(pk=placed["id"]).locked
    schedule = as_buyer.get(url("schedule", event)).json()
    assert schedule["meetings"][0]["partner"]["name"] == supplier.display_name
    assert schedule["meetings"][0]["not_placed_because"] is None
    ical = as_buyer.get(schedule["ical_url"])
    assert ical.status_code == 200 and b"BEGIN:VEVENT" in ical.content


def test_bad_input_is_explained_and_changes_nothing():
    event = b2b_event()
    other_event = b2b_event()
    me = participant(event)
    other = participant(event)
    stranger = participant(other_event)
    api = client_for(me.registration.user)
    empty = api.post(
        url("request-list"),
        {"event": event.slug, "recipient": other.pk, "message": "  "},
        format="json",
    )
    assert empty.status_code == 400 and "message" in empty.json()
    elsewhere = api.post(
        url("request-list"),
        {"event": event.slug, "recipient": stranger.pk, "message": "Hallo"},
        format="json",
    )
    assert elsewhere.status_code == 400 and "recipient" in elsewhere.json()
    assert not MeetingRequest.objects.exists()
    foreign_slot = Slot.objects.filter(event=other_event).first()
    refused = api.put(url("unavailable", event), {"slots": [foreign_slot.pk]}, format="json")
    assert refused.status_code == 400
    assert not me.unavailable.exists()
    mine = Slot.objects.filter(event=event).first()
    assert api.put(url("unavailable", event), {"slots": [mine.pk]}, format="json").json() == {
        "slots": [mine.pk]
    }
    organiser = client_for(make_organiser(event))
    before = list(Slot.objects.filter(event=event).values_list("pk", flat=True))
    outside = organiser.post(
        url("slots", event),
        {
            "first": (event.starts_at - datetime.timedelta(hours=3)).isoformat(),
            "count": 3,
            "minutes": 20,
        },
        format="json",
    )
    assert outside.status_code == 400 and "first" in outside.json()
    assert list(Slot.objects.filter(event=event).values_list("pk", flat=True)) == before
    unplaced = meeting(me, other)
    locked = organiser.post(url("meeting-lock", pk=unplaced.pk))
    assert locked.status_code == 400 and not Meeting.objects.get(pk=unplaced.pk).locked


def test_an_event_without_matchmaking_or_unseen_is_404_and_the_api_speaks_english_on_request():
    from tests.events.factories import EventFactory

    plain = EventFactory()
    person = participant(b2b_event())
    api = client_for(person.registration.user)
    assert api.get(url("profile", plain)).status_code == 404
    hidden = b2b_event(visibility="invitation")
    assert api.get(url("profile", hidden)).status_code == 404
    empty = api.post(
        url("request-list"),
        {"event": person.event.slug, "recipient": person.pk, "message": "Ich"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert empty.status_code == 400
    assert "yourself" in str(empty.json())


def test_the_b2b_endpoints_are_in_the_schema_with_tags_and_summaries():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    b2b = {path: ops for path, ops in schema["paths"].items() if path.startswith("/api/v1/b2b/")}
    assert set(b2b) >= {
        "/api/v1/b2b/events/{event_slug}/profile/",
        "/api/v1/b2b/events/{event_slug}/suggestions/",
        "/api/v1/b2b/requests/",
        "/api/v1/b2b/requests/{id}/accept/",
        "/api/v1/b2b/requests/{id}/decline/",
        "/api/v1/b2b/requests/{id}/withdraw/",
        "/api/v1/b2b/events/{event_slug}/schedule/",
        "/api/v1/b2b/events/{event_slug}/schedule.ics",
        "/api/v1/b2b/events/{event_slug}/unavailable/",
        "/api/v1/b2b/events/{event_slug}/slots/",
        "/api/v1/b2b/events/{event_slug}/setup/",
        "/api/v1/b2b/events/{event_slug}/plan/",
        "/api/v1/b2b/events/{event_slug}/scheduling/",
        "/api/v1/b2b/events/{event_slug}/scheduling/{job}/",
        "/api/v1/b2b/meetings/{id}/lock/",
        "/api/v1/b2b/meetings/{id}/unlock/",
    }
    for operations in b2b.values():
        for method, operation in operations.items():
            if method != "parameters":
                assert operation["tags"] == ["b2b"] and operation["summary"]
