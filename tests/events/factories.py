"""Factories for events. An event gets its own space, as do_create_event gives it."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from tests.factories import SpaceFactory, SpaceRoleFactory, UserFactory
from werkstatt.accounts.models import Space, SpaceRole
from werkstatt.events.models import Event, Question, Registration, Room, Session, Speaker


class EventSpaceFactory(SpaceFactory):
    kind = Space.Kind.EVENT
    slug = factory.Sequence(lambda n: f"event-space-{n}")


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event

    space = factory.SubFactory(EventSpaceFactory)
    slug = factory.Sequence(lambda n: f"veranstaltung-{n}")
    title = factory.Sequence(lambda n: f"Zulieferkonferenz {n}")
    kind = Event.Kind.CONFERENCE
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=8))
    venue_name = "Internationales Congress Center Dresden"
    venue_address = "Ostra-Ufer 2, 01067 Dresden"
    visibility = Event.Visibility.PUBLIC
    capacity = None


class RoomFactory(DjangoModelFactory):
    class Meta:
        model = Room

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Saal {n}")


class SpeakerFactory(DjangoModelFactory):
    class Meta:
        model = Speaker

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Referentin {n}")
    role = "Geschäftsführerin"


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Vortrag {n}")
    kind = Session.Kind.TALK
    starts_at = factory.LazyAttribute(lambda o: o.event.starts_at + timedelta(hours=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=45))


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = Question

    event = factory.SubFactory(EventFactory)
    text = factory.Sequence(lambda n: f"Frage {n}")
    kind = Question.Kind.TEXT
    required = True


class RegistrationFactory(DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    status = Registration.Status.CONFIRMED
    name = factory.LazyAttribute(lambda o: o.user.name if o.user else "")
    confirmed_at = factory.LazyFunction(timezone.now)


def make_organiser(event: Event, user=None):
    user = user or UserFactory()
    SpaceRoleFactory(user=user, space=event.space, role=SpaceRole.Role.MODERATOR)
    return user
