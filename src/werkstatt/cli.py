"""The `werkstatt` console command.

`werkstatt <command>` runs Django management commands with Werkstatt's settings
(`werkstatt migrate`, `werkstatt demo`, `werkstatt shell`, `werkstatt worker`, ...).
`werkstatt serve` runs the production server (gunicorn, static files by WhiteNoise).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "werkstatt.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["werkstatt", *argv[1:]])


if __name__ == "__main__":
    main()
