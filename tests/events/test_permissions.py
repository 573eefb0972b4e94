"""The events rows of the permission matrix, asked in a world of their own.

tests/test_permission_matrix.py asks the same rows in the project's shared world; this runs
them without the other apps' worlds, so that a broken world elsewhere does not hide ours.
It also checks that the list filter (visible_events) and the rule (events.view_event) agree.
"""

from __future__ import annotations

import pytest

from tests.events import matrix
from tests.events.factories import EventFactory
from tests.factories import (
    NetworkSpaceFactory,
    OrganisationAdminFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    SpaceRoleFactory,
    SuperuserFactory,
    UserFactory,
)
from tests.matrix import ROLES
from tests.test_permission_matrix import ask, fill
from werkstatt.accounts.models import SpaceRole
from werkstatt.events.models import Event
from werkstatt.events.services.queries import visible_events


@pytest.fixture
def events_world(db):
    org = OrganisationFactory(slug="acme")
    other = OrganisationFactory(slug="andere")
    users = {
        "user": UserFactory(email="user@example.org"),
        "member": UserFactory(email="member@example.org"),
        "admin": UserFactory(email="admin@example.org"),
        "other_admin": UserFactory(email="other-admin@example.org"),
        "moderator": UserFactory(email="moderator@example.org"),
        "superuser": SuperuserFactory(email="root@example.org"),
    }
    OrganisationMembershipFactory(user=users["member"], organisation=org)
    OrganisationAdminFactory(user=users["admin"], organisation=org)
    OrganisationAdminFactory(user=users["other_admin"], organisation=other)
    SpaceRoleFactory(
        user=users["moderator"], space=NetworkSpaceFactory(), role=SpaceRole.Role.MODERATOR
    )
    values: dict = {}
    matrix.world(users, values)
    return users, values


@pytest.mark.parametrize("row", matrix.ROWS, ids=str)
def test_events_row(row, events_world):
    users, values = events_world
    answers = ask(row, users, values)
    expected = row.expected.split()
    diff = [f"{r}: expected {e}, got {a}" for r, e, a in zip(ROLES, expected, answers) if e != a]
    assert not diff, f"{row} {fill(row.kwargs, values)}:\n" + "\n".join(diff)


def test_the_list_filter_agrees_with_the_rule(events_world):
    users, _values = events_world
    EventFactory(visibility=Event.Visibility.MEMBERS)
    EventFactory(visibility=Event.Visibility.INVITATION)
    from django.contrib.auth.models import AnonymousUser

    everyone = [AnonymousUser(), *users.values()]
    for person in everyone:
        listed = set(visible_events(person).values_list("pk", flat=True))
        allowed = {e.pk for e in Event.objects.all() if person.has_perm("events.view_event", e)}
        assert listed == allowed, person
