"""Shared factory_boy factories. Add yours with small edits; keep them minimal and valid.

Reference data (regions, sectors, capabilities, certifications, materials) is loaded by a
migration, so its factories use get-or-create on the natural key: asking for
`CapabilityFactory(key="trennen.spanen.fraesen")` returns the loaded row if it exists.
"""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from werkstatt.accounts.models import Space, SpaceRole
from werkstatt.network.models import (
    Capability,
    Certification,
    ContactPerson,
    Material,
    Organisation,
    OrganisationMembership,
    Region,
    Sector,
    Site,
)

PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Sequence(lambda n: f"Person {n}")
    is_active = True
    password = factory.django.Password(PASSWORD)


class SuperuserFactory(UserFactory):
    is_staff = True
    is_superuser = True


class SpaceFactory(DjangoModelFactory):
    class Meta:
        model = Space
        django_get_or_create = ("slug",)

    kind = Space.Kind.PROCESS
    slug = factory.Sequence(lambda n: f"space-{n}")
    name = factory.Sequence(lambda n: f"Space {n}")


class NetworkSpaceFactory(SpaceFactory):
    """The directory's space (the reference-data migration creates it; this finds it)."""

    kind = Space.Kind.NETWORK
    slug = "netzwerk"
    name = "Netzwerk"


class SpaceRoleFactory(DjangoModelFactory):
    class Meta:
        model = SpaceRole

    user = factory.SubFactory(UserFactory)
    space = factory.SubFactory(SpaceFactory)
    role = SpaceRole.Role.MEMBER


def make_network_moderator(**user_kwargs) -> object:
    """A user who moderates the network directory."""
    user = UserFactory(**user_kwargs)
    SpaceRoleFactory(user=user, space=NetworkSpaceFactory(), role=SpaceRole.Role.MODERATOR)
    return user


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"99{n:04d}")
    slug = factory.Sequence(lambda n: f"region-{n}")
    name_de = factory.Sequence(lambda n: f"Landkreis {n}")
    kind = Region.Kind.DISTRICT


class SectorFactory(DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"Z{n:04d}")
    name_de = factory.Sequence(lambda n: f"Branche {n}")


class CapabilityFactory(DjangoModelFactory):
    class Meta:
        model = Capability
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"test.capability{n}")
    name_de = factory.Sequence(lambda n: f"Verfahren {n}")
    depth = factory.LazyAttribute(lambda o: o.key.count("."))


class CertificationFactory(DjangoModelFactory):
    class Meta:
        model = Certification
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TEST {n}")
    name_de = factory.LazyAttribute(lambda o: o.code)


class MaterialFactory(DjangoModelFactory):
    class Meta:
        model = Material
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"material-{n}")
    name_de = factory.Sequence(lambda n: f"Werkstoff {n}")


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Muster Metallbau {n} GmbH")
    slug = factory.Sequence(lambda n: f"muster-metallbau-{n}")
    kind = Organisation.Kind.COMPANY
    size = Organisation.Size.SMALL
    description = "Blechbearbeitung, Laserschneiden und Pulverbeschichten in Sachsen."
    is_public = True

    @factory.post_generation
    def capabilities(self, create, extracted, **kwargs):
        if create and extracted:
            self.capabilities.set(extracted)

    @factory.post_generation
    def certifications(self, create, extracted, **kwargs):
        if create and extracted:
            self.certifications.set(extracted)

    @factory.post_generation
    def materials(self, create, extracted, **kwargs):
        if create and extracted:
            self.materials.set(extracted)

    @factory.post_generation
    def sectors(self, create, extracted, **kwargs):
        if create and extracted:
            self.sectors.set(extracted)


class SiteFactory(DjangoModelFactory):
    class Meta:
        model = Site

    organisation = factory.SubFactory(OrganisationFactory)
    street = factory.Sequence(lambda n: f"Industriestraße {n + 1}")
    postcode = "09111"
    city = "Chemnitz"
    lat = 50.8357
    lon = 12.9292
    is_headquarters = True


class ContactPersonFactory(DjangoModelFactory):
    class Meta:
        model = ContactPerson

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Kontakt {n}")
    function = "Vertrieb"
    email = factory.Sequence(lambda n: f"kontakt{n}@example.org")
    is_public = True


class OrganisationMembershipFactory(DjangoModelFactory):
    class Meta:
        model = OrganisationMembership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = OrganisationMembership.Role.MEMBER
    status = OrganisationMembership.Status.ACTIVE


class OrganisationAdminFactory(OrganisationMembershipFactory):
    role = OrganisationMembership.Role.ADMIN


class JobFactory(DjangoModelFactory):
    """A queued background job (nothing runs it: create it, don't enqueue it)."""

    class Meta:
        model = "jobs.Job"

    kind = "jobs.check"
    title = factory.Sequence(lambda n: f"Job {n}")
    payload = factory.LazyFunction(dict)
    created_by = factory.SubFactory(UserFactory)
