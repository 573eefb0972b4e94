"""Fixtures for tests that run Werkstatt in processes of their own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def shared_db(tmp_path):
    """Environment for subprocesses that share one database with each other.

    PostgreSQL: the test database itself (mark the test transaction=True, so that what the
    processes commit is cleared afterwards). SQLite: the test database lives in memory, so a
    migrated file of its own.
    """
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "werkstatt.settings",
        "WERKSTATT_JOBS_MODE": "worker",
        "WERKSTATT_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(ROOT),
    }
    (tmp_path / "data").mkdir()
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    else:
        env.pop("DATABASE_URL", None)
        subprocess.run(
            [sys.executable, "-m", "werkstatt.cli", "migrate", "-v0"],
            env=env,
            cwd=ROOT,
            check=True,
            timeout=120,
        )
    return env
