"""Who may do what, as django-rules predicates. Roles are per space (see models)."""

from __future__ import annotations

import rules

from .models import Space, SpaceRole


def has_space_role(user, space: Space | None, role: str) -> bool:
    if not user.is_authenticated or space is None:
        return False
    return SpaceRole.objects.filter(user=user, space=space, role=role).exists()


@rules.predicate
def is_superuser(user) -> bool:
    return bool(user.is_authenticated and user.is_superuser)


@rules.predicate
def is_space_moderator(user, space: Space | None) -> bool:
    return has_space_role(user, space, SpaceRole.Role.MODERATOR)


@rules.predicate
def is_space_member(user, space: Space | None) -> bool:
    if not user.is_authenticated or space is None:
        return False
    return SpaceRole.objects.filter(user=user, space=space).exists()


@rules.predicate
def is_network_moderator(user) -> bool:
    """Moderates the network directory (imports member lists, curates organisations)."""
    if not user.is_authenticated:
        return False
    return SpaceRole.objects.filter(
        user=user, space__kind=Space.Kind.NETWORK, role=SpaceRole.Role.MODERATOR
    ).exists()


is_authenticated = rules.is_authenticated

rules.add_perm("accounts.view_profile", is_authenticated)
rules.add_perm("accounts.moderate_space", is_space_moderator | is_superuser)
