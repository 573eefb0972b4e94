"""Supplier ranking latency at 50,000 organisations, on SQLite and on PostgreSQL.

    .venv/bin/python bench/ranking.py [--organisations 50000] [--repeat 5] [--only sqlite|postgres]

For each database: a fresh database (a temporary SQLite file; a throw-away PostgreSQL server from
tests/with_postgres.py), `migrate` (reference data: the capability taxonomy, certifications),
the organisations from bench/search.py's quick generator (names, kinds, sizes, 1 to 5 leaf
capabilities, 0 to 3 certifications, a site in one of the districts, descriptions from German
phrases), then the search index rows for names and descriptions written directly (the same
`engines.text.index_terms` analysis as `reindex_all`, cached per distinct text, so that the
bench does not spend 10 minutes on compound splitting), then a fixed mix of 12 realistic demands
(1 to 4 steps, certifications, quantities, delivery places, German descriptions), each run
`--repeat` times after one cold round.

Printed: p50/p95 of `rank_suppliers(spec, limit=50)` warm (the process keeps its candidate copy)
and cold (the first round: builds the copy, loads the postings of the texts' terms), and a
baseline without the copy (each demand loads only its own candidates: what the service does
inside a transaction), with the ratio of p95 to the 100 ms target.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import percentile, run_worker  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 100.0

PLACES = {
    "Dresden": (51.0509, 13.7383),
    "Chemnitz": (50.8357, 12.9292),
    "Leipzig": (51.3397, 12.3731),
    "Zwickau": (50.7189, 12.4939),
    "Görlitz": (51.1528, 14.9872),
    "Plauen": (50.4958, 12.1366),
}


def _demands():
    from werkstatt.supply.services.ranking import DemandSpec, StepSpec

    def d(place, steps, text=""):
        lat, lon = PLACES[place]
        return DemandSpec(steps=steps, lat=lat, lon=lon, text=text)

    s = StepSpec
    return [
        d(
            "Chemnitz",
            [s("trennen.spanen.fraesen", ["ISO 9001"], quantity=500)],
            "Frästeile aus Edelstahl, 5-Achs-Bearbeitung",
        ),
        d(
            "Dresden",
            [
                s("trennen.abtragen.laserschneiden"),
                s("umformen.biegen.abkanten"),
                s("beschichten.pulverbeschichten"),
            ],
            "Blechgehäuse: Laserschneiden, Abkanten und Pulverbeschichtung",
        ),
        d("Leipzig", [s("fuegen.schweissen.mig_mag", quantity=50)], "Schweißkonstruktionen Stahl"),
        d(
            "Zwickau",
            [
                s("trennen.spanen.drehen", ["IATF 16949"], quantity=20_000),
                s("stoffeigenschaft_aendern.haerten"),
            ],
            "Drehteile für die Automobilindustrie",
        ),
        d(
            "Görlitz",
            [s("kunststoffverarbeitung.spritzgiessen", quantity=100_000)],
            "Kunststoffspritzguss Serienteile",
        ),
        d("Plauen", [s("textil.technische_textilien")], "technische Textilien Prototypen"),
        d(
            "Dresden",
            [
                s("elektronikfertigung.leiterplattenbestueckung.smd", ["ISO 9001"]),
                s("elektronikfertigung.kabelkonfektion"),
                s("fuegen.montage"),
            ],
            "Leiterplattenbestückung SMD und Baugruppenmontage",
        ),
        d("Chemnitz", [s("trennen.spanen"), s("beschichten")], ""),
        d(
            "Leipzig",
            [s("urformen.additive_fertigung.3d_druck", quantity=5)],
            "3D-Druck von Prototypen aus Kunststoff und Metall",
        ),
        d(
            "Zwickau",
            [
                s("urformen.giessen.sandguss"),
                s("trennen.spanen.fraesen"),
                s("trennen.spanen.bohren"),
                s("beschichten.lackieren"),
            ],
            "Gussteile bearbeitet und lackiert",
        ),
        d("Dresden", [s("pruefen.koordinatenmesstechnik")], "Messtechnik Erstmusterprüfbericht"),
        d(
            "Chemnitz",
            [s("werkzeugbau.vorrichtungsbau", ["ISO 9001"])],
            "Vorrichtungsbau für Schweißvorrichtungen",
        ),
    ]


def _index_quickly() -> float:
    """SearchTerm rows from names and descriptions, analysed once per distinct text."""
    from django.db import connection, transaction

    from werkstatt.engines.text import index_terms, reverse
    from werkstatt.network.models import Organisation, SearchTerm
    from werkstatt.network.services.search_index import bump_generation

    start = time.perf_counter()
    cache: dict[tuple[str, float], dict[str, float]] = {}

    def terms(text: str, weight: float) -> dict[str, float]:
        key = (text, weight)
        if key not in cache:
            cache[key] = index_terms([(text, weight)])
        return cache[key]

    rows = []
    for pk, name, description in Organisation.objects.values_list("pk", "name", "description"):
        merged: dict[str, float] = {}
        for text, weight in ((name, 3.0), (description, 1.0)):
            for term, value in terms(text, weight).items():
                merged[term] = merged.get(term, 0.0) + value
        rows.extend(
            SearchTerm(organisation_id=pk, term=t, reversed_term=reverse(t), weight=round(w, 6))
            for t, w in merged.items()
        )
    with transaction.atomic():
        SearchTerm.objects.bulk_create(rows, batch_size=5000)
    bump_generation()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - start


def _worker(n: int, repeat: int, out: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "werkstatt.settings")
    import django

    django.setup()
    sys.path.insert(0, str(ROOT / "bench"))
    from django.core.management import call_command
    from django.db import connection

    from search import _generate  # bench/search.py's quick generator
    from werkstatt.network.models import Organisation, SearchTerm
    from werkstatt.supply.services import ranking

    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    _generate(n)
    generated = time.perf_counter() - t0
    indexed = _index_quickly()

    demands = _demands()
    cold, warm, baseline, counts = [], [], [], []
    ranking._directory = None
    for spec in demands:
        start = time.perf_counter()
        result = ranking.rank_suppliers(spec, limit=50)
        cold.append((time.perf_counter() - start) * 1000)
        counts.append([r.organisation.pk for r in result[:10]])
    for _ in range(repeat):
        for spec in demands:
            start = time.perf_counter()
            ranking.rank_suppliers(spec, limit=50)
            warm.append((time.perf_counter() - start) * 1000)
    # Without the copy: load this demand's candidates (as inside a transaction).
    from werkstatt.engines.supplier_ranking import DemandStep, relevant_capabilities

    for spec in demands:
        start = time.perf_counter()
        keys = relevant_capabilities([DemandStep(s.capability) for s in spec.steps])
        directory = ranking._load_directory(None, keys)
        saved = ranking.candidate_directory
        ranking.candidate_directory = lambda steps=None, d=directory: d  # type: ignore[assignment]
        try:
            ranking.rank_suppliers(spec, limit=50)
        finally:
            ranking.candidate_directory = saved  # type: ignore[assignment]
        baseline.append((time.perf_counter() - start) * 1000)
    candidates = []
    for spec in demands:
        keys = relevant_capabilities([DemandStep(s.capability) for s in spec.steps])
        candidates.append(len(ranking._load_directory(None, keys).pks))
    Path(out).write_text(
        json.dumps(
            {
                "vendor": connection.vendor,
                "organisations": Organisation.objects.count(),
                "postings": SearchTerm.objects.count(),
                "generate_s": generated,
                "index_s": indexed,
                "cold": cold,
                "warm": warm,
                "baseline": baseline,
                "candidates": candidates,
                "top10": counts,
            }
        )
    )


def _run(db: str, n: int, repeat: int) -> dict:
    return run_worker(__file__, db, ["--organisations", str(n), "--repeat", str(repeat)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args.organisations, args.repeat, args.out)
        return 0
    results = [
        _run(db, args.organisations, args.repeat)
        for db in ("sqlite", "postgres")
        if args.only in (None, db)
    ]
    print(
        f"\nSupplier ranking, {args.organisations:,} organisations, 12 demands, "
        f"{args.repeat} rounds (target p95 <= {TARGET_MS:.0f} ms)"
    )
    for r in results:
        print(
            f"\n{r['vendor']}: {r['organisations']:,} organisations in {r['generate_s']:.0f} s, "
            f"{r['postings']:,} index rows in {r['index_s']:.0f} s; candidates per demand "
            f"{min(r['candidates']):,} to {max(r['candidates']):,}"
        )
        for title, key in (
            ("warm (copy kept)", "warm"),
            ("cold (first round: builds the copy)", "cold"),
            ("baseline: no copy, this demand's candidates loaded each time", "baseline"),
        ):
            values = r[key]
            p95 = percentile(values, 0.95)
            print(
                f"  {title:<62} p50 {percentile(values, 0.5):7.1f} ms   p95 {p95:7.1f} ms   "
                f"max {max(values):7.1f} ms   ratio to target {p95 / TARGET_MS:.2f}"
            )
    if len(results) == 2:
        same = results[0]["top10"] == results[1]["top10"]
        print(f"\nSame top 10 on both databases: {'yes' if same else 'NO'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
