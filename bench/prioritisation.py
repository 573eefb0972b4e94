"""The prioritised list and the district results at 5,000 recommendations and 500,000 ratings,
on SQLite and PostgreSQL, in one run.

    .venv/bin/python bench/prioritisation.py [--recommendations 5000] [--ratings 500000]
        [--comparisons 50000] [--repeat 15] [--only sqlite|postgres]

For each database: a fresh database (a temporary SQLite file; a throw-away PostgreSQL server
from tests/with_postgres.py), `migrate`, one process in its prioritisation phase with the four
default criteria, N recommendations, raters (each rates about 60 recommendations on all four
criteria, the fit for their home district), pairwise comparisons — all by bulk_create — then
`refresh_process_totals` (timed: the aggregate tables the result pages read), ANALYZE. Then,
`--repeat` times after one warm-up each, the service calls (rating_ranking, pairwise_ranking,
district_results, district_ranking, group_comparison) and the pages (prioritised list by ratings
and by pairwise comparison, districts, one district, stakeholder groups) as a signed-in member.
Prints p50/p95 and the ratio of p95 to the 150 ms target (<= 1.0 meets it); the first
Bradley–Terry fit (cold cache) separately; the cost of one rating (it refreshes the totals of
its recommendation); and a naive baseline that aggregates the ratings table at read time.
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
TARGET_MS = 150.0


def _build(n_recs: int, n_ratings: int, n_comparisons: int, seed: int = 7) -> dict:
    import datetime

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from werkstatt.accounts.models import Space, SpaceRole
    from werkstatt.assessment.models import Comparison, Rating
    from werkstatt.assessment.services.criteria import criteria_of
    from werkstatt.network.models import Region
    from werkstatt.strategy.models import Phase, Process, Recommendation

    rng = random.Random(seed)
    today = timezone.localdate()
    space = Space.objects.create(kind=Space.Kind.PROCESS, slug="bench", name="Bench")
    process = Process.objects.create(
        space=space,
        slug="bench",
        title="Bench",
        start_date=today - datetime.timedelta(days=100),
        status=Process.Status.ACTIVE,
    )
    Phase.objects.create(
        process=process,
        name="Priorisieren",
        start_date=today - datetime.timedelta(days=10),
        end_date=today + datetime.timedelta(days=10),
        allows_rate=True,
        allows_prioritise=True,
        allows_comment=True,
    )
    criteria = criteria_of(process)
    per_person = 60
    n_people = max(1, n_ratings // (per_person * len(criteria)))
    user_model = get_user_model()
    user_model.objects.bulk_create(
        [
            user_model(email=f"rater{i}@bench.example", name=f"Rater {i}", password="!")
            for i in range(n_people + 1)
        ],
        batch_size=5000,
    )
    users = list(user_model.objects.filter(email__endswith="@bench.example").order_by("pk"))
    member = users[-1]
    SpaceRole.objects.bulk_create(
        [SpaceRole(user=u, space=space, role=SpaceRole.Role.MEMBER) for u in users],
        batch_size=5000,
    )
    Recommendation.objects.bulk_create(
        [
            Recommendation(
                process=process,
                title=f"Empfehlung {i}: Fachkräfte in der Region halten",
                text="Ausbildungsverbünde kleiner Betriebe fördern.",
            )
            for i in range(n_recs)
        ],
        batch_size=5000,
    )
    rec_ids = list(Recommendation.objects.filter(process=process).values_list("pk", flat=True))
    quality = {r: rng.gauss(0, 0.6) for r in rec_ids}
    districts = list(
        Region.objects.filter(kind__in=[Region.Kind.DISTRICT, Region.Kind.CITY]).values_list(
            "pk", flat=True
        )
    )
    groups = ["company", "union", "chamber", "association", "research", "public", "other"]
    batch: list[Rating] = []
    made = 0
    for user in users[:-1]:
        home = rng.choice(districts)
        group = rng.choice(groups)
        for rec in rng.sample(rec_ids, min(per_person, len(rec_ids))):
            for criterion in criteria:
                value = min(5, max(1, round(rng.gauss(3.2 + quality[rec], 0.9))))
                batch.append(
                    Rating(
                        user=user,
                        recommendation_id=rec,
                        criterion=criterion,
                        region_id=home if criterion.per_district else None,
                        value=value,
                        group=group,
                    )
                )
            if len(batch) >= 20_000:
                Rating.objects.bulk_create(batch)
                made += len(batch)
                batch = []
            if made + len(batch) >= n_ratings:
                break
        if made + len(batch) >= n_ratings:
            break
    Rating.objects.bulk_create(batch)
    seen: set[tuple[int, int, int]] = set()
    votes: list[Comparison] = []
    while len(votes) < n_comparisons:
        user = rng.choice(users[:-1])
        a, b = rng.sample(rec_ids, 2)
        low, high = min(a, b), max(a, b)
        if (user.pk, low, high) in seen:
            continue
        seen.add((user.pk, low, high))
        p_low = 1 / (1 + 2.718281828 ** (quality[high] - quality[low]))
        votes.append(
            Comparison(
                user=user,
                process=process,
                item_low_id=low,
                item_high_id=high,
                choice="low" if rng.random() < p_low else "high",
                group=rng.choice(groups),
            )
        )
    Comparison.objects.bulk_create(votes, batch_size=20_000)
    return {"process": process, "member": member, "recs": rec_ids, "criteria": criteria}


def _worker(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "werkstatt.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, F, Sum
    from django.test import Client
    from django.urls import reverse

    from werkstatt.assessment.models import Comparison, Rating
    from werkstatt.assessment.services import results
    from werkstatt.assessment.services.ratings import do_rate, refresh_process_totals
    from werkstatt.engines.prioritisation import summarise_ratings
    from werkstatt.network.models import Region

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # Pages link their static files by name; no collected manifest is needed to time them.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    world = _build(args.recommendations, args.ratings, args.comparisons)
    generated = time.perf_counter() - t0
    process, member = world["process"], world["member"]
    t0 = time.perf_counter()
    refresh_process_totals(process.pk)
    refreshed = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    chemnitz = Region.objects.get(slug="chemnitz")

    cold = {}
    cache.clear()
    start = time.perf_counter()
    results.pairwise_ranking(member, process)
    cold["pairwise_ranking (first fit)"] = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    results.group_comparison(member, process, "pairwise")
    cold["group_comparison pairwise (first fits)"] = (time.perf_counter() - start) * 1000

    services = {
        "rating_ranking": lambda: results.rating_ranking(member, process),
        "pairwise_ranking": lambda: results.pairwise_ranking(member, process),
        "district_results": lambda: results.district_results(member, process),
        "district_ranking": lambda: results.district_ranking(member, process, chemnitz),
        "group_comparison": lambda: results.group_comparison(member, process),
    }
    client = Client()
    client.force_login(member)
    slug = {"slug": process.slug}
    pages = {
        "page ranking": reverse("assessment:ranking", kwargs=slug),
        "page ranking pairwise": reverse("assessment:ranking", kwargs=slug) + "?method=pairwise",
        "page ranking p.50": reverse("assessment:ranking", kwargs=slug) + "?page=50",
        "page districts": reverse("assessment:districts", kwargs=slug),
        "page one district": reverse("assessment:districts", kwargs=slug) + "?bezirk=chemnitz",
        "page groups": reverse("assessment:groups", kwargs=slug),
    }
    timings: dict[str, list[float]] = {}
    for _ in range(args.repeat + 1):  # the first round warms up and is dropped
        for label, call in services.items():
            start = time.perf_counter()
            call()
            timings.setdefault(label, []).append((time.perf_counter() - start) * 1000)
        for label, url in pages.items():
            start = time.perf_counter()
            response = client.get(url)
            timings.setdefault(label, []).append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
    timings = {k: v[1:] for k, v in timings.items()}

    # The write side: one person rates one recommendation (the totals of it are recomputed).
    writes = []
    rng = random.Random(3)
    for rec_id in rng.sample(world["recs"], 30):
        from werkstatt.strategy.models import Recommendation

        rec = Recommendation.objects.select_related("process").get(pk=rec_id)
        values = {c.pk: rng.randint(1, 5) for c in world["criteria"]}
        start = time.perf_counter()
        do_rate(member, rec, values, region=chemnitz)
        writes.append((time.perf_counter() - start) * 1000)

    # Baseline: aggregate the ratings table at read time (per rating, not per person).
    baseline = []
    titles = results.candidates(member, process)
    for _ in range(3):
        start = time.perf_counter()
        rows = list(
            Rating.objects.filter(recommendation__process=process)
            .values("recommendation_id")
            .annotate(n=Count("pk"), s=Sum("value"), ss=Sum(F("value") * F("value")))
            .order_by()
        )
        stats = {r["recommendation_id"]: r for r in rows}
        ids = list(titles)
        summarise_ratings(
            ids,
            [stats[i]["n"] if i in stats else 0 for i in ids],
            [stats[i]["s"] if i in stats else 0 for i in ids],
            [stats[i]["ss"] if i in stats else 0 for i in ids],
        )
        baseline.append((time.perf_counter() - start) * 1000)

    Path(args.out).write_text(
        json.dumps(
            {
                "vendor": connection.vendor,
                "recommendations": len(world["recs"]),
                "ratings": Rating.objects.count(),
                "comparisons": Comparison.objects.count(),
                "generate_s": generated,
                "refresh_s": refreshed,
                "timings": timings,
                "cold": cold,
                "writes": writes,
                "baseline": baseline,
            }
        )
    )


def _run(db: str, args: argparse.Namespace) -> dict:
    return run_worker(
        __file__,
        db,
        [
            "--recommendations",
            str(args.recommendations),
            "--ratings",
            str(args.ratings),
            "--comparisons",
            str(args.comparisons),
            "--repeat",
            str(args.repeat),
        ],
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recommendations", type=int, default=5_000)
    parser.add_argument("--ratings", type=int, default=500_000)
    parser.add_argument("--comparisons", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        sys.path.insert(0, str(ROOT))
        _worker(args)
        return 0
    runs = [_run(db, args) for db in ("sqlite", "postgres") if args.only in (None, db)]
    print(
        f"\nPrioritisation, {args.recommendations:,} recommendations, {args.ratings:,} ratings, "
        f"{args.comparisons:,} comparisons, {args.repeat} rounds (target p95 <= "
        f"{TARGET_MS:.0f} ms)"
    )
    for r in runs:
        print(
            f"\n{r['vendor']}: {r['recommendations']:,} recommendations, {r['ratings']:,} "
            f"ratings, {r['comparisons']:,} comparisons built in {r['generate_s']:.1f} s; "
            f"refresh_process_totals {r['refresh_s']:.1f} s"
        )
        every: list[float] = []
        for label, values in r["timings"].items():
            every.extend(values)
            p95 = percentile(values, 0.95)
            print(
                f"  {label:<24} p50 {percentile(values, 0.5):7.1f} ms   p95 {p95:7.1f} ms   "
                f"ratio {p95 / TARGET_MS:.2f}"
            )
        print(f"  {'all':<24} p95 {percentile(every, 0.95):7.1f} ms")
        for label, value in r["cold"].items():
            print(f"  cold: {label:<38} {value:7.1f} ms")
        print(
            f"  one rating (do_rate, totals refreshed): p50 {percentile(r['writes'], 0.5):.1f} ms"
            f"   p95 {percentile(r['writes'], 0.95):.1f} ms"
        )
        print(
            f"  baseline: GROUP BY over the ratings at read time + summary: "
            f"p50 {percentile(r['baseline'], 0.5):.1f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
