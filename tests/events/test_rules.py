"""The rules, one by one, where the matrix does not reach: edges of membership and invitation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.events.factories import EventFactory, RegistrationFactory, make_organiser
from tests.factories import (
    OrganisationAdminFactory,
    OrganisationMembershipFactory,
    SpaceRoleFactory,
    SuperuserFactory,
    UserFactory,
    make_network_moderator,
)
from werkstatt.events.models import Event, Registration
from werkstatt.events.services.events import check_event, do_create_event, unique_event_slug
from werkstatt.network.models import OrganisationMembership

pytestmark = pytest.mark.django_db


def test_members_only_needs_an_active_membership():
    event = EventFactory(visibility=Event.Visibility.MEMBERS)
    asking = UserFactory()
    OrganisationMembershipFactory(user=asking, status=OrganisationMembership.Status.REQUESTED)
    assert not asking.has_perm("events.view_event", event)
    assert not AnonymousUser().has_perm("events.view_event", event)
    active = UserFactory()
    OrganisationMembershipFactory(user=active)
    assert active.has_perm("events.view_event", event)
    assert active.has_perm("events.register", event)
    assert not active.has_perm("events.change_event", event)


def test_invitation_only_is_seen_by_guests_organisers_and_those_registered():
    event = EventFactory(visibility=Event.Visibility.INVITATION)
    stranger, guest, registered = UserFactory(), UserFactory(), UserFactory()
    OrganisationMembershipFactory(user=stranger)
    SpaceRoleFactory(user=guest, space=event.space)
    RegistrationFactory(event=event, user=registered)
    organiser = make_organiser(event)
    assert not stranger.has_perm("events.view_event", event)
    assert guest.has_perm("events.view_event", event)
    assert registered.has_perm("events.view_event", event)
    assert organiser.has_perm("events.change_event", event)
    assert organiser.has_perm("events.manage_registrations", event)
    # A cancelled registration is no longer a way in.
    Registration.objects.filter(user=registered).update(status=Registration.Status.CANCELLED)
    assert not registered.has_perm("events.view_event", event)


def test_organisers_of_one_event_do_not_organise_another():
    event, other = EventFactory(), EventFactory()
    organiser = make_organiser(event)
    assert not organiser.has_perm("events.change_event", other)
    registration = RegistrationFactory(event=other)
    assert not organiser.has_perm("events.view_registration", registration)
    assert make_organiser(other).has_perm("events.cancel_registration", registration)


def test_who_may_create_events():
    assert SuperuserFactory().has_perm("events.add_event")
    assert make_network_moderator().has_perm("events.add_event")
    assert OrganisationAdminFactory().user.has_perm("events.add_event")
    member = UserFactory()
    OrganisationMembershipFactory(user=member)
    assert not member.has_perm("events.add_event")
    assert not AnonymousUser().has_perm("events.add_event")


def test_feedback_only_from_people_who_held_a_seat():
    event = EventFactory(starts_at=timezone.now() - timedelta(days=1))
    seat = RegistrationFactory(event=event)
    waited = RegistrationFactory(event=event, status=Registration.Status.WAITING)
    assert seat.user.has_perm("events.give_feedback", event)
    assert not waited.user.has_perm("events.give_feedback", event)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"registration_closes_at": "before_open"}, "registration_closes_at"),
        ({"registration_closes_at": "after_end"}, "registration_closes_at"),
        ({"venue_lat": 95.0, "venue_lon": 13.7}, "venue_lat"),
        ({"capacity": 0}, "capacity"),
    ],
)
def test_event_rules(changes, field):
    event = EventFactory.build(registration_opens_at=timezone.now())
    for key, value in changes.items():
        if value == "before_open":
            value = event.registration_opens_at - timedelta(hours=1)
        elif value == "after_end":
            value = event.ends_at + timedelta(hours=1)
        setattr(event, key, value)
    with pytest.raises(ValidationError) as info:
        check_event(event)
    assert field in info.value.message_dict


def test_slugs_avoid_the_app_s_own_paths_and_taken_ones():
    user = UserFactory()
    start = timezone.now() + timedelta(days=3)
    data = {"title": "Neu", "kind": "workshop", "starts_at": start, "ends_at": start}
    assert do_create_event(user, data).slug == "neu-veranstaltung"
    assert do_create_event(user, data).slug == "neu-veranstaltung-2"
    assert unique_event_slug("Meine") == "meine-veranstaltung"
