"""No N+1 on the network's newer list pages: as many queries for 3 items as for 1.

(The older network pages are in tests/test_query_counts.py.)
"""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.factories import (
    OrganisationAdminFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    RegionFactory,
    make_network_moderator,
)

from werkstatt.network.models import OrganisationMembership
from werkstatt.network.services import organisations as services

pytestmark = pytest.mark.django_db


def _count(client, url: str) -> tuple[int, list[str]]:
    caches["pages"].clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(queries), [q["sql"] for q in queries.captured_queries]


def _request_item(ctx, i):
    org = OrganisationFactory(region=RegionFactory())
    if i % 2:
        OrganisationAdminFactory(organisation=org)
    OrganisationMembershipFactory(
        organisation=org,
        status=OrganisationMembership.Status.REQUESTED,
        role=OrganisationMembership.Role.ADMIN if i == 2 else OrganisationMembership.Role.MEMBER,
    )


def _history_item(ctx, i):
    org, user = ctx["org"], ctx["user"]
    site = services.do_add_site(org, user, {"city": "Chemnitz", "postcode": "09111"})
    services.do_update_site(site, user, {"street": f"Hauptstraße {i}"})
    contact = services.do_add_contact(org, user, {"name": f"Kontakt {i}"})
    services.do_update_contact(contact, user, {"function": "Vertrieb"})
    services.do_update_profile(org, user, {"employees": 10 + i})


CASES = {
    "membership requests": (
        lambda ctx: reverse("network:membership_requests"),
        _request_item,
    ),
    "history with sites and contacts": (
        lambda ctx: reverse("network:organisation_history", args=[ctx["org"].slug]),
        _history_item,
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_list_page_queries_do_not_grow_with_items(client, name):
    url, add = CASES[name]
    user = make_network_moderator()
    ctx = {"user": user, "org": OrganisationAdminFactory(user=user).organisation}
    client.force_login(user)
    add(ctx, 0)
    page = url(ctx)
    client.get(page)
    one, _ = _count(client, page)
    add(ctx, 1)
    add(ctx, 2)
    three, sql = _count(client, page)
    assert one == three, f"{name}: {one} queries with 1 item, {three} with 3:\n" + "\n".join(sql)
