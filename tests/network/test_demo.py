"""`werkstatt demo`: a reproducible demo network of every kind and district, and accounts for
every role that can log in at once."""

from __future__ import annotations

import collections
import csv
import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from tests.factories import OrganisationFactory

from werkstatt.accounts.models import Space, SpaceRole
from werkstatt.network import demo
from werkstatt.network.models import (
    Organisation,
    OrganisationMembership,
    Region,
    SearchTerm,
    Site,
)
from werkstatt.network.services.geocoding import geocode

pytestmark = pytest.mark.django_db

SMALL = 150


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    # The demo accounts' password is hashed once per run; the default hasher takes a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run_demo(*args: str, **options) -> str:
    from io import StringIO

    out = StringIO()
    # The network's own demo; the apps' demos are tested in their apps (tests/*/test_demo.py).
    options.setdefault("network_only", True)
    call_command("demo", *args, stdout=out, **options)
    return out.getvalue()


def database_digest() -> str:
    """Names, kinds, places, streets, capabilities and certifications of all organisations."""
    digest = hashlib.sha256()
    orgs = Organisation.objects.order_by("name").prefetch_related(
        "sites", "capabilities", "certifications", "materials", "sectors", "contacts"
    )
    for org in orgs:
        parts = [org.name, org.slug, org.kind, org.size, str(org.employees), org.description]
        parts += [f"{s.street}|{s.postcode}|{s.city}|{s.lat}|{s.lon}" for s in org.sites.all()]
        parts += sorted(c.key for c in org.capabilities.all())
        parts += sorted(c.code for c in org.certifications.all())
        parts += sorted(m.key for m in org.materials.all())
        parts += sorted(s.code for s in org.sectors.all())
        parts += sorted(f"{c.name}|{c.email}" for c in org.contacts.all())
        digest.update("\n".join(parts).encode())
    return digest.hexdigest()


def districts() -> set[str]:
    return set(
        Region.objects.filter(kind__in=[Region.Kind.DISTRICT, Region.Kind.CITY]).values_list(
            "code", flat=True
        )
    )


def test_small_network_has_every_kind_district_and_reference_data():
    run_demo(organisations=SMALL, seed=7, no_index=True)
    assert Organisation.objects.count() == SMALL
    kinds = collections.Counter(Organisation.objects.values_list("kind", flat=True))
    assert set(kinds) == set(Organisation.Kind.values)
    assert kinds.most_common(1)[0][0] == Organisation.Kind.COMPANY
    assert kinds[Organisation.Kind.COMPANY] > SMALL * 0.6
    assert len(districts()) == 13
    assert set(Organisation.objects.values_list("region__code", flat=True)) == districts()
    companies = Organisation.objects.filter(kind=Organisation.Kind.COMPANY)
    assert not companies.filter(capabilities=None).exists()
    assert not companies.filter(sectors=None).exists()
    assert not companies.filter(size="").exists()
    assert companies.filter(certifications__code="ISO 9001").count() > companies.count() * 0.3
    assert Organisation.materials.through.objects.exists()
    # Mostly micro and small firms, as in Saxony.
    sizes = collections.Counter(companies.values_list("size", flat=True))
    assert sizes["micro"] + sizes["small"] > sizes["medium"] + sizes["large"]


def test_sites_are_geocoded_in_their_district_and_do_not_stack():
    run_demo(organisations=SMALL, seed=7, no_index=True)
    sites = list(Site.objects.select_related("organisation", "region"))
    assert all(s.lat is not None and s.lon is not None and s.region_id for s in sites)
    assert all(s.postcode and s.city for s in sites)
    for site in sites:
        place = geocode(site.city, site.postcode)
        assert place is not None
        assert site.region.code == place.region_code
        assert abs(site.lat - place.lat) < 0.05 and abs(site.lon - place.lon) < 0.08
    assert len({(s.lat, s.lon) for s in sites}) == len(sites)
    for org in Organisation.objects.prefetch_related("sites"):
        hq = [s for s in org.sites.all() if s.is_headquarters]
        assert len(hq) == 1
        assert (org.lat, org.lon, org.region_id) == (hq[0].lat, hq[0].lon, hq[0].region_id)


