"""Every page of the design and accounts parts: lang, one h1, skip link, landmarks, labels,
no inline script or style; the CSP header; the language switch."""

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.urls import reverse

from tests.factories import OrganisationFactory, OrganisationMembershipFactory, UserFactory
from tests.web.html_checks import check_page

pytestmark = pytest.mark.django_db

ANONYMOUS_PAGES = [
    "web:home",
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_email_verification_sent",
    "account_inactive",
]
PERSONAL_PAGES = [
    "web:home",
    "accounts:profile",
    "accounts:delete",
    "accounts:api_token",
    "account_email",
    "account_change_password",
    "account_logout",
]


def assert_accessible(response):
    assert response.status_code in (200, 404, 403, 429), response.status_code
    problems = check_page(response.content.decode())
    assert problems == [], problems


@pytest.mark.parametrize("name", ANONYMOUS_PAGES)
def test_anonymous_pages(client, name):
    assert_accessible(client.get(reverse(name)))


@pytest.mark.parametrize("name", PERSONAL_PAGES)
def test_personal_pages(client, name):
    user = UserFactory()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    OrganisationMembershipFactory(user=user)
    client.force_login(user)
    assert_accessible(client.get(reverse(name)))


@pytest.mark.parametrize("name", ["accounts:profile", "accounts:delete", "account_signup"])
def test_pages_with_form_errors(client, name):
    user = UserFactory()
    if name != "account_signup":
        client.force_login(user)
    response = client.post(reverse(name), {"name": "", "language": "xx", "password": "x"})
    html = response.content.decode()
    assert "error-summary" in html
    assert_accessible(response)


def test_email_confirmation_page(client):
    user = UserFactory()
    address = EmailAddress.objects.create(user=user, email=user.email, primary=True)
    key = EmailConfirmationHMAC(address).key
    response = client.get(reverse("account_confirm_email", args=[key]))
    assert_accessible(response)
    assert user.email in response.content.decode()
    assert_accessible(client.get(reverse("account_confirm_email", args=["kaputt"])))


def test_password_reset_with_bad_key(client):
    url = reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "bad-key"})
    assert_accessible(client.get(url, follow=True))


def test_not_found_page(client):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert "error-page" in response.content.decode()
    assert_accessible(response)


def test_error_templates_render_without_a_request():
    from django.template.loader import render_to_string

    for name in ("400.html", "403.html", "404.html", "429.html", "500.html"):
        html = render_to_string(name)
        assert check_page(html) == [], name


def test_csp_header_forbids_inline_code(client):
    response = client.get(reverse("web:home"))
    policy = response.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_language_switch_to_english_and_back(client):
    profile = reverse("web:home")
    page = client.get(profile)
    assert '<html lang="de">' in page.content.decode()
    assert 'lang="en"' in page.content.decode()  # the switch names English in English

    assert 'name="next" value="/en/"' in page.content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/en/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/"
    english = client.get(response["Location"]).content.decode()
    assert '<html lang="en">' in english
    assert "Skip to content" in english

    assert 'name="next" value="/"' in english  # the switch offers German at "/"
    response = client.post(reverse("set_language"), {"language": "de", "next": "/"})
    assert response["Location"] == "/"
    assert '<html lang="de">' in client.get("/").content.decode()


def test_language_switch_keeps_the_page(client):
    user = UserFactory()
    client.force_login(user)
    profile = reverse("accounts:profile")
    response = client.post(reverse("set_language"), {"language": "en", "next": profile})
    assert response["Location"] == "/en" + profile


def test_header_shows_account_menu(client):
    html = client.get(reverse("web:home")).content.decode()
    assert reverse("account_login") in html and reverse("account_signup") in html
    user = UserFactory()
    client.force_login(user)
    html = client.get(reverse("web:home")).content.decode()
    assert reverse("accounts:profile") in html
    assert f'action="{reverse("account_logout")}"' in html  # logout is a POST form


def test_messages_are_announced(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"), {"name": "Neu", "language": "de"}, follow=True
    )
    html = response.content.decode()
    assert 'class="alert alert--success" role="status"' in html


def test_home_counts_organisations_by_kind_in_one_query(client, django_assert_num_queries):
    from werkstatt.web.views import organisation_counts_by_kind

    OrganisationFactory.create_batch(3, kind="company")
    OrganisationFactory(kind="chamber")
    OrganisationFactory(kind="chamber", is_public=False)
    with django_assert_num_queries(1):
        counts = organisation_counts_by_kind()
    assert {c["kind"]: c["count"] for c in counts} == {"company": 3, "chamber": 1}
    html = client.get(reverse("web:home")).content.decode()
    assert "4" in html
