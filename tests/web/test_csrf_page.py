"""A form refused by the CSRF check gets our page in the visitor's language, with what to do."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from tests.web.html_checks import check_page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _german_afterwards():
    """Requests to /en/ leave English active in this thread; later tests expect German."""
    yield
    from django.utils import translation as _translation

    _translation.activate("de")


def in_language(language: str, msgid: str) -> str:
    with translation.override(language):
        return gettext(msgid)


@pytest.mark.parametrize("language, prefix", [("de", ""), ("en", "/en")])
def test_a_form_without_its_token_gets_our_page_in_the_visitors_language(language, prefix):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"{prefix}/konto/login/", {"login": "a@example.org", "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert in_language(language, "The form could not be sent") in html
    assert in_language(language, "Go back to the form, reload the page and send it again.") in html
    # Our layout (header, skip link, landmarks), not Django's bare page.
    assert check_page(html) == []
    assert "DEBUG" not in html
    assert "CSRF" not in html


def test_a_missing_cookie_says_to_allow_cookies():
    client = Client(enforce_csrf_checks=True)
    html = client.post("/en/konto/login/", {"login": "a@example.org"}).content.decode()
    assert "did not send Werkstatt's cookie" in html


def test_a_stale_token_with_a_cookie_does_not_blame_the_cookies():
    client = Client(enforce_csrf_checks=True)
    client.get("/en/konto/login/")  # sets the CSRF cookie
    assert "csrftoken" in client.cookies
    response = client.post(
        "/en/konto/login/", {"login": "a@example.org", "csrfmiddlewaretoken": "x" * 64}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "The form could not be sent" in html
    assert "did not send Werkstatt's cookie" not in html
