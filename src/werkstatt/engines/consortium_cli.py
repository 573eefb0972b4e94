"""`werkstatt form-consortium DEMAND.json`: the consortium engine on a file (FORMATS.md §2).

    werkstatt form-consortium DEMAND.json [-o OUT.json] [--alternatives N] [--time-limit S]

Writes the result JSON (exit 0, also when no consortium exists: `feasible: false`); on bad
input exits 2 with one line naming the field and index ("steps[2].capability: missing").
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from .cli import InputError, read_json_file, run_command
from .consortium import DEFAULT_TIME_LIMIT, DemandError, form_consortium, parse_demand


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("demand", help="the demand as JSON (FORMATS.md §2)")
    parser.add_argument(
        "--alternatives",
        type=int,
        default=0,
        help="also propose up to N genuinely different consortia (default 0)",
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=DEFAULT_TIME_LIMIT,
        help=f"seconds for the solver per proposal (default {DEFAULT_TIME_LIMIT:g})",
    )


_BOM = b"\xef\xbb\xbf"


def _read(path: str) -> Any:
    """The file's JSON; a UTF-8 byte order mark (Windows editors write one) is accepted."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(3)
    except OSError:
        head = b""
    if head == b"":
        try:
            with open(path, "rb") as handle:
                empty = not handle.read().strip()
        except OSError:
            empty = False
        if empty:
            raise InputError(f"{path}: the file is empty")
    if head != _BOM:
        return read_json_file(path)
    with open(path, encoding="utf-8-sig") as handle:
        try:
            return json.load(handle)
        except UnicodeDecodeError:
            raise InputError(f"{path}: not UTF-8 text") from None
        except json.JSONDecodeError as error:
            raise InputError(
                f"{path}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
            ) from None


def _work(args: argparse.Namespace) -> dict[str, Any]:
    if args.alternatives < 0:
        raise InputError("--alternatives must not be negative")
    if not args.time_limit > 0:
        raise InputError("--time-limit must be positive")
    data = _read(args.demand)
    try:
        demand = parse_demand(data)
    except DemandError as error:
        raise InputError(f"{args.demand}: {error}") from None
    return form_consortium(demand, alternatives=args.alternatives, time_limit=args.time_limit)


def main(argv: list[str]) -> int:
    """Run the command on `argv` (the arguments after `form-consortium`); return the exit code."""
    return run_command("werkstatt form-consortium", argv, _work, _configure)
