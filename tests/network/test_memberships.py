"""Memberships: asking to join, approving, declining, roles, leaving; one admin always remains."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from tests.factories import (
    OrganisationAdminFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    UserFactory,
)

from werkstatt.network.models import OrganisationMembership
from werkstatt.network.services import organisations as services

pytestmark = pytest.mark.django_db
Status = OrganisationMembership.Status
Role = OrganisationMembership.Role


def test_join_request_mails_the_admins(django_capture_on_commit_callbacks):
    admin = OrganisationAdminFactory(user__email="chefin@example.org", user__language="de")
    OrganisationMembershipFactory(organisation=admin.organisation)  # a plain member: no mail
    person = UserFactory(name="Karl Neu", email="karl@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.do_request_membership(person, admin.organisation)
    assert membership.status == Status.REQUESTED and membership.role == Role.MEMBER
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["chefin@example.org"]
    assert "Karl Neu" in message.subject
    assert f"/o/{admin.organisation.slug}/mitglieder/" in message.body


def test_cannot_ask_twice():
    membership = OrganisationMembershipFactory(status=Status.REQUESTED)
    with pytest.raises(ValidationError):
        services.do_request_membership(membership.user, membership.organisation)


def test_approve_and_decline(django_capture_on_commit_callbacks):
    admin = OrganisationAdminFactory()
    first = OrganisationMembershipFactory(organisation=admin.organisation, status=Status.REQUESTED)
    second = OrganisationMembershipFactory(organisation=admin.organisation, status=Status.REQUESTED)
    with django_capture_on_commit_callbacks(execute=True):
        services.do_approve_membership(admin.user, first)
    first.refresh_from_db()
    assert first.status == Status.ACTIVE
    assert mail.outbox[-1].to == [first.user.email]
    with pytest.raises(ValidationError):
        services.do_approve_membership(admin.user, first)
    services.do_decline_membership(admin.user, second)
    assert not OrganisationMembership.objects.filter(pk=second.pk).exists()


def test_the_last_admin_stays():
    admin = OrganisationAdminFactory()
    member = OrganisationMembershipFactory(organisation=admin.organisation)
    with pytest.raises(ValidationError) as info:
        services.do_set_role(admin.user, admin, Role.MEMBER)
    assert info.value.code == "last_admin"
    with pytest.raises(ValidationError):
        services.do_leave(admin.user, admin.organisation)
    with pytest.raises(ValidationError):
        services.do_remove_membership(admin.user, admin)
    services.do_set_role(admin.user, member, Role.ADMIN)
    services.do_set_role(member.user, admin, Role.MEMBER)
    admin.refresh_from_db()
    assert admin.role == Role.MEMBER
    services.do_leave(admin.user, admin.organisation)
    assert list(OrganisationMembership.objects.values_list("user", flat=True)) == [member.user_id]


def test_a_request_cannot_get_a_role():
    request = OrganisationMembershipFactory(status=Status.REQUESTED)
    with pytest.raises(ValidationError):
        services.do_set_role(UserFactory(), request, Role.ADMIN)
    with pytest.raises(ValidationError):
        services.do_set_role(UserFactory(), request, "owner")


# --- pages ------------------------------------------------------------------------------------


def test_join_button_and_request_page(client, django_capture_on_commit_callbacks):
    admin = OrganisationAdminFactory()
    org = admin.organisation
    person = UserFactory()
    client.force_login(person)
    page = client.get(org.get_absolute_url()).content.decode()
    assert reverse("network:organisation_join", args=[org.slug]) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("network:organisation_join", args=[org.slug]))
    assert response.status_code == 302
    assert OrganisationMembership.objects.get(user=person).status == Status.REQUESTED
    assert len(mail.outbox) == 1
    # Asking again is no longer allowed.
    again = client.post(reverse("network:organisation_join", args=[org.slug]))
    assert again.status_code == 403


def test_admin_approves_and_changes_roles_on_the_members_page(client):
    admin = OrganisationAdminFactory()
    org = admin.organisation
    request = OrganisationMembershipFactory(organisation=org, status=Status.REQUESTED)
    client.force_login(admin.user)
    page = client.get(reverse("network:organisation_members", args=[org.slug]))
    assert page.status_code == 200
    assert request.user.email in page.content.decode()
    url = reverse("network:membership_action", args=[org.slug, request.pk])
    client.post(url, {"action": "approve"})
    request.refresh_from_db()
    assert request.status == Status.ACTIVE
    client.post(url, {"action": "role", "role": "admin"})
    request.refresh_from_db()
    assert request.role == Role.ADMIN
    response = client.post(url, {"action": "role", "role": "owner"}, follow=True)
    request.refresh_from_db()
    assert request.role == Role.ADMIN
    levels = [m.level_tag for m in response.context["messages"]]
    assert levels[-1] == "error"


def test_last_admin_demotion_shows_a_message_and_changes_nothing(client):
    admin = OrganisationAdminFactory()
    client.force_login(admin.user)
    url = reverse("network:membership_action", args=[admin.organisation.slug, admin.pk])
    response = client.post(url, {"action": "role", "role": "member"}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("verwaltung" in m.lower() for m in messages)
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN


def test_membership_action_on_another_organisation_is_404(client):
    admin = OrganisationAdminFactory()
    foreign = OrganisationMembershipFactory(status=Status.REQUESTED)
    client.force_login(admin.user)
    url = reverse("network:membership_action", args=[admin.organisation.slug, foreign.pk])
    assert client.post(url, {"action": "approve"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == Status.REQUESTED


def test_my_organisations_lists_memberships(client):
    membership = OrganisationMembershipFactory()
    OrganisationFactory(name="Fremde GmbH")
    client.force_login(membership.user)
    page = client.get(reverse("network:my_organisations")).content.decode()
    assert membership.organisation.name in page
    assert "Fremde GmbH" not in page


def test_leave(client):
    membership = OrganisationMembershipFactory()
    OrganisationAdminFactory(organisation=membership.organisation)
    client.force_login(membership.user)
    response = client.post(
        reverse("network:organisation_leave", args=[membership.organisation.slug])
    )
    assert response.status_code == 302
    assert not OrganisationMembership.objects.filter(pk=membership.pk).exists()
