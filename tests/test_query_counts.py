"""No N+1: every list page makes as many queries for 3 items as for 1 (pretalx-style).

Each case makes one item, asks the page once to warm the caches, counts its queries, adds two
more items and counts again. To add a list page, add a case: a function that makes one item for
the user and returns the page's URL.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    ContactPersonFactory,
    OrganisationAdminFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    RegionFactory,
    SiteFactory,
    SpaceRoleFactory,
    SuperuserFactory,
    UserFactory,
    make_network_moderator,
)
from werkstatt.network.models import Organisation, OrganisationMembership
from werkstatt.network.services import organisations as services

pytestmark = pytest.mark.django_db


class Case:
    """A list page: `setup(user)` returns the context; `add(context, i)` adds the i-th item."""

    def __init__(self, url: Callable, add: Callable, user: Callable = UserFactory) -> None:
        self.url, self.add, self.user = url, add, user


def _org_with_admin(user) -> Organisation:
    return OrganisationAdminFactory(user=user).organisation


def _directory_item(ctx, i):
    region = RegionFactory()
    org = OrganisationFactory(
        name=f"Blechbearbeitung {i} GmbH", region=region, lat=50.8 + i / 100, lon=12.9
    )
    SiteFactory(organisation=org)
    services.reindex([org.pk])


def _history_item(ctx, i):
    org = ctx["org"]
    services.do_update_profile(org, ctx["user"], {"employees": 10 + i})


def _membership_item(ctx, i):
    OrganisationMembershipFactory(
        organisation=ctx["org"],
        status=OrganisationMembership.Status.REQUESTED if i % 2 else "active",
    )


def _my_org_item(ctx, i):
    OrganisationMembershipFactory(user=ctx["user"], organisation__region=RegionFactory())


def _job_item(ctx, i):
    from werkstatt.jobs.models import Job

    Job.objects.create(kind="test.noop", title=f"Job {i}", created_by=ctx["user"])


def _import_item(ctx, i):
    from werkstatt.network.models import ImportBatch

    ImportBatch.objects.create(
        created_by=ctx["user"], file=f"imports/l{i}.csv", original_name=f"l{i}.csv"
    )


def _admin_org_item(ctx, i):
    org = OrganisationFactory(region=RegionFactory())
    SiteFactory(organisation=org, region=org.region)
    ContactPersonFactory(organisation=org)
    OrganisationMembershipFactory(organisation=org)


def _admin_user_item(ctx, i):
    SpaceRoleFactory()


CASES = {
    "directory": (lambda ctx: reverse("network:directory"), _directory_item, "user"),
    "directory search": (
        lambda ctx: reverse("network:directory") + "?q=Blech",
        _directory_item,
        "user",
    ),
    "my organisations": (lambda ctx: reverse("network:my_organisations"), _my_org_item, "user"),
    "memberships": (
        lambda ctx: reverse("network:organisation_members", args=[ctx["org"].slug]),
        _membership_item,
        "org_admin",
    ),
    "history": (
        lambda ctx: reverse("network:organisation_history", args=[ctx["org"].slug]),
        _history_item,
        "org_admin",
    ),
    "jobs": (lambda ctx: reverse("jobs:list"), _job_item, "user"),
    "imports": (lambda ctx: reverse("network:import_upload"), _import_item, "moderator"),
    "admin organisations": (
        lambda ctx: reverse("admin:network_organisation_changelist"),
        _admin_org_item,
        "superuser",
    ),
    "admin sites": (
        lambda ctx: reverse("admin:network_site_changelist"),
        _admin_org_item,
        "superuser",
    ),
    "admin contacts": (
        lambda ctx: reverse("admin:network_contactperson_changelist"),
        _admin_org_item,
        "superuser",
    ),
    "admin memberships": (
        lambda ctx: reverse("admin:network_organisationmembership_changelist"),
        _admin_org_item,
        "superuser",
    ),
    "admin organisation history": (
        lambda ctx: reverse("admin:network_organisation_history", args=[ctx["org"].pk]),
        _history_item,
        "superuser",
    ),
    "admin users": (
        lambda ctx: reverse("admin:accounts_user_changelist"),
        _admin_user_item,
        "superuser",
    ),
    "admin space roles": (
        lambda ctx: reverse("admin:accounts_spacerole_changelist"),
        _admin_user_item,
        "superuser",
    ),
    "admin imports": (
        lambda ctx: reverse("admin:network_importbatch_changelist"),
        _import_item,
        "superuser",
    ),
}


def _user(kind: str):
    if kind == "superuser":
        return SuperuserFactory()
    if kind == "moderator":
        return make_network_moderator()
    return UserFactory()


def _count(client, url: str) -> tuple[int, list[str]]:
    from django.core.cache import caches

    caches["pages"].clear()  # the rendering is counted, not the shared page fragments
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(queries), [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize("name", list(CASES))
def test_list_page_queries_do_not_grow_with_items(client, name):
    url, add, kind = CASES[name]
    user = _user(kind)
    ctx = {"user": user, "org": _org_with_admin(user)}
    client.force_login(user)
    add(ctx, 0)
    page = url(ctx)
    client.get(page)  # warm caches (content types, sites, sessions)
    one, _ = _count(client, page)
    add(ctx, 1)
    add(ctx, 2)
    three, sql = _count(client, page)
    assert one == three, f"{name}: {one} queries with 1 item, {three} with 3:\n" + "\n".join(sql)
