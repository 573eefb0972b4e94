"""The stakeholder group a person speaks for: from the kind of their organisation."""

from __future__ import annotations

from typing import Any

from werkstatt.network.models import Organisation, OrganisationMembership

from ..models import StakeholderGroup

Kind = Organisation.Kind
GROUP_OF_KIND: dict[str, str] = {
    Kind.COMPANY: StakeholderGroup.COMPANY,
    Kind.CREATIVE: StakeholderGroup.COMPANY,
    Kind.UNION: StakeholderGroup.UNION,
    Kind.CHAMBER: StakeholderGroup.CHAMBER,
    Kind.ASSOCIATION: StakeholderGroup.ASSOCIATION,
    Kind.NETWORK: StakeholderGroup.ASSOCIATION,
    Kind.RESEARCH: StakeholderGroup.RESEARCH,
    Kind.PUBLIC: StakeholderGroup.PUBLIC,
    Kind.FABLAB: StakeholderGroup.OTHER,
}


def stakeholder_group(user: Any) -> str:
    """The group of the user's active organisation membership (the one they administer
    first, then the oldest); "other" without one."""
    kind = (
        OrganisationMembership.objects.filter(
            user=user, status=OrganisationMembership.Status.ACTIVE
        )
        .order_by("role", "created", "pk")  # "admin" sorts before "member"
        .values_list("organisation__kind", flat=True)
        .first()
    )
    return GROUP_OF_KIND.get(kind or "", StakeholderGroup.OTHER)
