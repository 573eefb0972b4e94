"""`werkstatt polis analyse FOLDER`: opinion groups of a conversation exported from Polis.

Reads FOLDER/comments.csv and FOLDER/votes.csv (Polis's export format), writes JSON
(FORMATS.md §3): every voter's group (null where not clustered), the groups with their
representative statements, the consensus, and the seconds the analysis took. Extra keys:
the map coordinates, group-informed consensus, the most divisive statements, and why
there are no groups when there are none. Bad input: exit 2 with one line, no traceback.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from werkstatt.engines.cli import InputError, run_command
from werkstatt.engines.opinions import (
    POLIS_RULES,
    OpinionAnalysis,
    PolisExportError,
    analyse,
    polis_rules_for,
    read_polis_export,
)


def _configure(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    analyse_parser = commands.add_parser(
        "analyse", help="find the opinion groups of a conversation exported from Polis"
    )
    analyse_parser.add_argument("folder", help="folder with comments.csv and votes.csv")
    analyse_parser.add_argument(
        "--seed", type=int, default=0, help="seed of the k-means starts (default 0)"
    )
    analyse_parser.add_argument(
        "--polis-rules",
        choices=["current", "auto", *[name for name in POLIS_RULES if name != "current"]],
        default="current",
        help=(
            "which version of Polis's math to follow: current (default); 2017 or early-2017 "
            "(before 21 October / 14 April 2017); auto: the version Polis ran when the "
            "conversation's last vote came in, to compare with the groups in a Polis export"
        ),
    )
    analyse_parser.add_argument(
        "-o", "--output", dest="analyse_output", help="write the JSON here instead of stdout"
    )


def result_json(analysis: OpinionAnalysis, seconds: float | None = None) -> dict[str, Any]:
    """The JSON document of FORMATS.md §3 (plus extra keys) for an analysis."""
    return {
        "participants": {str(pid): group for pid, group in analysis.participants.items()},
        "groups": [
            {
                "id": group.id,
                "size": group.size,
                "representative": [
                    {
                        "comment": rep.statement,
                        "direction": rep.direction,
                        "probability": round(rep.probability, 4),
                        "repness": round(rep.repness, 4),
                        "p_value": round(rep.p_value, 6),
                    }
                    for rep in group.representative
                ],
            }
            for group in analysis.groups
        ],
        "consensus": {key: list(value) for key, value in analysis.consensus.items()},
        "seconds": round(analysis.seconds if seconds is None else seconds, 3),
        "clustered": analysis.clustered,
        "reason": analysis.reason,
        "polis_rules": analysis.rules,
        "group_informed_consensus": {
            str(statement): round(value, 4)
            for statement, value in analysis.group_informed_consensus.items()
        },
        "divisive": list(analysis.divisive),
        "coordinates": {
            str(pid): [round(x, 4), round(y, 4)] for pid, (x, y) in analysis.coordinates.items()
        },
    }


def _work(args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        votes, statements, moderated_out = read_polis_export(args.folder)
    except PolisExportError as error:
        raise InputError(str(error)) from None
    rules = args.polis_rules
    if rules == "auto":
        rules = polis_rules_for(max((vote[3] for vote in votes), default=float("inf")))
    analysis = analyse(
        votes, statements=statements, moderated_out=moderated_out, seed=args.seed, rules=rules
    )
    if args.analyse_output:
        args.output = args.analyse_output
    return result_json(analysis, time.perf_counter() - started)


def main(argv: list[str]) -> int:
    """Run `werkstatt polis ...` with the arguments after `polis`; returns the exit code."""
    return run_command("werkstatt polis", argv, _work, _configure)
