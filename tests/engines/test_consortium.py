"""The consortium engine (FORMATS.md §2): exact answers, checked against brute force and greedy."""

import math
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from werkstatt.engines.consortium import (
    DemandError,
    brute_force_consortium,
    can_do,
    consortium_cost,
    form_consortium,
    greedy_consortium,
    parse_demand,
)
from werkstatt.engines.geo import haversine_km

DRESDEN = {"lat": 51.0509, "lon": 13.7383}
CHEMNITZ = (50.8357, 12.9292)
LEIPZIG = (51.3397, 12.3731)
ZWICKAU = (50.7189, 12.4939)


def supplier(sid, lat, lon, caps, certs=()):
    return {
        "id": sid,
        "lat": lat,
        "lon": lon,
        "capabilities": list(caps),
        "certifications": list(certs),
    }


def demand(steps, suppliers, **extra):
    return {
        "buyer": dict(DRESDEN),
        "steps": [
            {"id": str(i + 1), "capability": cap, "certifications": list(certs)}
            for i, (cap, certs) in enumerate(steps)
        ],
        "suppliers": suppliers,
        **extra,
    }


# --- small worked examples --------------------------------------------------------------


def test_one_supplier_for_the_whole_chain_costs_only_its_way_to_the_buyer():
    d = demand(
        [("trennen.spanen.fraesen", ()), ("beschichten", ())],
        [
            supplier("near", 51.0, 13.7, ["trennen.spanen.fraesen", "beschichten.lackieren"]),
            supplier("far-mill", *LEIPZIG, ["trennen.spanen.fraesen"]),
        ],
    )
    result = form_consortium(d)
    assert result["feasible"] and result["optimal"]
    assert [a["supplier"] for a in result["assignments"]] == ["near", "near"]
    assert result["partners"] == 1
    assert result["cost_km"] == pytest.approx(
        haversine_km(51.0, 13.7, DRESDEN["lat"], DRESDEN["lon"]), abs=1e-3
    )
    # One leg: the supplier to the buyer; staying with a supplier is no leg.
    assert len(result["breakdown"]["legs"]) == 1
    assert result["breakdown"]["legs"][0]["to"] == {"buyer": True}


def test_chain_through_three_towns_sums_its_legs():
    d = demand(
        [("a", ()), ("b", ()), ("c", ())],
        [
            supplier("z", *ZWICKAU, ["a"]),
            supplier("c", *CHEMNITZ, ["b"]),
            supplier("l", *LEIPZIG, ["c"]),
        ],
    )
    result = form_consortium(d)
    expected = (
        haversine_km(*ZWICKAU, *CHEMNITZ)
        + haversine_km(*CHEMNITZ, *LEIPZIG)
        + haversine_km(*LEIPZIG, DRESDEN["lat"], DRESDEN["lon"])
    )
    assert result["cost_km"] == pytest.approx(expected, abs=1e-3)
    assert result["breakdown"]["transport_km"] == pytest.approx(expected, abs=1e-3)
    assert [leg["km"] for leg in result["breakdown"]["legs"]] == pytest.approx(
        [
            haversine_km(*ZWICKAU, *CHEMNITZ),
            haversine_km(*CHEMNITZ, *LEIPZIG),
            haversine_km(*LEIPZIG, DRESDEN["lat"], DRESDEN["lon"]),
        ],
        abs=1e-3,
    )
    assert result["partners"] == 3


def test_partner_cost_makes_one_far_supplier_beat_two_near_ones():
    suppliers = [
        supplier("a", 51.05, 13.70, ["a"]),
        supplier("b", 51.06, 13.75, ["b"]),
        supplier("ab", *CHEMNITZ, ["a", "b"]),
    ]
    cheap = form_consortium(demand([("a", ()), ("b", ())], suppliers))
    assert [x["supplier"] for x in cheap["assignments"]] == ["a", "b"]
    costly = form_consortium(demand([("a", ()), ("b", ())], suppliers, partner_cost_km=100))
    assert [x["supplier"] for x in costly["assignments"]] == ["ab", "ab"]
    assert costly["optimal"] is True
    assert costly["breakdown"]["partner_cost_km"] == 100.0
    assert costly["cost_km"] == pytest.approx(
        100 + haversine_km(*CHEMNITZ, DRESDEN["lat"], DRESDEN["lon"]), abs=1e-3
    )


def test_max_partners_forces_a_supplier_back_into_the_chain():
    # Only A can do steps 1 and 3, only B step 2: A, B, A uses two partners (A paid once).
    suppliers = [
        supplier("A", 51.0, 13.6, ["x"]),
        supplier("B", 51.1, 13.9, ["y"]),
        supplier("C", 51.04, 13.73, ["x"]),
    ]
    d = demand([("x", ()), ("y", ()), ("x", ())], suppliers, max_partners=2, partner_cost_km=10)
    result = form_consortium(d)
    assert [a["supplier"] for a in result["assignments"]] == ["A", "B", "A"] or [
        a["supplier"] for a in result["assignments"]
    ] == ["C", "B", "C"]
    assert result["partners"] == 2
    best = brute_force_consortium(d)
    assert best is not None
    assert result["cost_km"] == pytest.approx(best[0], abs=1e-3)


