"""Opinion engine: quality against Polis itself, and speed, side by side with red-dwarf.

    .venv/bin/python bench/opinions.py                 # everything
    .venv/bin/python bench/opinions.py quality         # the four Polis conversations
    .venv/bin/python bench/opinions.py heldout         # the four replayed to earlier times
    .venv/bin/python bench/opinions.py synthetic       # planted groups, Polis-like sparsity
    .venv/bin/python bench/opinions.py speed [--participants 20000 --statements 1000
                                              --votes 2000000 --reddwarf-participants 5000]

Quality: ../shared/data/polis holds four real conversations with Polis's own group for each
participant (participants-votes.csv, group-id). For ours and for red-dwarf 0.4.0 (Polis's math
re-implemented in Python, the `bench` extra) we print the adjusted Rand index (ARI) between
the groups and Polis's, over the participants both cluster, and the coverage: the share of
Polis-clustered participants that are clustered.

Speed: a synthetic conversation (seeded) with planted opinion groups; each analysis runs in a
fresh child process that reports its wall time and its peak resident memory (VmHWM, reset
after the input is built, so the figure is what the analysis itself needs on top of its
input; the input list is reported separately). red-dwarf builds a dense pandas matrix and
scores silhouettes over all participant pairs, so it runs at a smaller size (and we run ours
at that size too for the ratio).
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np

from werkstatt.engines.opinions import (
    adjusted_rand_index,
    analyse,
    polis_rules_for,
    read_polis_export,
)

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "polis"


# --- quality --------------------------------------------------------------------------------


def polis_groups(folder: Path) -> dict[int, int | None]:
    """Polis's own group per participant (None where Polis did not cluster them)."""
    groups: dict[int, int | None] = {}
    with (folder / "participants-votes.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            text = row["group-id"].strip()
            groups[int(row["participant"])] = int(text) if text else None
    return groups


def latest_votes(votes):
    """One vote per participant and statement, the latest (red-dwarf refuses duplicates)."""
    latest = {}
    for pid, sid, value, stamp in sorted(votes, key=lambda v: v[3]):
        latest[(pid, sid)] = (pid, sid, value, stamp)
    return list(latest.values())


def reddwarf_groups(votes, moderated_out) -> dict[int, int | None]:
    """red-dwarf 0.4.0's groups (its Polis pipeline, default settings, seeded)."""
    from reddwarf.implementations.polis import run_pipeline

    records = [
        {"participant_id": p, "statement_id": s, "vote": v, "modified": t}
        for p, s, v, t in latest_votes(votes)
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = run_pipeline(
            votes=records, mod_out_statement_ids=sorted(moderated_out), random_state=0
        )
    import pandas as pd

    frame = result.participants_df
    return {
        int(pid): (None if pd.isna(cluster) else int(cluster))
        for pid, cluster in zip(frame.index, frame["cluster_id"])
    }


def agreement(polis: dict, ours: dict) -> tuple[float, float]:
    """(ARI over participants both cluster, share of Polis-clustered that we cluster)."""
    clustered = [p for p, g in polis.items() if g is not None]
    both = [p for p in clustered if ours.get(p) is not None]
    ari = adjusted_rand_index([polis[p] for p in both], [ours[p] for p in both])
    return ari, len(both) / max(len(clustered), 1)


def quality(with_reddwarf: bool = True, rules: str = "current") -> list[dict]:
    """ARI and coverage against Polis's own groups. `rules`: Polis's rules to follow, or
    "auto" for the version Polis ran when each conversation's last vote came in."""
    rows = []
    for folder in sorted(p for p in DATA.iterdir() if p.is_dir()):
        votes, statements, moderated_out = read_polis_export(folder)
        polis = polis_groups(folder)
        chosen = polis_rules_for(max(v[3] for v in votes)) if rules == "auto" else rules
        started = time.perf_counter()
        result = analyse(votes, statements=statements, moderated_out=moderated_out, rules=chosen)
        seconds = time.perf_counter() - started
        ari, coverage = agreement(polis, result.participants)
        row = {
            "conversation": folder.name,
            "rules": chosen,
            "participants": len(polis),
            "groups_polis": len({g for g in polis.values() if g is not None}),
            "groups_ours": len(result.groups),
            "ari_ours": ari,
            "coverage_ours": coverage,
            "seconds_ours": seconds,
        }
        if with_reddwarf:
            started = time.perf_counter()
            theirs = reddwarf_groups(votes, moderated_out)
            row["seconds_reddwarf"] = time.perf_counter() - started
            row["ari_reddwarf"], row["coverage_reddwarf"] = agreement(polis, theirs)
            row["groups_reddwarf"] = len({g for g in theirs.values() if g is not None})
        rows.append(row)
    print(f"our rules: {rules}")
    print(
        f"{'conversation':28} {'rules':>10} {'ptpts':>5} {'k Polis/ours/rd':>15} {'ARI ours':>8} "
        f"{'ARI rd':>7} {'cov ours':>8} {'cov rd':>7}"
    )
    for row in rows:
        print(
            f"{row['conversation']:28} {row['rules']:>10} {row['participants']:5d} "
            f"{row['groups_polis']:>5}/{row['groups_ours']}/{row.get('groups_reddwarf', '-'):<3}   "
            f"{row['ari_ours']:8.3f} {row.get('ari_reddwarf', float('nan')):7.3f} "
            f"{row['coverage_ours']:8.3f} {row.get('coverage_reddwarf', float('nan')):7.3f}"
        )
    mean_ours = float(np.mean([r["ari_ours"] for r in rows]))
    line = f"{'mean':28} {'':>10} {'':5} {'':15} {mean_ours:8.3f}"
    if with_reddwarf:
        line += f" {float(np.mean([r['ari_reddwarf'] for r in rows])):7.3f}"
    print(line)
    return rows


# --- held-out: the conversations replayed to earlier times ---------------------------------


def _ari_both(first: dict, second: dict) -> tuple[float, int]:
    """ARI over the participants both labellings cluster, and how many they are."""
    both = [p for p, g in first.items() if g is not None and second.get(p) is not None]
    if len(both) < 2:
        return float("nan"), len(both)
    return adjusted_rand_index([first[p] for p in both], [second[p] for p in both]), len(both)


def heldout(with_reddwarf: bool = True, fractions=(0.5, 0.75, 0.9)) -> list[dict]:
    """Each conversation cut at the time by which a share of its votes had come in: do the
    groups found then agree with the groups at the end (ours, and Polis's)? Nothing here was
    used to choose the engine's rules; it checks that the engine's groups are a property of
    the conversation, not of its last few votes."""
    rows = []
    print(
        f"{'conversation':28} {'share':>5} {'ptpts':>5} {'k':>3}  "
        f"{'ours(t)~ours(end)':>17} {'ours(t)~Polis':>13} {'rd(t)~rd(end)':>13} "
        f"{'rd(t)~Polis':>11}"
    )
    for folder in sorted(p for p in DATA.iterdir() if p.is_dir()):
        votes, statements, moderated_out = read_polis_export(folder)
        polis = polis_groups(folder)
        votes = sorted(votes, key=lambda v: v[3])
        end = analyse(votes, statements=statements, moderated_out=moderated_out).participants
        rd_end = reddwarf_groups(votes, moderated_out) if with_reddwarf else {}
        for share in fractions:
            cut = votes[: int(len(votes) * share)]
            then = analyse(cut, statements=statements, moderated_out=moderated_out)
            row = {
                "conversation": folder.name,
                "share": share,
                "participants": len({v[0] for v in cut}),
                "groups": len(then.groups),
                "ours_vs_end": _ari_both(then.participants, end)[0],
                "ours_vs_polis": _ari_both(then.participants, polis)[0],
            }
            if with_reddwarf:
                rd_then = reddwarf_groups(cut, moderated_out)
                row["rd_vs_end"] = _ari_both(rd_then, rd_end)[0]
                row["rd_vs_polis"] = _ari_both(rd_then, polis)[0]
            rows.append(row)
            print(
                f"{row['conversation']:28} {share:5.2f} {row['participants']:5d} "
                f"{row['groups']:3d}  {row['ours_vs_end']:17.3f} {row['ours_vs_polis']:13.3f} "
                f"{row.get('rd_vs_end', float('nan')):13.3f} "
                f"{row.get('rd_vs_polis', float('nan')):11.3f}"
            )
    for key in ("ours_vs_end", "ours_vs_polis", "rd_vs_end", "rd_vs_polis"):
        values = [r[key] for r in rows if key in r and not np.isnan(r[key])]
        if values:
            print(f"mean {key}: {float(np.mean(values)):.3f}")
    return rows


# --- synthetic: planted groups with Polis-like sparsity -----------------------------------


def polis_like(seed: int, participants: int = 400, statements: int = 80):
    """A conversation with planted opinion groups shaped like real Polis data.

    2 to 5 groups of unequal sizes; each group has a stance per statement (agree, disagree or
    no opinion); statements arrive over time (a participant only sees those that existed when
    they came); most participants vote on a handful of statements and a few on nearly all
    (a geometric number of votes, mean 20); a vote follows the group's stance with
    probability 0.75, and is otherwise a pass (40 %) or random. Returns (votes, planted group
    per participant, number of groups)."""
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 6))
    sizes = rng.dirichlet(np.full(k, 2.0))
    planted = rng.choice(k, size=participants, p=sizes)
    stance = rng.choice([-1, 0, 1], size=(k, statements), p=[0.35, 0.3, 0.35])
    created = np.sort(rng.integers(0, 1000, statements))
    created[: min(10, statements)] = 0  # seed statements
    arrive = np.sort(rng.integers(0, 1000, participants))
    votes = []
    for p in range(participants):
        seen = np.flatnonzero(created <= arrive[p])
        n = min(len(seen), int(rng.geometric(1 / 20)))
        chosen = rng.choice(seen, size=n, replace=False)
        for j, s in enumerate(chosen):
            want = stance[planted[p], s]
            r = rng.random()
            if want != 0 and r < 0.75:
                value = int(want)
            elif r < 0.85:
                value = 0
            else:
                value = int(rng.integers(-1, 2))
            votes.append((p, int(s), value, float(arrive[p]) * 1000 + j))
    return votes, planted, k


