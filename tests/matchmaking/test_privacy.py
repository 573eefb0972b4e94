"""DSGVO: a person's B2B data in the download, and what deleting the account leaves behind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from tests.events.factories import RegistrationFactory
from tests.factories import CapabilityFactory, UserFactory
from tests.matchmaking.factories import b2b_event, meeting, participant
from werkstatt.accounts.services import do_delete_account, export_user_data
from werkstatt.events.models import Registration
from werkstatt.events.services.registration import do_cancel_registration
from werkstatt.matchmaking.models import Meeting, MeetingRequest
from werkstatt.matchmaking.services import scheduling
from werkstatt.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_the_download_holds_the_profile_requests_and_meetings_but_not_others_words():
    event = b2b_event(title="IMPRO 2027")
    me = participant(event, organisation_name="Stahlbau Riesa", offer="Schweißbaugruppen")
    me.offered.add(CapabilityFactory(key="fuegen.schweissen"))
    partner = participant(event, organisation_name="Laser Zwickau")
    asker = participant(event, organisation_name="Guss Freiberg")
    meeting(me, partner)
    MeetingRequest.objects.create(
        event=event, sender=asker, recipient=me, message="Geheimer Text von jemand anderem"
    )
    data = export_user_data(me.registration.user)
    (b2b,) = data["matchmaking"]
    assert b2b["event"] == "IMPRO 2027"
    assert b2b["profile"]["offer"] == "Schweißbaugruppen"
    assert b2b["profile"]["capabilities_offered"] == ["fuegen.schweissen"]
    assert [m["with_organisation"] for m in b2b["meetings"]] == ["Laser Zwickau"]
    received = [r for r in b2b["requests"] if r["direction"] == "received"]
    assert received[0]["with_organisation"] == "Guss Freiberg" and received[0]["message"] is None
    assert "Geheimer Text" not in str(data)
    events = data["events"]
    assert events["registrations"][0]["event"] == "IMPRO 2027"
    assert events["registrations"][0]["ticket_code"] == me.registration.ticket_code_display


def test_deleting_an_account_cancels_future_meetings_withdraws_requests_and_tells_partners():
    event = b2b_event(capacity=3, slots=2, tables=1)
    leaving = participant(event, user=UserFactory(name="Jens Uhlig"), organisation_name="Uhlig")
    partner = participant(event, organisation_name="Laser Zwickau")
    other = participant(event, organisation_name="Guss Freiberg")
    placed = meeting(leaving, partner)
    scheduling.do_schedule(event, time_limit=2)
    pending = MeetingRequest.objects.create(
        event=event, sender=other, recipient=leaving, message="Treffen?"
    )
    waiting = RegistrationFactory(
        event=event, status=Registration.Status.WAITING, waiting_since=timezone.now()
    )
    do_delete_account(leaving.registration.user)
    assert not Meeting.objects.filter(pk=placed.pk).exists()
    placed.request.refresh_from_db()
    pending.refresh_from_db()
    assert placed.request.status == pending.status == MeetingRequest.Status.WITHDRAWN
    leaving.registration.refresh_from_db()
    assert leaving.registration.status == Registration.Status.CANCELLED
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    told = Notification.objects.get(recipient=partner.registration.user)
    assert told.verb == "matchmaking.cancelled"
    assert "Jens Uhlig" not in str(told.title) and "Uhlig" in str(told.title)
    assert not Notification.objects.filter(recipient=other.registration.user).exists()


def test_past_meetings_stay_with_a_former_participant_not_a_ticket_code():
    event = b2b_event(starts_at=timezone.now() - timedelta(days=3))
    leaving = participant(event, user=UserFactory(name="Jens Uhlig"), organisation_name="Uhlig")
    partner = participant(event, organisation_name="Laser Zwickau")
    kept = meeting(leaving, partner)
    code = leaving.registration.ticket_code
    do_delete_account(leaving.registration.user)
    kept.refresh_from_db()
    leaving.registration.refresh_from_db()
    assert leaving.registration.anonymised and leaving.registration.ticket_code != code
    (item,) = scheduling.personal_schedule(partner)
    with translation.override("en"):
        assert item.partner.display_name == "Former participant"
    assert code not in item.partner.display_name


def test_a_cancelled_registration_takes_its_meetings_with_it():
    event = b2b_event()
    a = participant(event, organisation_name="A")
    b = participant(event, organisation_name="B")
    meeting(a, b)
    do_cancel_registration(a.registration, a.registration.user)
    assert not Meeting.objects.exists()
    told = Notification.objects.get(recipient=b.registration.user)
    assert a.display_name in str(told.title)
