"""Factories of the B2B matchmaking: an event with matchmaking, slots, profiles, meetings."""

from __future__ import annotations

import datetime

from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import UserFactory
from werkstatt.matchmaking.models import Meeting, MeetingRequest, Profile, Setup, Slot


def b2b_event(*, slots: int = 4, tables: int = 2, **kwargs):
    event = EventFactory(has_matchmaking=True, **kwargs)
    Setup.objects.create(event=event, tables=tables)
    first = event.starts_at + datetime.timedelta(hours=1)
    for i in range(slots):
        Slot.objects.create(
            event=event, starts_at=first + datetime.timedelta(minutes=25 * i), minutes=20
        )
    return event


def participant(event, *, user=None, organisation_name: str = "", **kwargs) -> Profile:
    user = user or UserFactory()
    registration = RegistrationFactory(
        event=event, user=user, organisation_name=organisation_name, name=user.name or "Teilnehmer"
    )
    return Profile.objects.create(registration=registration, event=event, **kwargs)


def meeting(a: Profile, b: Profile, **kwargs) -> Meeting:
    request = MeetingRequest.objects.create(
        event=a.event, sender=a, recipient=b, message="Gespräch", status="accepted"
    )
    return Meeting.objects.create(request=request, event=a.event, **kwargs)
