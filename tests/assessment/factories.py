"""Factories of the assessment: a process in its rating and prioritisation phase."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from tests.factories import OrganisationFactory, OrganisationMembershipFactory, UserFactory
from tests.strategy.factories import (
    PhaseFactory,
    ProcessFactory,
    RecommendationFactory,
    add_role,
)
from werkstatt.assessment.models import Comparison, Rating
from werkstatt.assessment.services.criteria import criteria_of
from werkstatt.network.models import Organisation
from werkstatt.strategy.models import Process


def assessment_process(*, rate: bool = True, prioritise: bool = True, **kwargs) -> Process:
    """An active process whose running phase allows rating and/or prioritising (public)."""
    process = ProcessFactory(**kwargs)
    PhaseFactory(
        process=process,
        name="Passfähigkeit und Priorisierung",
        allows_propose=False,
        allows_comment=True,
        allows_rate=rate,
        allows_prioritise=prioritise,
    )
    criteria_of(process)
    return process


def recommendations(process: Process, n: int, **kwargs) -> list:
    return [RecommendationFactory(process=process, **kwargs) for _ in range(n)]


def participant(process: Process, kind: str = Organisation.Kind.COMPANY, **kwargs):
    """A member of the process who belongs to an organisation of `kind` (None: to none)."""
    user = UserFactory(**kwargs)
    if kind:
        OrganisationMembershipFactory(user=user, organisation=OrganisationFactory(kind=kind))
    return add_role(user, process)


class RatingFactory(DjangoModelFactory):
    class Meta:
        model = Rating

    user = factory.SubFactory(UserFactory)
    recommendation = factory.SubFactory(RecommendationFactory)
    criterion = factory.LazyAttribute(lambda o: criteria_of(o.recommendation.process)[0])
    value = 4


class ComparisonFactory(DjangoModelFactory):
    class Meta:
        model = Comparison

    user = factory.SubFactory(UserFactory)
    process = factory.LazyAttribute(lambda o: o.item_low.process)
    item_low = factory.SubFactory(RecommendationFactory)
    item_high = factory.SubFactory(
        RecommendationFactory, process=factory.SelfAttribute("..item_low.process")
    )
    choice = Comparison.Choice.LOW
