"""Import of a 50,000-row member list and (re)indexing, on SQLite and PostgreSQL, in one run.

    .venv/bin/python bench/imports.py [--rows 50000] [--existing 0] [--sample 3000]
        [--only sqlite|postgres]

For each database: a fresh database (a temporary SQLite file; a throw-away PostgreSQL server from
tests/with_postgres.py), `migrate`, `--existing` demo organisations (the demo generator, indexed;
timed: that is `werkstatt demo`'s network part), then a member list of `--rows` rows as a chamber
sends it (Windows-1252, semicolons; firms from the demo generator with another seed, 5 % of the
rows members the directory has already in another spelling, 1 % repeated within the file, 0.5 %
with a broken e-mail address). Timed: upload, check (the preview job's work), commit (without the
search index) and the search index of the new and merged organisations; then `reindex_all` of
the whole directory as it is (nothing changed).

Baselines, in the same run on the same data, with ratios:
- index: the old way of writing postings (delete an organisation's postings and insert all of
  them again, SQLite's default 2 MB page cache) against the new one (only what differs), for
  `--sample` organisations, once with their postings unchanged and once from nothing;
- commit: Django's bulk_create (with django-simple-history's bulk_create_with_history, as the
  import did before) against services.bulk for the organisations and sites of `--sample` rows,
  in a transaction that is rolled back.
The load average (`uptime`) is printed with the figures of each database.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import run_worker  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


# --- the member list ---------------------------------------------------------------------------


def member_list(rows: int, existing: list[tuple[str, str, str]], seed: int = 7) -> bytes:
    """A chamber's member list of `rows` rows (see the module docstring), as bytes."""
    from werkstatt.network.demo import Generator, vocabulary_from_database

    rng = random.Random(seed)
    header = "Firma;Straße;PLZ;Ort;E-Mail;Internet;Mitarbeiter;Zertifikate;Leistungen"
    lines = [header]
    known = min(len(existing), rows // 20)
    repeats = rows // 100
    broken = rows // 200
    fresh = rows - known - repeats
    for n, spec in enumerate(Generator(seed, vocabulary_from_database()).organisations(fresh)):
        site = spec.sites[0]
        email = spec.email if n >= broken else spec.email.replace("@", "(at)")
        lines.append(
            ";".join(
                [
                    spec.name,
                    site.street,
                    site.postcode.lstrip("0") if n % 7 == 0 else site.postcode,  # Excel's zeros
                    site.city,
                    email,
                    spec.website.removeprefix("https://"),
                    str(spec.employees or ""),
                    ", ".join(spec.certifications),
                    spec.capabilities_text.replace(";", ","),
                ]
            ).replace("\n", " ")
        )
    for name, postcode, city in rng.sample(existing, known):
        spelt = name.replace("ü", "ue").replace("ö", "oe").replace("ä", "ae")
        spelt = spelt.replace(" GmbH", " GmbH & Co. KG") if spelt == name else spelt
        lines.append(f"{spelt};;{postcode};{city};;;;;")
    for line in rng.sample(lines[1 : fresh + 1], repeats):
        lines.append(line.replace(" GmbH", " G.m.b.H."))
    body = "\r\n".join(lines) + "\r\n"
    return body.encode("cp1252", errors="replace")


# --- the worker: one database ------------------------------------------------------------------


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "werkstatt.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _old_reindex(ids: list[int]) -> None:
    """Postings written the old way: all of them deleted and inserted again, 2 MB cache."""
    from django.db import connection, transaction

    from werkstatt.network.models import SearchTerm
    from werkstatt.network.services import search_index as si

    kinds = si._kind_labels()
    own, ancestors = si._capability_texts()
    for start in range(0, len(ids), si.BATCH_SIZE):
        batch = ids[start : start + si.BATCH_SIZE]
        rows = si._build_rows(batch, kinds, own, ancestors)
        with transaction.atomic():
            SearchTerm.objects.filter(organisation_id__in=batch).delete()
            si._insert(rows)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -2000")


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _index_baseline(sample: int) -> dict[str, float]:
    from django.db import connection

    from werkstatt.network.models import Organisation, SearchTerm
    from werkstatt.network.services import search_index

    ids = list(Organisation.objects.order_by("-pk").values_list("pk", flat=True)[:sample])
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -2000")
    result = {
        "sample": len(ids),
        "unchanged_old_s": _timed(lambda: _old_reindex(ids)),
        "unchanged_new_s": _timed(lambda: search_index.reindex(ids)),
    }
    SearchTerm.objects.filter(organisation_id__in=ids).delete()
    result["fresh_new_s"] = _timed(lambda: search_index.reindex(ids))
    SearchTerm.objects.filter(organisation_id__in=ids).delete()
    result["fresh_old_s"] = _timed(lambda: _old_reindex(ids))
    return result


def _commit_baseline(batch_id: int, sample: int) -> dict[str, float]:
    """bulk_create_with_history against services.bulk for the same new organisations."""
    from django.db import transaction
    from django.utils import timezone
    from simple_history.utils import bulk_create_with_history

    from werkstatt.network.models import ImportBatch, Organisation, Region, Site
    from werkstatt.network.services import bulk, importer

    batch = ImportBatch.objects.get(pk=batch_id)
    values = [
        v
        for v, status in batch.rows.order_by("number").values_list("values", "status")
        if status == "new"
    ][:sample]
    regions = dict(Region.objects.values_list("code", "id"))
    user = batch.created_by
    result: dict[str, float] = {"sample": len(values)}

    class Rollback(Exception):
        pass

    def old() -> None:
        slugs = importer._Slugs()
        orgs = [importer._new_organisation(v, slugs, regions) for v in values]
        bulk_create_with_history(orgs, Organisation, batch_size=500, default_user=user)
        sites = []
        for org, v in zip(orgs, values, strict=True):
            row = importer._new_site(org.pk, v, regions)
            if row is not None:
                sites.append(Site(**row))
        bulk_create_with_history(sites, Site, batch_size=500, default_user=user)

    def new() -> None:
        slugs = importer._Slugs()
        now = timezone.now()
        rows = []
        for v in values:
            row = bulk.model_row(importer._new_organisation(v, slugs, regions))
            del row["id"]
            row["created"] = row["updated"] = now
            rows.append(row)
        for row, pk in zip(rows, bulk.insert(Organisation, rows, returning=True), strict=True):
            row["id"] = pk
        kw = {"user_id": user.pk, "reason": "", "date": now}
        bulk.insert_history(Organisation, rows, history_type="+", **kw)
        base = bulk.defaults(Site)
        sites = [
            {**base, **s}
            for s in (importer._new_site(r["id"], v, regions) for r, v in zip(rows, values))
            if s is not None
        ]
        for site, pk in zip(sites, bulk.insert(Site, sites, returning=True), strict=True):
            site["id"] = pk
        bulk.insert_history(Site, sites, history_type="+", **kw)

    for name, fn in (("old_s", old), ("new_s", new)):
        start = time.perf_counter()
        try:
            with transaction.atomic():
                fn()
                raise Rollback
        except Rollback:
            pass
        result[name] = time.perf_counter() - start
    return result


def worker(args: argparse.Namespace) -> dict:
    _setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from werkstatt.network import demo
    from werkstatt.network.models import ImportBatch, Organisation, SearchTerm, Site
    from werkstatt.network.services import importer, search_index

    result: dict = {"vendor": connection.vendor, "rows": args.rows, "existing": args.existing}
    if args.existing:
        built = demo.build_demo(args.existing, demo.DEFAULT_SEED)
        result["demo_generate_s"], result["demo_index_s"] = built.seconds, built.index_seconds
    places = {}
    for org_id, postcode, city in Site.objects.values_list("organisation_id", "postcode", "city"):
        places.setdefault(org_id, (postcode, city))
    existing = [
        (name, *places[pk])
        for pk, name in Organisation.objects.order_by("pk").values_list("pk", "name")
        if pk in places
    ]
    data = member_list(args.rows, existing)
    user = get_user_model().objects.create(email="bench-import@werkstatt.example")
    timings: dict[str, float] = {}
    start = time.perf_counter()
    batch = importer.do_create_batch(user, "mitglieder.csv", data)
    timings["upload_s"] = time.perf_counter() - start
    importer.do_set_mapping(batch, batch.mapping)
    timings["check_s"] = _timed(lambda: importer.analyse(batch))
    batch.refresh_from_db()
    result["totals"] = batch.report["totals"]
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.QUEUED)
    real_reindex = search_index.reindex

    def timed_reindex(ids, progress=None):
        timings["index_s"] = _timed(lambda: real_reindex(ids, progress=progress))

    search_index.reindex = timed_reindex
    total = _timed(lambda: importer.run_import(batch.pk))
    search_index.reindex = real_reindex
    timings["commit_s"] = total - timings.get("index_s", 0.0)
    batch.refresh_from_db()
    result["counts"] = batch.report["counts"]
    result["import"] = timings
    result["organisations"] = Organisation.objects.count()
    result["postings"] = SearchTerm.objects.count()
    result["reindex_all_s"] = _timed(search_index.reindex_all)
    result["index_baseline"] = _index_baseline(args.sample)
    result["commit_baseline"] = _commit_baseline(batch.pk, args.sample)
    return result


