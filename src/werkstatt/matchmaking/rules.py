"""Who may do what in the B2B matchmaking. Organisers are the event's organisers (events.rules);
participants are people with a confirmed registration of an event that has matchmaking."""

from __future__ import annotations

from typing import Any

import rules

from werkstatt.accounts.rules import is_superuser
from werkstatt.events.models import Event, Registration
from werkstatt.events.rules import can_see_event, is_event_organiser

from .models import Meeting, MeetingRequest, Profile


def event_of(obj: Any) -> Event | None:
    if obj is None:
        return None
    if isinstance(obj, Event):
        return obj
    return getattr(obj, "event", None)


def registration_of(user: Any, event: Event | None) -> Registration | None:
    """The user's confirmed registration of `event` (cached on the user for the request)."""
    if event is None or not user.is_authenticated:
        return None
    cache = user.__dict__.setdefault("_b2b_registrations", {})
    if event.pk not in cache:
        cache[event.pk] = Registration.objects.filter(
            event=event, user=user, status=Registration.Status.CONFIRMED
        ).first()
    return cache[event.pk]


@rules.predicate
def has_matchmaking(user: Any, obj: Any) -> bool:
    event = event_of(obj)
    return bool(event and event.has_matchmaking)


@rules.predicate
def takes_part(user: Any, obj: Any) -> bool:
    return registration_of(user, event_of(obj)) is not None


@rules.predicate
def organises(user: Any, obj: Any) -> bool:
    return bool(is_superuser(user) or is_event_organiser(user, event_of(obj)))


@rules.predicate
def sees_profile(user: Any, profile: Profile | None) -> bool:
    if profile is None:
        return False
    own = profile.registration.user_id == getattr(user, "pk", None)
    return own or (profile.is_visible and takes_part(user, profile.event))


@rules.predicate
def is_request_party(user: Any, request: MeetingRequest | None) -> bool:
    if request is None or not user.is_authenticated:
        return False
    return user.pk in (request.sender.registration.user_id, request.recipient.registration.user_id)


@rules.predicate
def is_recipient(user: Any, request: MeetingRequest | None) -> bool:
    return bool(
        request is not None
        and user.is_authenticated
        and request.recipient.registration.user_id == user.pk
    )


@rules.predicate
def is_sender(user: Any, request: MeetingRequest | None) -> bool:
    return bool(
        request is not None
        and user.is_authenticated
        and request.sender.registration.user_id == user.pk
    )


@rules.predicate
def meeting_party(user: Any, meeting: Meeting | None) -> bool:
    return meeting is not None and is_request_party(user, meeting.request)


rules.add_perm("matchmaking.view", has_matchmaking & can_see_event)
rules.add_perm("matchmaking.take_part", has_matchmaking & takes_part)
rules.add_perm("matchmaking.organise", has_matchmaking & organises)
rules.add_perm("matchmaking.view_profile", sees_profile | organises)
rules.add_perm("matchmaking.answer_request", is_recipient)
rules.add_perm("matchmaking.withdraw_request", is_sender)
rules.add_perm("matchmaking.view_request", is_request_party | organises)
rules.add_perm("matchmaking.lock_meeting", organises)