def synthetic_quality(seeds: int = 12, with_reddwarf: bool = True) -> list[dict]:
    """ARI to the planted groups (over the participants each engine clusters) and the number
    of groups, ours and red-dwarf's, on seeded Polis-like conversations."""
    rows = []
    print(f"{'seed':>4} {'k':>2} {'k ours':>6} {'k rd':>4} {'ARI ours':>8} {'ARI rd':>7}")
    for seed in range(seeds):
        votes, planted, k = polis_like(seed)
        truth = {p: int(g) for p, g in enumerate(planted)}
        ours = analyse(votes).participants
        row = {
            "seed": seed,
            "k": k,
            "k_ours": len({g for g in ours.values() if g is not None}),
            "ari_ours": _ari_both(ours, truth)[0],
        }
        if with_reddwarf:
            theirs = reddwarf_groups(votes, ())
            row["k_reddwarf"] = len({g for g in theirs.values() if g is not None})
            row["ari_reddwarf"] = _ari_both(theirs, truth)[0]
        rows.append(row)
        print(
            f"{seed:4d} {k:2d} {row['k_ours']:6d} {row.get('k_reddwarf', 0):4d} "
            f"{row['ari_ours']:8.3f} {row.get('ari_reddwarf', float('nan')):7.3f}"
        )
    line = f"mean ARI ours {float(np.mean([r['ari_ours'] for r in rows])):.3f}"
    if with_reddwarf:
        line += f", red-dwarf {float(np.mean([r['ari_reddwarf'] for r in rows])):.3f}"
    print(line)
    return rows


