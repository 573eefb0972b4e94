"""Who may do what with events. Views, the API and templates all ask these.

Organisers are the moderators of the event's space (SpaceRole moderator); superusers pass every
rule. Visibility:

- public: everyone, also without an account;
- members: people who belong to the network, i.e. an active member of at least one organisation
  in the directory, or anyone holding a role in the event's own space (invited guests,
  organisers). A bare account without an organisation does not see members-only events: the
  account alone proves nothing about belonging to the region's industry;
- invitation only: people with a role in the event's space (organisers invite guests by making
  them members of the space, see services.events.do_invite) and people who already hold a
  registration for it.

`services.queries.visible_events(user)` is the same rule as a queryset filter for lists; a test
checks that both agree.
"""

from __future__ import annotations

import rules

from werkstatt.accounts.models import SpaceRole
from werkstatt.accounts.rules import is_network_moderator, is_superuser
from werkstatt.network.models import OrganisationMembership

from .models import Event, Registration


def _event_of(obj) -> Event | None:
    if obj is None:
        return None
    if isinstance(obj, Event):
        return obj
    return getattr(obj, "event", None)


@rules.predicate
def is_event_organiser(user, obj) -> bool:
    event = _event_of(obj)
    if not user.is_authenticated or event is None:
        return False
    return SpaceRole.objects.filter(
        user=user, space_id=event.space_id, role=SpaceRole.Role.MODERATOR
    ).exists()


def _in_event_space(user, event: Event) -> bool:
    return SpaceRole.objects.filter(user=user, space_id=event.space_id).exists()


def _belongs_to_network(user) -> bool:
    return OrganisationMembership.objects.filter(
        user=user, status=OrganisationMembership.Status.ACTIVE
    ).exists()


@rules.predicate
def can_see_event(user, obj) -> bool:
    event = _event_of(obj)
    if event is None:
        return False
    if event.visibility == Event.Visibility.PUBLIC:
        return True
    if not user.is_authenticated:
        return False
    if user.is_superuser or _in_event_space(user, event):
        return True
    if event.visibility == Event.Visibility.MEMBERS:
        return _belongs_to_network(user)
    return (
        Registration.objects.filter(event=event, user=user)
        .exclude(status=Registration.Status.CANCELLED)
        .exists()
    )


@rules.predicate
def is_registration_owner(user, registration) -> bool:
    return bool(
        user.is_authenticated
        and isinstance(registration, Registration)
        and registration.user_id == user.pk
    )


@rules.predicate
def is_participant(user, event) -> bool:
    """Held a confirmed seat (checked in or not)."""
    if not user.is_authenticated or event is None:
        return False
    return Registration.objects.filter(
        event=event, user=user, status=Registration.Status.CONFIRMED
    ).exists()


@rules.predicate
def is_any_organisation_admin(user) -> bool:
    if not user.is_authenticated:
        return False
    return OrganisationMembership.objects.filter(
        user=user,
        role=OrganisationMembership.Role.ADMIN,
        status=OrganisationMembership.Status.ACTIVE,
    ).exists()


organises = is_event_organiser | is_superuser

rules.add_perm("events.view_event", can_see_event)
# Creating an event: the platform's operator, the network's moderators (project office) and
# the admins of an organisation (who organise in its name). The creator becomes the organiser.
rules.add_perm(
    "events.add_event",
    rules.is_authenticated & (is_superuser | is_network_moderator | is_any_organisation_admin),
)
rules.add_perm("events.change_event", organises)
rules.add_perm("events.manage_registrations", organises)
rules.add_perm("events.register", rules.is_authenticated & can_see_event)
rules.add_perm("events.view_registration", is_registration_owner | organises)
rules.add_perm("events.cancel_registration", is_registration_owner | organises)
rules.add_perm("events.give_feedback", is_participant)
