"""Profile, personal data download, account deletion and API token."""

import json

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.factories import (
    PASSWORD,
    NetworkSpaceFactory,
    OrganisationAdminFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    SpaceRoleFactory,
    UserFactory,
)
from werkstatt.accounts.models import SpaceRole, User
from werkstatt.network.models import OrganisationMembership

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return UserFactory(name="Anna Schmidt", email="anna@example.org", language="de")


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def test_profile_needs_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_profile_shows_data_organisations_and_roles(logged_in, user):
    OrganisationAdminFactory(user=user, organisation=OrganisationFactory(name="Blechbau Zwickau"))
    SpaceRoleFactory(user=user, space=NetworkSpaceFactory(), role=SpaceRole.Role.MODERATOR)
    html = logged_in.get(reverse("accounts:profile")).content.decode()
    assert "anna@example.org" in html
    assert "Blechbau Zwickau" in html
    assert str(OrganisationMembership.Role.ADMIN.label) in html or "Organisation" in html
    assert "Netzwerk" in html


def test_profile_edit_saves_and_switches_language(logged_in, user):
    response = logged_in.post(
        reverse("accounts:profile"), {"name": "Anna Schmidt-Weber", "language": "en"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/en" + reverse("accounts:profile")
    user.refresh_from_db()
    assert (user.name, user.language) == ("Anna Schmidt-Weber", "en")
    page = logged_in.get(response["Location"])
    assert 'lang="en"' in page.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "language": "de"},
        {"name": "   ", "language": "en"},
        {"name": "Neu", "language": "xx"},
        {"name": "Neu"},
        {"name": "x" * 201, "language": "en"},
    ],
)
def test_profile_edit_rejects_bad_input_and_changes_nothing(logged_in, user, data):
    response = logged_in.post(reverse("accounts:profile"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert "error-summary" in html
    user.refresh_from_db()
    assert (user.name, user.language) == ("Anna Schmidt", "de")


def test_data_download_contains_own_data_and_nothing_of_others(logged_in, user):
    other = UserFactory(name="Bernd Geheim", email="bernd@example.org")
    org = OrganisationFactory(name="Gemeinsame GmbH")
    OrganisationMembershipFactory(user=user, organisation=org)
    OrganisationAdminFactory(user=other, organisation=org)
    OrganisationMembershipFactory(user=other, organisation=OrganisationFactory(name="Nur Bernd AG"))
    SpaceRoleFactory(user=other, space=NetworkSpaceFactory(), role=SpaceRole.Role.MODERATOR)
    Token.objects.create(user=other)

    response = logged_in.get(reverse("accounts:data_download"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode()
    data = json.loads(body)
    assert data["profile"]["email"] == "anna@example.org"
    assert data["profile"]["name"] == "Anna Schmidt"
    assert [m["organisation"] for m in data["organisation_memberships"]] == ["Gemeinsame GmbH"]
    assert data["organisation_memberships"][0]["role"] == "member"
    assert data["space_roles"] == []
    assert data["api_token"] == {"exists": False}
    for secret in ("bernd", "Bernd", "Nur Bernd AG", Token.objects.get(user=other).key):
        assert secret not in body


def test_data_download_needs_login(client):
    assert client.get(reverse("accounts:data_download")).status_code == 302


def test_delete_account_needs_the_right_password(logged_in, user):
    membership = OrganisationMembershipFactory(user=user)
    response = logged_in.post(reverse("accounts:delete"), {"password": "nicht-mein-passwort"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()
    assert OrganisationMembership.objects.filter(pk=membership.pk).exists()

    response = logged_in.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert not OrganisationMembership.objects.filter(pk=membership.pk).exists()
    assert membership.organisation.__class__.objects.filter(pk=membership.organisation_id).exists()
    assert "_auth_user_id" not in logged_in.session


def test_delete_page_asks_for_confirmation(logged_in, user):
    response = logged_in.get(reverse("accounts:delete"))
    assert response.status_code == 200
    assert User.objects.filter(pk=user.pk).exists()


def test_api_token_create_and_regenerate(logged_in, user):
    page = logged_in.get(reverse("accounts:api_token"))
    assert page.status_code == 200
    assert not Token.objects.filter(user=user).exists()

    logged_in.post(reverse("accounts:api_token_regenerate"))
    first = Token.objects.get(user=user).key
    assert first in logged_in.get(reverse("accounts:api_token")).content.decode()

    logged_in.post(reverse("accounts:api_token_regenerate"))
    second = Token.objects.get(user=user).key
    assert second != first
    assert Token.objects.filter(user=user).count() == 1


def test_api_token_regenerate_is_post_only(logged_in, user):
    assert logged_in.get(reverse("accounts:api_token_regenerate")).status_code == 405
    assert not Token.objects.filter(user=user).exists()


def test_api_token_works_for_the_api(client, user):
    from werkstatt.accounts.services import do_regenerate_api_token

    token = do_regenerate_api_token(user)
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}")
    if response.status_code == 404:
        pytest.skip("the API has no /me/ endpoint")
    assert response.status_code == 200
    assert "anna@example.org" in response.content.decode()


def test_guessing_the_password_on_the_delete_page_is_throttled(logged_in, user):
    url = reverse("accounts:delete")
    for _ in range(10):
        assert logged_in.post(url, {"password": "geraten"}).status_code == 200
    assert logged_in.post(url, {"password": PASSWORD}).status_code == 429
    assert User.objects.filter(pk=user.pk).exists()


@pytest.mark.parametrize("count", [1, 3])
def test_profile_query_count_does_not_grow_with_memberships(
    logged_in, user, count, django_assert_num_queries
):
    for _ in range(count):
        OrganisationMembershipFactory(user=user)
        SpaceRoleFactory(user=user)
    # session, user, memberships, roles, and the header's count of unread notifications
    with django_assert_num_queries(5):
        response = logged_in.get(reverse("accounts:profile"))
    assert response.status_code == 200
