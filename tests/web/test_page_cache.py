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

from tests.factories import OrganisationFactory, UserFactory, make_network_moderator
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


# --- logged-in members: the results are shared, the page around them is their own ----------


def csrf_meta(page: str) -> str:
    marker = '<meta name="csrf-token" content="'
    assert marker in page
    return page.split(marker, 1)[1].split('"', 1)[0]


def test_members_share_the_results_but_get_their_own_page():
    from django.test import Client

    organisation("Zahnradwerk Pirna GmbH")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    # A staff member (who has a link to the admin site, but sees what members see) and a member.
    first.force_login(UserFactory(email="anja@example.org", is_staff=True))
    second.force_login(UserFactory(email="jens@example.org"))
    rendered, staff_page = queries(first, reverse(URL), q="Zahnradwerk")
    served, member_page = queries(second, reverse(URL), q="Zahnradwerk")
    # The second member's results came from the shared fragment: no search ran for them.
    assert served < rendered
    assert "Zahnradwerk Pirna GmbH" in staff_page and "Zahnradwerk Pirna GmbH" in member_page
    # The page around the results is each one's own: the staff member's admin link, the
    # account links, and a CSRF token that works for that member only.
    assert reverse("admin:index") in staff_page and reverse("admin:index") not in member_page
    assert reverse("accounts:profile") in member_page
    assert reverse("account_login") not in member_page
    token = csrf_meta(member_page)
    assert token != csrf_meta(staff_page)
    assert first.post(reverse("account_logout"), {"csrfmiddlewaretoken": token}).status_code == 403
    assert second.post(reverse("account_logout"), {"csrfmiddlewaretoken": token}).status_code == 302


def test_no_token_or_account_in_a_shared_cache_entry(client):
    import pickle
    import re

    from django.core.cache import caches

    organisation("Zahnradwerk Pirna GmbH")
    user = UserFactory(email="erika.musterfrau@example.org", name="Erika Musterfrau")
    client.force_login(user)
    _, page = queries(client, reverse(URL), q="Zahnradwerk")
    queries(client, reverse("network:directory_geojson"), q="Zahnradwerk")
    _, again = queries(client, reverse(URL), q="Zahnradwerk")  # from the member's page frame
    # Our own cache's entries (locmem keeps them pickled).
    entries = [pickle.loads(value) for value in caches["pages"]._cache.values()]  # noqa: S301
    assert entries  # the results, the page frame and the map data are shared
    text = repr(entries)
    assert "Zahnradwerk Pirna GmbH" in text
    tokens = re.compile(r'(?:csrf-token" content|csrfmiddlewaretoken" value)="([^"]*)"')
    mine = set(tokens.findall(page)) | set(tokens.findall(again))
    assert mine and csrf_meta(page) != csrf_meta(again)  # a fresh token each time
    secret = client.cookies["csrftoken"].value
    for personal in (*mine, secret, user.email, user.name):
        assert personal not in text


def test_an_edit_shows_at_once_for_members(client):
    org = organisation("Zahnradwerk Pirna GmbH")
    client.force_login(UserFactory())
    queries(client, reverse(URL), q="Zahnradwerk")
    services.do_update_profile(org, UserFactory(), {"name": "Zahnradwerk Heidenau GmbH"})
    _, page = queries(client, reverse(URL), q="Zahnradwerk")
    assert "Zahnradwerk Heidenau GmbH" in page and "Pirna" not in page
    htmx = client.get(
        reverse(URL), {"q": "Zahnradwerk"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="directory-body"
    ).content.decode()
    assert "Zahnradwerk Heidenau GmbH" in htmx and "<html" not in htmx


def test_hidden_organisations_stay_hidden_after_a_curator_saw_them(client):
    hidden = OrganisationFactory(name="Geheim Zahnrad GmbH", is_public=False, lat=50.9, lon=13.3)
    reindex([hidden.pk])
    client.force_login(make_network_moderator())
    _, curator_page = queries(client, reverse(URL), q="Zahnrad")
    curator_map = client.get(reverse("network:directory_geojson"), {"q": "Zahnrad"}).json()
    assert "Geheim Zahnrad GmbH" in curator_page and curator_map["total"] == 1
    assert reverse("network:import_upload") in curator_page  # the moderator's own header
    client.force_login(UserFactory())
    _, member_page = queries(client, reverse(URL), q="Zahnrad")
    member_map = client.get(reverse("network:directory_geojson"), {"q": "Zahnrad"}).json()
    assert "Geheim Zahnrad GmbH" not in member_page and member_map["total"] == 0
    assert reverse("network:import_upload") not in member_page
    client.logout()
    _, anonymous_page = queries(client, reverse(URL), q="Zahnrad")
    assert "Geheim Zahnrad GmbH" not in anonymous_page


def test_a_members_pending_message_is_shown_once(client):
    organisation("Zahnradwerk Pirna GmbH")
    client.force_login(UserFactory())
    queries(client, reverse(URL))
    storage = CookieStorage(HttpRequest())
    client.cookies["messages"] = storage._encode(
        [Message(constants.SUCCESS, "Profil gespeichert.")]
    )
    _, page = queries(client, reverse(URL))
    assert "Profil gespeichert." in page and "Zahnradwerk Pirna GmbH" in page
    _, later = queries(client, reverse(URL))
    assert "Profil gespeichert." not in later


def _without_tokens(page: bytes) -> str:
    import re

    return re.sub(
        r'((?:csrf-token" content|csrfmiddlewaretoken" value)=")[^"]*"', r"\1…", page.decode()
    )


@pytest.mark.parametrize("role", ["member", "staff", "moderator"])
def test_a_framed_page_is_the_page_rendered_for_the_member(client, settings, role):
    """Logged-in readers get the directory from a frame made for their role: it must be exactly
    the page Django renders for them (apart from the CSRF token, fresh on every page)."""
    from werkstatt.notifications.services import notify

    organisation("Zahnradwerk Pirna GmbH")
    user = {
        "member": lambda: UserFactory(),
        "staff": lambda: UserFactory(is_staff=True),
        "moderator": lambda: make_network_moderator(),
    }[role]()
    notify([user], verb="test", title="Neue Anfrage", url="/")
    client.force_login(user)
    from django.utils import translation

    with translation.override("de"):
        german = reverse(URL) + "?q=Zahnradwerk"
    for path in ("/en" + german, german):  # German last: the language stays active after it
        first = client.get(path).content
        framed = client.get(path).content  # from the frame made for the first
        settings.PAGE_FRAMES = False
        plain = client.get(path).content
        settings.PAGE_FRAMES = True
        assert b"Zahnradwerk Pirna GmbH" in plain
        assert _without_tokens(first) == _without_tokens(framed) == _without_tokens(plain)
