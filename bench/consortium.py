"""The consortium engine (engines/consortium.py): speed, quality against greedy, exactness.

    .venv/bin/python bench/consortium.py [--repeat 10] [--suppliers 10000] [--small 300]
        [--naive]

No database: instances are generated here, as a Saxon supplier network might look (suppliers
clustered around 24 towns with a Gaussian spread of ~8 km, 1 to 4 capabilities each from 30 of
the taxonomy's manufacturing processes with a realistic skew, ISO 9001 for 60 %, IATF 16949 /
ISO 14001 / EN 9100 for fewer; an 8-step chain such as casting, milling, drilling, grinding,
hardening, coating, assembly, testing; the buyer in one of the towns).

1. The chain optimum, 8 steps over --suppliers suppliers, no partner cost or limit (the exact
   layered DP): engine time p50/p95 over --repeat instances (target p95 <= 1 s), and the cost
   ratio of the greedy nearest-capable baseline to the optimum.
   --naive also times the plain DP (a haversine for every pair of suppliers of consecutive
   steps) on the first instance, for comparison, and checks it gives the same cost.
2. 500 suppliers x 8 steps with max_partners = 4 and partner_cost_km = 30 (the MILP): p50/p95
   (target p95 <= 5 s), how many were proven optimal, the largest gap, ratio to greedy.
3. Exactness: --small random small instances (up to 7 suppliers, 5 steps, random partner cost
   and limit), each compared with brute force over every assignment.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from werkstatt.engines import consortium as engine  # noqa: E402
from werkstatt.engines.consortium import (  # noqa: E402
    brute_force_consortium,
    form_consortium,
    greedy_consortium,
    parse_demand,
)

TOWNS = [
    ("Dresden", 51.0509, 13.7383, 10),
    ("Leipzig", 51.3397, 12.3731, 10),
    ("Chemnitz", 50.8357, 12.9292, 9),
    ("Zwickau", 50.7189, 12.4939, 5),
    ("Plauen", 50.4958, 12.1366, 3),
    ("Görlitz", 51.1528, 14.9872, 2),
    ("Freiberg", 50.9119, 13.3428, 3),
    ("Bautzen", 51.1814, 14.4239, 3),
    ("Pirna", 50.9624, 13.9396, 2),
    ("Meißen", 51.1636, 13.4775, 2),
    ("Riesa", 51.3080, 13.2939, 2),
    ("Döbeln", 51.1213, 13.1127, 1),
    ("Mittweida", 50.9856, 12.9812, 1),
    ("Annaberg-Buchholz", 50.5797, 13.0053, 2),
    ("Aue", 50.5894, 12.7008, 2),
    ("Glauchau", 50.8192, 12.5447, 1),
    ("Freital", 51.0036, 13.6494, 2),
    ("Radebeul", 51.1045, 13.6600, 1),
    ("Hoyerswerda", 51.4366, 14.2475, 1),
    ("Kamenz", 51.2681, 14.0938, 1),
    ("Torgau", 51.5606, 13.0064, 1),
    ("Grimma", 51.2386, 12.7253, 1),
    ("Markkleeberg", 51.2775, 12.3739, 1),
    ("Limbach-Oberfrohna", 50.8589, 12.7611, 1),
]
CAPABILITIES = [
    ("urformen.giessen.sandguss", 2),
    ("urformen.giessen.druckguss", 2),
    ("urformen.additive_fertigung.3d_druck", 2),
    ("umformen.biegen.abkanten", 4),
    ("umformen.schmieden.gesenkschmieden", 1),
    ("trennen.spanen.drehen", 8),
    ("trennen.spanen.fraesen", 9),
    ("trennen.spanen.bohren", 4),
    ("trennen.spanen.schleifen", 3),
    ("trennen.zerteilen.stanzen", 3),
    ("trennen.abtragen.laserschneiden", 5),
    ("trennen.abtragen.erodieren", 2),
    ("fuegen.schweissen.mig_mag", 5),
    ("fuegen.schweissen.wig", 3),
    ("fuegen.montage", 5),
    ("fuegen.kleben", 1),
    ("beschichten.pulverbeschichten", 3),
    ("beschichten.lackieren", 3),
    ("beschichten.galvanisieren.verzinken", 1),
    ("beschichten.eloxieren", 1),
    ("stoffeigenschaft_aendern.haerten", 2),
    ("stoffeigenschaft_aendern.vergueten", 1),
    ("elektronikfertigung.leiterplattenbestueckung.smd", 2),
    ("elektronikfertigung.kabelkonfektion", 2),
    ("pruefen.koordinatenmesstechnik", 2),
    ("pruefen.werkstoffpruefung", 1),
    ("werkzeugbau.vorrichtungsbau", 2),
    ("kunststoffverarbeitung.spritzgiessen", 3),
    ("konstruktion.prototypenbau", 2),
    ("holz.verpackung", 1),
]
CHAINS = [
    [
        ("urformen.giessen.sandguss", ()),
        ("trennen.spanen.fraesen", ("ISO 9001",)),
        ("trennen.spanen.bohren", ()),
        ("trennen.spanen.schleifen", ()),
        ("stoffeigenschaft_aendern.haerten", ()),
        ("beschichten.pulverbeschichten", ()),
        ("fuegen.montage", ("ISO 9001",)),
        ("pruefen.koordinatenmesstechnik", ()),
    ],
    [
        ("trennen.abtragen.laserschneiden", ()),
        ("umformen.biegen.abkanten", ()),
        ("fuegen.schweissen.mig_mag", ()),
        ("trennen.spanen.fraesen", ()),
        ("beschichten.galvanisieren.verzinken", ()),
        ("beschichten.lackieren", ()),
        ("fuegen.montage", ()),
        ("holz.verpackung", ()),
    ],
    [
        ("trennen.spanen.drehen", ("ISO 9001",)),
        ("trennen.spanen.fraesen", ("ISO 9001",)),
        ("stoffeigenschaft_aendern.vergueten", ()),
        ("trennen.spanen.schleifen", ()),
        ("beschichten.eloxieren", ()),
        ("elektronikfertigung.kabelkonfektion", ()),
        ("fuegen.montage", ("ISO 9001",)),
        ("pruefen.werkstoffpruefung", ()),
    ],
]
# Broad steps (whole branches of the taxonomy): thousands of capable suppliers per step, the
# hard case for the layered DP (a naive layer-to-layer step is then ~10^7 distances).
BROAD = [
    ("trennen", ()),
    ("umformen", ()),
    ("trennen.spanen", ()),
    ("fuegen", ()),
    ("trennen", ("ISO 9001",)),
    ("beschichten", ()),
    ("fuegen", ()),
    ("trennen.spanen", ()),
]


def generate(rng: random.Random, suppliers: int, chain: int, **extra) -> dict:
    town_weights = [t[3] for t in TOWNS]
    keys = [c[0] for c in CAPABILITIES]
    key_weights = [c[1] for c in CAPABILITIES]
    rows = []
    for i in range(suppliers):
        _, lat, lon, _ = rng.choices(TOWNS, town_weights)[0]
        caps = set(rng.choices(keys, key_weights, k=rng.choice([1, 1, 2, 2, 3, 4])))
        certs = []
        if rng.random() < 0.6:
            certs.append("ISO 9001")
        if rng.random() < 0.12:
            certs.append("IATF 16949")
        if rng.random() < 0.15:
            certs.append("ISO 14001")
        if rng.random() < 0.03:
            certs.append("EN 9100")
        rows.append(
            {
                "id": f"s{i}",
                "lat": lat + rng.gauss(0, 0.07),
                "lon": lon + rng.gauss(0, 0.11),
                "capabilities": sorted(caps),
                "certifications": certs,
            }
        )
    _, blat, blon, _ = rng.choice(TOWNS)
    steps = [
        {"id": str(k + 1), "capability": cap, "certifications": list(certs)}
        for k, (cap, certs) in enumerate(BROAD if chain < 0 else CHAINS[chain % len(CHAINS)])
    ]
    return {"buyer": {"lat": blat, "lon": blon}, "steps": steps, "suppliers": rows, **extra}


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def timed(demand) -> tuple[dict, float]:
    parsed = parse_demand(demand)  # reading JSON is not engine time
    start = time.perf_counter()
    result = form_consortium(parsed)
    return result, time.perf_counter() - start


def part_chain(args, broad: bool) -> None:
    label = "broad steps" if broad else "specific steps"
    print(
        f"\n1{'b' if broad else 'a'}. Chain optimum, {label}: 8 steps over {args.suppliers:,} "
        "suppliers (target p95 <= 1 s)"
    )
    times, ratios, capable = [], [], []
    first = None
    for r in range(args.repeat):
        demand = generate(random.Random(100 + r), args.suppliers, -1 if broad else r)
        result, seconds = timed(demand)
        greedy = greedy_consortium(demand)
        assert result["feasible"] and result["optimal"]
        times.append(seconds)
        ratios.append(greedy["cost_km"] / result["cost_km"])
        inst = engine._Instance.build(parse_demand(demand))
        capable.append(sum(len(c) for c in inst.capable) / len(inst.capable))
        first = first or (demand, result)
    print(f"   capable suppliers per step: mean {statistics.mean(capable):,.0f}")
    print(
        f"   engine time p50 {pct(times, 0.5):.3f} s, p95 {pct(times, 0.95):.3f} s, "
        f"max {max(times):.3f} s; ratio to target {pct(times, 0.95) / 1.0:.2f}"
    )
    print(
        f"   greedy / optimum cost: mean {statistics.mean(ratios):.2f}, "
        f"min {min(ratios):.2f}, max {max(ratios):.2f}"
    )
    if args.naive and first is not None:
        demand, result = first
        start = time.perf_counter()
        cost = naive_chain(parse_demand(demand))
        seconds = time.perf_counter() - start
        same = abs(cost - result["cost_km"]) < 1e-3
        print(
            f"   naive DP (haversine for every pair of consecutive steps' suppliers) on the first "
            f"instance: {seconds:.2f} s ({seconds / times[0]:.1f}x), same cost: "
            f"{'yes' if same else 'NO'}"
        )


def naive_chain(demand) -> float:
    """The plain layered DP: every pair of suppliers of consecutive steps, in numpy blocks."""
    import numpy as np

    inst = engine._Instance.build(demand)
    points = inst.points
    go = inst.to_buyer[inst.capable[-1]]
    for i in range(len(inst.capable) - 2, -1, -1):
        sources, targets = inst.capable[i], inst.capable[i + 1]
        value = np.empty(len(sources))
        rows = max(1, 2_000_000 // len(targets))
        for r0 in range(0, len(sources), rows):
            block = sources[r0 : r0 + rows]
            value[r0 : r0 + rows] = (points.matrix(block, targets) + go[None, :]).min(axis=1)
        go = value
    return float(go.min())


def part_partners(args) -> None:
    print("\n2. 500 suppliers x 8 steps, max_partners 4, partner_cost_km 30 (target p95 <= 5 s)")
    times, ratios, gaps, optimal, infeasible = [], [], [], 0, 0
    for r in range(args.repeat):
        demand = generate(random.Random(500 + r), 500, r, max_partners=4, partner_cost_km=30)
        result, seconds = timed(demand)
        times.append(seconds)
        if not result["feasible"]:
            infeasible += 1
            continue
        optimal += bool(result["optimal"])
        gaps.append(result["gap"])
        greedy = greedy_consortium(demand)
        if greedy["feasible"]:
            ratios.append(greedy["cost_km"] / result["cost_km"])
    print(
        f"   engine time p50 {pct(times, 0.5):.3f} s, p95 {pct(times, 0.95):.3f} s, "
        f"max {max(times):.3f} s; ratio to target {pct(times, 0.95) / 5.0:.2f}"
    )
    print(
        f"   proven optimal {optimal} of {len(times) - infeasible} "
        f"(largest gap {max(gaps, default=0):.4f}); infeasible {infeasible}"
    )
    if ratios:
        print(
            f"   greedy / optimum cost (where greedy stays within 4 partners: {len(ratios)}): "
            f"mean {statistics.mean(ratios):.2f}, max {max(ratios):.2f}"
        )


def part_small(args) -> None:
    print(f"\n3. Exactness on {args.small} small instances against brute force")
    rng = random.Random(7)
    agree = infeasible = 0
    worst = 0.0
    for _ in range(args.small):
        extra = {}
        if rng.random() < 0.5:
            extra["max_partners"] = rng.randint(1, 4)
        if rng.random() < 0.6:
            extra["partner_cost_km"] = rng.choice([5, 20, 50, 200])
        demand = generate(rng, rng.randint(2, 7), rng.randrange(3), **extra)
        demand["steps"] = demand["steps"][: rng.randint(1, 5)]
        for row in demand["suppliers"]:  # small instances need overlapping capabilities
            row["capabilities"] = rng.sample(
                [s["capability"] for s in demand["steps"]], rng.randint(1, len(demand["steps"]))
            )
            row["certifications"] = ["ISO 9001"]
        result = form_consortium(demand)
        best = brute_force_consortium(demand)
        if best is None:
            ok = not result["feasible"]
            infeasible += 1
        else:
            ok = result["feasible"] and abs(result["cost_km"] - best[0]) <= 1e-3
            worst = max(worst, abs(result["cost_km"] - best[0]) if result["feasible"] else 1e9)
        agree += ok
    print(
        f"   equal to brute force: {agree} of {args.small} ({infeasible} infeasible, "
        f"largest difference {worst:.2g} km)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--suppliers", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=300)
    parser.add_argument("--naive", action="store_true")
    args = parser.parse_args()
    form_consortium(generate(random.Random(1), 50, 0, partner_cost_km=10))  # imports, warm-up
    part_chain(args, broad=False)
    part_chain(args, broad=True)
    part_partners(args)
    part_small(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
