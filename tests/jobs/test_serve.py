"""`werkstatt serve`: gunicorn with Werkstatt's WSGI application."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.jobs.conftest import ROOT
from werkstatt.web.management.commands.serve import (
    WerkstattServer,
    default_workers,
    server_options,
)


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
    port = free_port()
    env = {**shared_db, "DJANGO_SETTINGS_MODULE": "tests.jobs.serve_settings"}
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
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/static/werkstatt/css/werkstatt.css", timeout=10
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
    assert '"GET / HTTP/1.1" 200' in stdout  # the access log goes to stdout
