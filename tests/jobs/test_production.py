"""The documented production configuration passes `werkstatt check --deploy` without warnings."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from tests.jobs.conftest import ROOT

WERKSTATT = str(Path(sys.executable).with_name("werkstatt"))


def production_env(tmp_path, **extra):
    env = {
        key: value
        for key, value in os.environ.items()
        # Nothing of the test run (e.g. DJANGO_ALLOW_ASYNC_UNSAFE) leaks into "production".
        if not key.startswith(("WERKSTATT_", "DJANGO_"))
    }
    env.update(
        WERKSTATT_PRODUCTION="1",
        WERKSTATT_SECRET_KEY=secrets.token_urlsafe(50),
        WERKSTATT_ALLOWED_HOSTS="example.org",
        WERKSTATT_SITE_URL="https://example.org",
        WERKSTATT_DATA_DIR=str(tmp_path),
    )
    env.update(extra)
    return {key: value for key, value in env.items() if value is not None}


def check_deploy(env):
    return subprocess.run(
        [WERKSTATT, "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_check(tmp_path):
    result = check_deploy(production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_the_check_notices_a_weak_setting(tmp_path):
    # The same command fails when something is off, so the test above can fail too.
    result = check_deploy(production_env(tmp_path, WERKSTATT_DEBUG="1"))
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr


def test_production_without_the_site_url_warns_that_email_links_point_nowhere(tmp_path):
    result = check_deploy(production_env(tmp_path, WERKSTATT_SITE_URL=None))
    assert result.returncode != 0
    assert "werkstatt.W001" in result.stdout + result.stderr
    assert "WERKSTATT_SITE_URL" in result.stdout + result.stderr


def test_the_readme_production_config_sets_the_site_url():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    production = readme[readme.index("### Production") :]
    production = production[: production.index("```", production.index("```sh") + 5)]
    assert "WERKSTATT_SITE_URL=https://" in production


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = check_deploy(production_env(tmp_path, WERKSTATT_SECRET_KEY=None))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "WERKSTATT_SECRET_KEY" in result.stderr


def test_migrate_creates_a_missing_data_directory(tmp_path):
    data_dir = tmp_path / "fresh" / "var"  # a fresh checkout has no var/
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("WERKSTATT_") and key != "DATABASE_URL"
    }
    env["WERKSTATT_DATA_DIR"] = str(data_dir)
    result = subprocess.run(
        [WERKSTATT, "migrate", "-v0"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (data_dir / "werkstatt.sqlite3").exists()
