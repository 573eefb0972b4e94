"""The events API: the same rules and services as the pages."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.events.factories import (
    EventFactory,
    QuestionFactory,
    RegistrationFactory,
    SessionFactory,
    SpeakerFactory,
    make_organiser,
)
from tests.factories import OrganisationFactory, UserFactory
from werkstatt.events.models import Event, Question, Registration

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture
def api():
    return APIClient()


def test_events_list_shows_only_what_the_caller_may_see(api):
    EventFactory(slug="oeffentlich")
    EventFactory(slug="mitglieder", visibility=Event.Visibility.MEMBERS)
    invite = EventFactory(slug="gremium", visibility=Event.Visibility.INVITATION)
    slugs = [e["slug"] for e in api.get(reverse("events_api:event-list")).json()["results"]]
    assert slugs == ["oeffentlich"]
    guest = UserFactory()
    from tests.factories import SpaceRoleFactory

    SpaceRoleFactory(user=guest, space=invite.space)
    api.force_authenticate(guest)
    slugs = {e["slug"] for e in api.get(reverse("events_api:event-list")).json()["results"]}
    assert slugs == {"oeffentlich", "gremium"}


def test_event_detail_has_the_agenda(api):
    event = EventFactory(organiser=OrganisationFactory(slug="wfs"))
    speaker = SpeakerFactory(
        event=event, name="Karin Lötzsch", organisation=OrganisationFactory(slug="loetzsch")
    )
    session = SessionFactory(event=event, title="Eröffnung", kind="keynote")
    session.speakers.add(speaker)
    question = QuestionFactory(event=event, kind=Question.Kind.CHOICE, options=["A", "B"])
    data = api.get(reverse("events_api:event-detail", args=[event.slug])).json()
    assert data["organiser"] == "wfs"
    assert data["questions"] == [
        {
            "id": question.pk,
            "text": question.text,
            "help_text": "",
            "kind": "choice",
            "options": ["A", "B"],
            "required": True,
        }
    ]
    assert data["sessions"][0]["title"] == "Eröffnung"
    assert data["sessions"][0]["speakers"][0] == {
        "id": speaker.pk,
        "name": "Karin Lötzsch",
        "role": speaker.role,
        "organisation": "loetzsch",
        "organisation_name": "",
    }


def test_register_and_cancel_through_the_api(api):
    event = EventFactory(capacity=1)
    question = QuestionFactory(event=event, kind=Question.Kind.CHOICE, options=["A", "B"])
    holder, waiting = UserFactory(), UserFactory()
    url = reverse("events_api:registration-list")
    api.force_authenticate(holder)
    bad = api.post(url, {"event": event.slug, "answers": {str(question.pk): "C"}}, format="json")
    assert bad.status_code == 400
    assert f"question_{question.pk}" in bad.json()
    assert not Registration.objects.exists()
    ok = api.post(url, {"event": event.slug, "answers": {str(question.pk): "A"}}, format="json")
    assert ok.status_code == 201 and ok.json()["status"] == "confirmed"
    assert ok.json()["ticket_code"]
    api.force_authenticate(waiting)
    second = api.post(url, {"event": event.slug, "answers": {str(question.pk): "B"}}, format="json")
    assert second.json()["status"] == "waiting" and second.json()["ticket_code"] is None
    # Others' registrations are not there.
    assert (
        api.get(reverse("events_api:registration-detail", args=[ok.json()["id"]])).status_code
        == 404
    )
    api.force_authenticate(holder)
    cancel = api.post(reverse("events_api:registration-cancel", args=[ok.json()["id"]]))
    assert cancel.json()["status"] == "cancelled"
    assert Registration.objects.get(pk=second.json()["id"]).status == Status.CONFIRMED
    again = api.post(reverse("events_api:registration-cancel", args=[ok.json()["id"]]))
    assert again.status_code == 400


def test_an_invisible_event_cannot_be_registered_for(api):
    event = EventFactory(visibility=Event.Visibility.INVITATION)
    api.force_authenticate(UserFactory())
    response = api.post(
        reverse("events_api:registration-list"), {"event": event.slug}, format="json"
    )
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_organisers_list_all_registrations_of_their_event(api):
    event = EventFactory()
    organiser = make_organiser(event)
    RegistrationFactory.create_batch(3, event=event)
    url = reverse("events_api:registration-list") + f"?event={event.slug}"
    api.force_authenticate(organiser)
    assert api.get(url).json()["count"] == 3
    api.force_authenticate(UserFactory())
    assert api.get(url).json()["count"] == 0
