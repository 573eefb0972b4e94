"""Factories of the supply network (kept here, not in tests/factories.py, to avoid conflicts)."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from tests.factories import CapabilityFactory, OrganisationFactory, UserFactory
from werkstatt.supply.models import (
    CooperationOffer,
    Demand,
    DemandStep,
    Inquiry,
    InquiryMessage,
    PartnershipType,
)

CHEMNITZ = (50.8357, 12.9292)


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


class DemandFactory(DjangoModelFactory):
    class Meta:
        model = Demand
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Maschinengestell {n}, geschweißt und gefräst")
    description = "Schweißkonstruktion aus S235JR, spannungsarm geglüht, pulverbeschichtet."
    delivery_postcode = "09111"
    delivery_city = "Chemnitz"
    delivery_lat = CHEMNITZ[0]
    delivery_lon = CHEMNITZ[1]
    deadline = factory.LazyFunction(lambda: in_days(60))
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def steps(self, create, extracted, **kwargs):
        """`steps=["fuegen.schweissen", ...]` makes one step per capability key, in order."""
        if create and extracted:
            for order, key in enumerate(extracted, start=1):
                DemandStep.objects.create(
                    demand=self, order=order, capability=CapabilityFactory(key=key), quantity=10
                )


class DemandStepFactory(DjangoModelFactory):
    class Meta:
        model = DemandStep

    demand = factory.SubFactory(DemandFactory)
    order = factory.Sequence(lambda n: n + 1)
    capability = factory.LazyFunction(lambda: CapabilityFactory(key="fuegen.schweissen"))
    quantity = 10


class InquiryFactory(DjangoModelFactory):
    class Meta:
        model = Inquiry
        skip_postgeneration_save = True

    demand = factory.SubFactory(DemandFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    message = "Können Sie bis Ende des Quartals liefern?"

    @factory.post_generation
    def first_message(self, create, extracted, **kwargs):
        if create:
            InquiryMessage.objects.create(
                inquiry=self, side="buyer", text=self.message, status=Inquiry.Status.SENT
            )


class CooperationOfferFactory(DjangoModelFactory):
    class Meta:
        model = CooperationOffer
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    kind = CooperationOffer.Kind.BUSINESS
    direction = CooperationOffer.Direction.OFFER
    partnership_types = "|subcontracting|"
    title = factory.Sequence(lambda n: f"Lohnfertigung Laserschneiden {n}")
    summary = "Wir bieten freie Kapazitäten im Laserschneiden und Abkanten von Blechen."
    expires_on = factory.LazyFunction(lambda: in_days(90))

    @factory.post_generation
    def capabilities(self, create, extracted, **kwargs):
        if create and extracted:
            self.capabilities.set([CapabilityFactory(key=k) for k in extracted])


__all__ = [
    "CooperationOfferFactory",
    "DemandFactory",
    "DemandStepFactory",
    "InquiryFactory",
    "PartnershipType",
    "in_days",
]
