"""The header's notifications link: the unread count, for screen readers in words, in one query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UserFactory
from werkstatt.notifications.services import do_mark_read, notify
from werkstatt.web.middleware import PersonalPartsMiddleware
from werkstatt.web.templatetags.werkstatt import PERSONAL_START, fill_personal_parts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _german_afterwards():
    """Requests to /en/ leave English active in this thread; later tests expect German."""
    yield
    from django.utils import translation as _translation

    _translation.activate("de")


def notify_times(user, count: int) -> None:
    for i in range(count):
        notify([user], verb="tests.header", title=f"Neuer Kommentar {i}", url="/netzwerk/")


def header(client, path: str = "/en/") -> str:
    html = client.get(path).content.decode()
    return html[html.index("<header") : html.index("</header>")]


def test_visitors_get_no_notifications_link(client):
    assert reverse("notifications:index") not in header(client)


def test_the_link_says_how_many_are_unread(client):
    user = UserFactory()
    client.force_login(user)
    html = header(client)
    assert 'href="/en/benachrichtigungen/"' in html
    assert '<span class="visually-hidden">Notifications</span>' in html
    assert "notifications-link__count" not in html

    notify_times(user, 1)
    html = header(client)
    assert '<span class="visually-hidden">1 unread notification</span>' in html
    notify_times(user, 2)
    html = header(client)
    assert '<span class="visually-hidden">3 unread notifications</span>' in html
    assert '<span class="notifications-link__count" aria-hidden="true">3</span>' in html

    do_mark_read(user)
    assert "notifications-link__count" not in header(client)


def test_more_than_99_shows_99_plus(client):
    user = UserFactory()
    notify_times(user, 100)
    client.force_login(user)
    html = header(client)
    assert '<span class="notifications-link__count" aria-hidden="true">99+</span>' in html
    assert "100 unread notifications" in html


def test_the_count_costs_one_query_however_many_there_are(client):
    user = UserFactory()
    client.force_login(user)
    counts = []
    for unread in (0, 1, 5):
        notify_times(user, unread)
        client.get("/en/")  # warm
        with CaptureQueriesContext(connection) as queries:
            client.get("/en/")
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1] == counts[2]
    visitor = client.__class__()
    with CaptureQueriesContext(connection) as with_link:
        client.get("/en/")
    with CaptureQueriesContext(connection) as without:
        visitor.get("/en/")
    notification_queries = [
        q["sql"] for q in with_link.captured_queries if "notifications_notification" in q["sql"]
    ]
    assert len(notification_queries) == 1, notification_queries
    assert not any("notifications_notification" in q["sql"] for q in without.captured_queries)


class StandIn:
    """A role, not a person (as web/page_cache.py renders a frame for everyone of a role)."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False

    def has_perm(self, perm, obj=None):
        return False


def test_a_page_rendered_for_a_role_gets_each_persons_count_on_the_way_out():
    person = UserFactory()
    notify_times(person, 2)
    request = RequestFactory().get("/en/")
    request.user = StandIn()
    frame = render_to_string("web/home.html", {"kinds": [], "total": 0}, request=request)
    # The frame has the link's place, without anybody's count.
    assert PERSONAL_START in frame
    assert "notifications-link__count" not in frame

    request.user = person
    html = fill_personal_parts(frame, request)
    assert PERSONAL_START not in html
    assert '<span class="notifications-link__count" aria-hidden="true">2</span>' in html

    from django.http import HttpResponse

    middleware = PersonalPartsMiddleware(lambda r: HttpResponse(frame))
    response = middleware(request)
    assert b'aria-hidden="true">2</span>' in response.content
