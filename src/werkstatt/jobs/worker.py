"""The loop of a `werkstatt worker` process: claim a job, run it, repeat.

When nothing is due the worker polls again after `sleep` seconds; a delayed job (Job.run_after)
is therefore claimed at the first poll after its time, at most `sleep` seconds late.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.db import DatabaseError, close_old_connections, connection, connections

from .models import Job
from .services import claim, requeue_stale, run_job, worker_id

logger = logging.getLogger("werkstatt.jobs")

#: How often a worker looks for jobs whose worker died (seconds).
RECOVER_INTERVAL = 60.0


class Worker:
    """Claims and runs jobs until stopped; any number may run against one database."""

    def __init__(self, *, sleep: float = 1.0, say: Callable[[str], None] | None = None) -> None:
        self.id = worker_id()
        self.sleep = max(0.05, sleep)
        self.say = say or logger.info
        self._stop = threading.Event()

    def stop(self) -> None:
        """Finish the current job, then return from run()."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run(self, *, once: bool = False) -> int:
        """Run jobs; with once=True return when no job is due (delayed jobs whose time has not
        come stay queued). Returns how many ran."""
        processed = 0
        last_recovery = float("-inf")
        try:
            while not self._stop.is_set():
                self._tidy_connections(close_old_connections)
                try:
                    if time.monotonic() - last_recovery >= RECOVER_INTERVAL:
                        requeue_stale()
                        last_recovery = time.monotonic()
                    job = claim(self.id)
                except DatabaseError:
                    if once:
                        raise
                    # The database is away (restart, failover): wait and try again.
                    logger.exception("Worker %s cannot reach the database", self.id)
                    self._tidy_connections(connections.close_all)
                    self._stop.wait(max(self.sleep, 5.0))
                    continue
                if job is None:
                    if once:
                        break
                    self._stop.wait(self.sleep)
                    continue
                self.say(f"Running job {job.pk} ({job.kind}) {job.title}".rstrip())
                started = time.monotonic()
                job = run_job(job, worker=self.id, live=True)
                processed += 1
                outcome = "succeeded" if job.status == Job.Status.SUCCEEDED else "failed"
                line = f"Job {job.pk} {outcome} in {time.monotonic() - started:.1f} s"
                self.say(f"{line}: {job.error}" if job.error else line)
        finally:
            self._tidy_connections(connections.close_all)
        return processed

    @staticmethod
    def _tidy_connections(tidy: Callable[[], None]) -> None:
        # Drop broken or old connections between jobs, but never under a caller's transaction
        # (a test that runs the worker in its own transaction).
        if not connection.in_atomic_block:
            tidy()
