"""Organisers' writes: events, rooms, speakers, sessions, questions, invitations.

Each `do_*` makes one change atomically. Permission checks are the caller's (rules.py);
rules that hold whoever asks (an event ends after it starts, a session lies within its event,
a room holds one session at a time, a choice question has options) raise ValidationError with a
message for the user, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from werkstatt.accounts.models import Space, SpaceRole
from werkstatt.engines.text import fold

from ..models import Event, Question, Room, Session, Speaker
from .mail import send
from .registration import fill_free_seats

EVENT_FIELDS = (
    "title",
    "kind",
    "description",
    "starts_at",
    "ends_at",
    "venue_name",
    "venue_address",
    "venue_lat",
    "venue_lon",
    "visibility",
    "organiser",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "retention_days",
    "has_matchmaking",
)
ROOM_FIELDS = ("name", "capacity", "position")
SPEAKER_FIELDS = ("name", "role", "organisation", "organisation_name", "biography")
SESSION_FIELDS = ("title", "kind", "starts_at", "ends_at", "room", "description")
QUESTION_FIELDS = ("text", "help_text", "kind", "options", "required", "position")


def _apply(instance: Any, data: Mapping[str, Any], fields: Iterable[str]) -> None:
    for field in fields:
        if field in data:
            setattr(instance, field, data[field])


def _raise(errors: dict[str, Any]) -> None:
    if errors:
        raise ValidationError({k: [v] for k, v in errors.items()})


# --- events -----------------------------------------------------------------------------------


def check_event(event: Event) -> None:
    errors: dict[str, Any] = {}
    if not (event.title or "").strip():
        errors["title"] = _("Please enter a title.")
    if event.starts_at and event.ends_at and event.ends_at < event.starts_at:
        errors["ends_at"] = _("The event cannot end before it starts.")
    opens, closes = event.registration_opens_at, event.registration_closes_at
    if opens and closes and closes <= opens:
        errors["registration_closes_at"] = _("Registration must close after it opens.")
    elif closes and event.ends_at and closes > event.ends_at:
        errors["registration_closes_at"] = _("Registration cannot close after the event has ended.")
    if (event.venue_lat is None) != (event.venue_lon is None):
        errors["venue_lon"] = _("Enter both latitude and longitude, or neither.")
    if event.venue_lat is not None and not -90 <= event.venue_lat <= 90:
        errors["venue_lat"] = _("The latitude must lie between -90 and 90.")
    if event.venue_lon is not None and not -180 <= event.venue_lon <= 180:
        errors["venue_lon"] = _("The longitude must lie between -180 and 180.")
    if event.capacity is not None and event.capacity < 1:
        errors["capacity"] = _("The capacity must be at least 1, or empty for no limit.")
    _raise(errors)


def venue_position(address: str) -> tuple[float, float] | None:
    """The venue's coordinates from its address with the offline gazetteer: the postcode if
    it is known, else the place ("Ostra-Ufer 2, 01067 Dresden" -> Dresden's 01067)."""
    from werkstatt.network.services.geocoding import geocode

    parts = [part.strip() for part in (address or "").split(",") if part.strip()]
    for part in reversed(parts):  # the place comes last in a German address
        place = geocode(city=part)
        if place is not None:
            return place.lat, place.lon
    return None


def _locate(event: Event, old: Event | None = None) -> None:
    """Fill latitude/longitude from the address unless the organiser gave them: on a new event
    when both are empty, on a changed address when they are still the ones found before."""
    given = event.venue_lat is not None and event.venue_lon is not None
    if given and (
        old is None
        or old.venue_address == event.venue_address
        or (old.venue_lat, old.venue_lon) != (event.venue_lat, event.venue_lon)
    ):
        return  # the organiser's own coordinates (or nothing changed)
    position = venue_position(event.venue_address)
    if position is not None:
        event.venue_lat, event.venue_lon = position
    elif given and old is not None:
        event.venue_lat = event.venue_lon = None  # the old place's position no longer holds


# Path segments of events/urls.py that an event's slug must not shadow.
RESERVED_SLUGS = {"meine", "neu", "anmeldung"}


def unique_event_slug(title: str) -> str:
    base = slugify(fold(title))[:70] or "veranstaltung"
    if base in RESERVED_SLUGS:
        base = f"{base}-veranstaltung"
    taken = set(Event.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    taken |= {
        s.removeprefix("event-")
        for s in Space.objects.filter(slug__startswith="event-" + base).values_list(
            "slug", flat=True
        )
    }
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def do_create_event(user: Any, data: Mapping[str, Any]) -> Event:
    """Create an event with its own space; `user` becomes its organiser (space moderator)."""
    event = Event()
    _apply(event, data, EVENT_FIELDS)
    check_event(event)
    _locate(event)
    event.slug = unique_event_slug(event.title)
    event.space = Space.objects.create(
        kind=Space.Kind.EVENT, slug=f"event-{event.slug}", name=event.title[:200]
    )
    event.created_by = user if getattr(user, "is_authenticated", False) else None
    event.save()
    if event.created_by is not None:
        SpaceRole.objects.create(user=user, space=event.space, role=SpaceRole.Role.MODERATOR)
    return event


@transaction.atomic
def do_update_event(event: Event, data: Mapping[str, Any]) -> Event:
    """Save changes; more seats move people up from the waiting list at once."""
    locked = Event.objects.select_for_update().get(pk=event.pk)
    old = Event.objects.get(pk=event.pk)
    _apply(locked, data, EVENT_FIELDS)
    check_event(locked)
    _locate(locked, old)
    sessions_outside = locked.sessions.exclude(
        starts_at__gte=locked.starts_at, ends_at__lte=locked.ends_at
    ).exists()
    if sessions_outside:
        raise ValidationError(
            {"starts_at": [_("Some sessions of the agenda would lie outside the event's time.")]}
        )
    locked.save()
    if locked.space.name != locked.title[:200]:
        Space.objects.filter(pk=locked.space_id).update(name=locked.title[:200])
    fill_free_seats(locked)
    event.refresh_from_db()
    return event


# --- rooms and speakers --------------------------------------------------------------------------


def _check_room(room: Room) -> None:
    name = (room.name or "").strip()
    if not name:
        _raise({"name": _("Please enter the room's name.")})
    clash = Room.objects.filter(event_id=room.event_id, name__iexact=name).exclude(pk=room.pk)
    if clash.exists():
        _raise({"name": _("This event has a room of this name already.")})
    room.name = name


@transaction.atomic
def do_save_room(event: Event, data: Mapping[str, Any], room: Room | None = None) -> Room:
    room = room or Room(event=event)
    _apply(room, data, ROOM_FIELDS)
    _check_room(room)
    room.save()
    return room


@transaction.atomic
def do_save_speaker(
    event: Event, data: Mapping[str, Any], speaker: Speaker | None = None
) -> Speaker:
    speaker = speaker or Speaker(event=event)
    _apply(speaker, data, SPEAKER_FIELDS)
    speaker.name = (speaker.name or "").strip()
    if not speaker.name:
        _raise({"name": _("Please enter the speaker's name.")})
    speaker.save()
    return speaker


# --- sessions ------------------------------------------------------------------------------------


def check_session(session: Session, speakers: Iterable[Speaker] = ()) -> None:
    event = session.event
    errors: dict[str, Any] = {}
    if not (session.title or "").strip():
        errors["title"] = _("Please enter a title.")
    if session.starts_at and session.ends_at:
        if session.ends_at <= session.starts_at:
            errors["ends_at"] = _("A session must end after it starts.")
        elif session.starts_at < event.starts_at or session.ends_at > event.ends_at:
            errors["starts_at"] = _("A session must lie within the event's time.")
        elif session.room_id is not None:
            clash = (
                Session.objects.filter(
                    room_id=session.room_id,
                    starts_at__lt=session.ends_at,
                    ends_at__gt=session.starts_at,
                )
                .exclude(pk=session.pk)
                .first()
            )
            if clash is not None:
                errors["room"] = _("The room is taken at this time by “%(title)s”.") % {
                    "title": clash.title
                }
    if session.room_id is not None and session.room.event_id != event.pk:
        errors["room"] = _("This room belongs to another event.")
    if any(s.event_id != event.pk for s in speakers):
        errors["speakers"] = _("A speaker belongs to another event.")
    _raise(errors)


@transaction.atomic
def do_save_session(
    event: Event, data: Mapping[str, Any], session: Session | None = None
) -> Session:
    session = session or Session(event=event)
    _apply(session, data, SESSION_FIELDS)
    speakers = list(data.get("speakers", session.speakers.all() if session.pk else []))
    check_session(session, speakers)
    session.save()
    session.speakers.set(speakers)
    return session


# --- questions -----------------------------------------------------------------------------------


def clean_options(raw: Any) -> list[str]:
    """Options from a list, or from text with one option per line; stripped, no duplicates."""
    items = raw.splitlines() if isinstance(raw, str) else list(raw or [])
    options: list[str] = []
    for item in items:
        text = str(item).strip()
        if text and text not in options:
            options.append(text[:200])
    return options


@transaction.atomic
def do_save_question(
    event: Event, data: Mapping[str, Any], question: Question | None = None
) -> Question:
    question = question or Question(event=event)
    _apply(question, data, QUESTION_FIELDS)
    question.text = (question.text or "").strip()
    question.options = clean_options(question.options)
    errors: dict[str, Any] = {}
    if not question.text:
        errors["text"] = _("Please enter the question.")
    if question.kind == Question.Kind.CHOICE and len(question.options) < 2:
        errors["options"] = _("A choice question needs at least two options, one per line.")
    if question.kind != Question.Kind.CHOICE:
        question.options = []
    _raise(errors)
    question.save()
    return question


@transaction.atomic
def do_delete(obj: Room | Speaker | Session | Question) -> None:
    """Delete an agenda item or question (answers to a question go with it)."""
    obj.delete()


# --- invitations ---------------------------------------------------------------------------------


@transaction.atomic
def do_invite(event: Event, emails: Iterable[str]) -> list[Any]:
    """Invite people with an account: they become members of the event's space (and so see an
    event visible by invitation only) and get an e-mail. Returns those newly invited.

    Nothing is written if an address is unknown: the organiser corrects the list first.
    """
    wanted = []
    for email in emails:
        email = email.strip().lower()
        if email and email not in wanted:
            wanted.append(email)
    if not wanted:
        raise ValidationError({"emails": [_("Please enter at least one e-mail address.")]})
    users = {u.email.lower(): u for u in get_user_model().objects.filter(email__in=wanted)}
    unknown = [e for e in wanted if e not in users]
    if unknown:
        raise ValidationError(
            {
                "emails": [
                    _("There is no account with these addresses: %(emails)s")
                    % {"emails": ", ".join(unknown)}
                ]
            }
        )
    invited = []
    for email in wanted:
        user = users[email]
        _role, created = SpaceRole.objects.get_or_create(
            user=user, space=event.space, role=SpaceRole.Role.MEMBER
        )
        if created:
            invited.append(user)
            transaction.on_commit(lambda user=user: send("invited", event, user))
    return invited


@transaction.atomic
def do_remove_guest(event: Event, user: Any) -> None:
    SpaceRole.objects.filter(user=user, space=event.space, role=SpaceRole.Role.MEMBER).delete()


def guests(event: Event):
    return (
        get_user_model()
        .objects.filter(space_roles__space=event.space, space_roles__role=SpaceRole.Role.MEMBER)
        .order_by("name", "email")
    )
