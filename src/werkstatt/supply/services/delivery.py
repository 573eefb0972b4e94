"""How an inquiry reaches a supplier: on Werkstatt, by e-mail, or not at all.

Most organisations of the directory have nobody on Werkstatt (no active admin): they were
imported from member lists. An inquiry to such an organisation goes by e-mail to its public
address (the directory's `Organisation.email`) with the message and a link to register and
represent the organisation, after which the inquiry waits in its inbox. Without an address it
cannot be delivered: it is kept (the buyer sees "not delivered"), and the network moderators
are told, since reaching firms is their work. The buyer is told which recipients are which
before sending (`reach_of`), on the inquiry form, the ranking and the consortium page.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from werkstatt.network.models import Organisation, OrganisationMembership
from werkstatt.notifications.services import absolute_url

from ..models import Inquiry
from .notifying import organisation_admins, tell

logger = logging.getLogger("werkstatt.supply")

PLATFORM = Inquiry.Delivery.PLATFORM
EMAIL = Inquiry.Delivery.EMAIL
NONE = Inquiry.Delivery.NONE


@dataclass(frozen=True)
class Reach:
    """How an organisation would get an inquiry now: `delivery` (platform, email or none) and
    the address an e-mail would go to."""

    delivery: str
    email: str = ""

    @property
    def on_platform(self) -> bool:
        return self.delivery == PLATFORM

    @property
    def by_email(self) -> bool:
        return self.delivery == EMAIL

    @property
    def unreachable(self) -> bool:
        return self.delivery == NONE


def reach_of(organisations: Iterable[Organisation]) -> dict[int, Reach]:
    """Organisation pk -> how an inquiry would reach it, for many at once (one query)."""
    organisations = list(organisations)
    with_admins = set(
        OrganisationMembership.objects.filter(
            organisation__in=[o.pk for o in organisations],
            role=OrganisationMembership.Role.ADMIN,
            status=OrganisationMembership.Status.ACTIVE,
            user__is_active=True,
        ).values_list("organisation_id", flat=True)
    )
    out = {}
    for org in organisations:
        if org.pk in with_admins:
            out[org.pk] = Reach(PLATFORM)
        elif org.email:
            out[org.pk] = Reach(EMAIL, org.email)
        else:
            out[org.pk] = Reach(NONE)
    return out


def join_url(organisation: Organisation) -> str:
    """Where someone of the organisation registers and then asks to represent it."""
    return absolute_url(
        reverse("account_signup") + "?" + urlencode({"next": organisation.get_absolute_url()})
    )


def _send_email(
    address: str, subject: str, template: str, context: dict[str, Any], reply_to: str = ""
) -> None:
    """E-mail a supplier's public address after the transaction commits (never on rollback);
    in the site's language, since we know nobody there."""
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(template, context)
        subject = f"[Werkstatt] {subject}"[:200]

    def send() -> None:
        message = EmailMessage(
            subject, body, None, [address], reply_to=[reply_to] if reply_to else None
        )
        try:
            message.send()
        except Exception:  # a mail server down must not break the inquiry
            logger.exception("Inquiry e-mail to %s could not be sent", address)

    transaction.on_commit(send)


def _tell_moderators(inquiry: Inquiry, actor: Any) -> None:
    from werkstatt.network.services.organisations import network_moderators

    org = inquiry.organisation
    if inquiry.delivery == EMAIL:
        body = _(
            "Nobody represents the organisation on Werkstatt. The inquiry went by e-mail to "
            "its public address, with a link to register. Perhaps you know someone there."
        )
    else:
        body = _(
            "Nobody represents the organisation on Werkstatt and it has no public e-mail "
            "address: the inquiry could not be delivered. Please find a contact for it."
        )
    tell(
        network_moderators(),
        verb="supply.inquiry_unreached",
        title=format_lazy(
            _("Inquiry from {buyer} to {organisation}: nobody on Werkstatt"),
            buyer=inquiry.demand.organisation.name,
            organisation=org.name,
        ),
        url=org.get_absolute_url(),
        actor=actor,
        target=org,
        body=body,
    )


def deliver_new(inquiry: Inquiry, actor: Any, steps: list[Any]) -> None:
    """Deliver a just created inquiry (sets and saves `delivery`): notify the supplier's
    admins, or e-mail its public address, or nobody; moderators hear of the last two."""
    org = inquiry.organisation
    demand = inquiry.demand
    admins = organisation_admins(org)
    title = format_lazy(
        _("New inquiry from {buyer}: {title}"), buyer=demand.organisation.name, title=demand.title
    )
    if admins:
        inquiry.delivery, inquiry.delivery_email = PLATFORM, ""
    elif org.email:
        inquiry.delivery, inquiry.delivery_email = EMAIL, org.email
    else:
        inquiry.delivery, inquiry.delivery_email = NONE, ""
    inquiry.save(update_fields=["delivery", "delivery_email"])
    if admins:
        tell(
            admins,
            verb="supply.inquiry_received",
            title=title,
            url=inquiry.get_absolute_url(),
            actor=actor,
            target=inquiry,
            body=inquiry.message,
        )
        return
    if inquiry.delivery == EMAIL:
        with translation.override(settings.LANGUAGE_CODE):
            subject = str(title)
        _send_email(
            org.email,
            subject,
            "supply/email/inquiry_new.txt",
            {
                "inquiry": inquiry,
                "demand": demand,
                "organisation": org,
                "steps": steps,
                "demand_link": absolute_url(demand.get_absolute_url()),
                "inquiry_link": absolute_url(inquiry.get_absolute_url()),
                "join_link": join_url(org),
            },
            reply_to=demand.organisation.email,
        )
    _tell_moderators(inquiry, actor)


def tell_supplier(
    inquiry: Inquiry, *, verb: str, title: Any, actor: Any = None, body: Any = None
) -> None:
    """Tell the supplier of an inquiry about a change: its admins on Werkstatt, or (for an
    inquiry that went by e-mail and still nobody represents the organisation) its address."""
    admins = organisation_admins(inquiry.organisation)
    if admins:
        tell(
            admins,
            verb=verb,
            title=title,
            url=inquiry.get_absolute_url(),
            actor=actor,
            target=inquiry,
            body=body,
        )
        return
    if inquiry.delivery == EMAIL and inquiry.delivery_email:
        with translation.override(settings.LANGUAGE_CODE):
            subject = str(title)
            text = str(body or "")
        _send_email(
            inquiry.delivery_email,
            subject,
            "supply/email/inquiry_update.txt",
            {
                "inquiry": inquiry,
                "subject": subject,
                "text": text,
                "inquiry_link": absolute_url(inquiry.get_absolute_url()),
                "join_link": join_url(inquiry.organisation),
            },
            reply_to=inquiry.demand.organisation.email,
        )