def test_child_capability_does_a_parent_step_but_not_the_reverse():
    step = parse_demand(demand([("trennen.spanen", ())], [])).steps[0]
    child = parse_demand(
        demand([("x", ())], [supplier("m", 51, 13, ["trennen.spanen.fraesen"])])
    ).suppliers[0]
    parent = parse_demand(
        demand([("x", ())], [supplier("p", 51, 13, ["trennen.spanen"])])
    ).suppliers[0]
    prefix_only = parse_demand(
        demand([("x", ())], [supplier("q", 51, 13, ["trennen.spanenx"])])
    ).suppliers[0]
    assert can_do(child, step)
    assert can_do(parent, step)
    assert not can_do(prefix_only, step)
    milling = parse_demand(demand([("trennen.spanen.fraesen", ())], [])).steps[0]
    assert not can_do(parent, milling)


def test_certifications_are_all_required():
    d = demand(
        [("a", ("ISO 9001", "IATF 16949"))],
        [
            supplier("one", 51.05, 13.74, ["a"], ["ISO 9001"]),
            supplier("both", *LEIPZIG, ["a"], ["ISO 9001", "IATF 16949", "ISO 14001"]),
        ],
    )
    assert form_consortium(d)["assignments"] == [{"step": "1", "supplier": "both"}]


# --- infeasibility ----------------------------------------------------------------------


def test_uncovered_steps_are_named():
    d = demand(
        [("a", ()), ("b", ("EN 9100",)), ("c", ())],
        [supplier("s", 51, 13, ["a", "b"]), supplier("t", 51, 13, ["c"])],
    )
    result = form_consortium(d)
    assert result["feasible"] is False
    assert result["uncovered_steps"] == ["2"]
    assert "certification" in result["reason"]


def test_no_suppliers_at_all_leaves_every_step_uncovered():
    result = form_consortium(demand([("a", ()), ("b", ())], []))
    assert result == {**result, "feasible": False, "uncovered_steps": ["1", "2"]}


def test_max_partners_too_small_is_reported_without_uncovered_steps():
    d = demand(
        [("a", ()), ("b", ()), ("c", ())],
        [supplier("x", 51, 13, ["a"]), supplier("y", 51, 13, ["b"]), supplier("z", 51, 13, ["c"])],
        max_partners=2,
    )
    result = form_consortium(d)
    assert result["feasible"] is False
    assert result["uncovered_steps"] == []
    assert "max_partners" in result["reason"]
    assert form_consortium({**d, "max_partners": 3})["feasible"] is True


# --- alternatives -----------------------------------------------------------------------


def _random_demand(rng, n, steps, caps, *, max_partners=None, partner_cost=0.0, certs=True):
    suppliers = [
        supplier(
            f"s{i}",
            50.3 + rng.random() * 1.2,
            12.0 + rng.random() * 2.8,
            rng.sample(caps, rng.randint(1, min(3, len(caps)))),
            ["ISO 9001"] if certs and rng.random() < 0.7 else [],
        )
        for i in range(n)
    ]
    chain = [
        (rng.choice(caps), ("ISO 9001",) if certs and rng.random() < 0.3 else ())
        for _ in range(steps)
    ]
    extra = {}
    if max_partners is not None:
        extra["max_partners"] = max_partners
    if partner_cost:
        extra["partner_cost_km"] = partner_cost
    return demand(chain, suppliers, **extra)


@pytest.mark.parametrize(("max_partners", "partner_cost"), [(None, 0.0), (3, 30.0), (None, 40.0)])
def test_alternatives_are_genuinely_different_and_not_better(max_partners, partner_cost):
    rng = random.Random(11)
    d = _random_demand(
        rng, 60, 6, ["a", "b", "c", "d"], max_partners=max_partners, partner_cost=partner_cost
    )
    result = form_consortium(d, alternatives=3)
    assert result["feasible"]
    proposals = [result, *result["alternatives"]]
    assert len(proposals) == 4
    paths = [[a["supplier"] for a in p["assignments"]] for p in proposals]
    for k, path in enumerate(paths):
        # Each differs from every earlier one in at least a third of the steps (2 of 6).
        for earlier in paths[:k]:
            assert sum(x != y for x, y in zip(path, earlier)) >= 2
        assert consortium_cost(d, path) == pytest.approx(proposals[k]["cost_km"], abs=1e-3)
    costs = [p["cost_km"] for p in proposals]
    assert costs == sorted(costs)


