"""The events' and the B2B matchmaking's pages fit a phone (375 px) and a desktop (1280 px)
window without sideways scrolling, for participants and organisers, with realistic data."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.browser.conftest import log_in, with_confirmed_email
from tests.events.factories import (
    QuestionFactory,
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    make_organiser,
)
from tests.factories import PASSWORD, UserFactory
from tests.matchmaking.factories import b2b_event, meeting, participant
from werkstatt.events.models import Question
from werkstatt.matchmaking.services import scheduling

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [375, 1280]
LONG_ORG = "Erzgebirgische Präzisionsdrehteile und Baugruppen GmbH & Co. KG"


@pytest.fixture
def world(reference_data):
    event = b2b_event(
        slug="impro",
        title="IMPRO Zulieferkonferenz 2027 – Kooperation in der Lieferkette",
        slots=8,
        tables=6,
    )
    organiser = with_confirmed_email(UserFactory(email="orga@impro.example", name="Anja Lorenz"))
    make_organiser(event, organiser)
    me = participant(
        event,
        user=organiser,
        organisation_name=LONG_ORG,
        offer="Drehteile bis 600 mm, Baugruppenmontage, Zertifizierung nach EN 1090 und ISO 9001",
    )
    room = RoomFactory(event=event, name="Großer Saal im Internationalen Congress Center")
    speaker = SpeakerFactory(event=event, name="Prof. Dr.-Ing. Karin Lötzsch-Wendler")
    session = SessionFactory(
        event=event, room=room, title="Keynote: Lieferketten im Erzgebirge neu denken"
    )
    session.speakers.add(speaker)
    QuestionFactory(event=event, text="Ihre Funktion im Unternehmen")
    QuestionFactory(event=event, text="Ich bin einverstanden.", kind=Question.Kind.CONSENT)
    others = [
        participant(event, organisation_name=f"{LONG_ORG} Werk {i}", offer="Laserschneiden")
        for i in range(12)
    ]
    for other in others[:9]:
        meeting(me, other)
    for a, b in zip(others[::2], others[1::2], strict=False):
        meeting(a, b)
    scheduling.do_schedule(event, time_limit=2)
    for i in range(5):
        RegistrationFactory(
            event=event,
            name=f"Dr. Maximiliane Schubert-Großhennersdorf {i}",
            organisation_name=LONG_ORG,
        )
    return event, organiser, me


def scroll_width(page) -> dict:
    return page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, width: window.innerWidth})"
    )


def test_event_and_b2b_pages_fit_the_window(page, world):
    event, organiser, me = world
    slug = event.slug
    paths = [
        "/veranstaltungen/",
        f"/veranstaltungen/{slug}/",
        "/veranstaltungen/meine/",
        f"/veranstaltungen/anmeldung/{me.registration.pk}/",
        f"/veranstaltungen/{slug}/verwalten/",
        f"/veranstaltungen/{slug}/bearbeiten/",
        f"/veranstaltungen/{slug}/programm/",
        f"/veranstaltungen/{slug}/fragen/",
        f"/veranstaltungen/{slug}/einladungen/",
        f"/veranstaltungen/{slug}/anmeldungen/",
        f"/veranstaltungen/{slug}/einlass/?q=schubert",
        "/b2b/",
        f"/b2b/{slug}/",
        f"/b2b/{slug}/profil/",
        f"/b2b/{slug}/teilnehmende/",
        f"/b2b/{slug}/einstellungen/",
        f"/b2b/{slug}/tischplan/",
    ]
    log_in(page, organiser.email, PASSWORD)
    too_wide = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for path in paths:
            response = page.goto(path)
            assert response.status == 200, (path, response.status)
            found = scroll_width(page)
            if found["scroll"] > found["width"]:
                too_wide.append((width, path, found["scroll"]))
    assert too_wide == [], "\n".join(map(str, too_wide))


def test_the_registration_form_fits_a_phone(page, world):
    event, _organiser, _me = world
    guest = with_confirmed_email(UserFactory(email="gast@example.org", name="Gast"))
    log_in(page, guest.email, PASSWORD)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"/veranstaltungen/{event.slug}/anmelden/")
        found = scroll_width(page)
        assert found["scroll"] <= found["width"], (width, found)
    assert timezone.now() < event.starts_at + datetime.timedelta(days=1)
