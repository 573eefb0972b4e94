"""B2B matchmaking: requests, answers, the schedule with locks and re-scheduling, downloads."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tests.events.factories import make_organiser
from tests.factories import CapabilityFactory, UserFactory
from tests.matchmaking.factories import b2b_event, meeting, participant
from werkstatt.engines.scheduling import check_schedule
from werkstatt.jobs.models import Job
from werkstatt.matchmaking.models import Meeting, MeetingRequest, Setup, Slot
from werkstatt.matchmaking.services import matching, scheduling
from werkstatt.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_a_request_accepted_becomes_a_meeting_and_both_sides_are_told():
    event = b2b_event()
    buyer = participant(event, organisation_name="Maschinenbau Chemnitz GmbH")
    supplier = participant(event, organisation_name="Laserzuschnitt Zwickau")
    request = matching.do_send_request(buyer, supplier, "Brauchen Laserzuschnitt für Rahmen.")
    # The message and the answer travel with the notifications (quoted in the e-mail).
    told = Notification.objects.get(recipient=supplier.registration.user)
    assert told.body == "Brauchen Laserzuschnitt für Rahmen."
    matching.do_answer_request(request, accept=True, answer="Gern!")
    meeting_ = Meeting.objects.get()
    assert meeting_.request == request and meeting_.slot is None
    assert Notification.objects.get(recipient=buyer.registration.user).body == "Gern!"
    with pytest.raises(ValidationError):
        matching.do_answer_request(request, accept=False)


@pytest.mark.parametrize(
    "case",
    ["self", "empty message", "twice", "reverse open", "closed", "invisible", "limit"],
)
def test_impossible_requests_are_refused_and_change_nothing(case):
    event = b2b_event()
    a = participant(event)
    b = participant(event)
    message = "Gespräch über Blechbearbeitung"
    target = b
    if case == "self":
        target = a
    elif case == "empty message":
        message = "   "
    elif case == "twice":
        matching.do_send_request(a, b, message)
    elif case == "reverse open":
        matching.do_send_request(b, a, message)
    elif case == "closed":
        Setup.objects.filter(event=event).update(requests_open=False)
    elif case == "invisible":
        b.is_visible = False
        b.save()
    elif case == "limit":
        Setup.objects.filter(event=event).update(max_requests=1)
        matching.do_send_request(a, participant(event), message)
    before = MeetingRequest.objects.count()
    with pytest.raises(ValidationError):
        matching.do_send_request(a, target, message)
    assert MeetingRequest.objects.count() == before


def test_suggestions_match_what_one_seeks_with_what_others_offer():
    event = b2b_event()
    laser = CapabilityFactory(name_de="Laserschneiden")
    welding = CapabilityFactory(name_de="Schweißen")
    me = participant(event, organisation_name="Käufer")
    me.sought.add(laser)
    me.offered.add(welding)
    good = participant(event, organisation_name="Laser GmbH")
    good.offered.add(laser)
    good.sought.add(welding)
    half = participant(event, organisation_name="Nur Laser")
    half.offered.add(laser)
    participant(event, organisation_name="Passt nicht")
    suggestions = matching.suggestions(me)
    assert [s.profile for s in suggestions] == [good, half]
    assert suggestions[0].they_offer == ["Laserschneiden"]
    assert suggestions[0].they_seek == ["Schweißen"]
    matching.do_send_request(me, good, "Treffen?")
    assert [s.profile for s in matching.suggestions(me)] == [half]


def test_scheduling_obeys_the_rules_keeps_locks_and_keeps_meetings_in_place():
    event = b2b_event(slots=3, tables=2)
    people = [participant(event) for _ in range(5)]
    slots = list(Slot.objects.filter(event=event))
    people[0].unavailable.add(slots[0])
    pairs = [(0, 1), (0, 2), (1, 2), (3, 4), (2, 3), (1, 4)]
    meetings = [meeting(people[a], people[b]) for a, b in pairs]
    outcome = scheduling.do_schedule(event, time_limit=5)
    assert outcome.scheduled == 6 and outcome.unscheduled == 0
    instance, _locks, previous = scheduling.instance_for(event)
    from werkstatt.engines.scheduling import Assignment, Schedule

    placed = [Assignment(m, s, t) for m, s, t in previous]
    schedule = Schedule(placed, [], float(len(placed)), 0, None, 0.0)
    # Every hard rule holds (the idle count of this hand-made Schedule is not the point).
    assert [e for e in check_schedule(instance, schedule) if not e.startswith("idle")] == []
    assert all(
        m.slot_id != slots[0].pk
        for m in Meeting.objects.filter(request__sender=people[0])
        | Meeting.objects.filter(request__recipient=people[0])
    )
    # Lock one meeting, cancel another, accept a late one: locked stays, the rest stays put.
    locked = Meeting.objects.get(pk=meetings[3].pk)
    scheduling.do_lock(locked, True)
    before = {m.pk: (m.slot_id, m.table) for m in Meeting.objects.all()}
    matching.do_withdraw_request(meetings[5].request)
    meeting(people[3], people[0])
    scheduling.do_schedule(event, time_limit=5)
    after = {m.pk: (m.slot_id, m.table) for m in Meeting.objects.all()}
    assert after[locked.pk] == before[locked.pk]
    kept = [pk for pk in before if pk in after and after[pk] == before[pk]]
    assert len(kept) >= len(after) - 2
    assert Setup.objects.get(event=event).upper_bound >= Meeting.objects.exclude(slot=None).count()


def test_slots_must_lie_within_the_event():
    event = b2b_event(slots=0)
    with pytest.raises(ValidationError):
        scheduling.do_set_slots(
            event, first=event.starts_at - datetime.timedelta(hours=1), count=4, minutes=20
        )
    with pytest.raises(ValidationError):
        scheduling.do_set_slots(event, first=event.starts_at, count=100, minutes=20)
    assert not Slot.objects.filter(event=event).exists()
    made = scheduling.do_set_slots(event, first=event.starts_at, count=4, minutes=20, pause=5)
    assert [s.starts_at - event.starts_at for s in made] == [
        datetime.timedelta(minutes=m) for m in (0, 25, 50, 75)
    ]


def test_the_organiser_schedules_in_the_background_and_participants_download_ical(client):
    event = b2b_event(slots=2, tables=1, title="IMPRO 2027")
    organiser = make_organiser(event)
    a = participant(event, user=UserFactory(name="Katrin Seifert"), organisation_name="Firma A")
    b = participant(event, organisation_name="Firma B")
    meeting(a, b)
    client.force_login(organiser)
    response = client.post(reverse("matchmaking:plan", args=[event.slug]))
    job = Job.objects.get(kind="matchmaking.schedule")
    assert response["Location"] == job.get_absolute_url()
    assert job.status == "succeeded", job.error
    assert job.result["scheduled"] == 1
    plan = client.get(reverse("matchmaking:plan", args=[event.slug])).content.decode()
    assert "Firma A" in plan and "Firma B" in plan
    client.force_login(a.registration.user)
    ics = client.get(reverse("matchmaking:schedule_ical", args=[event.slug])).content
    entries = [c for c in Calendar.from_ical(ics).walk("VEVENT")]
    assert len(entries) == 1 and "Firma B" in str(entries[0]["summary"])
    pdf = client.get(reverse("matchmaking:schedule_pdf", args=[event.slug])).content
    assert pdf.startswith(b"%PDF")


def test_participants_answer_through_the_pages(client):
    event = b2b_event()
    a = participant(event, organisation_name="Firma A")
    b = participant(event, organisation_name="Firma B")
    client.force_login(a.registration.user)
    response = client.post(
        reverse("matchmaking:request_create", args=[event.slug, b.pk]), {"message": "  "}
    )
    assert response.status_code == 302 and not MeetingRequest.objects.exists()
    client.post(
        reverse("matchmaking:request_create", args=[event.slug, b.pk]),
        {"message": "Sprechen wir über Gussteile?"},
    )
    request = MeetingRequest.objects.get()
    client.force_login(b.registration.user)
    hub = client.get(reverse("matchmaking:event", args=[event.slug])).content.decode()
    assert "Sprechen wir über Gussteile?" in hub
    client.post(reverse("matchmaking:request_answer", args=[request.pk]), {"decision": "accept"})
    request.refresh_from_db()
    assert request.status == "accepted" and Meeting.objects.filter(request=request).exists()


def test_the_hub_costs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    event = b2b_event()
    me = participant(event, organisation_name="Ich")
    client.force_login(me.registration.user)
    url = reverse("matchmaking:event", args=[event.slug])

    def queries() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        return len(captured)

    other = participant(event)
    meeting(me, other)
    MeetingRequest.objects.create(event=event, sender=participant(event), recipient=me, message="?")
    one = queries()
    for _ in range(2):
        meeting(me, participant(event))
        MeetingRequest.objects.create(
            event=event, sender=participant(event), recipient=me, message="?"
        )
    assert queries() == one


def test_a_lock_that_cannot_hold_is_explained_and_changes_nothing():
    event = b2b_event(slots=2, tables=1)
    a, b = participant(event), participant(event)
    locked = meeting(a, b)
    scheduling.do_schedule(event, time_limit=2)
    locked.refresh_from_db()
    scheduling.do_lock(locked, True)
    a.unavailable.add(locked.slot)  # the participant now cannot meet then
    with pytest.raises(ValidationError) as info:
        scheduling.do_schedule(event, time_limit=2)
    # Said by name and time, not by the engine's ids.
    message = " ".join(info.value.messages)
    assert a.display_name in message and f"p{a.pk}" not in message
    assert timezone.localtime(locked.slot.starts_at).strftime("%H:%M") in message
    before = locked.slot_id
    locked.refresh_from_db()
    assert locked.slot_id == before and locked.locked


def test_a_superuser_without_a_seat_is_sent_to_the_table_plan(client):
    from tests.factories import SuperuserFactory

    event = b2b_event()
    client.force_login(SuperuserFactory())
    response = client.get(reverse("matchmaking:event", args=[event.slug]))
    assert response.status_code == 302 and response["Location"].endswith("/tischplan/")
    assert client.get(reverse("matchmaking:participants", args=[event.slug])).status_code == 403


def test_common_topics_are_the_words_as_written_and_certifications_not_stems_or_numbers():
    event = b2b_event()
    me = participant(
        event,
        organisation_name="Stahlbau Riesa",
        offer="Stahlbau nach EN 1090 und ISO 9001, darüber hinaus Einsatz von Schweißrobotern.",
        seek="Fertige Zuschnitte in 2 Wochen",
    )
    other = participant(
        event,
        organisation_name="Zuschnitt Meißen",
        offer="Zuschnitte, zertifiziert nach DIN EN 1090-2 und ISO 9001; 1090 Teile darüber",
        seek="Aufträge im Stahlbau, Einsatz ab 2027",
    )
    (suggestion,) = matching.suggestions(me)
    assert suggestion.profile == other
    assert suggestion.common_terms == ["EN 1090", "ISO 9001", "Einsatz", "Stahlbau", "Zuschnitte"]
    text = " ".join(suggestion.common_terms)
    for raw in ("darub", "zuschnitt ", "1090,", "en"):
        assert raw not in text.split()


def test_the_profile_uses_the_capability_tree_of_the_organisation_profile(client):
    laser = CapabilityFactory(key="trennen", name_de="Trennen")
    event = b2b_event()
    me = participant(event)
    client.force_login(me.registration.user)
    url = reverse("matchmaking:profile", args=[event.slug])
    page = client.get(url).content.decode()
    assert page.count('class="capability-tree') == 2 and "<select" not in page
    assert f'name="sought" value="{laser.pk}"' in page
    client.post(url, {"offer": "Laser", "seek": "", "sought": [laser.pk], "is_visible": "on"})
    assert list(me.sought.all()) == [laser]