def test_second_proposal_is_the_best_that_differs_enough():
    rng = random.Random(5)
    d = _random_demand(rng, 6, 3, ["a", "b"], max_partners=2, partner_cost=20.0)
    result = form_consortium(d, alternatives=1, min_changed=1)
    first = [a["supplier"] for a in result["assignments"]]
    second = result["alternatives"][0]
    # Brute force over all other assignments that change at least one step.
    import itertools

    parsed = parse_demand(d)
    options = [[s.id for s in parsed.suppliers if can_do(s, step)] for step in parsed.steps]
    best = math.inf
    for path in itertools.product(*options):
        if list(path) == first or len(set(path)) > 2:
            continue
        best = min(best, consortium_cost(d, list(path)))
    assert second["cost_km"] == pytest.approx(best, abs=1e-3)


# --- properties -------------------------------------------------------------------------


@st.composite
def small_demands(draw):
    seed = draw(st.integers(0, 10**6))
    rng = random.Random(seed)
    n = draw(st.integers(1, 6))
    steps = draw(st.integers(1, 4))
    caps = ["a", "b", "c"][: draw(st.integers(1, 3))]
    max_partners = draw(st.one_of(st.none(), st.integers(1, 3)))
    partner_cost = draw(st.sampled_from([0.0, 0.0, 5.0, 40.0, 300.0]))
    d = _random_demand(rng, n, steps, caps, max_partners=max_partners, partner_cost=partner_cost)
    # Some suppliers on the same spot: zero-distance ties.
    if n > 1 and draw(st.booleans()):
        d["suppliers"][1]["lat"] = d["suppliers"][0]["lat"]
        d["suppliers"][1]["lon"] = d["suppliers"][0]["lon"]
    return d


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_demands())
def test_equal_to_brute_force_and_feasible(d):
    result = form_consortium(d)
    best = brute_force_consortium(d)
    if best is None:
        assert result["feasible"] is False
        parsed = parse_demand(d)
        uncovered = [
            step.id for step in parsed.steps if not any(can_do(s, step) for s in parsed.suppliers)
        ]
        assert result["uncovered_steps"] == uncovered
        if not uncovered:
            assert "max_partners" in result["reason"]
        return
    assert result["feasible"] is True
    assert result["optimal"] is True
    path = [a["supplier"] for a in result["assignments"]]
    # consortium_cost checks capability, certifications and max_partners.
    assert consortium_cost(d, path) == pytest.approx(result["cost_km"], abs=1e-3)
    assert result["cost_km"] == pytest.approx(best[0], abs=1e-3)
    assert result["partners"] == len(set(path))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, 10**6),
    st.integers(20, 120),
    st.integers(2, 8),
    st.sampled_from([None, 2, 4]),
    st.sampled_from([0.0, 25.0]),
)
def test_never_worse_than_greedy(seed, n, steps, max_partners, partner_cost):
    rng = random.Random(seed)
    d = _random_demand(
        rng,
        n,
        steps,
        ["a", "b", "c", "d", "e"],
        max_partners=max_partners,
        partner_cost=partner_cost,
    )
    result = form_consortium(d)
    greedy = greedy_consortium(d)
    if greedy["feasible"]:
        assert result["feasible"]
        assert result["cost_km"] <= greedy["cost_km"] + 1e-6
    if result["feasible"]:
        path = [a["supplier"] for a in result["assignments"]]
        assert consortium_cost(d, path) == pytest.approx(result["cost_km"], abs=1e-3)
        assert result["optimal"] is True


def naive_chain_cost(d):
    """The partner-free chain optimum by the plain layered DP over all pairs (numpy haversine)."""
    import numpy as np

    parsed = parse_demand(d)
    lat = np.radians([s.lat for s in parsed.suppliers])
    lon = np.radians([s.lon for s in parsed.suppliers])
    layers = [
        np.array([i for i, s in enumerate(parsed.suppliers) if can_do(s, step)])
        for step in parsed.steps
    ]

    def dist(a, b):
        h = (
            np.sin((lat[a][:, None] - lat[b][None, :]) / 2) ** 2
            + np.cos(lat[a])[:, None]
            * np.cos(lat[b])[None, :]
            * np.sin((lon[a][:, None] - lon[b][None, :]) / 2) ** 2
        )
        return 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))

    buyer_lat, buyer_lon = np.radians(parsed.buyer_lat), np.radians(parsed.buyer_lon)
    last = layers[-1]
    h = (
        np.sin((lat[last] - buyer_lat) / 2) ** 2
        + np.cos(lat[last]) * np.cos(buyer_lat) * np.sin((lon[last] - buyer_lon) / 2) ** 2
    )
    go = 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
    for i in range(len(layers) - 2, -1, -1):
        go = (dist(layers[i], layers[i + 1]) + go[None, :]).min(axis=1)
    return float(go.min())


