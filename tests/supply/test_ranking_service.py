"""rank_suppliers: candidates from the network, visibility, explanations, few queries, the copy."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    CapabilityFactory,
    CertificationFactory,
    OrganisationFactory,
    SiteFactory,
    SuperuserFactory,
)
from werkstatt.engines.geo import haversine_km
from werkstatt.network.models import Organisation
from werkstatt.network.services.search_index import bump_generation, reindex
from werkstatt.supply.services import ranking
from werkstatt.supply.services.ranking import DemandSpec, StepSpec, rank_suppliers

pytestmark = pytest.mark.django_db

DRESDEN = (51.0509, 13.7383)
PIRNA = (50.9624, 13.9396)
CHEMNITZ = (50.8357, 12.9292)
LEIPZIG = (51.3397, 12.3731)


def org(name, caps, *, sites=(CHEMNITZ,), certs=(), **kw):
    o = OrganisationFactory(
        name=name,
        capabilities=[CapabilityFactory(key=k) for k in caps],
        certifications=[CertificationFactory(code=c) for c in certs],
        **kw,
    )
    for i, (lat, lon) in enumerate(sites):
        SiteFactory(organisation=o, lat=lat, lon=lon, is_headquarters=i == 0)
    if sites:
        Organisation.objects.filter(pk=o.pk).update(lat=sites[0][0], lon=sites[0][1])
    return o


def spec(**kw):
    return DemandSpec(
        steps=[
            StepSpec("trennen.spanen.fraesen", ["ISO 9001"], id="s1"),
            StepSpec("beschichten.pulverbeschichten", id="s2"),
        ],
        lat=DRESDEN[0],
        lon=DRESDEN[1],
        **kw,
    )


def test_ranks_by_coverage_and_explains_with_the_nearest_site():
    both = org(
        "Beide GmbH",
        ["trennen.spanen.fraesen", "beschichten.pulverbeschichten"],
        sites=[LEIPZIG, PIRNA],
        certs=["ISO 9001"],
    )
    mill = org("Fräse GmbH", ["trennen.spanen.fraesen"], sites=[DRESDEN], certs=["ISO 9001"])
    org("Schweißer GmbH", ["fuegen.schweissen"], sites=[DRESDEN])
    ranked = rank_suppliers(spec())
    assert [r.organisation for r in ranked] == [both, mill]
    top = ranked[0]
    assert top.covered_steps == ["s1", "s2"]
    assert {"kind": "coverage", "covered": 2, "total": 2, "steps": ["s1", "s2"]} in top.parts
    assert {"kind": "certification", "code": "ISO 9001"} in top.parts
    assert top.distance_km == pytest.approx(haversine_km(*PIRNA, *DRESDEN), abs=1e-3)
    assert ranked[1].covered_steps == ["s1"]


def test_stated_capacities_are_explained():
    org("Ohne Angabe", ["trennen.spanen.fraesen"], sites=[PIRNA])
    stated = org(
        "Mit Angabe",
        ["trennen.spanen.fraesen"],
        sites=[PIRNA],
        capacities="3 DMG-Fräszentren, freie Kapazität ab KW 10",
    )
    ranked = rank_suppliers(DemandSpec([StepSpec("trennen.spanen.fraesen")], *DRESDEN))
    assert ranked[0].organisation == stated
    assert {"kind": "capacity"} in ranked[0].parts
    assert {"kind": "capacity"} not in ranked[1].parts


def test_only_visible_supplying_organisations_and_never_the_buyer():
    public = org("Offen GmbH", ["trennen.spanen.fraesen"])
    hidden = org("Versteckt GmbH", ["trennen.spanen.fraesen"], is_public=False)
    org("Kammer", ["trennen.spanen.fraesen"], kind=Organisation.Kind.CHAMBER)
    buyer = org("Käufer GmbH", ["trennen.spanen.fraesen"])
    ranked = rank_suppliers(spec(exclude=[buyer.pk]))
    assert [r.organisation for r in ranked] == [public]
    as_admin = rank_suppliers(spec(exclude=[buyer.pk]), viewer=SuperuserFactory())
    assert {r.organisation for r in as_admin} == {public, hidden}


def test_generic_capability_ranks_below_the_specific_one():
    specific = org("Fräserei", ["trennen.spanen.fraesen"], sites=[LEIPZIG])
    generic = org("Zerspaner", ["trennen.spanen"], sites=[LEIPZIG])
    ranked = rank_suppliers(DemandSpec([StepSpec("trennen.spanen.fraesen")], *DRESDEN))
    assert [r.organisation for r in ranked] == [specific, generic]
    assert any(p["kind"] == "generic" for p in ranked[1].parts)


def test_description_text_uses_the_search_index():
    steel = org(
        "Alpha GmbH",
        ["trennen.spanen.fraesen"],
        description="Edelstahlverarbeitung und Gehäusebau für den Maschinenbau.",
    )
    wood = org("Beta GmbH", ["trennen.spanen.fraesen"], description="Möbel aus Holz.")
    reindex([steel.pk, wood.pk])
    ranked = rank_suppliers(
        DemandSpec([StepSpec("trennen.spanen.fraesen")], *DRESDEN, text="Gehäuse aus Edelstahl")
    )
    assert [r.organisation for r in ranked] == [steel, wood]
    assert ranked[0].components["text"] == 1.0
    assert ranked[1].components["text"] == 0.0
    assert {"kind": "text", "terms": ["Gehäuse", "Edelstahl"]} in ranked[0].parts


def test_empty_demand_and_limit():
    org("A", ["trennen.spanen.fraesen"])
    org("B", ["trennen.spanen.fraesen"])
    assert rank_suppliers(DemandSpec(steps=[])) == []
    assert len(rank_suppliers(spec(), limit=1)) == 1
    assert rank_suppliers(spec(), limit=0) == []


@pytest.mark.parametrize("count", [1, 3])
def test_query_count_does_not_grow_with_candidates(count):
    for i in range(count):
        org(f"Firma {i}", ["trennen.spanen.fraesen"], certs=["ISO 9001"])
    with CaptureQueriesContext(connection) as queries:
        ranked = rank_suppliers(spec(text="Fräsen Edelstahl"))
    assert len(ranked) == count
    # token, candidates, capabilities, certifications, materials, sites, count (copy for this
    # demand: inside the test's transaction), postings, the page of organisations.
    assert len(queries) <= 9


@pytest.mark.django_db(transaction=True)
def test_the_copy_is_kept_and_renewed_when_the_directory_changes():
    ranking._directory = None
    first = org("Erste GmbH", ["trennen.spanen.fraesen"])
    bump_generation()
    assert [r.organisation for r in rank_suppliers(spec())] == [first]
    kept = ranking._directory
    assert kept is not None
    with CaptureQueriesContext(connection) as queries:
        rank_suppliers(spec())
    assert ranking._directory is kept
    assert len(queries) == 2  # the token and the page (no text)
    second = org("Zweite GmbH", ["trennen.spanen.fraesen"], sites=[DRESDEN])
    bump_generation()
    assert [r.organisation for r in rank_suppliers(spec())] == [second, first]
    assert ranking._directory is not kept
    ranking._directory = None
