"""The page cache for anonymous visitors (web/page_cache.py) on the directory."""

from __future__ import annotations

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpRequest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import OrganisationFactory, UserFactory
from werkstatt.network.services import organisations as services
from werkstatt.network.services.search_index import reindex

pytestmark = pytest.mark.django_db
URL = "network:directory"


def organisation(name: str):
    org = OrganisationFactory(name=name, is_public=True)
    reindex([org.pk])
    return org


def queries(client, path: str, **params) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_a_repeated_anonymous_visit_is_served_from_the_cache(client):
    organisation("Zahnradwerk Pirna GmbH")
    first, page = queries(client, reverse(URL), q="Zahnradwerk")
    again, same = queries(client, reverse(URL), q="Zahnradwerk")
    assert "Zahnradwerk Pirna GmbH" in page and page == same
    assert again < first
    # Another query is a page of its own.
    _, other = queries(client, reverse(URL), q="Getriebe")
    assert "Zahnradwerk Pirna GmbH" not in other


def test_a_change_of_an_organisation_shows_at_once(client):
    org = organisation("Zahnradwerk Pirna GmbH")
    queries(client, reverse(URL), q="Zahnradwerk")
    services.do_update_profile(org, UserFactory(), {"name": "Zahnradwerk Heidenau GmbH"})
    _, page = queries(client, reverse(URL), q="Zahnradwerk")
    assert "Zahnradwerk Heidenau GmbH" in page and "Pirna" not in page


def test_the_language_is_part_of_the_page(client):
    organisation("Zahnradwerk Pirna GmbH")
    _, german = queries(client, reverse(URL))
    _, english = queries(client, "/en" + reverse(URL))
    assert 'lang="de"' in german and 'lang="en"' in english


def test_logged_in_users_get_their_own_page_with_a_csrf_token(client):
    organisation("Zahnradwerk Pirna GmbH")
    queries(client, reverse(URL))  # cached for anonymous visitors
    user = UserFactory(name="Erika Musterfrau")
    client.force_login(user)
    _, page = queries(client, reverse(URL))
    assert 'name="csrf-token"' in page and "Erika Musterfrau" not in page
    client.logout()
    _, anonymous = queries(client, reverse(URL))
    assert 'name="csrf-token"' not in anonymous and "Erika" not in anonymous


def test_a_pending_message_is_shown_and_not_cached(client):
    organisation("Zahnradwerk Pirna GmbH")
    queries(client, reverse(URL))
    # A message waiting for an anonymous visitor (e.g. "You have signed out.").
    storage = CookieStorage(HttpRequest())
    message = Message(constants.SUCCESS, "Sie haben sich abgemeldet.")
    client.cookies["messages"] = storage._encode([message])
    _, page = queries(client, reverse(URL))
    assert "Sie haben sich abgemeldet." in page
    client.cookies.pop("messages")
    _, later = queries(client, reverse(URL))
    assert "Sie haben sich abgemeldet." not in later


def test_the_language_switch_works_without_a_token(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/en/netzwerk/"})
    assert response.status_code == 302 and response["Location"] == "/en/netzwerk/"
