"""The cooperation exchange (Kooperationsbörse): offers and requests, and matches between them.

Profiles follow the Enterprise Europe Network: technology or business, offer or request,
the partnership types sought. A match pairs an offer with a request (complementary direction)
of another organisation when they really overlap (the same or a related capability, a sector,
or clearly similar texts; see match_suggestions) and says why: the capabilities, the sectors,
the words both texts use (our own lexical analysis in engines/text.py: stemming, umlauts,
compounds; cosine of BM25-saturated term weights), the shared partnership types.
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
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from werkstatt.engines.supplier_ranking import text_terms
from werkstatt.engines.text import index_terms
from werkstatt.network.models import Capability, Organisation, Sector

from ..models import (
    CooperationContact,
    CooperationMessage,
    CooperationOffer,
    PartnershipType,
    Visibility,
)
from .notifying import organisation_admins, tell
from .visibility import visible_offers

OFFER_FIELDS = ("kind", "direction", "title", "summary", "visibility", "expires_on")
# How much each kind of overlap weighs in a match's score (text similarity is 0..1, too).
WEIGHTS = {"kind": 0.15, "partnership": 0.25, "capabilities": 0.3, "sectors": 0.1, "text": 0.2}
MAX_CANDIDATES = 2000
# Text similarity (cosine, 0..1): shown as a reason from TEXT_SHOWN; a match on its own from
# TEXT_ALONE; against capabilities that have nothing in common only from
# TEXT_DESPITE_CAPABILITIES (two texts about milling and powder coating share "Kleinserien",
# "Stahl", "regional": that is no reason to meet).
TEXT_SHOWN = 0.15
TEXT_ALONE = 0.3
TEXT_DESPITE_CAPABILITIES = 0.5
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


def related(a: str, b: str) -> bool:
    """Whether two capability keys are the same process or one lies above the other
    ("fuegen.schweissen" and "fuegen.schweissen.wig"); siblings (milling and turning) are not."""
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def _shared_words(
    own: Mapping[str, float], other: Mapping[str, float], words: Mapping[str, str]
) -> list[str]:
    """The description words both texts share, the most telling first (at most five)."""
    shared = sorted((t for t in own if t in other), key=lambda t: -own[t] * other[t])
    return [words[t] for t in shared if t in words][:5]


def match_suggestions(offer: CooperationOffer, user: Any, *, limit: int = 10) -> list[Match]:
    """Profiles of the complementary direction that fit `offer`, best first, with reasons.

    Only active profiles `user` may see, never the offer's own organisation's. A match needs a
    real overlap: a shared or related capability (the same process, or one above the other),
    or, if one of the two names no capabilities, a shared sector; or clearly similar texts
    (TEXT_ALONE), and when both name capabilities that have nothing to do with each other,
    very similar texts (TEXT_DESPITE_CAPABILITIES). The same kind and shared partnership types
    add to the score but never make a match on their own: nearly every business offer is for
    subcontracting.
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
    own_caps = {c.key: c for c in offer.capabilities.all()}
    own_sectors = {s.code: s for s in offer.sectors.all()}
    own_terms = _terms(offer)
    own_words = text_terms(f"{offer.title}\n{offer.summary}")
    labels = dict(PartnershipType.choices)
    matches: list[Match] = []
    for other in candidates:
        other_caps = {c.key: c for c in other.capabilities.all()}
        exact = sorted(own_caps[k].name for k in own_caps if k in other_caps)
        near = sorted(
            (own_caps[a].name, other_caps[b].name)
            for a in own_caps
            for b in other_caps
            if a != b and related(a, b)
        )
        both_named = bool(own_caps and other_caps)
        unrelated_caps = both_named and not exact and not near
        other_sectors = {s.code for s in other.sectors.all()}
        sectors = sorted(own_sectors[c].name for c in own_sectors if c in other_sectors)
        similarity = text_similarity(own_terms, _terms(other))
        text_needed = TEXT_DESPITE_CAPABILITIES if unrelated_caps else TEXT_ALONE
        if not (exact or near or (sectors and not both_named) or similarity >= text_needed):
            continue
        reasons: list[dict[str, Any]] = []
        score = 0.0
        if exact or near:
            overlap = len(exact) + 0.5 * len(near)
            score += WEIGHTS["capabilities"] * min(1.0, overlap / max(len(own_caps), 1))
        if exact:
            reasons.append({"kind": "capabilities", "labels": exact})
        if near:
            reasons.append(
                {"kind": "related_capabilities", "pairs": [list(pair) for pair in near[:3]]}
            )
        if sectors:
            score += WEIGHTS["sectors"] * _jaccard(set(own_sectors), other_sectors)
            reasons.append({"kind": "sectors", "labels": sectors})
        if similarity >= TEXT_SHOWN:
            score += WEIGHTS["text"] * similarity
            words = _shared_words(own_terms, _terms(other), own_words)
            reasons.append(
                {"kind": "shared_words", "terms": words, "percent": round(similarity * 100)}
                if words
                else {"kind": "text", "percent": round(similarity * 100)}
            )
        shared_types = own_types & set(other.partnership_type_list)
        if shared_types:
            score += WEIGHTS["partnership"] * _jaccard(own_types, set(other.partnership_type_list))
            reasons.append(
                {"kind": "partnership", "labels": sorted(str(labels[t]) for t in shared_types)}
            )
        if other.kind == offer.kind:
            score += WEIGHTS["kind"]
        matches.append(Match(other, round(score, 4), reasons))
    matches.sort(key=lambda m: (-m.score, -m.offer.pk))
    return matches[:limit]