# --- speed ----------------------------------------------------------------------------------


def synthetic(participants: int, statements: int, votes: int, seed: int = 0, groups: int = 3):
    """Votes (participant, statement, value, time) with planted opinion groups.

    Each group has a stance per statement (agree, disagree or pass); a participant votes on a
    random subset of statements, following their group's stance 75 % of the time and voting at
    random otherwise. Returns (votes as a list of tuples, planted group per participant).
    """
    rng = np.random.default_rng(seed)
    planted = rng.integers(0, groups, participants)
    stance = rng.choice([-1, 0, 1], size=(groups, statements), p=[0.4, 0.2, 0.4])
    per = votes // participants
    pids = np.repeat(np.arange(participants), per)
    # `per` distinct statements per participant: a random offset and a random odd step
    # through a cycle (cheap, and distinct when gcd(step, statements) == 1).
    offsets = rng.integers(0, statements, participants)
    steps = rng.choice(
        [s for s in range(1, statements, 2) if np.gcd(s, statements) == 1], participants
    )
    sids = (offsets[:, None] + steps[:, None] * np.arange(per)[None, :]) % statements
    sids = sids.ravel()
    follow = rng.random(len(pids)) < 0.75
    values = np.where(follow, stance[planted[pids], sids], rng.integers(-1, 2, len(pids)))
    times = rng.permutation(len(pids))
    return list(zip(pids.tolist(), sids.tolist(), values.tolist(), times.tolist())), planted


