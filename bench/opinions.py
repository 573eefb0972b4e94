"""Opinion engine: quality against Polis itself, and speed, side by side with red-dwarf.

    .venv/bin/python bench/opinions.py                 # everything
    .venv/bin/python bench/opinions.py quality         # the four Polis conversations
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

from werkstatt.engines.opinions import adjusted_rand_index, analyse, read_polis_export

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


def quality(with_reddwarf: bool = True) -> list[dict]:
    rows = []
    for folder in sorted(p for p in DATA.iterdir() if p.is_dir()):
        votes, statements, moderated_out = read_polis_export(folder)
        polis = polis_groups(folder)
        started = time.perf_counter()
        result = analyse(votes, statements=statements, moderated_out=moderated_out)
        seconds = time.perf_counter() - started
        ari, coverage = agreement(polis, result.participants)
        row = {
            "conversation": folder.name,
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
    print(
        f"{'conversation':28} {'ptpts':>5} {'k Polis/ours/rd':>15} {'ARI ours':>8} "
        f"{'ARI rd':>7} {'cov ours':>8} {'cov rd':>7}"
    )
    for row in rows:
        print(
            f"{row['conversation']:28} {row['participants']:5d} "
            f"{row['groups_polis']:>5}/{row['groups_ours']}/{row.get('groups_reddwarf', '-'):<3}   "
            f"{row['ari_ours']:8.3f} {row.get('ari_reddwarf', float('nan')):7.3f} "
            f"{row['coverage_ours']:8.3f} {row.get('coverage_reddwarf', float('nan')):7.3f}"
        )
    mean_ours = float(np.mean([r["ari_ours"] for r in rows]))
    line = f"{'mean':28} {'':5} {'':15} {mean_ours:8.3f}"
    if with_reddwarf:
        line += f" {float(np.mean([r['ari_reddwarf'] for r in rows])):7.3f}"
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
    parser.add_argument("what", nargs="?", choices=["quality", "speed", "all"], default="all")
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
        report["quality"] = quality(with_reddwarf=not args.no_reddwarf)
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
