"""Matching demands ("Passende Bedarfe") at 50,000 organisations and thousands of demands.

    .venv/bin/python bench/matching.py [--organisations 50000] [--demands 5000] [--repeat 3]
                                       [--only sqlite|postgres]

For each database: a fresh database, `migrate`, the organisations of bench/search.py's quick
generator, then `--demands` open demands of random buyers (1 to 6 steps of leaf capabilities
of the taxonomy, a third of them asking a certification, a tenth members-only, delivery places
around the districts), then for 20 suppliers with capabilities (as an admin of each) page 1 of
`matching.matching_demands` (25 rows), `--repeat` times.

Printed: p50/p95 per page, how many demands matched, and a baseline: the same answer computed
the plain way (every open demand the admin may see loaded with its steps and their
certifications, coverage counted in Python, then sorted), with the ratio baseline / ours.
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


def _demands(count: int, seed: int = 11) -> None:
    from django.db import transaction
    from django.utils import timezone

    from werkstatt.network.models import Capability, Certification, Organisation, Region
    from werkstatt.supply.models import Demand, DemandStep

    rng = random.Random(seed)
    leaves = list(Capability.objects.filter(children__isnull=True).values_list("pk", flat=True))
    certs = list(Certification.objects.values_list("pk", flat=True))
    regions = list(Region.objects.exclude(kind=Region.Kind.STATE))
    buyers = list(
        Organisation.objects.filter(kind="company")
        .order_by("?")
        .values_list("pk", flat=True)[:2000]
    )
    today = timezone.localdate()
    with transaction.atomic():
        demands = []
        for i in range(count):
            region = rng.choice(regions)
            demands.append(
                Demand(
                    organisation_id=rng.choice(buyers),
                    title=f"Bedarf {i}",
                    delivery_lat=(region.lat or 51.0) + rng.gauss(0, 0.1),
                    delivery_lon=(region.lon or 13.4) + rng.gauss(0, 0.15),
                    delivery_region=region,
                    deadline=today + timezone.timedelta(days=rng.randint(1, 200)),
                    visibility="members" if rng.random() < 0.1 else "public",
                )
            )
        Demand.objects.bulk_create(demands, batch_size=2000)
        steps, asks = [], []
        for demand in Demand.objects.values_list("pk", flat=True):
            for order in range(1, rng.randint(1, 6) + 1):
                steps.append(
                    DemandStep(
                        demand_id=demand, order=order, capability_id=rng.choice(leaves), quantity=10
                    )
                )
        DemandStep.objects.bulk_create(steps, batch_size=5000)
        through = DemandStep.certifications.through
        for step in DemandStep.objects.values_list("pk", flat=True):
            if rng.random() < 0.33:
                asks.append(through(demandstep_id=step, certification_id=rng.choice(certs)))
        through.objects.bulk_create(asks, batch_size=5000)


def _plain(organisation, user) -> list[int]:
    """The baseline: everything loaded, coverage counted in Python."""
    from werkstatt.engines.geo import haversine_km
    from werkstatt.supply.services.lists import active_demands
    from werkstatt.supply.services.visibility import visible_demands

    keys = set(organisation.capabilities.values_list("key", flat=True))
    held = set(organisation.certifications.values_list("pk", flat=True))
    sites = list(organisation.sites.values_list("lat", "lon")) or [
        (organisation.lat, organisation.lon)
    ]
    rows = []
    for demand in (
        active_demands(visible_demands(user))
        .exclude(organisation=organisation)
        .prefetch_related("steps__capability", "steps__certifications")
    ):
        steps = list(demand.steps.all())
        can = [
            s
            for s in steps
            if any(k == s.capability.key or k.startswith(s.capability.key + ".") for k in keys)
        ]
        if not can:
            continue
        covered = sum(1 for s in can if {c.pk for c in s.certifications.all()} <= held)
        km = min(haversine_km(a, b, demand.delivery_lat, demand.delivery_lon) for a, b in sites)
        rows.append(
            (
                (-covered / len(steps), -len(can) / len(steps), km, demand.deadline, -demand.pk),
                demand.pk,
            )
        )
    rows.sort()
    return [pk for _key, pk in rows[:25]]


def _worker(n: int, count: int, repeat: int, out: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "werkstatt.settings")
    import django

    django.setup()
    sys.path.insert(0, str(ROOT / "bench"))
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from search import _generate  # bench/search.py's quick generator
    from werkstatt.network.models import Organisation, OrganisationMembership
    from werkstatt.supply.models import Demand, DemandStep
    from werkstatt.supply.services import matching

    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    _generate(n)
    _demands(count)
    generated = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    suppliers = list(
        Organisation.objects.filter(kind="company")
        .annotate(caps=Count("capabilities"))
        .filter(caps__gte=3)
        .order_by("pk")[:20]
    )
    pairs = []
    for i, org in enumerate(suppliers):
        user = get_user_model().objects.create(email=f"bench{i}@matching.example", name=f"B {i}")
        OrganisationMembership.objects.create(
            user=user, organisation=org, role="admin", status="active"
        )
        pairs.append((org, user))
    ours, plain, matched, same = [], [], [], 0
    for round_ in range(repeat + 1):
        for org, user in pairs:
            start = time.perf_counter()
            found = matching.matching_demands(org, user)
            rows = [r.demand.pk for r in found.page.object_list]
            elapsed = (time.perf_counter() - start) * 1000
            if round_:  # the first round warms the caches
                ours.append(elapsed)
            if round_ == 1:
                matched.append(found.count)
                start = time.perf_counter()
                expected = _plain(org, user)
                plain.append((time.perf_counter() - start) * 1000)
                same += rows == expected
    Path(out).write_text(
        json.dumps(
            {
                "vendor": connection.vendor,
                "organisations": Organisation.objects.count(),
                "demands": Demand.objects.count(),
                "steps": DemandStep.objects.count(),
                "generate_s": generated,
                "ours": ours,
                "plain": plain,
                "matched": matched,
                "same": same,
                "suppliers": len(pairs),
            }
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=50_000)
    parser.add_argument("--demands", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args.organisations, args.demands, args.repeat, args.out)
        return 0
    load = os.getloadavg()
    results = [
        run_worker(
            __file__,
            db,
            [
                "--organisations",
                str(args.organisations),
                "--demands",
                str(args.demands),
                "--repeat",
                str(args.repeat),
            ],
        )
        for db in ("sqlite", "postgres")
        if args.only in (None, db)
    ]
    print(
        f"\nMatching demands, {args.organisations:,} organisations, {args.demands:,} demands, "
        f"20 suppliers x {args.repeat} rounds (load average before: "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; after: "
        + " ".join(f"{v:.2f}" for v in os.getloadavg())
        + ")"
    )
    for r in results:
        ours, plain = r["ours"], r["plain"]
        print(
            f"\n{r['vendor']}: {r['demands']:,} demands with {r['steps']:,} steps; "
            f"{min(r['matched']):,} to {max(r['matched']):,} matching per supplier; "
            f"same first page as the baseline for {r['same']} of {r['suppliers']}"
        )
        p50, p95 = percentile(ours, 0.5), percentile(ours, 0.95)
        b50, b95 = percentile(plain, 0.5), percentile(plain, 0.95)
        print(f"  ours      p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
        print(
            f"  baseline  p50 {b50:7.1f} ms   p95 {b95:7.1f} ms   "
            f"ratio baseline/ours (p50) {b50 / max(p50, 1e-9):.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
