"""Search latency at 50,000 organisations, on SQLite and on PostgreSQL, in one run.

    .venv/bin/python bench/search.py [--organisations 50000] [--repeat 5] [--only sqlite|postgres]
        [--generator demo|quick] [--keep DIR]

For each database: a fresh database (a temporary SQLite file; a throw-away PostgreSQL server from
tests/with_postgres.py), `migrate` (loads the reference data), the organisations (the demo
generator `werkstatt demo --organisations N` if it is installed, else a quick generator here),
`reindex_all` (timed), then a fixed mix of realistic searches (text, facets, radius, combinations,
deep pages), each run `--repeat` times after one warm-up. Prints p50/p95 per kind of query and
overall, and the ratio of p95 to the 50 ms target (<= 1.0 meets it): warm (the rounds), cold (the
warm-up round: the first search builds the in-memory copy of the directory, each query's terms
load their postings) and a naive ORM baseline (icontains, GROUP BY facets) for comparison.
`--keep DIR` uses the databases that `bench/web.py --keep DIR` keeps (the same demo network with
its index; made on first use), so repeated runs skip the 10-20 minutes of generating and
indexing. The load average (`uptime`) is printed before and after the searches of each database.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import percentile, run_worker  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 50.0


def _queries():
    from werkstatt.network.services.search import SearchParams as P

    return [
        ("text", P(q="Blech")),
        ("text", P(q="Bearbeitung")),
        ("text", P(q="Laserschneiden")),
        ("text", P(q="Fräsen")),
        ("text", P(q="schweisstechnik")),
        ("text", P(q="Edelstahl")),
        ("text", P(q="Pulverbeschichtung")),
        ("text", P(q="ISO 9001")),
        ("text", P(q="Müller")),
        ("text", P(q="Kunststoff Spritzguss")),
        ("text", P(q="Metall")),
        ("text", P(q="Leiterplattenbestückung Dresden")),
        ("facets", P()),
        ("facets", P(kinds=["company"])),
        ("facets", P(regions=["14511"])),
        ("facets", P(capabilities=["trennen"])),
        ("facets", P(certifications=["ISO 9001"])),
        ("facets", P(sizes=["small", "medium"], kinds=["company", "research"])),
        ("radius", P(near="Chemnitz", radius_km=25)),
        ("radius", P(near="Dresden", radius_km=50)),
        ("radius", P(near="09111", radius_km=10)),
        ("combo", P(q="Fräsen", near="Chemnitz", radius_km=50)),
        ("combo", P(q="Blech", kinds=["company"], certifications=["ISO 9001"])),
        ("combo", P(q="Laser", regions=["14612", "14713"], sizes=["small"])),
        ("combo", P(q="Schweißen", capabilities=["fuegen"], near="Zwickau", radius_km=25)),
        ("pages", P(q="Metall", page=50)),
        ("pages", P(page=200, sort="name")),
    ]


def _baseline(params) -> int:
    """The naive search to compare with: ORM `icontains` on name and description per word, the
    same filters, a page by name, and the kind/size/region/certification counts by GROUP BY."""
    from django.db.models import Count, Q

    from werkstatt.network.models import Organisation

    qs = Organisation.objects.filter(is_public=True)
    for word in params.q.split():
        qs = qs.filter(Q(name__icontains=word) | Q(description__icontains=word))
    if params.kinds:
        qs = qs.filter(kind__in=params.kinds)
    if params.sizes:
        qs = qs.filter(size__in=params.sizes)
    if params.regions:
        qs = qs.filter(region__code__in=params.regions)
    for code in params.certifications:
        qs = qs.filter(certifications__code=code)
    total = qs.count()
    start = (params.page - 1) * 20
    list(qs.order_by("name_key", "name", "pk")[start : start + 20])
    for column in ("kind", "size", "region_id", "certifications__code"):
        list(qs.values_list(column).annotate(n=Count("pk")).order_by())
    return total


# --- a quick generator, used when the demo generator is not installed ----------------------

SURNAMES = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Krause",
    "Meier",
    "Lehmann",
    "Köhler",
    "Günther",
    "Frank",
    "Berger",
    "Winkler",
    "Lorenz",
    "Voigt",
]
TRADES = [
    "Metallbau",
    "Blechbearbeitung",
    "Präzisionstechnik",
    "Maschinenbau",
    "Werkzeugbau",
    "Kunststofftechnik",
    "Oberflächentechnik",
    "Stahlbau",
    "Zerspanungstechnik",
    "Elektronik",
    "Gießerei",
    "Härterei",
    "Lasertechnik",
    "Antriebstechnik",
    "Sondermaschinenbau",
    "Automatisierung",
    "Schweißtechnik",
    "Feinmechanik",
    "Dreherei",
]
LEGAL = ["GmbH", "GmbH & Co. KG", "AG", "e.K.", "KG", "UG (haftungsbeschränkt)"]
PHRASES = [
    "Wir fertigen Präzisionsteile aus Edelstahl und Aluminium in kleinen und mittleren Serien.",
    "Blechbearbeitung, Laserschneiden und Abkanten für den Maschinen- und Anlagenbau.",
    "CNC-Fräsen und Drehen auf modernen 5-Achs-Bearbeitungszentren.",
    "Pulverbeschichtung und Nasslackierung für Industriekunden in ganz Sachsen.",
    "Schweißkonstruktionen aus Stahl und Edelstahl, zertifiziert nach EN 1090.",
    "Kunststoffspritzguss, Werkzeugbau und Baugruppenmontage aus einer Hand.",
    "Leiterplattenbestückung in SMD- und THT-Technik, Prototypen und Serien.",
    "Forschung und Entwicklung zu Leichtbau, Umformtechnik und Digitalisierung.",
    "Härten, Vergüten und Nitrieren von Bauteilen aller Art.",
    "Galvanische Oberflächenveredelung: Verzinken, Vernickeln, Eloxieren.",
    "Wir verbinden Unternehmen der Region und fördern Kooperation und Innovation.",
    "Ausbildung, Weiterbildung und Beratung für kleine und mittlere Unternehmen.",
    "3D-Druck von Kunststoff- und Metallteilen, Rapid Prototyping.",
    "Wasserstrahlschneiden und Plasmaschneiden bis 200 mm Materialstärke.",
]


def _generate(n: int, seed: int = 7) -> None:
    from django.db import transaction

    from werkstatt.network.models import Capability, Certification, Organisation, Region, Site
    from werkstatt.network.services.organisations import name_key

    rng = random.Random(seed)
    regions = list(Region.objects.exclude(kind=Region.Kind.STATE))
    leaves = list(Capability.objects.filter(children__isnull=True).values_list("pk", flat=True))
    certs = list(Certification.objects.values_list("pk", flat=True))
    kinds = [k for k, _ in Organisation.Kind.choices]
    sizes = [s for s, _ in Organisation.Size.choices]
    cap_through = Organisation.capabilities.through
    cert_through = Organisation.certifications.through
    batch = 2000
    for start in range(0, n, batch):
        orgs, sites = [], []
        for i in range(start, min(n, start + batch)):
            kind = "company" if rng.random() < 0.85 else rng.choice(kinds)
            region = rng.choice(regions)
            name = f"{rng.choice(SURNAMES)} {rng.choice(TRADES)} {rng.choice(LEGAL)}"
            lat = (region.lat or 51.0) + rng.gauss(0, 0.12)
            lon = (region.lon or 13.4) + rng.gauss(0, 0.18)
            orgs.append(
                Organisation(
                    name=name,
                    name_key=name_key(name),
                    slug=f"bench-{i}",
                    kind=kind,
                    size=rng.choice(sizes) if kind == "company" else "",
                    description=" ".join(rng.sample(PHRASES, rng.randint(1, 3))),
                    region=region,
                    lat=lat,
                    lon=lon,
                    is_public=rng.random() < 0.97,
                )
            )
        with transaction.atomic():
            created = Organisation.objects.bulk_create(orgs)
            caps, cert_rows = [], []
            for org in created:
                sites.append(
                    Site(
                        organisation=org,
                        city=org.region.seat,
                        region=org.region,
                        lat=org.lat,
                        lon=org.lon,
                        is_headquarters=True,
                    )
                )
                for cap in rng.sample(leaves, rng.randint(1, 5)):
                    caps.append(cap_through(organisation_id=org.pk, capability_id=cap))
                for cert in rng.sample(certs, rng.choice([0, 0, 1, 1, 2, 3])):
                    cert_rows.append(cert_through(organisation_id=org.pk, certification_id=cert))
            Site.objects.bulk_create(sites)
            cap_through.objects.bulk_create(caps)
            cert_through.objects.bulk_create(cert_rows)


def _uptime() -> str:
    import subprocess

    try:
        # Django set TZ to the site's time zone in this process; uptime in UTC like the others.
        env = {k: v for k, v in os.environ.items() if k != "TZ"}
        return subprocess.run(["uptime"], capture_output=True, text=True, env=env).stdout.strip()
    except OSError:
        return "?"


def _worker(n: int, repeat: int, out: str, generator: str, reuse: bool = False) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "werkstatt.settings")
    import django

    django.setup()
    from django.core.management import call_command, get_commands
    from django.db import connection

    from werkstatt.network.models import Organisation
    from werkstatt.network.services.search import search
    from werkstatt.network.services.search_index import reindex_all

    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    generated: float | None = None
    indexed: float | None = None
    if reuse:
        source = "a kept database (--keep)"
    else:
        if generator == "demo" and "demo" in get_commands():
            call_command("demo", organisations=n, no_index=True, verbosity=0)
            source = "werkstatt demo"
        else:
            _generate(n)
            source = "bench generator"
        generated = time.perf_counter() - t0
        t0 = time.perf_counter()
        reindex_all()
        indexed = time.perf_counter() - t0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    load_before = _uptime()
    # First round: a fresh process after reindexing, so it builds its in-memory copy of the
    # directory (first search) and loads every query's postings once: the cold figures.
    cold: dict[str, list[float]] = {}
    totals = {}
    for label, params in _queries():
        start = time.perf_counter()
        result = search(params)
        cold.setdefault(label, []).append((time.perf_counter() - start) * 1000)
        totals[f"{label}:{params.q}:{params.near}:{params.page}"] = result.total
    timings: dict[str, list[float]] = {}
    for _ in range(repeat):
        for label, params in _queries():
            start = time.perf_counter()
            search(params)
            timings.setdefault(label, []).append((time.perf_counter() - start) * 1000)
    baseline: dict[str, list[float]] = {}
    for label, params in _queries():
        if params.near:  # the baseline has no radius
            continue
        start = time.perf_counter()
        _baseline(params)
        baseline.setdefault(label, []).append((time.perf_counter() - start) * 1000)
    Path(out).write_text(
        json.dumps(
            {
                "vendor": connection.vendor,
                "organisations": Organisation.objects.count(),
                "source": source,
                "generate_s": generated,
                "index_s": indexed,
                "timings": timings,
                "cold": cold,
                "baseline": baseline,
                "totals": totals,
                "uptime": [load_before, _uptime()],
            }
        )
    )


def _run(db: str, n: int, repeat: int, generator: str, keep: str | None = None) -> dict:
    args = ["--organisations", str(n), "--repeat", str(repeat), "--generator", generator]
    if keep is None:
        return run_worker(__file__, db, args)
    # The databases of bench/web.py --keep DIR (the demo network with its index), made there or
    # here on first use and reused after that.
    import subprocess
    import tempfile

    import web

    options = argparse.Namespace(keep=keep, organisations=n)
    database = web.sqlite_database if db == "sqlite" else web.postgres_database
    with database(options) as env, tempfile.TemporaryDirectory(prefix="werkstatt-bench-") as tmp:
        out = os.path.join(tmp, "result.json")
        cmd = [sys.executable, __file__, "--worker", "--reuse", *args, "--out", out]
        subprocess.run(cmd, env=dict(env, DJANGO_SETTINGS_MODULE="werkstatt.settings"), check=True)
        return json.loads(Path(out).read_text())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument(
        "--generator",
        choices=["demo", "quick"],
        default="demo",
        help="`werkstatt demo` (if installed; realistic, slower) or the quick generator here",
    )
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="use (and on first use make) the databases of bench/web.py --keep DIR instead of "
        "fresh ones; no generation or indexing is timed then",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--reuse", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args.organisations, args.repeat, args.out, args.generator, args.reuse)
        return 0

    results = [
        _run(db, args.organisations, args.repeat, args.generator, args.keep)
        for db in ("sqlite", "postgres")
        if args.only in (None, db)
    ]
    print(
        f"\nSearch latency, {args.organisations:,} organisations, {args.repeat} rounds "
        f"(target p95 <= {TARGET_MS:.0f} ms)"
    )
    for r in results:
        made = (
            f" in {r['generate_s']:.1f} s, reindex_all {r['index_s']:.1f} s"
            if r["index_s"] is not None
            else ""
        )
        print(f"\n{r['vendor']}: {r['organisations']:,} organisations from {r['source']}{made}")
        print(f"  load before the searches: {r['uptime'][0]}")
        print(f"  load after the searches:  {r['uptime'][1]}")
        for title, key in (
            ("warm (copy built, postings cached)", "timings"),
            ("cold (first run: builds the copy, loads postings)", "cold"),
            ("baseline: ORM icontains + GROUP BY facets, one run, no radius", "baseline"),
        ):
            print(f"  {title}")
            every: list[float] = []
            for label, values in r[key].items():
                every.extend(values)
                print(
                    f"    {label:<8} p50 {percentile(values, 0.5):7.1f} ms   "
                    f"p95 {percentile(values, 0.95):7.1f} ms   max {max(values):7.1f} ms"
                )
            p95 = percentile(every, 0.95)
            print(
                f"    {'all':<8} p50 {percentile(every, 0.5):7.1f} ms   p95 {p95:7.1f} ms   "
                f"ratio to target {p95 / TARGET_MS:.2f}"
            )
    if len(results) == 2:
        same = results[0]["totals"] == results[1]["totals"]
        print(f"\nSame result counts on both databases: {'yes' if same else 'NO'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
