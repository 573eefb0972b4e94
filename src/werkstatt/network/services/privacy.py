"""A person's data in the network directory, for the DSGVO download and account deletion.

accounts' export_user_data already lists the person's memberships (join requests and claims
included) and the changes they made; here is what the network holds about them beyond that:
the contact-person entries of organisations that carry one of their e-mail addresses.

When an account is deleted, an organisation whose last admin it was would be left without
anyone to answer its join requests: the network moderators are told (the organisation stays;
they can approve a claim or appoint an admin).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ..models import ContactPerson, Organisation, OrganisationMembership
from .organisations import _org_link, _tell, network_moderators

# What the download holds from here (the profile page lists it).
DESCRIPTION = _("Contact-person entries of organisations that carry your e-mail address")

Role = OrganisationMembership.Role
Status = OrganisationMembership.Status


def _emails(user: Any) -> set[str]:
    emails = {user.email.lower()} if user.email else set()
    from allauth.account.models import EmailAddress

    emails |= {
        e.lower() for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    }
    return emails


def user_data(user: Any) -> dict[str, Any]:
    """The contact-person entries that carry one of the person's e-mail addresses."""
    query = Q()
    for email in _emails(user):
        query |= Q(email__iexact=email)
    contacts = (
        ContactPerson.objects.filter(query).select_related("organisation").order_by("pk")
        if query
        else ContactPerson.objects.none()
    )
    return {
        "contact_person_entries": [
            {
                "organisation": c.organisation.name,
                "organisation_slug": c.organisation.slug,
                "name": c.name,
                "function": c.function,
                "email": c.email,
                "phone": c.phone,
                "shown_publicly": c.is_public,
            }
            for c in contacts
        ]
    }


def organisations_left_without_admin(user: Any) -> list[Organisation]:
    """The organisations of which `user` is the only active admin."""
    admin_of = OrganisationMembership.objects.filter(
        user=user, role=Role.ADMIN, status=Status.ACTIVE
    ).values("organisation")
    return list(
        Organisation.objects.filter(pk__in=admin_of)
        .annotate(
            admins=Count(
                "memberships",
                filter=Q(memberships__role=Role.ADMIN, memberships__status=Status.ACTIVE),
            )
        )
        .filter(admins=1)
        .order_by("name")
    )


def before_account_deletion(user: Any) -> None:
    """Tell the network moderators of each organisation that loses its last admin."""
    orphaned = organisations_left_without_admin(user)
    if not orphaned:
        return
    moderators = [m for m in network_moderators() if m.pk != user.pk]
    person = user.name or _("A person")
    for org in orphaned:
        _tell(
            moderators,
            verb="network.last_admin_left",
            title=format_lazy(
                _("{organisation} has no admin any more: {person} deleted their account"),
                organisation=org.name,
                person=person,
            ),
            url=_org_link(org),
            target=org,
            body=_(
                "Nobody can answer the organisation's join requests now. You can approve a "
                "request to represent it, or make one of its members an admin."
            ),
        )