def _peak_rss_mb() -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _rss_mb() -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def _child(engine: str, participants: int, statements: int, votes: int, queue) -> None:
    data, planted = synthetic(participants, statements, votes)
    base = _rss_mb()
    _reset_peak()
    started = time.perf_counter()
    cpu_started = time.process_time()
    if engine == "ours":
        result = analyse(data)
        groups = result.participants
    else:
        groups = reddwarf_groups(data, ())
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    peak = _peak_rss_mb()
    ids = [p for p, g in groups.items() if g is not None]
    ari = adjusted_rand_index([planted[p] for p in ids], [groups[p] for p in ids])
    queue.put(
        {
            "engine": engine,
            "seconds": seconds,
            "cpu_seconds": cpu,
            "load": os.getloadavg()[0],
            "peak_mb": peak,
            "input_mb": base,
            "ari_planted": ari,
            "groups": len({groups[p] for p in ids}),
        }
    )


def measure(engine: str, participants: int, statements: int, votes: int, timeout: float) -> dict:
    """Run one analysis in a child process; its time, peak memory and planted-group ARI."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_child, args=(engine, participants, statements, votes, queue))
    process.start()
    try:
        result = queue.get(timeout=timeout)
    except Exception:
        process.kill()
        process.join()
        return {"engine": engine, "seconds": float("inf"), "timeout": timeout}
    process.join()
    result.update(participants=participants, statements=statements, votes=votes)
    return result


def speed(participants: int, statements: int, votes: int, small: int, timeout: float) -> list:
    rows = []

    def show(row):
        if "timeout" in row:
            print(f"{row['engine']:9} gave no answer within {row['timeout']:.0f} s")
            return
        print(
            f"{row['engine']:9} {row['participants']:6d} x {row['statements']:5d}, "
            f"{row['votes']:9,d} votes: {row['seconds']:6.2f} s ({row['cpu_seconds']:.2f} s CPU, "
            f"load {row['load']:.1f}), peak RSS "
            f"{row['peak_mb']:7.0f} MB (input list {row['input_mb']:.0f} MB), "
            f"{row['groups']} groups, ARI to planted {row['ari_planted']:.3f}"
        )

    full = measure("ours", participants, statements, votes, timeout)
    show(full)
    rows.append(full)
    small_votes = votes * small // participants
    ours_small = measure("ours", small, statements, small_votes, timeout)
    show(ours_small)
    theirs = measure("reddwarf", small, statements, small_votes, timeout)
    show(theirs)
    rows += [ours_small, theirs]
    if "timeout" not in theirs:
        print(
            f"red-dwarf / ours at {small} participants: "
            f"{theirs['seconds'] / ours_small['seconds']:.1f}x the time, "
            f"{theirs['peak_mb'] / ours_small['peak_mb']:.1f}x the peak memory"
        )
    return rows


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "what",
        nargs="?",
        choices=["quality", "heldout", "synthetic", "speed", "all"],
        default="all",
    )
    parser.add_argument(
        "--rules",
        default="current",
        help="Polis rules for quality: current (default), 2017, early-2017 or auto (by date)",
    )
    parser.add_argument("--seeds", type=int, default=12, help="synthetic conversations")
    parser.add_argument("--participants", type=int, default=20_000)
    parser.add_argument("--statements", type=int, default=1_000)
    parser.add_argument("--votes", type=int, default=2_000_000)
    parser.add_argument("--reddwarf-participants", type=int, default=5_000)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--no-reddwarf", action="store_true")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    report: dict = {}
    if args.what in ("quality", "all"):
        report["quality"] = quality(with_reddwarf=not args.no_reddwarf, rules=args.rules)
    if args.what in ("heldout", "all"):
        print()
        report["heldout"] = heldout(with_reddwarf=not args.no_reddwarf)
    if args.what in ("synthetic", "all"):
        print()
        report["synthetic"] = synthetic_quality(args.seeds, with_reddwarf=not args.no_reddwarf)
    if args.what in ("speed", "all"):
        print()
        report["speed"] = speed(
            args.participants,
            args.statements,
            args.votes,
            args.reddwarf_participants,
            args.timeout,
        )
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
