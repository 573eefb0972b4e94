"""Who sees and does what: visibility per object, the same in lists and for single objects."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories import (
    OrganisationAdminFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    UserFactory,
    make_network_moderator,
)
from tests.supply.factories import DemandFactory, InquiryFactory
from werkstatt.network.models import OrganisationMembership
from werkstatt.supply.models import Visibility
from werkstatt.supply.services.visibility import visible_demands, visible_inquiries

pytestmark = pytest.mark.django_db


def sees(user, demand) -> bool:
    in_list = visible_demands(user).filter(pk=demand.pk).exists()
    assert in_list == user.has_perm("supply.view_demand", demand)  # one rule for both
    return in_list


def test_visibility_of_each_kind():
    public = DemandFactory()
    members = DemandFactory(visibility=Visibility.MEMBERS)
    invited = DemandFactory(visibility=Visibility.INVITED)
    guest = OrganisationFactory()
    invited.invited_organisations.set([guest])
    nobody = UserFactory()
    some_member = OrganisationMembershipFactory().user
    guest_member = OrganisationMembershipFactory(organisation=guest).user
    buyer_member = OrganisationMembershipFactory(organisation=invited.organisation).user
    requested = OrganisationMembershipFactory(
        organisation=guest, status=OrganisationMembership.Status.REQUESTED
    ).user
    anonymous = AnonymousUser()
    assert sees(anonymous, public) and not sees(anonymous, members)
    assert sees(nobody, public) and not sees(nobody, members) and not sees(nobody, invited)
    assert sees(some_member, members) and not sees(some_member, invited)
    assert sees(guest_member, invited)
    assert sees(buyer_member, invited)
    assert not sees(requested, invited)  # a pending membership is not yet a membership
    assert sees(make_network_moderator(), invited)


def test_a_supplier_that_got_an_inquiry_sees_the_invited_demand():
    invited = DemandFactory(visibility=Visibility.INVITED)
    supplier = OrganisationMembershipFactory()
    assert not sees(supplier.user, invited)
    InquiryFactory(demand=invited, organisation=supplier.organisation)
    assert sees(supplier.user, invited)


def test_members_plan_but_only_admins_send_and_change():
    demand = DemandFactory()
    member = OrganisationMembershipFactory(organisation=demand.organisation).user
    admin = OrganisationAdminFactory(organisation=demand.organisation).user
    stranger_admin = OrganisationAdminFactory().user
    assert member.has_perm("supply.plan_demand", demand)
    assert not member.has_perm("supply.send_inquiry", demand)
    assert not member.has_perm("supply.change_demand", demand)
    assert admin.has_perm("supply.send_inquiry", demand)
    assert admin.has_perm("supply.change_demand", demand)
    assert not stranger_admin.has_perm("supply.plan_demand", demand)
    assert stranger_admin.has_perm("supply.add_demand")
    assert not stranger_admin.has_perm("supply.add_demand_for", demand.organisation)


def test_inquiries_are_seen_by_the_two_organisations_only():
    inquiry = InquiryFactory()
    buyer = OrganisationMembershipFactory(organisation=inquiry.demand.organisation).user
    supplier_admin = OrganisationAdminFactory(organisation=inquiry.organisation).user
    supplier_member = OrganisationMembershipFactory(organisation=inquiry.organisation).user
    moderator = make_network_moderator()
    for user in (buyer, supplier_admin, supplier_member):
        assert user.has_perm("supply.view_inquiry", inquiry)
        assert list(visible_inquiries(user)) == [inquiry]
    assert not moderator.has_perm("supply.view_inquiry", inquiry)
    assert not visible_inquiries(moderator).exists()
    assert supplier_admin.has_perm("supply.respond_inquiry", inquiry)
    assert not supplier_member.has_perm("supply.respond_inquiry", inquiry)
    assert not buyer.has_perm("supply.respond_inquiry", inquiry)
