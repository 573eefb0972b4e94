"""The supply network's lists, each in a constant number of queries and never showing more
than the viewer may see (services/visibility.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from werkstatt.network.models import Certification

from ..models import (
    Attachment,
    CooperationContact,
    CooperationOffer,
    Demand,
    DemandStep,
    Inquiry,
    InquiryMessage,
)
from .cooperation import active_offers, list_queryset
from .visibility import member_organisation_ids, visible_demands, visible_inquiries


def demand_list_queryset(queryset: QuerySet[Demand]) -> QuerySet[Demand]:
    return queryset.select_related("organisation").prefetch_related(
        Prefetch(
            "steps",
            queryset=DemandStep.objects.select_related("capability").order_by("order", "pk"),
        )
    )


def active_demands(queryset: QuerySet[Demand]) -> QuerySet[Demand]:
    """Open and not expired: the deadline is today or later."""
    return queryset.filter(status=Demand.Status.OPEN, deadline__gte=timezone.localdate())


def open_demands(user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[Demand]:
    """Open demands `user` may see whose deadline has not passed, newest first; `filters` as
    matching.filter_demands takes them."""
    demands = active_demands(visible_demands(user))
    if filters:
        from .matching import filter_demands

        demands = filter_demands(demands, filters)
    return demand_list_queryset(demands).order_by("-created", "-pk")


def own_demands(user: Any) -> QuerySet[Demand]:
    """Demands of the user's organisations, in every status, newest first."""
    org_ids = member_organisation_ids(user)
    if not org_ids:
        return Demand.objects.none()
    return (
        demand_list_queryset(Demand.objects.filter(organisation_id__in=org_ids))
        .annotate(inquiry_count=Count("inquiries"))
        .order_by("-created", "-pk")
    )


def latest_offers(user: Any) -> QuerySet[CooperationOffer]:
    from .visibility import visible_offers

    return list_queryset(active_offers(visible_offers(user))).order_by("-created", "-pk")


def steps_of(demand: Demand) -> list[DemandStep]:
    return list(
        demand.steps.select_related("capability", "material").prefetch_related(
            Prefetch("certifications", queryset=Certification.objects.order_by("code"))
        )
    )


def inquiries_of(demand: Demand, user: Any) -> list[Inquiry]:
    """The inquiries about `demand` that `user` may see (the buyer sees all of them)."""
    inquiries = visible_inquiries(user).filter(demand=demand)
    return list(
        inquiries.select_related("organisation")
        .prefetch_related(Prefetch("steps", queryset=DemandStep.objects.order_by("order")))
        .order_by("consortium", "organisation__name", "pk")
    )


def inquiry_list(user: Any, *, box: str = "", status: str = "") -> QuerySet[Inquiry]:
    """The inquiries of the user's organisations: received, sent or both."""
    inquiries = visible_inquiries(user)
    org_ids = member_organisation_ids(user)
    if box == "incoming":
        inquiries = inquiries.filter(organisation_id__in=org_ids)
    elif box == "outgoing":
        inquiries = inquiries.filter(demand__organisation_id__in=org_ids)
    if status:
        inquiries = inquiries.filter(status=status)
    return inquiries.select_related("organisation", "demand__organisation").order_by(
        "-updated", "-pk"
    )


def inquiry_history(inquiry: Inquiry) -> list[InquiryMessage]:
    return list(
        inquiry.messages.select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .order_by("created", "pk")
    )


def demand_attachments(demand: Demand) -> list[Attachment]:
    """The demand's own drawings (not those of its inquiries' messages)."""
    return list(demand.attachments.filter(message__isnull=True).order_by("created", "pk"))


def consortium_partners(inquiry: Inquiry) -> list[Inquiry]:
    """The other inquiries sent with this one to the same consortium."""
    if inquiry.consortium is None:
        return []
    return list(
        Inquiry.objects.filter(consortium=inquiry.consortium)
        .exclude(pk=inquiry.pk)
        .select_related("organisation")
        .prefetch_related(Prefetch("steps", queryset=DemandStep.objects.order_by("order")))
        .order_by("organisation__name")
    )


def cooperation_contacts(user: Any) -> QuerySet[CooperationContact]:
    """Expressions of interest of the user's organisations, made or received, newest first."""
    if getattr(user, "is_superuser", False):
        return CooperationContact.objects.all().order_by("-updated", "-pk")
    org_ids = member_organisation_ids(user)
    return CooperationContact.objects.filter(
        Q(organisation_id__in=org_ids) | Q(offer__organisation_id__in=org_ids)
    ).order_by("-updated", "-pk")
