"""Factories of the opinion maps (and the minimal strategy process/phase they live in)."""

from __future__ import annotations

import datetime

import factory
from factory.django import DjangoModelFactory

from tests.factories import SpaceFactory, SpaceRoleFactory, UserFactory
from werkstatt.accounts.models import Space, SpaceRole
from werkstatt.opinions.models import Conversation, Participant, Statement, Vote
from werkstatt.strategy.models import Phase, Process


class ProcessFactory(DjangoModelFactory):
    class Meta:
        model = Process

    space = factory.SubFactory(SpaceFactory, kind=Space.Kind.PROCESS)
    slug = factory.Sequence(lambda n: f"prozess-{n}")
    title = factory.Sequence(lambda n: f"ZukunftsWerkstatt {n}")
    start_date = datetime.date(2025, 1, 1)
    status = Process.Status.ACTIVE
    is_public = True


class PhaseFactory(DjangoModelFactory):
    class Meta:
        model = Phase

    process = factory.SubFactory(ProcessFactory)
    name = factory.Sequence(lambda n: f"Kontroverse Thesen {n}")
    start_date = datetime.date(2025, 1, 1)
    end_date = datetime.date(2030, 12, 31)
    visibility = Phase.Visibility.PUBLIC


class ConversationFactory(DjangoModelFactory):
    class Meta:
        model = Conversation

    phase = factory.SubFactory(PhaseFactory)
    slug = factory.Sequence(lambda n: f"thesen-{n}")
    title = factory.Sequence(lambda n: f"Thesen zur Industriepolitik {n}")
    question = "Wie soll Sachsens Industriepolitik aussehen?"
    is_open = True
    allow_statements = True
    moderate_statements = True


class StatementFactory(DjangoModelFactory):
    class Meta:
        model = Statement

    conversation = factory.SubFactory(ConversationFactory)
    number = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"These Nummer {n} zur Industrie in Sachsen.")
    status = Statement.Status.ACCEPTED
    is_seed = True


class ParticipantFactory(DjangoModelFactory):
    class Meta:
        model = Participant

    conversation = factory.SubFactory(ConversationFactory)
    user = factory.SubFactory(UserFactory)


class VoteFactory(DjangoModelFactory):
    class Meta:
        model = Vote

    participant = factory.SubFactory(ParticipantFactory)
    statement = factory.SubFactory(StatementFactory)
    value = 1


def member_of(process: Process, user=None, role: str = SpaceRole.Role.MEMBER):
    """A user with `role` in the process's space."""
    user = user or UserFactory()
    SpaceRoleFactory(user=user, space=process.space, role=role)
    return user


def moderator_of(process: Process, user=None):
    return member_of(process, user, SpaceRole.Role.MODERATOR)
