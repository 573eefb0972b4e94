"""Who may do what in the supply network. Views, the API and templates all ask these.

Seeing a demand or an offer is decided by the querysets of services/visibility.py (so lists and
detail pages agree); acting for the buyer or the supplier needs an active organisation admin.
"""

from __future__ import annotations

import rules

from werkstatt.accounts.rules import is_superuser
from werkstatt.network.rules import is_organisation_admin, is_organisation_member

from .models import Attachment, CooperationContact, CooperationOffer, Demand, Inquiry
from .services.visibility import (
    admin_organisation_ids,
    is_curator,
    visible_demands,
    visible_offers,
)


@rules.predicate
def can_see_demand(user, demand: Demand | None) -> bool:
    return demand is not None and visible_demands(user).filter(pk=demand.pk).exists()


@rules.predicate
def is_buyer_admin(user, obj) -> bool:
    demand = obj.demand if isinstance(obj, Inquiry | Attachment) else obj
    return demand is not None and is_organisation_admin(user, demand.organisation)


@rules.predicate
def is_buyer_member(user, obj) -> bool:
    demand = obj.demand if isinstance(obj, Inquiry) else obj
    return demand is not None and is_organisation_member(user, demand.organisation)


@rules.predicate
def can_see_attachment(user, attachment: Attachment | None) -> bool:
    """A demand's drawing: whoever sees the demand; a message's file: the inquiry's two sides."""
    if attachment is None:
        return False
    if attachment.message_id is None:
        return can_see_demand(user, attachment.demand)
    inquiry = attachment.message.inquiry
    return bool(
        is_superuser(user) or is_buyer_member(user, inquiry) or is_supplier_member(user, inquiry)
    )


@rules.predicate
def is_supplier_admin(user, inquiry: Inquiry | None) -> bool:
    return inquiry is not None and is_organisation_admin(user, inquiry.organisation)


@rules.predicate
def is_supplier_member(user, inquiry: Inquiry | None) -> bool:
    return inquiry is not None and is_organisation_member(user, inquiry.organisation)


@rules.predicate
def curates(user) -> bool:
    return is_curator(user)


@rules.predicate
def speaks_for_an_organisation(user) -> bool:
    return bool(admin_organisation_ids(user))


@rules.predicate
def can_see_offer(user, offer: CooperationOffer | None) -> bool:
    return offer is not None and visible_offers(user).filter(pk=offer.pk).exists()


@rules.predicate
def is_offer_admin(user, offer: CooperationOffer | None) -> bool:
    return offer is not None and is_organisation_admin(user, offer.organisation)


@rules.predicate
def is_contact_member(user, contact: CooperationContact | None) -> bool:
    """A member of the interested organisation or of the profile's."""
    return contact is not None and (
        is_organisation_member(user, contact.organisation)
        or is_organisation_member(user, contact.offer.organisation)
    )


@rules.predicate
def is_contact_admin(user, contact: CooperationContact | None) -> bool:
    return contact is not None and (
        is_organisation_admin(user, contact.organisation)
        or is_organisation_admin(user, contact.offer.organisation)
    )


# Demands.
rules.add_perm("supply.view_demand", can_see_demand)
# Without an object: may post demands at all; with an organisation: for that one.
rules.add_perm("supply.add_demand", speaks_for_an_organisation | is_superuser)
rules.add_perm("supply.add_demand_for", is_organisation_admin | is_superuser)
rules.add_perm("supply.change_demand", is_buyer_admin | is_superuser)
# The ranking and the consortia are the buyer's working tools (and the curators').
rules.add_perm("supply.plan_demand", is_buyer_member | curates)
rules.add_perm("supply.send_inquiry", is_buyer_admin | is_superuser)
# Drawings: seen as their demand or inquiry; the buyer removes a demand's own drawings.
rules.add_perm("supply.view_attachment", can_see_attachment)
rules.add_perm("supply.delete_attachment", is_buyer_admin | is_superuser)

# Inquiries: business correspondence, seen by the two organisations only.
rules.add_perm("supply.view_inquiry", is_buyer_member | is_supplier_member | is_superuser)
rules.add_perm("supply.respond_inquiry", is_supplier_admin | is_superuser)
rules.add_perm("supply.answer_inquiry", is_buyer_admin | is_superuser)

# Cooperation exchange.
rules.add_perm("supply.view_cooperationoffer", can_see_offer)
rules.add_perm("supply.add_cooperationoffer", speaks_for_an_organisation | is_superuser)
rules.add_perm("supply.change_cooperationoffer", is_offer_admin | is_superuser)
# "Interesse bekunden": who speaks for an organisation and sees the profile.
rules.add_perm("supply.express_interest", can_see_offer & speaks_for_an_organisation)
# The conversation that follows: the two organisations (and the operator, reading).
rules.add_perm("supply.view_cooperationcontact", is_contact_member | is_superuser)
rules.add_perm("supply.reply_cooperationcontact", is_contact_admin)
