"""`werkstatt serve`: gunicorn with Werkstatt's WSGI application."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.core.management import call_command

from tests.jobs.conftest import ROOT
from werkstatt.web.management.commands.serve import (
    WerkstattServer,
    default_workers,
    ensure_static_files,
    server_options,
    static_files_stale,
)

MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.fixture
def manifest_storage(settings, tmp_path):
    """Production's static files storage, collecting into a folder of the test's own."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}
    settings.WHITENOISE_USE_FINDERS = False
    return settings.STATIC_ROOT


def test_serve_collects_missing_or_stale_static_files_and_only_then(manifest_storage):
    manifest = manifest_storage / "staticfiles.json"
    assert static_files_stale()  # nothing collected yet
    assert ensure_static_files() is True
    assert '"werkstatt/favicon.svg"' in manifest.read_text()
    assert not static_files_stale()
    assert ensure_static_files() is False  # idempotent: the second start collects nothing
    # A source file newer than the collection (an update of the code) makes it stale.
    os.utime(manifest, (0, 0))
    assert static_files_stale()
    assert ensure_static_files() is True
    assert not static_files_stale()


def test_a_source_file_missing_from_the_manifest_makes_it_stale(manifest_storage):
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = manifest_storage / "staticfiles.json"
    text = manifest.read_text()
    manifest.write_text(text.replace('"werkstatt/favicon.svg"', '"werkstatt/gone.svg"'))
    assert static_files_stale()


def test_development_storage_needs_no_collection(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    assert not static_files_stale()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_gunicorn_is_configured_from_the_options():
    options = server_options(
        bind="127.0.0.1:9999", workers=3, threads=5, timeout=45, max_requests=0
    )
    server = WerkstattServer(options)
    assert server.cfg.bind == ["127.0.0.1:9999"]
    assert (server.cfg.workers, server.cfg.threads, server.cfg.timeout) == (3, 5, 45)
    assert server.cfg.worker_class_str == "gthread"
    assert server.cfg.accesslog == "-"
    assert server.cfg.max_requests == 0
    from werkstatt.wsgi import application

    assert server.load() is application


def test_one_thread_uses_the_sync_worker_and_workers_default_to_at_most_4():
    options = server_options(bind="127.0.0.1:1", workers=1, threads=1, timeout=30, max_requests=0)
    assert WerkstattServer(options).cfg.worker_class_str == "sync"
    assert 1 <= default_workers() <= 4


@pytest.mark.django_db(transaction=True)
def test_serve_answers_http_and_stops_on_sigterm(shared_db):
    """`werkstatt migrate && werkstatt serve` without collectstatic: serve collects the static
    files itself (production settings: the manifest storage), so pages render."""
    port = free_port()
    env = {**shared_db, "DJANGO_SETTINGS_MODULE": "werkstatt.settings"}
    env.pop("WERKSTATT_DEBUG", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "werkstatt.cli",
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "2",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        page = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
                    page = (response.status, response.read().decode())
                break
            except OSError:
                time.sleep(0.2)
        assert page is not None, process.stderr.read() if process.poll() is not None else ""
        assert page[0] == 200
        assert 'lang="de"' in page[1]
        # The page links the collected, hashed names, and the server serves them.
        stylesheet = re.search(r'href="(/static/werkstatt/css/werkstatt\.[0-9a-f]+\.css)"', page[1])
        assert stylesheet, page[1][:2000]
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}{stylesheet.group(1)}", timeout=10
        ) as response:
            assert response.status == 200
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    assert f"Werkstatt on http://127.0.0.1:{port}" in stdout
    assert "Static files collected in" in stdout
    assert "Static files are not collected" not in stderr
    assert '"GET / HTTP/1.1" 200' in stdout  # the access log goes to stdout


@pytest.mark.django_db(transaction=True)
def test_each_worker_builds_its_directory_copy_before_taking_requests():
    from tests.factories import OrganisationFactory
    from werkstatt.network.services import search
    from werkstatt.web.management.commands.serve import warm_worker

    made = OrganisationFactory()
    search._directory = None
    assert (
        server_options(bind="127.0.0.1:0", workers=1, threads=1, timeout=5, max_requests=0)[
            "post_worker_init"
        ]
        is warm_worker
    )
    warm_worker(None)
    copy = search._directory
    assert copy is not None and made.pk in set(copy.pks.tolist())
    assert copy.generation == search.generation()


def test_a_worker_starts_when_the_warm_up_fails(caplog):
    # No database access here (pytest-django refuses it), as when the database is not ready.
    from werkstatt.network.services import search
    from werkstatt.web.management.commands.serve import warm_worker

    search._directory = None
    warm_worker(None)  # logs, does not raise
    assert "Warming up the directory search failed" in caplog.text
    assert search._directory is None
