"""A person's own data in the supply network (accounts' DSGVO download, see
accounts.services._privacy_modules).

Demands, inquiries and cooperation profiles are the organisations' business correspondence:
a deleted account leaves them standing without the person (every link to the user is
SET_NULL), as a letter stays in the files when its writer leaves the firm. The download holds
what the person posted, sent and wrote themselves; other people appear only by organisation.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from ..models import (
    Attachment,
    CooperationContact,
    CooperationMessage,
    CooperationOffer,
    Demand,
    Inquiry,
    InquiryMessage,
)

#: What this part of the DSGVO download holds (listed on the profile page).
DESCRIPTION = _(
    "The demands, inquiries, cooperation profiles and messages you wrote in the supply network, "
    "and the files you uploaded"
)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def user_data(user: Any) -> dict[str, Any]:
    """What `user` posted, sent, wrote and uploaded."""
    demands = (
        Demand.objects.filter(created_by=user)
        .select_related("organisation")
        .prefetch_related("steps__capability", "steps__material")
        .order_by("created", "pk")
    )
    inquiries = (
        Inquiry.objects.filter(created_by=user)
        .select_related("demand", "organisation")
        .order_by("created", "pk")
    )
    messages = (
        InquiryMessage.objects.filter(author=user)
        .select_related("inquiry__demand", "inquiry__organisation")
        .order_by("created", "pk")
    )
    offers = (
        CooperationOffer.objects.filter(created_by=user)
        .select_related("organisation")
        .order_by("created", "pk")
    )
    contacts = (
        CooperationContact.objects.filter(created_by=user)
        .select_related("organisation", "offer")
        .order_by("created", "pk")
    )
    cooperation_messages = (
        CooperationMessage.objects.filter(author=user)
        .select_related("contact__offer", "contact__organisation")
        .order_by("created", "pk")
    )
    files = (
        Attachment.objects.filter(uploaded_by=user)
        .select_related("demand")
        .order_by("created", "pk")
    )
    return {
        "demands": [
            {
                "organisation": d.organisation.name,
                "title": d.title,
                "description": d.description,
                "delivery_place": " ".join(p for p in (d.delivery_postcode, d.delivery_city) if p),
                "deadline": _iso(d.deadline),
                "visibility": d.visibility,
                "status": d.status,
                "steps": [
                    {
                        "capability": s.capability.key,
                        "quantity": s.quantity,
                        "material": s.material.name if s.material_id else None,
                        "tolerances": s.tolerances,
                    }
                    for s in d.steps.all()
                ],
                "created": _iso(d.created),
            }
            for d in demands
        ],
        "inquiries_sent": [
            {
                "demand": i.demand.title,
                "to_organisation": i.organisation.name,
                "message": i.message,
                "status": i.status,
                "created": _iso(i.created),
            }
            for i in inquiries
        ],
        "inquiry_messages": [
            {
                "demand": m.inquiry.demand.title,
                "supplier": m.inquiry.organisation.name,
                "side": m.side,
                "text": m.text,
                "status": m.status,
                "created": _iso(m.created),
            }
            for m in messages
        ],
        "cooperation_profiles": [
            {
                "organisation": o.organisation.name,
                "kind": o.kind,
                "direction": o.direction,
                "partnership_types": o.partnership_type_list,
                "title": o.title,
                "summary": o.summary,
                "expires_on": _iso(o.expires_on),
                "status": o.status,
                "created": _iso(o.created),
            }
            for o in offers
        ],
        "expressions_of_interest": [
            {
                "profile": c.offer.title,
                "for_organisation": c.organisation.name,
                "created": _iso(c.created),
            }
            for c in contacts
        ],
        "cooperation_messages": [
            {
                "profile": m.contact.offer.title,
                "interested_organisation": m.contact.organisation.name,
                "side": m.side,
                "text": m.text,
                "created": _iso(m.created),
            }
            for m in cooperation_messages
        ],
        "files_uploaded": [
            {
                "demand": a.demand.title,
                "name": a.name,
                "content_type": a.content_type,
                "size": a.size,
                "created": _iso(a.created),
            }
            for a in files
        ],
    }
