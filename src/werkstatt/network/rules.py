"""Who may do what in the network directory. Views, the API and templates all ask these."""

from __future__ import annotations

import rules

from werkstatt.accounts.rules import is_network_moderator, is_superuser

from .models import Organisation, OrganisationMembership


@rules.predicate
def is_public_organisation(user, organisation: Organisation | None) -> bool:
    return organisation is not None and organisation.is_public


@rules.predicate
def is_organisation_admin(user, organisation: Organisation | None) -> bool:
    if not user.is_authenticated or organisation is None:
        return False
    return OrganisationMembership.objects.filter(
        user=user,
        organisation=organisation,
        role=OrganisationMembership.Role.ADMIN,
        status=OrganisationMembership.Status.ACTIVE,
    ).exists()


@rules.predicate
def is_organisation_member(user, organisation: Organisation | None) -> bool:
    if not user.is_authenticated or organisation is None:
        return False
    return OrganisationMembership.objects.filter(
        user=user, organisation=organisation, status=OrganisationMembership.Status.ACTIVE
    ).exists()


@rules.predicate
def has_membership(user, organisation: Organisation | None) -> bool:
    if not user.is_authenticated or organisation is None:
        return False
    return OrganisationMembership.objects.filter(user=user, organisation=organisation).exists()


@rules.predicate
def has_active_admin(user, organisation: Organisation | None) -> bool:
    if organisation is None:
        return False
    return OrganisationMembership.objects.filter(
        organisation=organisation,
        role=OrganisationMembership.Role.ADMIN,
        status=OrganisationMembership.Status.ACTIVE,
    ).exists()


can_curate = is_network_moderator | is_superuser

rules.add_perm(
    "network.view_organisation",
    is_public_organisation | is_organisation_member | can_curate,
)
rules.add_perm("network.change_organisation", is_organisation_admin | can_curate)
# Lists: curators see non-public organisations too (the API and the directory filter by it).
rules.add_perm("network.view_private_organisations", can_curate)
rules.add_perm("network.view_organisation_history", is_organisation_admin | can_curate)
rules.add_perm("network.manage_memberships", is_organisation_admin | can_curate)
rules.add_perm(
    "network.join_organisation",
    rules.is_authenticated & is_public_organisation & ~has_membership,
)
# Claim an organisation nobody represents yet: the network moderators approve the first admin.
rules.add_perm(
    "network.claim_organisation",
    rules.is_authenticated & is_public_organisation & ~has_membership & ~has_active_admin,
)
# The moderators' list of every open join request and claim.
rules.add_perm("network.review_membership_requests", can_curate)
rules.add_perm("network.import_organisations", can_curate)
rules.add_perm("network.add_organisation", rules.is_authenticated)


@rules.predicate
def is_import_creator(user, batch) -> bool:
    return bool(user.is_authenticated and batch is not None and batch.created_by_id == user.pk)


# An import batch is seen only by the moderator who uploaded it (while a moderator) or a superuser.
rules.add_perm("network.view_import", (is_network_moderator & is_import_creator) | is_superuser)
