"""What the database benchmarks share: a worker run on a fresh SQLite or PostgreSQL database,
and percentiles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of `values`, linearly interpolated; 0.0 for no values."""
    values = sorted(values)
    if not values:
        return 0.0
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def run_worker(script: str, db: str, args: list[str]) -> dict:
    """Run `script --worker ARGS --out FILE` with a fresh data folder on `db` ("sqlite", or
    "postgres": a throw-away server of tests/with_postgres.py) and return the JSON it wrote."""
    with tempfile.TemporaryDirectory(prefix="werkstatt-bench-") as tmp:
        out = os.path.join(tmp, "result.json")
        env = dict(os.environ, WERKSTATT_DATA_DIR=tmp)
        cmd = [sys.executable, script, "--worker", *args, "--out", out]
        if db == "postgres":
            sys.path.insert(0, str(ROOT))
            from tests.with_postgres import postgres_server

            with postgres_server() as url:
                subprocess.run(cmd, env=dict(env, DATABASE_URL=url), check=True)
        else:
            env.pop("DATABASE_URL", None)
            subprocess.run(cmd, env=env, check=True)
        return json.loads(Path(out).read_text())
