"""`werkstatt serve`: the production web server (gunicorn), static files by WhiteNoise.

    werkstatt serve                          # 127.0.0.1:8000, workers from the CPU count
    werkstatt serve --bind 0.0.0.0:8000 --workers 4 --threads 8

Put it behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto (see the README's
"Production" section). Static files are collected first when they are missing or older than
their sources (`werkstatt collectstatic` beforehand is still fine: then there is nothing to do).
Access log lines go to stdout, errors to stderr.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from gunicorn.app.base import BaseApplication

logger = logging.getLogger(__name__)


def default_workers() -> int:
    """2 × cores + 1 (gunicorn's advice), at most 4: the database, not the CPU, is the limit."""
    return min(2 * (os.cpu_count() or 1) + 1, 4)


def static_files_stale() -> bool:
    """Whether the collected static files lack a source file or are older than one.

    Only for the manifest storage (production): there a page whose static file is not in the
    manifest fails to render. Comparing modification times takes a fraction of a second; running
    collectstatic each time would take several (it compresses every file again).
    """
    if "Manifest" not in settings.STORAGES["staticfiles"]["BACKEND"]:
        return False
    manifest_file = Path(settings.STATIC_ROOT) / "staticfiles.json"
    try:
        collected_at = manifest_file.stat().st_mtime
        collected = json.loads(manifest_file.read_text(encoding="utf-8")).get("paths", {})
    except (OSError, ValueError):
        return True
    ignore = apps.get_app_config("staticfiles").ignore_patterns
    for finder in get_finders():
        for path, storage in finder.list(ignore):
            prefix = getattr(storage, "prefix", None)
            name = f"{prefix}/{path}" if prefix else path
            if name.replace(os.sep, "/") not in collected:
                return True
            if os.stat(storage.path(path)).st_mtime > collected_at:
                return True
    return False


def ensure_static_files() -> bool:
    """Collect the static files if they are missing or stale; True if it had to."""
    if not static_files_stale():
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    return True


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise CommandError(f"{name} must be a whole number, not {value!r}.") from exc


class WerkstattServer(BaseApplication):
    """gunicorn, configured from a dict instead of its command line, serving werkstatt.wsgi."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        assert self.cfg is not None
        for key, value in self.options.items():
            if value is not None:
                self.cfg.set(key, value)

    def load(self) -> Any:
        from werkstatt.wsgi import application

        return application


def warm_worker(worker: Any = None) -> None:
    """gunicorn's post_worker_init: build the worker's in-memory copy of the directory before it
    takes requests, so that the first visitors after a start do not wait for it (about a
    second at 50,000 organisations). A server whose database is not ready yet still starts."""
    try:
        from werkstatt.network.services.search import warm_up

        warm_up()
    except Exception:
        logger.exception("Warming up the directory search failed; it is built on first use")
    finally:
        connections.close_all()


def server_options(
    *, bind: str, workers: int, threads: int, timeout: int, max_requests: int
) -> dict[str, Any]:
    return {
        "bind": [bind],
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "timeout": timeout,
        "graceful_timeout": 30,
        "keepalive": 5,
        "max_requests": max_requests,
        "max_requests_jitter": max_requests // 10 if max_requests else 0,
        "accesslog": "-",
        "errorlog": "-",
        "proc_name": "werkstatt",
        # Trust X-Forwarded-* only from the proxy in front (default: this machine).
        "forwarded_allow_ips": os.environ.get("WERKSTATT_FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
        # gunicorn's control socket lives in $HOME and would clash between several servers.
        "control_socket_disable": True,
        "post_worker_init": warm_worker,
    }


class Command(BaseCommand):
    help = "Run Werkstatt's production web server (gunicorn; static files by WhiteNoise)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--bind",
            default=os.environ.get("WERKSTATT_BIND", "127.0.0.1:8000"),
            help="host:port or unix:/path to listen on (env WERKSTATT_BIND; 127.0.0.1:8000).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Worker processes (env WERKSTATT_WEB_WORKERS; 2 × cores + 1, at most 4).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=None,
            help="Threads per worker process (env WERKSTATT_WEB_THREADS; 4).",
        )
        parser.add_argument(
            "--timeout",
            type=int,
            default=None,
            help="Seconds before a silent worker is restarted (env WERKSTATT_WEB_TIMEOUT; 60).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workers = options["workers"] or env_int("WERKSTATT_WEB_WORKERS", default_workers())
        threads = options["threads"] or env_int("WERKSTATT_WEB_THREADS", 4)
        timeout = options["timeout"] or env_int("WERKSTATT_WEB_TIMEOUT", 60)
        # Recycling worker processes would kill jobs running in their threads (JOBS_MODE=thread).
        max_requests = env_int("WERKSTATT_WEB_MAX_REQUESTS", 0)
        if workers < 1 or threads < 1 or timeout < 1:
            raise CommandError("--workers, --threads and --timeout must be at least 1.")
        if ensure_static_files():
            self.stdout.write(f"Static files collected in {settings.STATIC_ROOT}.")
        self.stdout.write(
            f"Werkstatt on http://{options['bind']} with {workers} worker(s) × {threads} "
            f"thread(s); background jobs: {settings.JOBS_MODE}"
        )
        self.stdout.flush()
        # No database connection may cross the fork into the workers.
        connections.close_all()
        WerkstattServer(
            server_options(
                bind=options["bind"],
                workers=workers,
                threads=threads,
                timeout=timeout,
                max_requests=max_requests,
            )
        ).run()
