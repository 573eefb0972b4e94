"""Every URL of the project × every role → the status it must answer.

The test walks the URL resolver, so a new URL without a row here fails with "add URL … to the
matrix". Adding one is one line in MATRIX:

    Row("namespace:name", {"slug": "{org}"}, "GET", "login 403 200 200 403 200 200"),

The expected answers are in the order of ROLES; each is a status code, or "login" for a
redirect to a login page (302 to another page is "302"). Placeholders in kwargs ("{org}") are
filled from the world below; POST rows send `data`. Each role's request runs in a savepoint that
is rolled back, so POSTs by one role don't change what the next one sees.

Admin URLs are generated from the admin registry (ADMIN_* below): only staff get in, and every
page of every registered model must render for a superuser.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import (
    ContactPersonFactory,
    NetworkSpaceFactory,
    OrganisationAdminFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    SiteFactory,
    SpaceRoleFactory,
    SuperuserFactory,
    UserFactory,
)
from tests.matrix import (
    ALL_200,
    LOGIN_THEN_200,
    ORG_ADMINS_ONLY,
    POST_ONLY,
    ROLES,
    Row,
)
from werkstatt.accounts.models import SpaceRole
from werkstatt.network.models import OrganisationMembership

O = {"slug": "{org}"}  # noqa: E741
I = {"pk": "{import}"}  # noqa: E741

MATRIX: list[Row] = [
    # --- web ---------------------------------------------------------------------------------
    Row("web:home", {}, "GET", ALL_200),
    Row("set_language", {}, "POST", "302 302 302 302 302 302 302", {"language": "en"}),
    Row("javascript-catalog", {}, "GET", ALL_200),
    Row("favicon", {}, "GET", "302 302 302 302 302 302 302"),
    # --- network: organisation pages (views/organisations.py) --------------------------------
    Row("network:organisation", O, "GET", ALL_200),
    Row(
        "network:organisation",
        {"slug": "{hidden}"},
        "GET",
        "404 404 200 200 404 200 200",
        note="non-public",
    ),
    Row("network:organisation_create", {}, "GET", LOGIN_THEN_200),
    Row("network:my_organisations", {}, "GET", LOGIN_THEN_200),
    Row("network:organisation_edit", O, "GET", ORG_ADMINS_ONLY),
    Row(
        "network:organisation_edit",
        {"slug": "{hidden}"},
        "GET",
        "login 404 403 200 404 200 200",
        note="non-public",
    ),
    Row("network:organisation_sites", O, "GET", ORG_ADMINS_ONLY),
    Row("network:site_edit", {"slug": "{org}", "pk": "{site}"}, "GET", ORG_ADMINS_ONLY),
    Row("network:site_delete", {"slug": "{org}", "pk": "{site}"}, "GET", ORG_ADMINS_ONLY),
    Row(
        "network:site_delete",
        {"slug": "{org}", "pk": "{site}"},
        "POST",
        "login 403 403 302 403 302 302",
    ),
    Row("network:organisation_contacts", O, "GET", ORG_ADMINS_ONLY),
    Row("network:contact_edit", {"slug": "{org}", "pk": "{contact}"}, "GET", ORG_ADMINS_ONLY),
    Row("network:contact_delete", {"slug": "{org}", "pk": "{contact}"}, "GET", ORG_ADMINS_ONLY),
    Row("network:organisation_members", O, "GET", ORG_ADMINS_ONLY),
    Row("network:membership_action", {"slug": "{org}", "pk": "{request}"}, "GET", POST_ONLY),
    Row(
        "network:membership_action",
        {"slug": "{org}", "pk": "{request}"},
        "POST",
        "login 403 403 302 403 302 302",
        {"action": "approve"},
    ),
    Row("network:organisation_join", O, "POST", "login 302 403 403 302 302 302"),
    Row(
        "network:organisation_join",
        {"slug": "{hidden}"},
        "POST",
        "login 404 403 403 404 403 302",
        note="non-public",
    ),  # superusers pass every rule
    Row("network:organisation_claim", O, "GET", POST_ONLY),
    Row("network:organisation_claim", O, "POST", "login 403 403 403 403 403 302", note="has admin"),
    Row(
        "network:organisation_claim",
        {"slug": "{unclaimed}"},
        "POST",
        "login 302 302 302 302 302 302",
        note="nobody represents it",
    ),
    Row("network:membership_requests", {}, "GET", "login 403 403 403 403 200 200"),
    Row("network:organisation_leave", O, "POST", "login 302 302 302 302 302 302"),
    Row("network:organisation_history", O, "GET", ORG_ADMINS_ONLY),
    # --- network: directory (views/directory.py) ---------------------------------------------
    Row("network:directory", {}, "GET", ALL_200),
    Row("network:directory_geojson", {}, "GET", ALL_200),
    # --- network: import (views/imports.py); {import} was uploaded by the moderator ----------
    Row("network:import_upload", {}, "GET", "login 403 403 403 403 200 200"),
    Row("network:import_mapping", I, "GET", "login 403 403 403 403 200 200"),
    Row("network:import_preview", I, "GET", "login 403 403 403 403 302 302", note="not analysed"),
    Row("network:import_commit", I, "GET", POST_ONLY),
    Row("network:import_commit", I, "POST", "login 403 403 403 403 302 302"),
    Row("network:import_report", I, "GET", "login 403 403 403 403 200 200"),
    # --- jobs; {job} was started by the moderator ---------------------------------------------
    Row("jobs:list", {}, "GET", LOGIN_THEN_200),
    Row("jobs:detail", {"pk": "{job}"}, "GET", "404 404 404 404 404 200 200"),
    Row("jobs:status", {"pk": "{job}"}, "GET", "404 404 404 404 404 200 200"),
    # --- accounts (allauth and ours) -----------------------------------------------------------
    Row("account_login", {}, "GET", "200 302 302 302 302 302 302"),
    Row("account_logout", {}, "GET", "302 200 200 200 200 200 200"),
    Row("account_logout", {}, "POST", "302 302 302 302 302 302 302"),
    Row("account_inactive", {}, "GET", ALL_200),
    Row("account_signup", {}, "GET", "200 302 302 302 302 302 302"),
    Row("account_reauthenticate", {}, "GET", LOGIN_THEN_200),
    Row("account_email", {}, "GET", LOGIN_THEN_200),
    Row("account_email_verification_sent", {}, "GET", ALL_200),
    Row("account_change_password", {}, "GET", LOGIN_THEN_200),
    Row("account_set_password", {}, "GET", "login 302 302 302 302 302 302"),  # has a password
    Row("account_reset_password", {}, "GET", ALL_200),
    Row("account_reset_password_done", {}, "GET", ALL_200),
    Row("account_reset_password_from_key", {"uidb36": "1", "key": "abc-def"}, "GET", ALL_200),
    Row("account_reset_password_from_key_done", {}, "GET", ALL_200),
    Row("account_confirm_email", {"key": "abc"}, "GET", ALL_200),  # "invalid link" page
    Row("account_confirm_login_code", {}, "GET", "login 302 302 302 302 302 302"),
    Row("accounts:profile", {}, "GET", LOGIN_THEN_200),
    Row("accounts:data_download", {}, "GET", LOGIN_THEN_200),
    Row("accounts:delete", {}, "GET", LOGIN_THEN_200),
    Row("accounts:api_token", {}, "GET", LOGIN_THEN_200),
    Row("accounts:api_token_regenerate", {}, "GET", "login 405 405 405 405 405 405"),
    Row("accounts:api_token_regenerate", {}, "POST", "login 302 302 302 302 302 302"),
    # --- API -----------------------------------------------------------------------------------
    Row("api-schema", {}, "GET", ALL_200),
    Row("api-docs", {}, "GET", ALL_200),
    Row("api-docs-redoc", {}, "GET", ALL_200),
    Row("api-index", {}, "GET", ALL_200),
    Row("api-me", {}, "GET", "401 200 200 200 200 200 200"),
    Row("api:regions", {}, "GET", ALL_200),
    Row("api:sectors", {}, "GET", ALL_200),
    Row("api:capabilities", {}, "GET", ALL_200),
    Row("api:certifications", {}, "GET", ALL_200),
    Row("api:materials", {}, "GET", ALL_200),
    Row("api:search", {}, "GET", ALL_200),
    Row("api:organisation-list", {}, "GET", ALL_200),
    Row("api:organisation-detail", O, "GET", ALL_200),
    Row(
        "api:organisation-detail",
        {"slug": "{hidden}"},
        "GET",
        "404 404 200 200 404 200 200",
        note="non-public",
    ),
    Row("api:organisation-detail", O, "PATCH", "401 403 403 200 403 200 200", {}),
    Row("api:organisation-history", O, "GET", "401 403 403 200 403 200 200"),
    Row("api:organisation-history", O, "GET", "401 403 403 200 403 200 200"),
    Row("api:site-list", {"organisation_slug": "{org}"}, "GET", ALL_200),
    Row("api:site-detail", {"organisation_slug": "{org}", "pk": "{site}"}, "GET", ALL_200),
    Row("api:contact-list", {"organisation_slug": "{org}"}, "GET", ALL_200),
    Row(
        "api:contact-detail",
        {"organisation_slug": "{org}", "pk": "{contact}"},
        "GET",
        "404 404 404 200 404 200 200",
        note="non-public contact",
    ),
]


# --- the domain apps' rows (tests/<app>/matrix.py, see tests/matrix.py) ----------------------

APPS = (
    "notifications",
    "strategy",
    "assessment",
    "monitoring",
    "opinions",
    "supply",
    "events",
    "matchmaking",
)
APP_MATRICES = [
    importlib.import_module(f"tests.{app}.matrix")
    for app in APPS
    if importlib.util.find_spec(f"tests.{app}.matrix") is not None
]
for _module in APP_MATRICES:
    MATRIX += _module.ROWS


# --- admin URLs, generated from the registry ----------------------------------------------------

ADMIN_STAFF_ONLY = "login login login login login login {superuser}"
# Admin URLs that are not per model, with their answers.
ADMIN_SITE_URLS = [
    Row("admin:index", {}, "GET", ADMIN_STAFF_ONLY.format(superuser=200)),
    Row("admin:login", {}, "GET", "200 200 200 200 200 200 302"),
    Row("admin:logout", {}, "GET", "302 302 302 302 302 302 405"),
    Row("admin:password_change", {}, "GET", ADMIN_STAFF_ONLY.format(superuser=200)),
    Row("admin:password_change_done", {}, "GET", ADMIN_STAFF_ONLY.format(superuser=200)),
    Row("admin:jsi18n", {}, "GET", ADMIN_STAFF_ONLY.format(superuser=200)),
    Row("admin:autocomplete", {}, "GET", ADMIN_STAFF_ONLY.format(superuser=403)),
    Row("admin:app_list", {"app_label": "network"}, "GET", ADMIN_STAFF_ONLY.format(superuser=200)),
    Row(
        "admin:auth_user_password_change",
        {"id": "{user_pk}"},
        "GET",
        ADMIN_STAFF_ONLY.format(superuser=200),
    ),
    Row(
        "admin:view_on_site",
        {"content_type_id": "{org_ct}", "object_id": "{org_pk}"},
        "GET",
        ADMIN_STAFF_ONLY.format(superuser=302),
    ),
]
# Per-model admin URLs: name suffix -> the URL's kwargs for an object of the model.
ADMIN_MODEL_URLS = {
    "changelist": lambda obj: {},
    "add": lambda obj: {},
    "change": lambda obj: {"object_id": obj.pk},
    "delete": lambda obj: {"object_id": obj.pk},
    "history": lambda obj: {"object_id": obj.pk},
    # SimpleHistoryAdmin: one version of the object (positional groups)
    "simple_history": lambda obj: [obj.pk, obj.history.order_by("history_id").first().history_id],
}


def admin_model_urls(names: set[str]) -> list[tuple[str, Any, str]]:
    """(URL name, model, suffix) for every per-model admin URL that exists."""
    out = []
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        for suffix in ADMIN_MODEL_URLS:
            if prefix + suffix in names:
                out.append((prefix + suffix, model, suffix))
    return out


# --- walking the URL resolver -------------------------------------------------------------------


def project_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace: str, route: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = namespace
                if pattern.namespace:
                    ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, ns, route + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                name = pattern.name or f"<unnamed {route}{pattern.pattern}>"
                names.add(f"{namespace}:{name}" if namespace else name)

    walk(get_resolver().url_patterns, "", "")
    return names


def test_every_url_has_a_row_in_the_matrix():
    names = project_url_names()
    covered = {row.name for row in MATRIX + ADMIN_SITE_URLS}
    covered |= {name for name, _, _ in admin_model_urls(names)}
    # The admin's unnamed URLs only redirect to named ones (old change URLs, the catch-all).
    missing = sorted(n for n in names - covered if not n.startswith("admin:<unnamed"))
    assert not missing, "\n".join(
        f"add URL {n} to the matrix in tests/test_permission_matrix.py" for n in missing
    )
    stale = sorted({row.name for row in MATRIX} - names)
    assert not stale, "\n".join(f"URL {n} no longer exists: remove its matrix row" for n in stale)


# --- the world the URLs are asked about -------------------------------------------------------


@pytest.fixture
def world(db):
    org = OrganisationFactory(name="Acme Metallbau GmbH", slug="acme")
    hidden = OrganisationFactory(name="Verdeckt GmbH", slug="verdeckt", is_public=False)
    other = OrganisationFactory(name="Andere GmbH", slug="andere")
    unclaimed = OrganisationFactory(name="Niemand vertreten GmbH", slug="niemand")
    users = {
        "user": UserFactory(email="user@example.org"),
        "member": UserFactory(email="member@example.org"),
        "admin": UserFactory(email="admin@example.org"),
        "other_admin": UserFactory(email="other-admin@example.org"),
        "moderator": UserFactory(email="moderator@example.org"),
        "superuser": SuperuserFactory(email="root@example.org"),
    }
    for target in (org, hidden):
        OrganisationMembershipFactory(user=users["member"], organisation=target)
        OrganisationAdminFactory(user=users["admin"], organisation=target)
    OrganisationAdminFactory(user=users["other_admin"], organisation=other)
    # A second admin, so that "leave" works for the admin role too.
    OrganisationAdminFactory(organisation=org)
    SpaceRoleFactory(
        user=users["moderator"], space=NetworkSpaceFactory(), role=SpaceRole.Role.MODERATOR
    )
    request = OrganisationMembershipFactory(
        organisation=org, status=OrganisationMembership.Status.REQUESTED
    )
    site = SiteFactory(organisation=org)
    contact = ContactPersonFactory(organisation=org, is_public=False)
    org.name = "Acme Metallbau GmbH & Co. KG"
    org.save()  # a second history record
    from werkstatt.jobs.models import Job
    from werkstatt.network.models import ImportBatch

    job = Job.objects.create(kind="test.noop", title="Test", created_by=users["moderator"])
    batch = ImportBatch.objects.create(
        created_by=users["moderator"], file="imports/liste.csv", original_name="liste.csv"
    )
    values = {
        "org": org.slug,
        "hidden": hidden.slug,
        "site": site.pk,
        "contact": contact.pk,
        "request": request.pk,
        "unclaimed": unclaimed.slug,
        "org_ct": ContentType.objects.get_for_model(org).pk,
        "org_pk": org.pk,
        "job": job.pk,
        "import": batch.pk,
        "user_pk": users["user"].pk,
    }
    for module in APP_MATRICES:
        before = dict(values)
        module.world(users, values)
        # A placeholder taken twice would point one app's rows at another app's object (the
        # same pk on SQLite by chance, another on PostgreSQL).
        changed = sorted(key for key in before if values[key] != before[key])
        assert not changed, f"{module.__name__} reuses the placeholders {changed}: rename them"
    return users, values


def fill(kwargs: dict[str, str], values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in kwargs.items():
        if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
            placeholder = value[1:-1]
            if placeholder not in values:
                pytest.fail(f"placeholder {value} is not in the world of test_permission_matrix")
            out[key] = values[placeholder]
        else:
            out[key] = value
    return out


def answer(response) -> str:
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        logins = {reverse("account_login"), reverse("admin:login")}
        return "login" if any(location.startswith(url) for url in logins) else "302"
    return str(response.status_code)


def ask(row: Row, users, values) -> list[str]:
    url = reverse(row.name, kwargs=fill(row.kwargs, values))
    answers = []
    for role in ROLES:
        with transaction.atomic():
            client = Client()
            if role != "anonymous":
                client.force_login(users[role])
            if row.method in {"PATCH", "PUT"}:
                response = getattr(client, row.method.lower())(
                    url, row.data or {}, content_type="application/json"
                )
            else:
                response = getattr(client, row.method.lower())(url, row.data or {})
            answers.append(answer(response))
            transaction.set_rollback(True)
    return answers


@pytest.mark.parametrize("row", MATRIX, ids=str)
def test_matrix(row, world):
    users, values = world
    expected = row.expected.split()
    assert len(expected) == len(ROLES), f"{row}: give one answer per role {ROLES}"
    answers = ask(row, users, values)
    diff = [f"{r}: expected {e}, got {a}" for r, e, a in zip(ROLES, expected, answers) if e != a]
    assert not diff, f"{row} ({reverse(row.name, kwargs=fill(row.kwargs, values))}):\n" + "\n".join(
        diff
    )


# --- admin ------------------------------------------------------------------------------------


def admin_object(model) -> Any:
    obj = model._default_manager.order_by("pk").first()
    if obj is None:
        pytest.fail(
            f"no {model._meta.label} to open in the admin: create one in "
            "admin_world() of tests/test_permission_matrix.py"
        )
    return obj


@pytest.fixture
def admin_world(world):
    """Objects for every admin model that the world above lacks."""
    from werkstatt.network.models import ImportBatch, ImportRow, SearchTerm

    users, values = world
    batch = ImportBatch.objects.get(pk=values["import"])
    ImportRow.objects.create(batch=batch, number=1, values={"name": "X"}, status="new")
    org = OrganisationFactory()
    SearchTerm.objects.create(organisation=org, term="blech", reversed_term="hcelb", weight=1)
    try:
        from allauth.account.models import EmailAddress

        EmailAddress.objects.create(user=users["user"], email="user@example.org", verified=True)
    except ImportError:  # pragma: no cover
        pass
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    Group.objects.create(name="Testgruppe")
    Token.objects.create(user=users["user"])
    for model in admin.site._registry:
        if not model._default_manager.exists():
            pytest.fail(f"create a {model._meta.label} in admin_world()")
    return users, values


def superuser_expected(model_admin, suffix: str, request) -> str:
    if suffix == "add":
        return "200" if model_admin.has_add_permission(request) else "403"
    if suffix == "delete":
        return "200" if model_admin.has_delete_permission(request) else "403"
    return "200"


def test_admin_for_every_role_and_registered_model(admin_world, rf):
    users, values = admin_world
    request = rf.get("/")
    request.user = users["superuser"]
    cases = [
        (row.name, reverse(row.name, kwargs=fill(row.kwargs, values)), row.expected.split())
        for row in ADMIN_SITE_URLS
    ]
    for name, model, suffix in admin_model_urls(project_url_names()):
        expected = superuser_expected(admin.site._registry[model], suffix, request)
        arguments = ADMIN_MODEL_URLS[suffix](admin_object(model))
        if isinstance(arguments, list):
            url = reverse(name, args=arguments)
        else:
            url = reverse(name, kwargs=arguments)
        cases.append((name, url, ADMIN_STAFF_ONLY.format(superuser=expected).split()))
    # Admin GETs change nothing: one logged-in client per role, no savepoints (fast).
    clients = {}
    for role in ROLES:
        clients[role] = Client()
        if role != "anonymous":
            clients[role].force_login(users[role])
    failures = []
    for name, url, expected in cases:
        answers = [answer(clients[role].get(url)) for role in ROLES]
        for role, e, a in zip(ROLES, expected, answers):
            if e != a:
                failures.append(f"{name} {url} {role}: expected {e}, got {a}")
    assert not failures, "\n".join(failures)
