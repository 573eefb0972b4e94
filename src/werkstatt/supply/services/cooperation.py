"""The cooperation exchange (Kooperationsbörse): offers and requests, and matches between them.

Profiles follow the Enterprise Europe Network: technology or business, offer or request,
the partnership types sought. A match pairs an offer with a request (complementary direction)
of another organisation and says why: the same kind, shared partnership types, capabilities
and sectors, and how similar the German texts are (our own lexical analysis in engines/text.py:
stemming, umlauts, compounds; cosine of BM25-saturated term weights).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from werkstatt.engines.text import index_terms
from werkstatt.network.models import Capability, Organisation, Sector

from ..models import CooperationOffer, PartnershipType, Visibility
from .visibility import visible_offers

OFFER_FIELDS = ("kind", "direction", "title", "summary", "visibility", "expires_on")
# How much each kind of overlap weighs in a match's score (text similarity is 0..1, too).
WEIGHTS = {"kind": 0.15, "partnership": 0.25, "capabilities": 0.3, "sectors": 0.1, "text": 0.2}
MAX_CANDIDATES = 2000
MAX_EXPIRY_DAYS = 3 * 365


def check_offer(data: Mapping[str, Any]) -> None:
    errors: dict[str, Any] = {}
    if data.get("kind") not in CooperationOffer.Kind.values:
        errors["kind"] = _("Please choose technology or business.")
    if data.get("direction") not in CooperationOffer.Direction.values:
        errors["direction"] = _("Please choose offer or request.")
    if not (data.get("title") or "").strip():
        errors["title"] = _("Please give a title.")
    if not (data.get("summary") or "").strip():
        errors["summary"] = _("Please describe what you offer or look for.")
    types = list(data.get("partnership_types") or [])
    if not types:
        errors["partnership_types"] = _("Please choose at least one partnership type.")
    elif any(t not in PartnershipType.values for t in types):
        errors["partnership_types"] = _("Please choose partnership types from the list.")
    if data.get("visibility", Visibility.PUBLIC) not in (Visibility.PUBLIC, Visibility.MEMBERS):
        errors["visibility"] = _("Please choose who may see it.")
    expires = data.get("expires_on")
    today = timezone.localdate()
    if expires is None:
        errors["expires_on"] = _("Please enter an expiry date.")
    elif expires < today:
        errors["expires_on"] = _("The expiry date must not be in the past.")
    elif (expires - today).days > MAX_EXPIRY_DAYS:
        errors["expires_on"] = _("An offer can run for at most three years.")
    if errors:
        raise ValidationError(errors)


def _apply(offer: CooperationOffer, data: Mapping[str, Any]) -> None:
    for name in OFFER_FIELDS:
        if name in data:
            setattr(offer, name, data[name])
    offer.title = offer.title.strip()
    if "partnership_types" in data:
        offer.partnership_types = CooperationOffer.encode_partnership_types(
            list(data["partnership_types"])
        )


@transaction.atomic
def do_create_offer(
    organisation: Organisation, user: Any, data: Mapping[str, Any]
) -> CooperationOffer:
    """Publish an offer or request of `organisation`."""
    check_offer(data)
    offer = CooperationOffer(
        organisation=organisation, created_by=user if user.is_authenticated else None
    )
    _apply(offer, data)
    offer.save()
    offer.capabilities.set(data.get("capabilities") or [])
    offer.sectors.set(data.get("sectors") or [])
    return offer


@transaction.atomic
def do_update_offer(
    offer: CooperationOffer, user: Any, data: Mapping[str, Any]
) -> CooperationOffer:
    """Change an offer; saving a closed one with a future expiry date opens it again."""
    current = {name: getattr(offer, name) for name in OFFER_FIELDS}
    current["partnership_types"] = offer.partnership_type_list
    merged = current | dict(data)
    check_offer(merged)
    _apply(offer, merged)
    offer.status = CooperationOffer.Status.ACTIVE
    offer.save()
    if "capabilities" in data:
        offer.capabilities.set(data["capabilities"] or [])
    if "sectors" in data:
        offer.sectors.set(data["sectors"] or [])
    return offer


@transaction.atomic
def do_close_offer(offer: CooperationOffer, user: Any) -> CooperationOffer:
    """End an offer before its expiry date (found a partner, or no longer wanted)."""
    if offer.status == CooperationOffer.Status.CLOSED:
        raise ValidationError(_("This offer has been closed already."))
    offer.status = CooperationOffer.Status.CLOSED
    offer.save(update_fields=["status", "updated"])
    return offer


# --- lists ------------------------------------------------------------------------------------


def active_offers(queryset: QuerySet[CooperationOffer]) -> QuerySet[CooperationOffer]:
    return queryset.filter(
        status=CooperationOffer.Status.ACTIVE, expires_on__gte=timezone.localdate()
    )


def list_queryset(queryset: QuerySet[CooperationOffer]) -> QuerySet[CooperationOffer]:
    """What an entry of the exchange shows, in a constant number of queries."""
    return queryset.select_related("organisation").prefetch_related(
        Prefetch(
            "capabilities", queryset=Capability.objects.only("id", "key", "name_de", "name_en")
        ),
        Prefetch("sectors", queryset=Sector.objects.only("id", "code", "name_de", "name_en")),
    )


def filter_offers(
    user: Any,
    *,
    q: str = "",
    kind: str = "",
    direction: str = "",
    partnership_type: str = "",
    capability: Capability | None = None,
    include_closed: bool = False,
) -> QuerySet[CooperationOffer]:
    """The exchange as `user` sees it, filtered; active and unexpired ones unless asked."""
    offers = visible_offers(user)
    if not include_closed:
        offers = active_offers(offers)
    if kind:
        offers = offers.filter(kind=kind)
    if direction:
        offers = offers.filter(direction=direction)
    if partnership_type:
        offers = offers.filter(partnership_types__contains=f"|{partnership_type}|")
    if capability is not None:
        prefix = capability.key + "."
        ids = Capability.objects.filter(key=capability.key) | Capability.objects.filter(
            key__startswith=prefix
        )
        offers = offers.filter(capabilities__in=ids).distinct()
    for word in (q or "").split()[:8]:
        offers = offers.filter(Q(title__icontains=word) | Q(summary__icontains=word))
    return list_queryset(offers).order_by("-created", "-pk")


# --- matching ---------------------------------------------------------------------------------


@dataclass
class Match:
    """A suggested partner profile and the reasons, as structured parts for the template."""

    offer: CooperationOffer
    score: float
    reasons: list[dict[str, Any]] = field(default_factory=list)


def _terms(offer: CooperationOffer) -> dict[str, float]:
    return index_terms([(offer.title, 2.0), (offer.summary, 1.0)])


def text_similarity(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Cosine of two term-weight vectors (0 when either is empty)."""
    if not a or not b:
        return 0.0
    dot = sum(w * b[t] for t, w in a.items() if t in b)
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _capability_keys(offer: CooperationOffer) -> set[str]:
    # A capability also stands for its parent group ("fuegen.schweissen.wig" ~ "fuegen.schweissen"),
    # so related processes overlap a little, exact ones more.
    keys: set[str] = set()
    for cap in offer.capabilities.all():
        keys.add(cap.key)
        if "." in cap.key:
            keys.add(cap.key.rsplit(".", 1)[0] + ".*")
    return keys


