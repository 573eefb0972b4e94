"""Who sees which demands, inquiries and cooperation offers: one queryset per kind.

The rules in supply/rules.py ask these same querysets for single objects, so a list never shows
what the detail page would refuse, and the other way round.

- public: everyone, visitors too;
- members: logged-in people with an active membership in some organisation;
- invited (demands only): the buyer's members, the invited organisations' members and the
  members of organisations that received an inquiry about the demand;
- the owning organisation's active members always; network moderators and superusers see all.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from werkstatt.accounts.rules import is_network_moderator
from werkstatt.network.models import OrganisationMembership

from ..models import CooperationOffer, Demand, Inquiry, Visibility

ACTIVE = OrganisationMembership.Status.ACTIVE
ADMIN = OrganisationMembership.Role.ADMIN


def is_curator(user: Any) -> bool:
    """Network moderators and superusers oversee the whole exchange (abuse, help)."""
    return bool(user.is_authenticated and (user.is_superuser or is_network_moderator(user)))


def member_organisation_ids(user: Any) -> list[int]:
    """Organisations in which `user` has an active membership (any role)."""
    if not user.is_authenticated:
        return []
    return list(
        OrganisationMembership.objects.filter(user=user, status=ACTIVE).values_list(
            "organisation_id", flat=True
        )
    )


def admin_organisation_ids(user: Any) -> list[int]:
    """Organisations for which `user` speaks (active admin)."""
    if not user.is_authenticated:
        return []
    return list(
        OrganisationMembership.objects.filter(user=user, status=ACTIVE, role=ADMIN).values_list(
            "organisation_id", flat=True
        )
    )


def visible_demands(user: Any) -> QuerySet[Demand]:
    """Every demand `user` may see, in any status."""
    demands = Demand.objects.all()
    if is_curator(user):
        return demands
    if not user.is_authenticated:
        return demands.filter(visibility=Visibility.PUBLIC)
    org_ids = member_organisation_ids(user)
    if not org_ids:
        return demands.filter(visibility=Visibility.PUBLIC)
    invited = Demand.invited_organisations.through.objects.filter(
        organisation_id__in=org_ids
    ).values("demand_id")
    inquired = Inquiry.objects.filter(organisation_id__in=org_ids).values("demand_id")
    return demands.filter(
        Q(visibility__in=[Visibility.PUBLIC, Visibility.MEMBERS])
        | Q(organisation_id__in=org_ids)
        | Q(pk__in=invited)
        | Q(pk__in=inquired)
    )


def visible_inquiries(user: Any) -> QuerySet[Inquiry]:
    """Inquiries of the user's organisations, sent or received (superusers see all)."""
    inquiries = Inquiry.objects.all()
    if user.is_authenticated and user.is_superuser:
        return inquiries
    org_ids = member_organisation_ids(user)
    if not org_ids:
        return inquiries.none()
    return inquiries.filter(Q(organisation_id__in=org_ids) | Q(demand__organisation_id__in=org_ids))


def visible_offers(user: Any) -> QuerySet[CooperationOffer]:
    """Cooperation offers and requests `user` may see, in any status."""
    offers = CooperationOffer.objects.all()
    if is_curator(user):
        return offers
    org_ids = member_organisation_ids(user)
    if not org_ids:
        return offers.filter(visibility=Visibility.PUBLIC)
    return offers.filter(
        Q(visibility__in=[Visibility.PUBLIC, Visibility.MEMBERS]) | Q(organisation_id__in=org_ids)
    )
