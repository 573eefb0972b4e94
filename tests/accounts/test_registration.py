"""Register, confirm, log in, throttling and password reset, through allauth with our pages."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import PASSWORD, UserFactory
from werkstatt.accounts.models import User

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Werkbank-Fräse-2026"


def confirmed_user(**kwargs) -> User:
    user = UserFactory(**kwargs)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_register_confirm_and_be_logged_in(client):
    response = client.post(
        reverse("account_signup"),
        {
            "name": "Erika Mustermann",
            "email": "erika@example.org",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="erika@example.org")
    assert user.name == "Erika Mustermann"
    assert "_auth_user_id" not in client.session

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["erika@example.org"]
    assert mail.outbox[0].subject.startswith("[Werkstatt] ")
    assert "Werkstatt" in mail.outbox[0].body and "example.com" not in mail.outbox[0].body
    link = re.search(r"https?://[^\s]+/konto/confirm-email/([^/\s]+)/", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    confirm_url = reverse("account_confirm_email", args=[link.group(1)])

    page = client.get(confirm_url)  # GET only shows the confirmation form
    assert page.status_code == 200
    assert not EmailAddress.objects.get(email="erika@example.org").verified

    response = client.post(confirm_url)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="erika@example.org").verified
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_signup_needs_a_name(client):
    response = client.post(
        reverse("account_signup"),
        {
            "name": "   ",
            "email": "x@example.org",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="x@example.org").exists()
    assert 'aria-invalid="true"' in response.content.decode()


def test_login_with_unconfirmed_address_is_refused(client):
    user = UserFactory(email="neu@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True
    )
    assert "_auth_user_id" not in client.session
    assert response.redirect_chain[-1][0] == reverse("account_email_verification_sent")
    with translation.override("de"):
        assert gettext("Please confirm your e-mail address") in response.content.decode()
    assert len(mail.outbox) == 1  # the confirmation is sent again


def test_login_with_confirmed_address_lands_on_profile(client):
    user = confirmed_user()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    assert int(client.session["_auth_user_id"]) == user.pk


def test_login_lands_in_the_persons_language(client):
    user = confirmed_user(language="en")
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response["Location"] == "/en" + reverse("accounts:profile")


def test_wrong_password_is_refused_then_throttled_with_429(client):
    user = confirmed_user()
    url = reverse("account_login")
    for _ in range(5):
        response = client.post(url, {"login": user.email, "password": "falsch-falsch"})
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
        assert "error-summary" in response.content.decode()
    # Now even the right password is refused for a while.
    response = client.post(url, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    html = response.content.decode()
    assert 'lang="de"' in html
    with translation.override("de"):
        assert gettext("Too many attempts") in html
        assert (
            gettext(
                "For your protection, Werkstatt has paused this action for a short time after "
                "too many attempts. Please wait a few minutes and try again."
            )
            in html
        )


def test_password_reset_sends_a_working_link(client):
    user = confirmed_user()
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    match = re.search(r"https?://[^\s]+(/konto/password/reset/key/[^\s]+/)", mail.outbox[0].body)
    assert match, mail.outbox[0].body
    response = client.get(match.group(1), follow=True)  # allauth moves the key to the session
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_reset_for_unknown_address_sends_nothing_useful(client):
    response = client.post(reverse("account_reset_password"), {"email": "niemand@example.org"})
    assert response.status_code == 302
    assert all("password/reset/key" not in m.body for m in mail.outbox)


def test_logout_is_a_post(client):
    user = confirmed_user()
    client.force_login(user)
    page = client.get(reverse("account_logout"))
    assert page.status_code == 200
    assert "_auth_user_id" in client.session
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session
