"""Factories of the implementation monitoring."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from tests.strategy.factories import RecommendationFactory
from werkstatt.monitoring.models import ImplementationConcept, Milestone, Result


class ConceptFactory(DjangoModelFactory):
    class Meta:
        model = ImplementationConcept

    recommendation = factory.SubFactory(RecommendationFactory)
    summary = "Einen Ausbildungsverbund kleiner Metallbetriebe im Erzgebirge aufbauen."
    status = "in_progress"


class ResultFactory(DjangoModelFactory):
    class Meta:
        model = Result

    concept = factory.SubFactory(ConceptFactory)
    title = factory.Sequence(lambda n: f"Ergebnis {n}")


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    concept = factory.SubFactory(ConceptFactory)
    title = factory.Sequence(lambda n: f"Meilenstein {n}")
    due_date = factory.Faker("date_between", start_date="+30d", end_date="+300d")
