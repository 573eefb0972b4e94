"""`werkstatt worker`: run background jobs from the database queue.

Start as many as you like, on as many machines as share the database. SIGTERM or Ctrl-C lets
the current job finish, then the worker exits.
"""

from __future__ import annotations

import signal
from typing import Any

from django.core.management.base import BaseCommand

from werkstatt.jobs.registry import registered_kinds
from werkstatt.jobs.worker import Worker


class Command(BaseCommand):
    help = "Run background jobs from the database queue."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="Run the jobs that are due now, then exit (delayed jobs wait for their time).",
        )
        parser.add_argument(
            "--sleep",
            type=float,
            default=1.0,
            help="Seconds to wait before looking again when the queue is empty (default 1).",
        )

    def handle(self, *args: Any, once: bool = False, sleep: float = 1.0, **options: Any) -> None:
        def say(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        worker = Worker(sleep=sleep, say=say)

        def graceful(signum: int, frame: Any) -> None:
            if worker.stopping:  # a second signal: stop now; the job will be queued again
                raise KeyboardInterrupt
            say(f"Stopping after the current job ({signal.Signals(signum).name})")
            worker.stop()

        previous = {sig: signal.signal(sig, graceful) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            say(f"Worker {worker.id} ready; job kinds: {', '.join(registered_kinds())}")
            count = worker.run(once=once)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        say(f"Worker {worker.id} stopped after {count} job(s)")