# --- expressions of interest -------------------------------------------------------------------


def _check_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"message": _("Please write a message.")})
    if len(text) > 5000:
        raise ValidationError({"message": _("The message is too long (at most 5,000 characters).")})
    return text


@transaction.atomic
def do_express_interest(
    offer: CooperationOffer, user: Any, organisation: Organisation, message: str
) -> CooperationContact:
    """`organisation` tells the profile's organisation it is interested, with a message; a
    second time adds the message to the same conversation. The profile's admins are told."""
    text = _check_text(message)
    if not offer.is_active:
        raise ValidationError(_("This profile is closed or expired: no interest can be expressed."))
    if organisation.pk == offer.organisation_id:
        raise ValidationError(_("This is your own organisation's profile."))
    contact, _created = CooperationContact.objects.get_or_create(
        offer=offer, organisation=organisation, defaults={"created_by": _author(user)}
    )
    CooperationMessage.objects.create(
        contact=contact, side=CooperationMessage.Side.INTERESTED, author=_author(user), text=text
    )
    contact.save(update_fields=["updated"])
    tell(
        organisation_admins(offer.organisation),
        verb="supply.cooperation_interest",
        title=format_lazy(
            _("{organisation} is interested in “{title}”"),
            organisation=organisation.name,
            title=offer.title,
        ),
        url=contact.get_absolute_url(),
        actor=user,
        target=contact,
        body=text,
    )
    return contact


def side_for(contact: CooperationContact, user: Any) -> str:
    """The side `user` writes for in the conversation: the interested organisation's admins
    write for it, everyone else allowed to reply (the profile's admins) for the profile's."""
    from werkstatt.network.rules import is_organisation_admin

    if is_organisation_admin(user, contact.organisation):
        return CooperationMessage.Side.INTERESTED
    return CooperationMessage.Side.POSTER


@transaction.atomic
def do_reply(contact: CooperationContact, user: Any, side: str, message: str) -> CooperationMessage:
    """A message in the conversation of an expression of interest, from `side` (the caller
    checked that the user speaks for it); the other side's admins are told."""
    text = _check_text(message)
    if side not in CooperationMessage.Side.values:
        raise ValidationError(_("Unknown action."))
    entry = CooperationMessage.objects.create(
        contact=contact, side=side, author=_author(user), text=text
    )
    contact.save(update_fields=["updated"])
    if side == CooperationMessage.Side.INTERESTED:
        recipients, by = organisation_admins(contact.offer.organisation), contact.organisation
    else:
        recipients, by = organisation_admins(contact.organisation), contact.offer.organisation
    tell(
        recipients,
        verb="supply.cooperation_reply",
        title=format_lazy(
            _("{organisation} answers about “{title}”"),
            organisation=by.name,
            title=contact.offer.title,
        ),
        url=contact.get_absolute_url(),
        actor=user,
        target=contact,
        body=text,
    )
    return entry


def _author(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def contacts_of(offer: CooperationOffer, user: Any) -> list[CooperationContact]:
    """The expressions of interest in `offer` that `user` may see: all for the profile's
    members, their own organisations' for the others."""
    from .visibility import member_organisation_ids

    contacts = offer.contacts.select_related("organisation").order_by("-updated", "-pk")
    if getattr(user, "is_superuser", False):
        return list(contacts)
    org_ids = member_organisation_ids(user)
    if offer.organisation_id in org_ids:
        return list(contacts)
    return list(contacts.filter(organisation_id__in=org_ids))