@pytest.mark.parametrize(("seed", "grid"), [(3, True), (4, True), (5, False)])
def test_large_layers_use_the_bounds_and_stay_exact(seed, grid, monkeypatch):
    # 3,000 suppliers with broad overlaps: the grid bounds (forced for every layer, or only
    # where a layer is large), the chord bound, the shortcut for suppliers of consecutive steps
    # and dominated targets all run; compare with the plain DP.
    from werkstatt.engines import consortium as engine

    if grid:
        monkeypatch.setattr(engine, "_DENSE_PAIRS", 0)
    rng = random.Random(seed)
    d = _random_demand(rng, 3000, 6, ["a", "b", "c"], certs=False)
    result = form_consortium(d)
    assert result["optimal"]
    assert result["cost_km"] == pytest.approx(naive_chain_cost(d), abs=2e-3)
    path = [a["supplier"] for a in result["assignments"]]
    assert consortium_cost(d, path) == pytest.approx(result["cost_km"], abs=1e-3)


def test_time_limit_gives_a_feasible_answer_with_a_gap():
    rng = random.Random(8)
    d = _random_demand(
        rng, 400, 8, ["a", "b", "c", "d", "e", "f"], max_partners=3, partner_cost=60.0
    )
    result = form_consortium(d, time_limit=0.001)
    assert result["feasible"]
    assert 0.0 <= result["gap"] <= 1.0
    assert result["lower_bound_km"] <= result["cost_km"] + 1e-6
    if not result["optimal"]:
        assert result["gap"] > 0 or result["lower_bound_km"] < result["cost_km"]


# --- reading ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("steps"), "steps: missing"),
        (lambda d: d.update(steps=[]), "steps: must hold at least one step"),
        (lambda d: d["steps"][0].pop("capability"), "steps[0].capability: missing"),
        (lambda d: d["suppliers"][1].update(lat="50.1"), "suppliers[1].lat: must be a number"),
        (lambda d: d["suppliers"][1].update(lon=200), "suppliers[1].lon: 200 is out of range"),
        (lambda d: d["buyer"].update(lat=True), "buyer.lat: must be a number"),
        (lambda d: d.update(max_partners=0), "max_partners"),
        (lambda d: d.update(max_partners=2.5), "max_partners"),
        (lambda d: d.update(partner_cost_km=-1), "partner_cost_km"),
        (lambda d: d["suppliers"].append(dict(d["suppliers"][0])), "is used twice"),
        (lambda d: d["suppliers"][0].update(capabilities="a"), "suppliers[0].capabilities"),
        (lambda d: d["steps"][0].update(certifications=[9001]), "steps[0].certifications[0]"),
    ],
)
def test_bad_demands_name_the_field(change, message):
    d = demand([("a", ())], [supplier("x", 51, 13, ["a"]), supplier("y", 51, 13, ["a"])])
    change(d)
    with pytest.raises(DemandError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_demand(d)


def test_unknown_fields_are_ignored_and_integer_ids_read_as_strings():
    d = demand([("a", ())], [supplier(7, 51, 13, ["a"])])
    d["comment"] = "from the ERP"
    d["steps"][0]["id"] = 1
    d["suppliers"][0]["name"] = "Muster GmbH"
    result = form_consortium(d)
    assert result["assignments"] == [{"step": "1", "supplier": "7"}]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bounded_distance_transform_equals_the_plain_one(seed, monkeypatch):
    # The core step of the chain DP, min_t d(s, t) + g(t), with arbitrary g (not only the
    # DP's own): the grid path must find exactly what the plain all-pairs minimum finds.
    import numpy as np

    from werkstatt.engines import consortium as engine

    monkeypatch.setattr(engine, "_DENSE_PAIRS", 0)
    rng = np.random.default_rng(seed)
    n = 4000
    lats = 50.2 + rng.random(n) * 1.5
    lons = 11.9 + rng.random(n) * 3.1
    # Clusters and exact duplicates, as towns and shared addresses give.
    lats[:200] = lats[200:400]
    lons[:200] = lons[200:400]
    points = engine._Points(lats.tolist(), lons.tolist())
    sources = rng.choice(n, 1500, replace=False).astype(np.intp)
    targets = rng.choice(n, 2500, replace=False).astype(np.intp)
    g = rng.random(len(targets)) * rng.choice([5.0, 80.0, 400.0])
    best, arg = engine._min_plus_distance(points, sources, targets, g)
    plain = (points.matrix(sources, targets) + g[None, :]).min(axis=1)
    assert np.allclose(best, plain, atol=1e-9)
    chosen = points.pairs(sources, targets[arg]) + g[arg]
    assert np.allclose(chosen, plain, atol=1e-9)