def test_addresses_are_on_reserved_example_domains():
    run_demo(organisations=SMALL, seed=7, no_index=True)
    for org in Organisation.objects.prefetch_related("contacts"):
        assert org.website.endswith(".example/")
        assert org.email.endswith(".example")
        assert org.contacts.exists()
        assert all(c.email.endswith(".example") for c in org.contacts.all())
    names = list(Organisation.objects.values_list("name", flat=True))
    assert len(names) == len(set(names))
    assert "Seifert Zerspanungstechnik GmbH" in names


def test_same_seed_gives_the_same_network_and_another_seed_another():
    run_demo(organisations=SMALL, seed=11, no_index=True)
    first = database_digest()
    run_demo(organisations=SMALL, seed=11, reset=True, no_index=True)
    assert database_digest() == first
    run_demo(organisations=SMALL, seed=12, reset=True, no_index=True)
    assert database_digest() != first


def test_generator_alone_is_deterministic():
    vocabulary = demo.vocabulary_from_database()
    one = demo.spec_digest(demo.Generator(5, vocabulary).organisations(300))
    two = demo.spec_digest(demo.Generator(5, vocabulary).organisations(300))
    other = demo.spec_digest(demo.Generator(6, vocabulary).organisations(300))
    assert one == two != other


def test_default_size_is_at_least_two_thousand_organisations():
    output = run_demo(no_index=True)
    assert demo.DEFAULT_ORGANISATIONS >= 2000
    assert Organisation.objects.count() == demo.DEFAULT_ORGANISATIONS
    assert Site.objects.count() >= demo.DEFAULT_ORGANISATIONS
    assert f"Generated {demo.DEFAULT_ORGANISATIONS} organisations" in output


