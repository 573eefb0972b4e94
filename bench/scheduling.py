"""Benchmark of the meeting scheduler (engines/scheduling.py), see bench/README.md.

    .venv/bin/python bench/scheduling.py                 # the large instance and small ones
    .venv/bin/python bench/scheduling.py --only large --time-limit 30
    .venv/bin/python bench/scheduling.py --only small --small 5 --participants 300

Large: 2,000 participants, 12,000 accepted meetings, 16 slots, 600 tables (9,600 table-slots for
12,000 meetings). Printed: scheduled weight, proven upper bound, ratio, idle slots, seconds, and
the ratio of greedy first-fit's weight to the bound.
Small: seeded instances up to 300 participants; our answer against an exact MILP solved on its
own (HiGHS on the plain model, no warm start, a long time limit).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from werkstatt.engines import scheduling_milp  # noqa: E402
from werkstatt.engines.scheduling import (  # noqa: E402
    check_schedule,
    greedy_first_fit,
    parse_instance,
    schedule_meetings,
)


def make_instance(
    participants: int, meetings: int, slots: int, tables: int, seed: int, shape: float = 2.0
) -> dict[str, Any]:
    """A seeded, realistic matchmaking instance.

    Popularity follows a heavy tail (a few OEMs and big suppliers are asked by many: Pareto
    shape 1.3); a meeting's pair is drawn by popularity on one side and uniformly on the other, no
    pair twice. Weights: 1 (one side asked), 2 (both sides marked it as a priority, 25 %), 3 (a
    meeting the organiser promotes, 5 %). Availability: 25 % of participants miss a block of 1-4
    slots (arrive late or leave early, or a talk), 5 % miss scattered single slots.
    """
    rng = random.Random(seed)
    slot_list = [
        {
            "id": f"s{i + 1}",
            "start": f"2027-03-22T{9 + (i * 20) // 60:02d}:{(i * 20) % 60:02d}:00+01:00",
            "minutes": 20,
        }
        for i in range(slots)
    ]
    ids = [f"p{i + 1}" for i in range(participants)]
    popularity = [rng.paretovariate(shape) for _ in ids]
    people = []
    for pid in ids:
        unavailable: list[str] = []
        roll = rng.random()
        if roll < 0.25:
            length = rng.randint(1, 4)
            first = rng.choice([0, slots - length, rng.randrange(0, slots - length + 1)])
            unavailable = [f"s{k + 1}" for k in range(first, first + length)]
        elif roll < 0.30:
            unavailable = sorted({f"s{rng.randrange(slots) + 1}" for _ in range(rng.randint(1, 3))})
        people.append({"id": pid, "unavailable": unavailable})
    pairs: set[tuple[int, int]] = set()
    meeting_list = []
    cumulative = []
    total = 0.0
    for value in popularity:
        total += value
        cumulative.append(total)
    import bisect

    while len(meeting_list) < meetings:
        a = bisect.bisect_left(cumulative, rng.random() * total)
        b = rng.randrange(participants)
        if a == b:
            continue
        key = (min(a, b), max(a, b))
        if key in pairs:
            continue
        pairs.add(key)
        roll = rng.random()
        weight = 3.0 if roll < 0.05 else 2.0 if roll < 0.30 else 1.0
        meeting_list.append(
            {"id": f"m{len(meeting_list) + 1}", "participants": [ids[a], ids[b]], "weight": weight}
        )
    return {"slots": slot_list, "tables": tables, "participants": people, "meetings": meeting_list}


def run_large(time_limit: float, seed: int) -> None:
    instance = make_instance(2000, 12000, 16, 600, seed)
    started = time.perf_counter()
    ours = schedule_meetings(instance, time_limit=time_limit)
    wall = time.perf_counter() - started
    errors = check_schedule(instance, ours)
    greedy = greedy_first_fit(instance)
    assert ours.upper_bound is not None
    print("large: 2,000 participants, 12,000 meetings, 16 slots, 600 tables")
    print(f"  scheduled weight   {ours.scheduled_weight:.0f} ({len(ours.assignments)} meetings)")
    print(f"  proven upper bound {ours.upper_bound:.1f}")
    print(f"  ratio to bound     {ours.scheduled_weight / ours.upper_bound:.4f}")
    print(f"  idle slots         {ours.idle_slots}")
    print(f"  seconds            {wall:.1f} (time limit {time_limit:.0f})")
    print(f"  rules broken       {len(errors)}")
    print(
        f"  greedy first-fit   {greedy.scheduled_weight:.0f} ({len(greedy.assignments)} meetings),"
        f" ratio to bound {greedy.scheduled_weight / ours.upper_bound:.4f}, idle slots "
        f"{greedy.idle_slots}, {greedy.seconds:.2f} s"
    )
    print(f"  ours / greedy      {ours.scheduled_weight / greedy.scheduled_weight:.4f}")

    # Re-scheduling: 1 % of the scheduled meetings cancelled, 60 late acceptances.
    rng = random.Random(seed + 99)
    cancelled = {a.meeting for a in rng.sample(ours.assignments, len(ours.assignments) // 100)}
    meetings = [m for m in instance["meetings"] if m["id"] not in cancelled]
    existing = {tuple(sorted(m["participants"])) for m in instance["meetings"]}
    people = [p["id"] for p in instance["participants"]]
    late = 0
    while late < 60:
        pair = tuple(sorted(rng.sample(people, 2)))
        if pair in existing:
            continue
        existing.add(pair)
        late += 1
        meetings.append({"id": f"late{late}", "participants": list(pair), "weight": 2.0})
    changed = {**instance, "meetings": meetings}
    started = time.perf_counter()
    again = schedule_meetings(changed, time_limit=time_limit, previous=ours)
    wall = time.perf_counter() - started
    kept_before = len(ours.assignments) - len(cancelled)
    assert again.upper_bound is not None
    print(f"re-scheduling: {len(cancelled)} cancelled, 60 late acceptances (weight 2)")
    print(
        f"  weight {again.scheduled_weight:.0f}, bound {again.upper_bound:.1f}, ratio"
        f" {again.scheduled_weight / again.upper_bound:.4f}; previous meetings moved or dropped:"
        f" {again.moved} of {kept_before}; late ones scheduled:"
        f" {sum(1 for a in again.assignments if a.meeting.startswith('late'))}; idle slots"
        f" {again.idle_slots}; {wall:.1f} s; rules broken {len(check_schedule(changed, again))}"
    )


def run_small(count: int, participants: int, time_limit: float, seed: int) -> None:
    print(f"small: {count} instances, {participants} participants, 16 slots")
    for k in range(count):
        rng = random.Random(seed + k)
        n_meetings = participants * rng.randint(3, 6)
        tables = max(1, int(n_meetings / 16 * rng.uniform(0.6, 1.1)))
        instance = make_instance(participants, n_meetings, 16, tables, seed + k)
        ours = schedule_meetings(instance, time_limit=time_limit)
        errors = check_schedule(instance, ours)
        inst = parse_instance(instance)
        started = time.perf_counter()
        reference = scheduling_milp.solve_weight(
            inst, {}, [-1] * inst.n_meetings, deadline=time.perf_counter() + 300
        )
        milp_seconds = time.perf_counter() - started
        reference_weight = (
            sum(inst.weights[m] for m, s in enumerate(reference.slot_of) if s >= 0)
            if reference.slot_of
            else float("nan")
        )
        greedy = greedy_first_fit(instance)
        print(
            f"  #{k}: {n_meetings} meetings, {tables} tables: ours {ours.scheduled_weight:.0f}"
            f" (bound {ours.upper_bound}, optimal {ours.optimal}, idle {ours.idle_slots},"
            f" proven idle >= {ours.idle_lower_bound}, {ours.seconds:.1f} s,"
            f" {len(errors)} broken);"
            f" MILP alone {reference_weight:.0f} (optimal {reference.optimal},"
            f" {milp_seconds:.1f} s); greedy {greedy.scheduled_weight:.0f}"
            f" ({greedy.scheduled_weight / ours.scheduled_weight:.3f} of ours)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=["large", "small"])
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--small", type=int, default=3, help="number of small instances")
    parser.add_argument("--participants", type=int, default=300)
    args = parser.parse_args()
    if args.only in (None, "large"):
        run_large(args.time_limit, args.seed)
    if args.only in (None, "small"):
        run_small(args.small, args.participants, args.time_limit, args.seed)


if __name__ == "__main__":
    main()
