"""`werkstatt schedule-meetings INSTANCE.json` (FORMATS.md §1). No Django.

Reads the instance, schedules it with `scheduling.schedule_meetings`, writes the output JSON to
standard output (or `-o FILE`). Bad input: exit 2 with one line naming the field, the index and
the problem.
"""

from __future__ import annotations

import argparse
from typing import Any

from werkstatt.engines.cli import InputError, read_json_file, run_command
from werkstatt.engines.scheduling import InstanceError, parse_instance, schedule_meetings


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.description = "Schedule accepted B2B meetings into time slots and tables."
    parser.add_argument("instance", help="the instance (JSON, see FORMATS.md §1)")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=30.0,
        help="seconds for the whole run (default 30)",
    )


def _work(args: argparse.Namespace) -> dict[str, Any]:
    if not args.time_limit >= 0:
        raise InputError("--time-limit: must be a number of seconds ≥ 0")
    data = read_json_file(args.instance)
    try:
        instance = parse_instance(data)
    except InstanceError as error:
        raise InputError(f"{args.instance}: {error}") from None
    return schedule_meetings(instance, time_limit=args.time_limit).to_json()


def main(argv: list[str]) -> int:
    """Run the command on `argv` (the arguments after `schedule-meetings`); the exit code."""
    return run_command("werkstatt schedule-meetings", argv, _work, _configure)