@pytest.mark.parametrize("account", demo.DEMO_ACCOUNTS, ids=lambda a: a.email.split("@")[0])
def test_every_demo_account_logs_in(client, account):
    run_demo(organisations=demo.MIN_ORGANISATIONS, no_index=True)
    response = client.post(
        reverse("account_login"), {"login": account.email, "password": demo.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(email=account.email)
    assert int(client.session["_auth_user_id"]) == user.pk


def test_demo_accounts_hold_their_roles():
    output = run_demo(organisations=demo.MIN_ORGANISATIONS, no_index=True)
    assert "DEMO DATA" in output and demo.DEMO_PASSWORD in output
    roles = {a.email for a in demo.DEMO_ACCOUNTS}
    users = {u.email.split("@")[0]: u for u in demo.demo_users() if u.email in roles}
    assert set(users) == {"admin", "moderation", "prozess", "firma", "mitglied", "gremium"}
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert not any(u.is_staff for key, u in users.items() if key != "admin")
    assert all(
        u.emailaddress_set.filter(verified=True, primary=True).exists() for u in users.values()
    )

    def has_role(key: str, slug: str, kind: str, role: str) -> bool:
        return SpaceRole.objects.filter(
            user=users[key], space__slug=slug, space__kind=kind, role=role
        ).exists()

    assert has_role("moderation", "netzwerk", Space.Kind.NETWORK, SpaceRole.Role.MODERATOR)
    assert has_role(
        "prozess", "zukunftswerkstatt-industrie", Space.Kind.PROCESS, SpaceRole.Role.MODERATOR
    )
    assert Space.objects.get(slug="zukunftswerkstatt-industrie").name == (
        "ZukunftsWerkstatt INDUSTRIE"
    )
    assert has_role("gremium", "begleitgremium", Space.Kind.BOARD, SpaceRole.Role.BOARD_MEMBER)
    showcase = Organisation.objects.get(name="Seifert Zerspanungstechnik GmbH")
    active = OrganisationMembership.Status.ACTIVE
    assert OrganisationMembership.objects.filter(
        user=users["firma"], organisation=showcase, role="admin", status=active
    ).exists()
    assert OrganisationMembership.objects.filter(
        user=users["mitglied"], organisation=showcase, role="member", status=active
    ).exists()
    assert users["firma"].has_perm("network.change_organisation", showcase)
    assert not users["mitglied"].has_perm("network.change_organisation", showcase)
    other = Organisation.objects.exclude(pk=showcase.pk).first()
    assert not users["firma"].has_perm("network.change_organisation", other)
    assert users["moderation"].has_perm("network.change_organisation", other)


def test_if_empty_does_nothing_when_organisations_exist():
    OrganisationFactory()
    output = run_demo("--if-empty", organisations=SMALL, no_index=True)
    assert Organisation.objects.count() == 1
    assert "no demo data" in output
    assert not demo.demo_users().exists()


def test_if_empty_generates_into_an_empty_database():
    run_demo("--if-empty", organisations=demo.MIN_ORGANISATIONS, no_index=True)
    assert Organisation.objects.count() == demo.MIN_ORGANISATIONS


def test_refuses_to_add_a_second_demo_network_without_reset():
    run_demo(organisations=demo.MIN_ORGANISATIONS, no_index=True)
    with pytest.raises(CommandError, match="--reset"):
        run_demo(organisations=demo.MIN_ORGANISATIONS, no_index=True)
    with pytest.raises(CommandError, match="at least"):
        run_demo(organisations=demo.MIN_ORGANISATIONS - 1, no_index=True)


def test_reset_deletes_only_demo_data():
    real = OrganisationFactory(name="Echte Firma GmbH", email="post@echte-firma.de")
    run_demo(organisations=SMALL, no_index=True)
    firma = demo.demo_users().get(email__startswith="firma@")
    run_demo("--reset", organisations=demo.MIN_ORGANISATIONS, no_index=True)
    assert Organisation.objects.filter(pk=real.pk).exists()
    assert Organisation.objects.count() == demo.MIN_ORGANISATIONS + 1
    people = OrganisationMembership.objects.filter(user__in=demo.demo_users()).exclude(
        user__email__in=[a.email for a in demo.DEMO_ACCOUNTS]
    )
    assert demo.demo_users().count() == len(demo.DEMO_ACCOUNTS) + people.count()
    assert not demo.demo_users().filter(pk=firma.pk).exists()
    # Nothing of the old demo network is left behind.
    assert (
        Site.objects.count()
        == Site.objects.filter(organisation__in=Organisation.objects.all()).count()
    )
    assert not Organisation.history.filter(history_type="-").exists()
    # Nor its history: what is left is the history of what is left.
    assert set(Organisation.history.values_list("id", flat=True)) == set(
        Organisation.objects.values_list("id", flat=True)
    )
    assert Site.history.count() == Site.objects.count()


def test_demo_refreshes_the_search_index():
    run_demo(organisations=demo.MIN_ORGANISATIONS)
    showcase = Organisation.objects.get(name="Seifert Zerspanungstechnik GmbH")
    terms = set(SearchTerm.objects.filter(organisation=showcase).values_list("term", flat=True))
    assert terms
    assert SearchTerm.objects.values("organisation").distinct().count() == (demo.MIN_ORGANISATIONS)


def test_every_demo_town_geocodes_to_its_district():
    """The towns file and the geocoder's places agree (a typo in a postcode would not)."""
    with (demo.DATA_DIR / "towns.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert {r["region_code"] for r in rows} == districts()
    for row in rows:
        for postcode in row["postcodes"].split():
            place = geocode(row["name"], postcode)
            assert place is not None, (row["name"], postcode)
            assert place.region_code == row["region_code"], (row["name"], postcode)


def test_trades_resolve_to_loaded_reference_data():
    vocabulary = demo.vocabulary_from_database()
    catalogue = demo.load_catalogue()
    for trade in catalogue.trades:
        resolved = [vocabulary.capability(name) for name, _ in trade["capabilities"]]
        assert sum(1 for r in resolved if r) >= 3, trade["key"]
        assert all(vocabulary.sector(code) for code in trade["sectors"]), trade["key"]
    assert vocabulary.certification("IATF 16949") == ("IATF 16949", "IATF 16949")
    assert vocabulary.capability("Galvanisieren")[0] == "beschichten.galvanisieren"
    assert vocabulary.material("Edelstahl")[0] == "stahl.edelstahl"
    assert vocabulary.sector("25.62") == "25.6"


def test_company_descriptions_are_complete_german_sentences():
    vocabulary = demo.vocabulary_from_database()
    for spec in demo.Generator(3, vocabulary).organisations(400):
        assert spec.description.endswith("."), spec.name
        assert "{" not in spec.description and "{" not in spec.capacities
        assert "  " not in spec.description
        if spec.kind == "company":
            assert spec.name.split()[-1] in {
                "GmbH",
                "KG",
                "e.K.",
                "AG",
                "SE",
                "GbR",
                "(haftungsbeschränkt)",
            }, spec.name


# --- realism: leaf capabilities, people with accounts, history from the start ---------------


def test_firms_have_the_leaf_processes_of_their_trade():
    run_demo(organisations=400, seed=7, no_index=True)
    companies = Organisation.objects.filter(kind=Organisation.Kind.COMPANY)
    keys = collections.Counter(
        Organisation.capabilities.through.objects.filter(organisation__in=companies).values_list(
            "capability__key", flat=True
        )
    )
    # The processes purchasers ask for, not only their groups.
    assert keys["umformen.biegen.abkanten"] >= 10 and keys["fuegen.schweissen.mig_mag"] >= 20
    assert keys["fuegen.schweissen.wig"] >= 5 and keys["trennen.abtragen.laserschneiden"] >= 10
    assert keys["umformen.biegen"] == 0 and keys["fuegen.schweissen"] == 0
    parents = {
        "umformen.biegen",
        "fuegen.schweissen",
        "beschichten.galvanisieren",
        "urformen.giessen",
    }
    assert not any(keys[p] for p in parents)
    # A sheet-metal shop lasers and bends; a welding certificate goes with welding.
    blech = companies.filter(name__iregex=r"Blech|Laser|Kantteile|Stanz")
    assert blech.count() >= 5
    with_laser = blech.filter(capabilities__key="trennen.abtragen.laserschneiden").count()
    assert with_laser >= blech.count() * 0.6
    # (Sets of ids: the one-query form of this sends PostgreSQL's planner astray on fresh
    # tables without statistics.)
    certified = set(
        Organisation.certifications.through.objects.filter(
            certification__code__in=["EN 1090", "ISO 3834"]
        ).values_list("organisation_id", flat=True)
    )
    welding = set(
        Organisation.capabilities.through.objects.filter(
            capability__key__startswith="fuegen.schweissen."
        ).values_list("organisation_id", flat=True)
    )
    assert certified and certified <= welding


def test_a_share_of_organisations_have_admins_and_members_with_accounts(client):
    run_demo(organisations=400, seed=7, no_index=True)
    companies = Organisation.objects.filter(kind=Organisation.Kind.COMPANY)
    active = OrganisationMembership.Status.ACTIVE
    with_admin = companies.filter(memberships__role="admin", memberships__status=active)
    share = with_admin.distinct().count() / companies.count()
    assert 0.1 <= share <= 0.2, share
    assert OrganisationMembership.objects.filter(role="member", status=active).count() > 10
    membership = (
        OrganisationMembership.objects.filter(role="admin")
        .exclude(user__email__in=[a.email for a in demo.DEMO_ACCOUNTS])
        .select_related("user", "organisation")
        .first()
    )
    user = membership.user
    assert user.email.endswith("@" + demo.ACCOUNT_DOMAIN)
    # The admin is the organisation's first contact person, and can log in.
    assert membership.organisation.contacts.filter(name__endswith=user.name.split()[-1]).exists()
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": demo.DEMO_PASSWORD}
    )
    assert response.status_code == 302 and int(client.session["_auth_user_id"]) == user.pk
    assert user.has_perm("network.change_organisation", membership.organisation)


def test_demo_organisations_have_their_creation_in_the_history():
    from werkstatt.network.services import organisations as services
    from werkstatt.network.services.history import organisation_history_page

    run_demo(organisations=demo.MIN_ORGANISATIONS, no_index=True)
    assert Organisation.history.filter(history_type="+").count() == demo.MIN_ORGANISATIONS
    assert Site.history.filter(history_type="+").count() == Site.objects.count()
    org = Organisation.objects.get(name="Seifert Zerspanungstechnik GmbH")
    user = demo.demo_users().get(email__startswith="firma@")
    services.do_update_profile(org, user, {"employees": 99})
    _page, entries = organisation_history_page(org)
    assert [c.field for c in entries[0].changes] == ["employees"]
    assert entries[-1].kind == "created"
    # The capabilities were recorded at creation: the first edit does not show them as new.
    assert all(c.field != "capabilities" for c in entries[0].changes)