def match_suggestions(offer: CooperationOffer, user: Any, *, limit: int = 10) -> list[Match]:
    """Profiles of the complementary direction that fit `offer`, best first, with reasons.

    Only active profiles `user` may see, never the offer's own organisation's. A match needs
    at least one shared partnership type, capability or sector, or clearly similar text.
    """
    opposite = (
        CooperationOffer.Direction.REQUEST
        if offer.direction == CooperationOffer.Direction.OFFER
        else CooperationOffer.Direction.OFFER
    )
    candidates: Sequence[CooperationOffer] = list(
        list_queryset(
            active_offers(visible_offers(user))
            .filter(direction=opposite)
            .exclude(organisation_id=offer.organisation_id)
        ).order_by("-created", "-pk")[:MAX_CANDIDATES]
    )
    own_types = set(offer.partnership_type_list)
    own_caps = _capability_keys(offer)
    own_exact_caps = {c.key: c for c in offer.capabilities.all()}
    own_sectors = {s.code: s for s in offer.sectors.all()}
    own_terms = _terms(offer)
    labels = dict(PartnershipType.choices)
    matches: list[Match] = []
    for other in candidates:
        reasons: list[dict[str, Any]] = []
        score = 0.0
        if other.kind == offer.kind:
            score += WEIGHTS["kind"]
            reasons.append({"kind": "same_kind", "label": other.get_kind_display()})
        shared_types = own_types & set(other.partnership_type_list)
        if shared_types:
            score += WEIGHTS["partnership"] * _jaccard(own_types, set(other.partnership_type_list))
            reasons.append(
                {"kind": "partnership", "labels": sorted(str(labels[t]) for t in shared_types)}
            )
        other_caps = _capability_keys(other)
        shared_caps = [own_exact_caps[k].name for k in own_exact_caps if k in other_caps]
        if own_caps & other_caps:
            score += WEIGHTS["capabilities"] * _jaccard(own_caps, other_caps)
            if shared_caps:
                reasons.append({"kind": "capabilities", "labels": sorted(shared_caps)})
        other_sectors = {s.code for s in other.sectors.all()}
        shared_sectors = sorted(own_sectors[c].name for c in own_sectors if c in other_sectors)
        if shared_sectors:
            score += WEIGHTS["sectors"] * _jaccard(set(own_sectors), other_sectors)
            reasons.append({"kind": "sectors", "labels": shared_sectors})
        similarity = text_similarity(own_terms, _terms(other))
        if similarity >= 0.05:
            score += WEIGHTS["text"] * similarity
            reasons.append({"kind": "text", "percent": round(similarity * 100)})
        substantive = shared_types or shared_caps or shared_sectors or similarity >= 0.15
        if substantive:
            matches.append(Match(other, round(score, 4), reasons))
    matches.sort(key=lambda m: (-m.score, -m.offer.pk))
    return matches[:limit]
