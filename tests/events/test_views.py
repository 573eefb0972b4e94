"""Pages: registering with questions, bad input, the organiser's area, files."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from icalendar import Calendar
from openpyxl import load_workbook

from tests.events.factories import (
    EventFactory,
    QuestionFactory,
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    make_organiser,
)
from tests.events.pdftext import pdf_text
from tests.factories import (
    OrganisationAdminFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    UserFactory,
)
from werkstatt.accounts.models import SpaceRole
from werkstatt.events.models import Answer, Event, Question, Registration, Room, Session

pytestmark = pytest.mark.django_db
Status = Registration.Status


FULL_EVENT = (
    "This event is fully booked. You can join the waiting list: when a seat becomes free, "
    "the first on the list moves up automatically and is told by e-mail."
)
FULL_FORM = (
    "This event is fully booked. If you register now, you join the waiting list and move up "
    "automatically when a seat becomes free."
)


def german(msgid: str) -> str:
    """What the (German) pages show for a msgid: its translation once the catalogue has it."""
    with translation.override("de"):
        return gettext(msgid)


@pytest.fixture
def person(client):
    user = UserFactory(name="Katrin Schubert", email="k.schubert@zulieferer.example")
    client.force_login(user)
    return user


@pytest.fixture
def organiser(client):
    user = UserFactory(name="Anja Lorenz")
    client.force_login(user)
    return user


def _questions(event):
    return (
        QuestionFactory(event=event, text="Ihre Funktion", position=1),
        QuestionFactory(
            event=event,
            text="Themenbereich",
            kind=Question.Kind.CHOICE,
            options=["Industrie 4.0", "Ausbildung"],
            position=2,
        ),
        QuestionFactory(event=event, text="Einwilligung", kind=Question.Kind.CONSENT, position=3),
    )


# --- participants -----------------------------------------------------------------------------


def test_the_event_page_shows_the_agenda_with_speakers_and_their_organisations(client):
    event = EventFactory(title="Strategiekonferenz")
    org = OrganisationFactory(name="Kieselstein Werkzeugbau GmbH")
    speaker = SpeakerFactory(event=event, name="Jens Kießling", organisation=org)
    keynote = SessionFactory(event=event, title="Wertschöpfung neu denken", kind="keynote")
    keynote.speakers.add(speaker)
    response = client.get(event.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Wertschöpfung neu denken" in html and "Jens Kießling" in html
    assert org.get_absolute_url() in html
    assert reverse("events:session_ical", args=[event.slug, keynote.pk]) in html


def test_register_with_questions(client, person, mailoutbox, django_capture_on_commit_callbacks):
    event = EventFactory(capacity=10)
    role, topic, consent = _questions(event)
    org = OrganisationFactory(name="Seifert Zerspanungstechnik GmbH")
    OrganisationMembershipFactory(user=person, organisation=org)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("events:register", args=[event.slug]),
            {
                "name": "Katrin Schubert",
                "organisation": org.pk,
                f"question_{role.pk}": "Einkauf",
                f"question_{topic.pk}": "Ausbildung",
                f"question_{consent.pk}": "on",
            },
        )
    registration = Registration.objects.get(event=event, user=person)
    assert response.status_code == 302
    assert response["Location"] == reverse("events:registration", args=[registration.pk])
    assert registration.status == Status.CONFIRMED
    assert registration.organisation_name == "Seifert Zerspanungstechnik GmbH"
    assert dict(registration.answers.values_list("question__text", "value")) == {
        "Ihre Funktion": "Einkauf",
        "Themenbereich": "Ausbildung",
        "Einwilligung": "yes",
    }
    page = client.get(response["Location"]).content.decode()
    assert registration.ticket_code_display in page
    assert len(mailoutbox) == 1


def test_bad_answers_are_explained_and_nothing_is_saved(client, person):
    event = EventFactory()
    role, topic, consent = _questions(event)
    foreign = OrganisationFactory()
    response = client.post(
        reverse("events:register", args=[event.slug]),
        {
            "name": "",
            "organisation": foreign.pk,
            f"question_{role.pk}": "x" * 2001,
            f"question_{topic.pk}": "Golf",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["name"] == [german("This field is required.")]
    assert "organisation" in form.errors  # not one of the person's organisations
    assert form.errors[f"question_{role.pk}"] == [
        german("Please answer in at most 2,000 characters.")
    ]
    assert form.errors[f"question_{topic.pk}"] == [german("Please choose one of the options.")]
    assert form.errors[f"question_{consent.pk}"] == [
        german("Please give your consent to register.")
    ]
    assert not Registration.objects.exists() and not Answer.objects.exists()


def test_a_full_event_says_so_and_offers_the_waiting_list(client, person):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    page = client.get(event.get_absolute_url()).content.decode()
    assert german(FULL_EVENT) in page and german("Join the waiting list") in page
    form_page = client.get(reverse("events:register", args=[event.slug])).content.decode()
    assert german(FULL_FORM) in form_page
    client.post(reverse("events:register", args=[event.slug]), {"name": "Katrin"})
    registration = Registration.objects.get(user=person)
    assert registration.status == Status.WAITING
    detail = client.get(reverse("events:registration", args=[registration.pk])).content.decode()
    assert german("On the waiting list, position %(position)s") % {"position": 1} in detail
    assert client.get(reverse("events:ticket_pdf", args=[registration.pk])).status_code == 404


def test_closed_registration_is_refused(client, person):
    event = EventFactory(registration_closes_at=timezone.now() - timedelta(hours=1))
    response = client.post(reverse("events:register", args=[event.slug]), {"name": "Katrin"})
    assert response.status_code == 200
    assert german("Registration for this event is closed.") in response.content.decode()
    assert not Registration.objects.exists()


def test_cancel_by_the_participant_moves_the_waiting_list_up(client, person):
    event = EventFactory(capacity=1)
    mine = RegistrationFactory(event=event, user=person)
    waiting = RegistrationFactory(event=event, status=Status.WAITING, waiting_since=timezone.now())
    response = client.post(reverse("events:registration_cancel", args=[mine.pk]))
    assert response.status_code == 302
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert mine.status == Status.CANCELLED
    assert waiting.status == Status.CONFIRMED
    again = client.post(reverse("events:registration_cancel", args=[mine.pk]), follow=True)
    assert german("This registration is cancelled already.") in again.content.decode()


def test_ticket_pdf_and_ical(client, person):
    event = EventFactory(title="Zulieferkonferenz Dresden")
    registration = RegistrationFactory(event=event, user=person, name="Jürgen Größel")
    pdf = client.get(reverse("events:ticket_pdf", args=[registration.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    text = pdf_text(pdf.content)
    assert "Jürgen Größel" in text and "Zulieferkonferenz Dresden" in text
    assert registration.ticket_code_display in text
    session = SessionFactory(event=event, room=RoomFactory(event=event, name="Saal Elbe"))
    ical = client.get(reverse("events:session_ical", args=[event.slug, session.pk]))
    (entry,) = Calendar.from_ical(ical.content).walk("VEVENT")
    assert str(entry["summary"]).startswith(session.title)
    assert "Saal Elbe" in str(entry["location"])
    assert entry.decoded("dtstart") == session.starts_at.replace(microsecond=0)
    whole = Calendar.from_ical(client.get(reverse("events:event_ical", args=[event.slug])).content)
    (entry,) = whole.walk("VEVENT")
    assert entry.decoded("dtend") == event.ends_at.replace(microsecond=0)
    assert str(entry["summary"]) == "Zulieferkonferenz Dresden"


def test_feedback_form_rejects_bad_ratings(client, person):
    event = EventFactory(starts_at=timezone.now() - timedelta(hours=3))
    RegistrationFactory(event=event, user=person)
    url = reverse("events:feedback", args=[event.slug])
    response = client.post(url, {"rating": "9"})
    assert response.context["form"].errors["rating"] == [german("Please rate from 1 to 5.")]
    assert not event.feedback.exists()
    assert client.post(url, {"rating": "4", "comment": "Gute Gespräche"}).status_code == 302
    assert event.feedback.get().rating == 4


# --- organisers ---------------------------------------------------------------------------------


def test_an_organisation_admin_creates_an_event_and_becomes_its_organiser(client, organiser):
    org = OrganisationAdminFactory(user=organiser).organisation
    response = client.post(
        reverse("events:event_create"),
        {
            "title": "Zulieferkonferenz IMPRO 2027",
            "kind": "conference",
            "starts_at": "2027-03-17T09:00",
            "ends_at": "2027-03-17T17:30",
            "visibility": "public",
            "organiser": org.pk,
            "capacity": "320",
            "retention_days": "180",
            "venue_name": "Internationales Congress Center Dresden",
        },
    )
    event = Event.objects.get()
    assert response.status_code == 302
    assert event.slug == "zulieferkonferenz-impro-2027"
    assert event.space.kind == "event"
    assert SpaceRole.objects.filter(user=organiser, space=event.space, role="moderator").exists()
    # Wall-clock times in Europe/Berlin (CET in March).
    assert timezone.localtime(event.starts_at).hour == 9
    assert event.starts_at.utcoffset() is not None and event.starts_at.hour in (8, 9)


def test_event_form_rejects_end_before_start_and_changes_nothing(client, organiser):
    event = EventFactory(title="Alt")
    make_organiser(event, organiser)
    response = client.post(
        reverse("events:event_edit", args=[event.slug]),
        {
            "title": "Neu",
            "kind": "workshop",
            "starts_at": "2027-03-17T09:00",
            "ends_at": "2027-03-16T09:00",
            "visibility": "public",
            "retention_days": "90",
            "venue_lat": "51.05",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["ends_at"] == [german("The event cannot end before it starts.")]
    assert errors["venue_lon"] == [german("Enter both latitude and longitude, or neither.")]
    event.refresh_from_db()
    assert event.title == "Alt"


def test_raising_the_capacity_moves_people_up(client, organiser):
    event = EventFactory(capacity=1, title="Workshop")
    make_organiser(event, organiser)
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Status.WAITING, waiting_since=timezone.now())
    data = {
        "title": "Workshop",
        "kind": "workshop",
        "starts_at": timezone.localtime(event.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(event.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "visibility": "public",
        "retention_days": "90",
        "capacity": "2",
    }
    response = client.post(reverse("events:event_edit", args=[event.slug]), data)
    assert response.status_code == 302, response.context["form"].errors
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED


def test_agenda_rejects_a_session_outside_the_event_and_a_double_booked_room(client, organiser):
    event = EventFactory()
    make_organiser(event, organiser)
    room = RoomFactory(event=event, name="Saal 1")
    SessionFactory(event=event, room=room, title="Keynote")
    start = timezone.localtime(event.starts_at)
    url = reverse("events:agenda", args=[event.slug])

    def post(begin, minutes, room_pk):
        return client.post(
            url,
            {
                "form": "programmpunkt",
                "programmpunkt-title": "Podium",
                "programmpunkt-kind": "panel",
                "programmpunkt-starts_at": begin.strftime("%Y-%m-%dT%H:%M"),
                "programmpunkt-ends_at": (begin + timedelta(minutes=minutes)).strftime(
                    "%Y-%m-%dT%H:%M"
                ),
                "programmpunkt-room": room_pk,
            },
        )

    outside = post(start - timedelta(hours=2), 30, "")
    assert outside.context["session_form"].errors["starts_at"] == [
        german("A session must lie within the event's time.")
    ]
    clash = post(start + timedelta(hours=1, minutes=15), 30, room.pk)
    assert "Keynote" in clash.context["session_form"].errors["room"][0]
    assert Session.objects.count() == 1
    assert post(start + timedelta(hours=3), 30, room.pk).status_code == 302
    assert Session.objects.count() == 2


def test_rooms_speakers_and_questions(client, organiser):
    event = EventFactory()
    make_organiser(event, organiser)
    agenda = reverse("events:agenda", args=[event.slug])
    assert client.post(agenda, {"form": "raum", "raum-name": "Saal Elbe"}).status_code == 302
    twice = client.post(agenda, {"form": "raum", "raum-name": "saal elbe"})
    assert twice.context["room_form"].errors["name"] == [
        german("This event has a room of this name already.")
    ]
    assert Room.objects.count() == 1
    org = OrganisationFactory(name="Wirtschaftsförderung Sachsen GmbH")
    unknown = client.post(
        agenda,
        {
            "form": "person",
            "person-name": "Peter N.",
            "person-directory_organisation": "Gibt es nicht",
        },
    )
    assert unknown.context["speaker_form"].errors["directory_organisation"]
    client.post(
        agenda,
        {"form": "person", "person-name": "Peter N.", "person-directory_organisation": org.name},
    )
    assert event.speakers.get().organisation == org
    questions = reverse("events:questions", args=[event.slug])
    bad = client.post(questions, {"text": "Workshop?", "kind": "choice", "options": "Nur eine"})
    assert bad.context["form"].errors["options"]
    assert not Question.objects.exists()
    client.post(
        questions,
        {"text": "Workshop?", "kind": "choice", "options": "A\n\nB\nA", "required": "on"},
    )
    assert Question.objects.get().options == ["A", "B"]
    question = Question.objects.get()
    delete = reverse("events:item_delete", args=[event.slug, "frage", question.pk])
    assert client.post(delete).status_code == 302
    assert not Question.objects.exists()


def test_another_events_items_are_not_reachable(client, organiser):
    event, other = EventFactory(), EventFactory()
    make_organiser(event, organiser)
    foreign_room = RoomFactory(event=other)
    url = reverse("events:item_edit", args=[event.slug, "raum", foreign_room.pk])
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("events:item_edit", args=[event.slug, "nonsense", 1])).status_code == 404
    )


def test_invitations_make_an_invitation_only_event_visible(
    client, organiser, mailoutbox, django_capture_on_commit_callbacks
):
    event = EventFactory(visibility=Event.Visibility.INVITATION)
    make_organiser(event, organiser)
    guest = UserFactory(email="gremium@hwk.example")
    url = reverse("events:invitations", args=[event.slug])
    bad = client.post(url, {"emails": "gremium@hwk.example, kein-konto@nirgendwo.example, x@"})
    assert "x@" in bad.context["form"].errors["emails"][0]
    unknown = client.post(url, {"emails": "kein-konto@nirgendwo.example"})
    assert "kein-konto@nirgendwo.example" in unknown.context["form"].errors["emails"][0]
    assert not guest.has_perm("events.view_event", event)
    assert not mailoutbox
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"emails": "Gremium@hwk.example"}).status_code == 302
    assert [m.to for m in mailoutbox] == [["gremium@hwk.example"]]
    assert event.get_absolute_url() in mailoutbox[0].body
    guest = type(guest).objects.get(pk=guest.pk)
    assert guest.has_perm("events.view_event", event)
    client.post(url, {"remove": guest.pk})
    guest = type(guest).objects.get(pk=guest.pk)
    assert not guest.has_perm("events.view_event", event)


def test_check_in_page(client, organiser):
    event = EventFactory()
    make_organiser(event, organiser)
    RegistrationFactory(event=event, ticket_code="ABCDEFGHJKMN", name="Sabine Teichert")
    url = reverse("events:checkin", args=[event.slug])
    page = client.get(url).content.decode()
    assert "events/js/checkin.js" in page and "<script>" not in page
    ok = client.post(url, {"code": "abcd efgh jkmn"})
    assert ok.status_code == 200
    assert ok.context["result"].first and "Sabine Teichert" in ok.content.decode()
    again = client.post(url, {"code": "ABCDEFGHJKMN"})
    assert not again.context["result"].first
    assert german("Already checked in") in again.content.decode()
    unknown = client.post(url, {"code": "NOPE"})
    assert unknown.status_code == 400
    assert unknown.context["form"].errors["__all__"] == [
        german("There is no ticket with this code for this event.")
    ]


def test_attendee_list_as_xlsx(client, organiser):
    event = EventFactory()
    make_organiser(event, organiser)
    question = QuestionFactory(event=event, text="Ihre Funktion")
    registration = RegistrationFactory(
        event=event, name="Jürgen Größel", organisation_name="Erzgebirgische Drehteile GmbH"
    )
    Answer.objects.create(registration=registration, question=question, value="Einkauf")
    RegistrationFactory(event=event, status=Status.WAITING, name="Bernd Uhlig")
    RegistrationFactory(event=event, status=Status.CANCELLED, name="Anton Abgesagt")
    response = client.get(reverse("events:export_xlsx", args=[event.slug]))
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == tuple(german(h) for h in ("Name", "E-mail", "Organisation", "Status"))
    assert rows[0][-1] == "Ihre Funktion"
    assert [row[0] for row in rows[1:]] == ["Jürgen Größel", "Bernd Uhlig", "Anton Abgesagt"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Jürgen Größel"][1] == registration.user.email
    assert by_name["Jürgen Größel"][2] == "Erzgebirgische Drehteile GmbH"
    assert by_name["Jürgen Größel"][3] == german("Confirmed")
    assert by_name["Jürgen Größel"][-1] == "Einkauf"
    assert by_name["Bernd Uhlig"][3] == german("On the waiting list")


def test_badges_pdf_has_the_confirmed_names(client, organiser):
    event = EventFactory()
    make_organiser(event, organiser)
    RegistrationFactory(event=event, name="Jürgen Größel")
    RegistrationFactory(event=event, name="Wartende Person", status=Status.WAITING)
    response = client.get(reverse("events:badges_pdf", args=[event.slug]))
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Jürgen Größel" in text
    assert "Wartende Person" not in text


def test_registrations_list_with_waiting_positions_and_filter(client, organiser):
    event = EventFactory(capacity=1)
    make_organiser(event, organiser)
    RegistrationFactory(event=event, name="Erste")
    now = timezone.now()
    RegistrationFactory(event=event, name="Zweite", status=Status.WAITING, waiting_since=now)
    RegistrationFactory(
        event=event, name="Dritte", status=Status.WAITING, waiting_since=now + timedelta(seconds=1)
    )
    page = client.get(reverse("events:registrations", args=[event.slug]))
    positions = {r.name: r.position for r in page.context["page_obj"].object_list}
    assert positions == {"Erste": None, "Zweite": 1, "Dritte": 2}
    filtered = client.get(
        reverse("events:registrations", args=[event.slug]), {"status": "waiting", "q": "drit"}
    )
    assert [r.name for r in filtered.context["page_obj"].object_list] == ["Dritte"]


def test_badges_run_over_several_pages(client, organiser):
    event = EventFactory()
    make_organiser(event, organiser)
    for n in range(9):
        RegistrationFactory(event=event, name=f"Person {n:02d}")
    response = client.get(reverse("events:badges_pdf", args=[event.slug]))
    assert b"/Count 2" in response.content  # eight badges per A4 page
    text = pdf_text(response.content)
    assert all(f"Person {n:02d}" in text for n in range(9))


def test_index_lists_upcoming_or_past_events_that_one_may_see(client):
    now = timezone.now()
    EventFactory(title="Strategiekonferenz", starts_at=now + timedelta(days=100))
    EventFactory(title="Zulieferkonferenz", starts_at=now + timedelta(days=10))
    EventFactory(title="Begleitgremium", starts_at=now + timedelta(days=5), visibility="invitation")
    EventFactory(title="Vergangene Messe", starts_at=now - timedelta(days=10))
    upcoming = client.get(reverse("events:index"))
    assert [e.title for e in upcoming.context["page_obj"]] == [
        "Zulieferkonferenz",
        "Strategiekonferenz",
    ]
    past = client.get(reverse("events:index"), {"zeit": "vergangen"})
    assert [e.title for e in past.context["page_obj"]] == ["Vergangene Messe"]


def test_check_in_by_name_at_the_door_records_one_check_in(client, organiser):
    from werkstatt.events.services.registration import do_check_in_registration

    event = EventFactory()
    make_organiser(event, organiser)
    other_event = EventFactory()
    found = RegistrationFactory(
        event=event, name="Jürgen Größel", organisation_name="Erzgebirgische Drehteile GmbH"
    )
    RegistrationFactory(event=event, name="Bernd Uhlig", organisation_name="Uhlig Guss")
    RegistrationFactory(event=other_event, name="Jürgen Größel")
    url = reverse("events:checkin", args=[event.slug])
    page = client.get(url, {"q": "groessel drehteile"})
    assert [r.pk for r in page.context["found"]] == [found.pk]
    checked = client.post(url + "?q=groessel", {"registration": found.pk})
    assert checked.status_code == 200 and checked.context["result"].first
    found.refresh_from_db()
    assert found.checked_in_by == organiser
    # A second member of staff, the same person: told when and by whom, still one check-in.
    again = do_check_in_registration(event, found.pk, UserFactory())
    assert not again.first and again.registration.checked_in_by == organiser
    foreign = RegistrationFactory(event=other_event, name="Fremd")
    refused = client.post(url, {"registration": foreign.pk})
    assert refused.status_code == 400
    foreign.refresh_from_db()
    assert foreign.checked_in_at is None
    waiting = RegistrationFactory(event=event, status=Status.WAITING, name="Warte Liste")
    assert client.post(url, {"registration": waiting.pk}).status_code == 400


def test_the_venue_is_placed_from_its_address_unless_the_organiser_gives_coordinates():
    from werkstatt.events.services.events import do_create_event, do_update_event
    from werkstatt.network.services.geocoding import geocode

    start = timezone.now() + timedelta(days=20)
    base = {"title": "Zulieferkonferenz", "kind": "conference", "starts_at": start}
    base["ends_at"] = start + timedelta(hours=8)
    dresden = geocode(postcode="01067")
    event = do_create_event(UserFactory(), {**base, "venue_address": "Ostra-Ufer 2, 01067 Dresden"})
    assert (event.venue_lat, event.venue_lon) == (dresden.lat, dresden.lon)
    # A new address moves the position found before.
    chemnitz = geocode(city="Chemnitz")
    event = do_update_event(
        event,
        {
            "venue_address": "Brückenstraße 10, Chemnitz",
            "venue_lat": event.venue_lat,
            "venue_lon": event.venue_lon,
        },
    )
    assert (event.venue_lat, event.venue_lon) == (chemnitz.lat, chemnitz.lon)
    # The organiser's own coordinates win over the address.
    event = do_update_event(event, {"venue_lat": 50.8333, "venue_lon": 12.9167})
    assert (event.venue_lat, event.venue_lon) == (50.8333, 12.9167)
    own = do_create_event(
        UserFactory(),
        {
            **base,
            "venue_address": "Messeallee 1, 04356 Leipzig",
            "venue_lat": 51.39,
            "venue_lon": 12.4,
        },
    )
    assert (own.venue_lat, own.venue_lon) == (51.39, 12.4)
    unknown = do_create_event(UserFactory(), {**base, "venue_address": "Irgendwo 1, Nirgendheim"})
    assert unknown.venue_lat is None and unknown.venue_lon is None


def test_many_badges_are_made_in_a_job_with_progress_and_downloaded_from_its_page(
    client, organiser, monkeypatch
):
    from werkstatt.events.services import documents
    from werkstatt.jobs.models import Job

    monkeypatch.setattr(documents, "BADGES_INLINE", 3)
    event = EventFactory()
    make_organiser(event, organiser)
    for n in range(10):
        RegistrationFactory(event=event, name=f"Person {n:02d}")
    url = reverse("events:badges_pdf", args=[event.slug])
    page = client.get(url)
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    response = client.post(url)
    job = Job.objects.get(kind="events.badges")
    assert response["Location"] == job.get_absolute_url()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.result["badges"] == 10 and job.progress_done == job.progress_total == 10
    download = client.get(job.result_url)
    assert download.content.startswith(b"%PDF")
    assert all(f"Person {n:02d}" in pdf_text(download.content) for n in range(10))
    other = EventFactory()
    make_organiser(other, organiser)
    assert (
        client.get(reverse("events:badges_download", args=[other.slug, job.pk])).status_code == 404
    )
