"""Shared parts of the engines' command-line front ends (FORMATS.md): plain files in, JSON out.

Each command (`scheduling_cli`, `consortium_cli`, `opinions_cli`) has a `main(argv)` that takes
the arguments after its command name and returns the exit code:
0 on success, 2 on bad input with one clear line on standard error and no traceback.
No Django here: these commands work without a database.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any


class InputError(ValueError):
    """Bad input: the message is the one line the user sees (which field, which row, what)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse's own usage errors also exit 2 with one line.
        sys.stderr.write(f"{self.prog}: {message}\n")
        raise SystemExit(2)


def run_command(
    prog: str,
    argv: list[str],
    work: Callable[[argparse.Namespace], dict[str, Any]],
    configure: Callable[[argparse.ArgumentParser], None],
) -> int:
    """Parse `argv`, call `work`, write its JSON; InputError becomes exit 2 with one line."""
    parser = _Parser(prog=prog)
    configure(parser)
    parser.add_argument("-o", "--output", help="write the JSON here instead of standard output")
    args = parser.parse_args(argv)
    try:
        result = work(args)
    except InputError as error:
        sys.stderr.write(f"{prog}: {error}\n")
        return 2
    text = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
    return 0


def read_json_file(path: str) -> Any:
    """The parsed JSON of `path`, or InputError with one clear line."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise InputError(
            f"{path}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
