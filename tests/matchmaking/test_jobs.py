"""The scheduling job reports the engine's phases in the user's words, not the engine's."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from tests.events.factories import make_organiser
from tests.matchmaking.factories import b2b_event, meeting, participant
from werkstatt.engines.scheduling import schedule_meetings
from werkstatt.jobs.models import Job
from werkstatt.matchmaking.jobs import PHASES, phase_message
from werkstatt.matchmaking.services.scheduling import instance_for

pytestmark = pytest.mark.django_db


def test_every_phase_the_engine_reports_has_a_message_of_the_app():
    event = b2b_event(slots=3, tables=2)
    people = [participant(event) for _ in range(4)]
    for a, b in [(0, 1), (1, 2), (2, 3), (0, 3), (0, 2)]:
        meeting(people[a], people[b])
    instance, locked, previous = instance_for(event)
    seen: list[str] = []
    for exact in (True, False):
        schedule_meetings(
            instance,
            time_limit=2,
            locked=locked,
            previous=previous,
            exact=exact,
            progress=lambda _fraction, message: seen.append(message),
        )
    assert seen and set(seen) <= set(PHASES), set(seen) - set(PHASES)
    with translation.override("en"):
        assert phase_message("done") == "Done"
        assert phase_message("something new") == "Scheduling the meetings"


def test_the_job_page_shows_the_apps_message_not_the_engines(client):
    event = b2b_event(slots=2, tables=1)
    organiser = make_organiser(event)
    meeting(participant(event), participant(event))
    client.force_login(organiser)
    client.post(reverse("matchmaking:plan", args=[event.slug]))
    job = Job.objects.get(kind="matchmaking.schedule")
    assert job.status == "succeeded"
    # The job runs in the organiser's language (German by default).
    with translation.override(organiser.language or "de"):
        assert job.message == str(PHASES["done"])
    page = client.get(job.get_absolute_url()).content.decode()
    assert "first schedule" not in page and "upper bound" not in page
