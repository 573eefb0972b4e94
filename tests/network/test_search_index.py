"""The search index writes only what changed, and what it holds is what a fresh build holds."""

from __future__ import annotations

import pytest
from tests.factories import CapabilityFactory, OrganisationFactory, SiteFactory

from werkstatt.network.models import Organisation, SearchTerm
from werkstatt.network.services.search_index import reindex, reindex_all

pytestmark = pytest.mark.django_db


def postings(ids=None) -> dict[tuple[int, str], tuple[str, float]]:
    rows = SearchTerm.objects.all()
    if ids is not None:
        rows = rows.filter(organisation_id__in=ids)
    return {
        (org, term): (reversed_term, weight)
        for org, term, reversed_term, weight in rows.values_list(
            "organisation_id", "term", "reversed_term", "weight"
        )
    }


def fresh_postings(ids) -> dict[tuple[int, str], tuple[str, float]]:
    """What a build from nothing gives (the postings are thrown away first)."""
    SearchTerm.objects.filter(organisation_id__in=ids).delete()
    reindex(ids)
    return postings(ids)


def test_a_changed_organisation_gets_exactly_the_postings_of_a_fresh_build():
    laser = CapabilityFactory(name_de="Laserschneiden")
    a = OrganisationFactory(
        name="Alpha Blechbearbeitung GmbH",
        description="Edelstahlverarbeitung und Laserschneiden, ISO 9001",
        capabilities=[laser],
    )
    b = OrganisationFactory(name="Beta Holzbau KG", description="Treppen und Fenster")
    SiteFactory(organisation=b, city="Chemnitz", postcode="09111")
    ids = [a.pk, b.pk]
    reindex(ids)
    kept = set(SearchTerm.objects.filter(organisation=b).values_list("pk", flat=True))
    # A term goes, one comes, one changes its weight (now also in the name), a link is gone.
    Organisation.objects.filter(pk=a.pk).update(
        name="Alpha Laser GmbH", description="Edelstahlverarbeitung, Pulverbeschichtung"
    )
    a.capabilities.clear()
    reindex(ids)
    incremental = postings(ids)
    assert (a.pk, "pulverbeschich") in incremental
    assert (a.pk, "blechbearbei") not in incremental
    # The unchanged organisation's postings were left in place, not written again.
    assert set(SearchTerm.objects.filter(organisation=b).values_list("pk", flat=True)) == kept
    assert incremental == fresh_postings(ids)


def test_reindexing_unchanged_organisations_rewrites_nothing():
    made = [OrganisationFactory(name=f"Firma {i} Metallbau") for i in range(5)]
    reindex_all()
    before = set(SearchTerm.objects.values_list("pk", "term", "weight"))
    assert before
    reindex_all()
    assert set(SearchTerm.objects.values_list("pk", "term", "weight")) == before
    assert len({pk for pk, _t, _w in before}) == len(postings([o.pk for o in made]))


def test_the_page_cache_setting_of_the_connection_is_restored():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's page cache")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
    reindex([OrganisationFactory().pk])
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone() == (before,)
