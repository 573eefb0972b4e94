"""Supplier ranking: coverage, certifications, distance, size, material, German text; explained."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from werkstatt.engines.consortium import Step, Supplier, can_do
from werkstatt.engines.geo import haversine_km
from werkstatt.engines.supplier_ranking import (
    CERTIFICATION_SHORT,
    GENERIC_MATCH,
    WEIGHTS,
    CandidateTable,
    DemandStep,
    RankingDemand,
    able_to_do,
    broader_capability,
    capability_match,
    rank,
    relevant_capabilities,
    text_terms,
)

DRESDEN = (51.0509, 13.7383)
PIRNA = (50.9624, 13.9396)
LEIPZIG = (51.3397, 12.3731)
PLAUEN = (50.4958, 12.1366)


def table(rows):
    """rows: dicts with id, caps, certs, sites, size, materials, text."""
    return CandidateTable.build(
        ids=[r["id"] for r in rows],
        capabilities=[r.get("caps", []) for r in rows],
        certifications=[r.get("certs", []) for r in rows],
        sites=[r.get("sites", [DRESDEN]) for r in rows],
        sizes=[r.get("size", "small") for r in rows],
        materials=[r.get("materials", []) for r in rows],
        texts=[r.get("text", "") for r in rows],
    )


def two_steps(**kw):
    return RankingDemand(
        steps=(
            DemandStep("trennen.spanen.fraesen", id="1"),
            DemandStep("beschichten.pulverbeschichten", id="2"),
        ),
        lat=DRESDEN[0],
        lon=DRESDEN[1],
        **kw,
    )


def parts_of(result, kind):
    return [p for p in result.parts if p["kind"] == kind]


def test_covering_more_steps_ranks_higher_and_says_so():
    t = table(
        [
            {"id": "one", "caps": ["trennen.spanen.fraesen"]},
            {"id": "both", "caps": ["trennen.spanen.fraesen", "beschichten.pulverbeschichten"]},
            {"id": "none", "caps": ["fuegen.schweissen"]},
        ]
    )
    ranked = rank(two_steps(), t)
    assert [r.id for r in ranked] == ["both", "one"]
    assert parts_of(ranked[0], "coverage") == [
        {"kind": "coverage", "covered": 2, "total": 2, "steps": ["1", "2"]}
    ]
    assert parts_of(ranked[1], "coverage")[0]["covered"] == 1
    assert ranked[1].components["coverage"] == 0.5


def test_taxonomy_child_covers_parent_step_fully_parent_covers_child_step_by_half():
    assert capability_match("trennen.spanen", "trennen.spanen.fraesen") == 1.0
    assert capability_match("trennen.spanen.fraesen", "trennen.spanen") == GENERIC_MATCH
    assert capability_match("trennen.spanen.fraesen", "trennen.spanen.drehen") == 0.0
    assert capability_match("trennen.spanen", "trennen.spanenx") == 0.0
    t = table(
        [
            {"id": "generic", "caps": ["trennen.spanen"]},
            {"id": "specific", "caps": ["trennen.spanen.fraesen.hsc"]},
        ]
    )
    demand = RankingDemand(steps=(DemandStep("trennen.spanen.fraesen", id="1"),))
    ranked = rank(demand, t)
    assert [r.id for r in ranked] == ["specific", "generic"]
    assert ranked[1].components["coverage"] == GENERIC_MATCH
    assert parts_of(ranked[1], "generic") == [
        {
            "kind": "generic",
            "step": "1",
            "number": 1,
            "capability": "trennen.spanen",
            "step_capability": "trennen.spanen.fraesen",
        }
    ]
    # A broader process is not covering the step: the same answer as the consortium engine.
    assert parts_of(ranked[1], "coverage")[0]["covered"] == 0
    assert ranked[1].covered_steps == []
    assert parts_of(ranked[0], "generic") == []
    assert ranked[0].covered_steps == ["1"]
    assert relevant_capabilities(demand.steps) == [
        "trennen",
        "trennen.spanen",
        "trennen.spanen.fraesen",
    ]


def test_nearest_site_counts_and_nearer_ranks_higher():
    t = table(
        [
            {"id": "leipzig", "caps": ["trennen.spanen.fraesen"], "sites": [LEIPZIG]},
            {"id": "two-sites", "caps": ["trennen.spanen.fraesen"], "sites": [PLAUEN, PIRNA]},
            {"id": "nowhere", "caps": ["trennen.spanen.fraesen"], "sites": []},
        ]
    )
    ranked = rank(RankingDemand((DemandStep("trennen.spanen.fraesen"),), *DRESDEN), t)
    assert [r.id for r in ranked] == ["two-sites", "leipzig", "nowhere"]
    km = haversine_km(*PIRNA, *DRESDEN)
    assert ranked[0].distance_km == pytest.approx(km, abs=1e-3)
    assert parts_of(ranked[0], "distance") == [{"kind": "distance", "km": round(km)}]
    assert ranked[0].components["distance"] == pytest.approx(math.exp(-km / 60.0), abs=1e-6)
    assert ranked[2].distance_km is None
    assert parts_of(ranked[2], "distance") == []


def test_required_certifications_held_and_missing_are_explained():
    t = table(
        [
            {"id": "iso", "caps": ["a"], "certs": ["ISO 9001"]},
            {"id": "both", "caps": ["a"], "certs": ["ISO 9001", "IATF 16949"]},
        ]
    )
    demand = RankingDemand((DemandStep("a", ("ISO 9001", "IATF 16949")),), *DRESDEN)
    ranked = rank(demand, t)
    assert [r.id for r in ranked] == ["both", "iso"]
    assert {
        "kind": "missing_certification",
        "code": "IATF 16949",
        "steps": ["1"],
        "numbers": [1],
    } in ranked[1].parts
    assert {"kind": "certification", "code": "ISO 9001"} in ranked[1].parts
    assert ranked[1].components["certifications"] == 0.5
    # Without all of the step's certifications the step is not covered, only close to it.
    assert ranked[0].covered_steps == ["1"] and ranked[1].covered_steps == []
    assert parts_of(ranked[1], "coverage")[0]["covered"] == 0
    assert ranked[1].components["coverage"] == CERTIFICATION_SHORT


def test_the_chain_of_the_review_covers_what_the_consortium_engine_says():
    """Laser cutting -> bending (Abkanten) -> MIG/MAG welding with EN 1090 -> powder coating,
    against firms that name the broader "Biegen" and "Schweißen", one without EN 1090: no
    firm covers 4 of 4, and each step that is not covered is named."""
    steps = (
        DemandStep("trennen.abtragen.laserschneiden", id="10"),
        DemandStep("umformen.biegen.abkanten", id="11"),
        DemandStep("fuegen.schweissen.mig_mag", ("EN 1090",), id="12"),
        DemandStep("beschichten.pulverbeschichten", id="13"),
    )
    rows = [
        {
            "id": "generalist",
            "caps": [
                "trennen.abtragen.laserschneiden",
                "umformen.biegen",
                "fuegen.schweissen",
                "beschichten.pulverbeschichten",
            ],
        },
        {
            "id": "welder",
            "caps": ["fuegen.schweissen.mig_mag"],
            "certs": ["EN 1090"],
        },
        {"id": "mig-without-cert", "caps": ["fuegen.schweissen.mig_mag"]},
    ]
    ranked = {r.id: r for r in rank(RankingDemand(steps, *DRESDEN), table(rows))}
    generalist = ranked["generalist"]
    assert parts_of(generalist, "coverage")[0] == {
        "kind": "coverage",
        "covered": 2,
        "total": 4,
        "steps": ["10", "13"],
    }
    assert [(p["number"], p["capability"]) for p in parts_of(generalist, "generic")] == [
        (2, "umformen.biegen"),
        (3, "fuegen.schweissen"),
    ]
    assert parts_of(generalist, "missing_certification") == [
        {"kind": "missing_certification", "code": "EN 1090", "steps": ["12"], "numbers": [3]}
    ]
    assert ranked["welder"].covered_steps == ["12"]
    assert parts_of(ranked["welder"], "uncovered") == [
        {"kind": "uncovered", "steps": ["10", "11", "13"], "numbers": [1, 2, 4]}
    ]
    assert ranked["mig-without-cert"].covered_steps == []
    # Exactly what the consortium engine's rule says, step by step.
    for row in rows:
        supplier = Supplier(
            row["id"], 0, 0, frozenset(row["caps"]), frozenset(row.get("certs", []))
        )
        expected = [
            s.id
            for s in steps
            if can_do(supplier, Step(s.id, s.capability, frozenset(s.certifications)))
        ]
        assert ranked[row["id"]].covered_steps == expected


def test_able_to_do_and_broader_capability():
    t = table(
        [
            {"id": 0, "caps": ["fuegen.schweissen.mig_mag"], "certs": ["EN 1090"]},
            {"id": 1, "caps": ["fuegen.schweissen"], "certs": ["EN 1090"]},
            {"id": 2, "caps": ["fuegen.schweissen.mig_mag"]},
        ]
    )
    assert able_to_do(t, "fuegen.schweissen.mig_mag", ["EN 1090"]).tolist() == [True, False, False]
    assert able_to_do(t, "fuegen.schweissen", ["EN 1090"]).tolist() == [True, True, False]
    assert able_to_do(t, "fuegen.schweissen").tolist() == [True, True, True]
    assert able_to_do(t, "fuegen.schweissen", ["ISO 3834"]).tolist() == [False, False, False]
    keys = ["fuegen", "fuegen.schweissen", "fuegen.schweissen.wig"]
    assert broader_capability("fuegen.schweissen.mig_mag", keys) == "fuegen.schweissen"
    assert broader_capability("fuegen.schweissen", ["fuegen.schweissen.wig"]) is None


def test_numbers_and_units_are_not_description_words():
    words = text_terms("500 Stück à 1.200 mm, RAL 7035, Edelstahl 1.4404, Passung H7")
    assert "500" not in words.values() and "1.200" not in words.values()
    assert "mm" not in words.values() and "Stück" not in words.values()
    assert {"RAL", "Edelstahl", "H7"} <= set(words.values())
    t = table(
        [
            {"id": "numbers", "caps": ["a"], "text": "Losgrößen ab 500 Stück, bis 1.200 mm"},
            {"id": "words", "caps": ["a"], "text": "Edelstahl"},
        ]
    )
    demand = RankingDemand((DemandStep("a"),), text="500 Stück aus Edelstahl, 1.200 mm")
    ranked = {r.id: r for r in rank(demand, t)}
    assert parts_of(ranked["numbers"], "text") == []
    assert ranked["numbers"].components["text"] == 0.0
    assert parts_of(ranked["words"], "text")[0]["terms"] == ["Edelstahl"]


@pytest.mark.parametrize(("quantity", "best"), [(10, "micro"), (100_000, "large")])
def test_size_fits_the_quantity(quantity, best):
    t = table([{"id": s, "caps": ["a"], "size": s} for s in ("micro", "small", "medium", "large")])
    ranked = rank(RankingDemand((DemandStep("a", quantity=quantity),), *DRESDEN), t)
    assert ranked[0].id == best or ranked[0].components["size"] == 1.0
    by_id = {r.id: r for r in ranked}
    assert by_id[best].components["size"] == 1.0
    other = "large" if best == "micro" else "micro"
    assert by_id[other].components["size"] < 0.5
    assert {"kind": "size", "size": best, "fit": "good", "fits": True} in by_id[best].parts


def test_stated_capacities_count_and_are_explained():
    t = CandidateTable.build(
        ids=["silent", "stated"],
        capabilities=[["a"], ["a"]],
        certifications=[[], []],
        sites=[[DRESDEN], [DRESDEN]],
        sizes=["small", "small"],
        capacity=[False, True],
    )
    ranked = rank(RankingDemand((DemandStep("a"),), *DRESDEN), t)
    assert [r.id for r in ranked] == ["stated", "silent"]
    assert {"kind": "capacity"} in ranked[0].parts
    assert {"kind": "capacity"} not in ranked[1].parts
    assert ranked[0].components["size"] == pytest.approx(0.7)
    assert ranked[1].components["size"] == pytest.approx(0.5)
    # A good fit stays at most 1.
    good = rank(RankingDemand((DemandStep("a", quantity=500),), *DRESDEN), t)
    assert [r.components["size"] for r in good] == [1.0, 1.0]


def test_material_counts():
    t = table(
        [
            {"id": "steel", "caps": ["a"], "materials": ["edelstahl"]},
            {"id": "plastic", "caps": ["a"], "materials": ["kunststoff"]},
        ]
    )
    ranked = rank(RankingDemand((DemandStep("a", material="edelstahl"),), *DRESDEN), t)
    assert ranked[0].id == "steel"
    assert {"kind": "material", "key": "edelstahl"} in ranked[0].parts


def test_german_text_similarity_folds_stems_and_splits_compounds():
    t = table(
        [
            {"id": "wood", "caps": ["a"], "text": "Wir bearbeiten Holz und Sperrholz."},
            {"id": "steel", "caps": ["a"], "text": "Edelstahlverarbeitung: wir fräsen Gehäuse."},
            {"id": "plain", "caps": ["a"], "text": ""},
        ]
    )
    demand = RankingDemand((DemandStep("a"),), *DRESDEN, text="Gefräste Gehaeuse aus Edelstahl")
    ranked = rank(demand, t)
    assert ranked[0].id == "steel"
    assert ranked[0].components["text"] == 1.0
    words = parts_of(ranked[0], "text")[0]["terms"]
    assert "Edelstahl" in words and "Gehaeuse" in words
    assert {r.id: r.components["text"] for r in ranked}["wood"] == 0.0


def test_candidates_restrict_and_limit_cuts():
    t = table([{"id": i, "caps": ["a"], "sites": [(51 + i / 100, 13.7)]} for i in range(10)])
    demand = RankingDemand((DemandStep("a"),), *DRESDEN)
    assert [r.id for r in rank(demand, t, limit=3)] == [5, 6, 4]
    assert {r.id for r in rank(demand, t, candidates=np.array([1, 2]))} == {1, 2}
    assert rank(demand, t, limit=0) == []
    assert rank(RankingDemand((DemandStep("b"),)), t) == []


def test_prepared_postings_with_document_frequencies():
    t = table([{"id": "x", "caps": ["a"]}, {"id": "y", "caps": ["a"]}])
    demand = RankingDemand((DemandStep("a"),), text="Laserschneiden")
    term = "laserschneid"
    ranked = rank(
        demand, t, postings={term: {1: 2.0}}, document_count=1000, document_frequency={term: 10}
    )
    assert ranked[0].id == "y"
    assert ranked[0].components["text"] == 1.0


@st.composite
def instances(draw):
    n = draw(st.integers(1, 25))
    caps = ["a", "a.b", "a.b.c", "d", "d.e"]
    certs = ["ISO 9001", "EN 9100", "ISO 14001"]
    rows = []
    for i in range(n):
        rows.append(
            {
                "id": i,
                "caps": draw(st.lists(st.sampled_from(caps), max_size=3)),
                "certs": draw(st.lists(st.sampled_from(certs), max_size=2)),
                "sites": draw(
                    st.lists(st.tuples(st.floats(50.2, 51.7), st.floats(11.9, 15.0)), max_size=2)
                ),
                "size": draw(st.sampled_from(["micro", "small", "medium", "large", ""])),
                "text": draw(st.sampled_from(["", "Fräsen Edelstahl", "Holzbau", "Lackieren"])),
            }
        )
    steps = tuple(
        DemandStep(
            draw(st.sampled_from(caps)),
            tuple(draw(st.lists(st.sampled_from(certs), max_size=2, unique=True))),
            quantity=draw(st.sampled_from([None, 5, 500, 50_000])),
            id=str(k),
        )
        for k in range(draw(st.integers(1, 4)))
    )
    where = draw(st.sampled_from([None, DRESDEN]))
    demand = RankingDemand(
        steps, where[0] if where else None, where[1] if where else None, "Fräsen Edelstahl"
    )
    return demand, table(rows), rows


@settings(max_examples=100, deadline=None)
@given(instances())
def test_scores_are_bounded_sorted_and_add_up(instance):
    demand, t, rows = instance
    ranked = rank(demand, t, limit=100)
    scores = [r.score for r in ranked]
    assert scores == sorted(scores, reverse=True)
    for r in ranked:
        assert 0.0 <= r.score <= 1.0 + 1e-9
        assert r.score == pytest.approx(
            sum(WEIGHTS[k] * v for k, v in r.components.items()), abs=1e-5
        )
        coverage = [p for p in r.parts if p["kind"] == "coverage"][0]
        assert coverage["covered"] == len(r.covered_steps)
        # Covered means what the consortium engine means; every other step is explained once.
        row = rows[r.id]
        supplier = Supplier(str(r.id), 0, 0, frozenset(row["caps"]), frozenset(row["certs"]))
        assert r.covered_steps == [
            s.id
            for s in demand.steps
            if can_do(supplier, Step(s.id, s.capability, frozenset(s.certifications)))
        ]
        numbers = [n for p in r.parts if p["kind"] == "uncovered" for n in p["numbers"]]
        numbers += [p["number"] for p in r.parts if p["kind"] == "generic"]
        assert len(numbers) == len(set(numbers))
    # Exactly the candidates with a capability for a step (the step's, below or above) are ranked.
    covering = {
        row["id"]
        for row in rows
        if any(capability_match(s.capability, c) > 0 for s in demand.steps for c in row["caps"])
    }
    assert {r.id for r in ranked} == covering
