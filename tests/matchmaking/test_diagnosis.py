"""Unplaced meetings are explained: to participants why, to the organiser what would help."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from tests.events.factories import make_organiser
from tests.matchmaking.factories import b2b_event, meeting, participant
from werkstatt.matchmaking.models import Meeting, Slot
from werkstatt.matchmaking.services import scheduling
from werkstatt.matchmaking.services.diagnosis import AVAILABILITY, NEW, TABLES, diagnose

pytestmark = pytest.mark.django_db


def german(msgid: str) -> str:
    with translation.override("de"):
        return translation.gettext(msgid)


def test_more_tables_as_suggested_place_every_meeting_blocked_by_tables():
    event = b2b_event(slots=2, tables=1)
    pairs = [(participant(event), participant(event)) for _ in range(6)]
    for a, b in pairs:
        meeting(a, b)
    scheduling.do_schedule(event, time_limit=2)
    why = diagnose(event)
    assert why.by_tables == 4 and why.by_availability == 0
    assert why.more_tables == 2
    scheduling.do_set_tables(event, 1 + why.more_tables)
    scheduling.do_schedule(event, time_limit=2)
    assert not Meeting.objects.filter(event=event, slot__isnull=True).exists()


def test_a_further_slot_as_suggested_places_meetings_without_a_common_free_slot():
    event = b2b_event(slots=1, tables=3)
    busy = participant(event, organisation_name="Gefragt GmbH")
    first, second = participant(event), participant(event)
    away = participant(event)
    away.unavailable.add(Slot.objects.get(event=event))
    meeting(busy, first)
    meeting(busy, second)
    meeting(away, participant(event))
    scheduling.do_schedule(event, time_limit=2)
    why = diagnose(event)
    assert why.by_availability == 2 and why.by_tables == 0
    assert why.further_slot == 2
    slot = Slot.objects.get(event=event)
    Slot.objects.create(
        event=event, starts_at=slot.starts_at + datetime.timedelta(minutes=30), minutes=20
    )
    scheduling.do_schedule(event, time_limit=2)
    # The "away" participant is free in the new slot, and so is the second partner of "busy".
    assert not Meeting.objects.filter(event=event, slot__isnull=True).exists()


def test_participants_see_why_and_the_organiser_sees_what_would_help(client):
    event = b2b_event(slots=1, tables=1)
    me = participant(event, organisation_name="Ich GmbH")
    blocker_a, blocker_b = participant(event), participant(event)
    mine = meeting(me, participant(event))
    # The organiser locked the other meeting at the one table of the one slot.
    meeting(blocker_a, blocker_b, slot=Slot.objects.get(event=event), table=1, locked=True)
    scheduling.do_schedule(event, time_limit=2)
    assert diagnose(event).reasons == {mine.pk: TABLES}
    client.force_login(me.registration.user)
    page = client.get(reverse("matchmaking:event", args=[event.slug])).content.decode()
    assert german("All tables are taken in your free slots.") in page
    late = meeting(me, participant(event))
    assert diagnose(event).reasons[late.pk] == NEW
    client.force_login(make_organiser(event))
    plan = client.get(reverse("matchmaking:plan", args=[event.slug])).content.decode()
    assert "unplaced-summary" in plan
    with translation.override("de"):
        expected = translation.ngettext(
            "%(n)s more table would give room for all of them",
            "%(n)s more tables would give room for all of them",
            1,
        ) % {"n": 1}
    assert expected in plan


def test_a_participant_without_a_common_free_slot_is_told_so(client):
    event = b2b_event(slots=1, tables=2)
    me = participant(event)
    me.unavailable.add(Slot.objects.get(event=event))
    m = meeting(me, participant(event))
    scheduling.do_schedule(event, time_limit=2)
    assert diagnose(event).reasons == {m.pk: AVAILABILITY}
    client.force_login(me.registration.user)
    page = client.get(reverse("matchmaking:event", args=[event.slug])).content.decode()
    assert german("You or your counterpart have no common free slot.") in page


def test_in_the_schedule_pdf_not_placed_stays_in_its_column():
    import re
    import shutil
    import subprocess

    from werkstatt.matchmaking.services.documents import schedule_pdf

    if shutil.which("pdftotext") is None:
        pytest.fail(
            "pdftotext (poppler-utils) is missing: make test installs it (scripts/system-deps.sh)"
        )
    event = b2b_event(slots=1, tables=1)
    me = participant(event)
    meeting(me, participant(event, organisation_name="Gegenüber GmbH"))
    with translation.override("de"):
        pdf = schedule_pdf(me)
    html = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    words = [
        (float(x0), float(x1), float(y0), text)
        for x0, y0, x1, _y1, text in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
            html,
        )
    ]
    label_end = max(x1 for _x0, x1, _y, text in words if text == "eingeplant")
    row_y = next(y for _x0, _x1, y, text in words if text == "eingeplant")
    dash_start = min(x0 for x0, _x1, y, text in words if text == "–" and abs(y - row_y) < 2)
    assert label_end < dash_start
