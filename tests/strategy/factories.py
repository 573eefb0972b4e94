"""Factories of the strategy workshop: a running process with a phase that allows everything."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from tests.factories import SpaceFactory, SpaceRoleFactory, UserFactory
from werkstatt.accounts.models import Space, SpaceRole
from werkstatt.strategy.models import (
    ActionField,
    Comment,
    Phase,
    Process,
    Recommendation,
)


def today() -> datetime.date:
    return timezone.localdate()


class ProcessFactory(DjangoModelFactory):
    class Meta:
        model = Process

    space = factory.SubFactory(SpaceFactory, kind=Space.Kind.PROCESS)
    slug = factory.Sequence(lambda n: f"prozess-{n}")
    title = factory.Sequence(lambda n: f"ZukunftsWerkstatt {n}")
    summary = "Die Industrie plant ihre Zukunft gemeinsam."
    start_date = factory.LazyFunction(lambda: today() - datetime.timedelta(days=60))
    end_date = factory.LazyFunction(lambda: today() + datetime.timedelta(days=300))
    status = Process.Status.ACTIVE
    moderation = Process.Moderation.POST
    is_public = True


class PhaseFactory(DjangoModelFactory):
    """By default the running phase, allowing proposals and comments, public."""

    class Meta:
        model = Phase

    process = factory.SubFactory(ProcessFactory)
    name = factory.Sequence(lambda n: f"Phase {n}")
    start_date = factory.LazyFunction(lambda: today() - datetime.timedelta(days=30))
    end_date = factory.LazyFunction(lambda: today() + datetime.timedelta(days=30))
    allows_propose = True
    allows_comment = True
    visibility = Phase.Visibility.PUBLIC


class ActionFieldFactory(DjangoModelFactory):
    class Meta:
        model = ActionField

    process = factory.SubFactory(ProcessFactory)
    name = factory.Sequence(lambda n: f"Handlungsfeld {n}")


class RecommendationFactory(DjangoModelFactory):
    class Meta:
        model = Recommendation

    process = factory.SubFactory(ProcessFactory)
    phase = None
    title = factory.Sequence(lambda n: f"Empfehlung {n}: Fachkräfte in der Region halten")
    text = "Ausbildungsverbünde kleiner Betriebe fördern, damit Fachkräfte in der Region bleiben."
    author = factory.SubFactory(UserFactory)


class CommentFactory(DjangoModelFactory):
    class Meta:
        model = Comment

    recommendation = factory.SubFactory(RecommendationFactory)
    author = factory.SubFactory(UserFactory)
    text = "Das sehen wir im Erzgebirgskreis genauso."


def running_process(**kwargs) -> Process:
    """An active process with a running phase that allows proposing and commenting."""
    phase_kwargs = kwargs.pop("phase", {})
    process = ProcessFactory(**kwargs)
    PhaseFactory(process=process, **phase_kwargs)
    return process


def add_role(user, process: Process, role: str = SpaceRole.Role.MEMBER):
    SpaceRoleFactory(user=user, space=process.space, role=role)
    user.__dict__.pop("_strategy_roles", None)
    return user


def member_of(process: Process, **kwargs):
    return add_role(UserFactory(**kwargs), process)


def moderator_of(process: Process, **kwargs):
    return add_role(UserFactory(**kwargs), process, SpaceRole.Role.MODERATOR)
