"""The `werkstatt` console command.

`werkstatt <command>` runs Django management commands with Werkstatt's settings
(`werkstatt migrate`, `werkstatt demo`, `werkstatt shell`, `werkstatt worker`, ...).
`werkstatt serve` runs the production server (gunicorn, static files by WhiteNoise).

The engines' file commands (FORMATS.md) need no database, so they run without Django:
`werkstatt schedule-meetings INSTANCE.json`, `werkstatt form-consortium DEMAND.json`,
`werkstatt polis analyse FOLDER`.
"""

from __future__ import annotations

import importlib
import os
import sys

# command -> "module:function"; the function takes the arguments after the command and
# returns the exit code.
ENGINE_COMMANDS = {
    "schedule-meetings": "werkstatt.engines.scheduling_cli:main",
    "form-consortium": "werkstatt.engines.consortium_cli:main",
    "polis": "werkstatt.engines.opinions_cli:main",
}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] in ENGINE_COMMANDS:
        module, function = ENGINE_COMMANDS[argv[1]].split(":")
        command = getattr(importlib.import_module(module), function)
        sys.exit(command(argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "werkstatt.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["werkstatt", *argv[1:]])


if __name__ == "__main__":
    main()