# --- the report --------------------------------------------------------------------------------


def report(r: dict) -> None:
    t = r["import"]
    name = "SQLite" if r["vendor"] == "sqlite" else "PostgreSQL"
    print(f"\n{name}: {r['rows']:,} rows against {r['existing']:,} organisations")
    if r.get("demo_index_s") is not None and r["existing"]:
        print(
            f"  demo network: generated in {r['demo_generate_s']:.1f} s,"
            f" indexed in {r['demo_index_s']:.1f} s"
        )
    print(f"  preview: {r['totals']}")
    print(f"  result:  {r['counts']}")
    preview = t["upload_s"] + t["check_s"]
    commit = t["commit_s"] + t.get("index_s", 0.0)
    print(
        f"  upload {t['upload_s']:.1f} s + check {t['check_s']:.1f} s = preview {preview:.1f} s;"
        f" commit {t['commit_s']:.1f} s + search index {t.get('index_s', 0.0):.1f} s ="
        f" {commit:.1f} s; all {preview + commit:.1f} s"
    )
    print(
        f"  reindex_all of {r['organisations']:,} organisations ({r['postings']:,} postings,"
        f" unchanged): {r['reindex_all_s']:.1f} s"
    )
    b = r["index_baseline"]
    per = 1000 / max(1, b["sample"])
    print(f"  index, {b['sample']:,} organisations, s per 1,000 (old / new = ratio):")
    for kind in ("unchanged", "fresh"):
        old, new = b[f"{kind}_old_s"] * per, b[f"{kind}_new_s"] * per
        print(f"    {kind:9} {old:6.2f} / {new:6.2f} = {old / max(new, 1e-9):5.1f}x")
    c = r["commit_baseline"]
    print(
        f"  commit writes, {c['sample']:,} organisations with sites and history:"
        f" bulk_create {c['old_s']:.2f} s / services.bulk {c['new_s']:.2f} s"
        f" = {c['old_s'] / max(c['new_s'], 1e-9):.1f}x"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--existing", type=int, default=0)
    parser.add_argument("--sample", type=int, default=3000)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        Path(args.out).write_text(json.dumps(worker(args)))
        return 0
    forwarded = ["--rows", str(args.rows), "--existing", str(args.existing)]
    forwarded += ["--sample", str(args.sample)]
    for db in ("sqlite", "postgres"):
        if args.only and args.only != db:
            continue
        print(f"\n[{db}] before: {uptime()}", flush=True)
        result = run_worker(__file__, db, forwarded)
        print(f"[{db}] after:  {uptime()}")
        report(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
