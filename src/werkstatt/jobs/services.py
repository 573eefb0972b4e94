"""Queue, claim and run background jobs.

    job = enqueue("network.import", {"upload_id": 7}, user=request.user, title=_("Import …"))
    return redirect(job)          # the job page shows its progress

settings.JOBS_MODE decides who runs a queued job:
- "sync": the caller, at once (tests);
- "thread": a daemon thread of the same process, started when the transaction commits (a laptop
  without workers; the thread then also runs whatever else is queued);
- "worker": `werkstatt worker` processes, on any number of machines sharing the database.

A job can be delayed: enqueue(..., run_after=when) queues it now, but nobody claims it before
`when` (a trailing debounce: the job reads its data when it runs, so everything written until
then is in it). Workers pick it up at their next poll after that time; in thread mode the job's
thread sleeps until then (never the request that queued it); in sync mode a delayed job stays
queued. run_now() makes a delayed job due at once.

Claiming is safe with many workers: a job moves from queued to running only through a
conditional UPDATE (… WHERE id = %s AND status = 'queued'), which succeeds for exactly one of
them, on SQLite and PostgreSQL alike; on PostgreSQL the candidate is first picked with
SELECT … FOR UPDATE SKIP LOCKED so that workers don't queue up behind each other's row locks.
A running job shows a heartbeat; jobs whose heartbeat stopped (their worker died) are queued
again by requeue_stale(), or failed after JOBS_MAX_ATTEMPTS attempts.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, connections, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from .models import Job
from .registry import JobError, get_handler

logger = logging.getLogger("werkstatt.jobs")

#: Progress is written at most this often (seconds); the last report is always written.
PROGRESS_INTERVAL = 0.5
#: A running job's heartbeat is refreshed this often (seconds) even without progress.
HEARTBEAT_INTERVAL = 10.0

MODES = ("sync", "thread", "worker")


def jobs_mode() -> str:
    mode = getattr(settings, "JOBS_MODE", "thread")
    if mode not in MODES:
        raise ImproperlyConfigured(
            f"WERKSTATT_JOBS_MODE must be one of {', '.join(MODES)}, not {mode!r}."
        )
    return mode


def stale_after() -> timedelta:
    return timedelta(minutes=float(getattr(settings, "JOBS_STALE_MINUTES", 10)))


def max_attempts() -> int:
    return int(getattr(settings, "JOBS_MAX_ATTEMPTS", 3))


def worker_id(suffix: str = "") -> str:
    """A name for this process (and thread) that is unique across machines."""
    base = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    return f"{base}:{suffix}" if suffix else base


# --- Queueing ----------------------------------------------------------------------------------


def enqueue(
    kind: str,
    payload: dict[str, Any] | None,
    *,
    user: Any = None,
    title: Any = "",
    run_after: datetime | None = None,
) -> Job:
    """Queue a job of this kind and return it; see the module docstring for who runs it.

    The payload must be JSON (dates and decimals are encoded by DjangoJSONEncoder); pass ids,
    not objects. `title` is shown on the job page and in the list of the user's jobs.
    `run_after` delays the job: it is not started before that time (None: at once).
    """
    if get_handler(kind) is None:
        raise ValueError(f"No handler is registered for job kind {kind!r}.")
    jobs_mode()  # a bad setting fails here, before anything is queued
    payload = dict(payload or {})
    json.dumps(payload, cls=DjangoJSONEncoder)  # fail here, in the caller, not in a worker
    creator = user if user is not None and getattr(user, "is_authenticated", False) else None
    job = Job.objects.create(
        kind=kind,
        payload=payload,
        created_by=creator,
        title=str(title)[:200],
        run_after=run_after,
    )
    _dispatch(job)
    return job


def run_now(job: Job) -> Job | None:
    """Make a queued (e.g. delayed) job due at once and have it run as enqueue() would.

    Returns the job, or None when it is no longer queued (someone runs or ran it already).
    """
    if not Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(run_after=None):
        return None
    job.run_after = None
    _dispatch(job)
    return job


def _dispatch(job: Job) -> None:
    """Have a just queued job run according to the jobs mode (see the module docstring)."""
    mode = jobs_mode()
    if mode == "sync":
        # A delayed job stays queued: the caller (a test) sees it, and runs it when it likes.
        if job.run_after is None or job.run_after <= timezone.now():
            worker = worker_id("sync")
            claimed = claim(worker, job_id=job.pk)
            if claimed is not None:
                run_job(claimed, worker=worker, live=False)
        job.refresh_from_db()
    elif mode == "thread":
        job_id = job.pk
        transaction.on_commit(lambda: start_thread(job_id))


#: In thread mode, a job still queued this long after it was due has lost its thread.
THREAD_GRACE = timedelta(seconds=10)


def nudge(job: Job) -> bool:
    """In thread mode, start a thread for a queued job that should have started by now.

    A job's thread lives in the process that queued it; if that process stopped (a restart, a
    recycled web worker) while the job waited, the job waits for the next job's thread. Code
    that finds such a job (e.g. because it would otherwise queue another) nudges it. A thread
    too many does no harm: claiming is exclusive, and a thread that finds nothing ends. Returns
    whether a thread will be started; workers (worker mode) need no nudge.
    """
    if jobs_mode() != "thread" or job.status != Job.Status.QUEUED:
        return False
    due = job.run_after or job.created
    if due is None or timezone.now() - due < THREAD_GRACE:
        return False
    job_id = job.pk
    transaction.on_commit(lambda: start_thread(job_id))
    return True


# --- Claiming ----------------------------------------------------------------------------------


def _due(now: datetime) -> Q:
    """Queued jobs that may start now: not delayed, or delayed until no later than `now`."""
    return Q(status=Job.Status.QUEUED) & (Q(run_after__isnull=True) | Q(run_after__lte=now))


def claim(worker: str, *, job_id: int | None = None) -> Job | None:
    """Move the oldest due job (or the given one) to running for this worker; None if none.

    A delayed job is not due before its run_after time. Exactly one of several concurrent
    callers gets a given job (see the module docstring).
    """
    now = timezone.now()
    skip_locked = connection.features.has_select_for_update_skip_locked
    with transaction.atomic():
        candidates = Job.objects.filter(_due(now))
        if job_id is not None:
            candidates = candidates.filter(pk=job_id)
        candidates = candidates.order_by("created", "pk")
        if skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        for pk in list(candidates.values_list("pk", flat=True)[: 1 if skip_locked else 5]):
            won = Job.objects.filter(_due(now), pk=pk).update(
                status=Job.Status.RUNNING,
                locked_by=worker[:200],
                started=now,
                heartbeat=now,
                finished=None,
                error="",
                attempts=F("attempts") + 1,
            )
            if won:
                return Job.objects.select_related("created_by").get(pk=pk)
    return None


def requeue_stale(*, now: datetime | None = None) -> tuple[int, int]:
    """Queue again the running jobs whose worker stopped beating; fail those out of attempts.

    Returns (requeued, failed). Safe to call from every worker at once: each row changes in one
    conditional UPDATE.
    """
    now = now or timezone.now()
    cutoff = now - stale_after()
    stale = Q(status=Job.Status.RUNNING) & (
        Q(heartbeat__lt=cutoff) | Q(heartbeat__isnull=True, started__lt=cutoff)
    )
    with translation.override(settings.LANGUAGE_CODE):
        error = gettext(
            "The job was interrupted several times (its worker stopped) and has been given up. "
            "Please start it again; if this keeps happening, tell the administrators."
        )
    failed = Job.objects.filter(stale, attempts__gte=max_attempts()).update(
        status=Job.Status.FAILED, finished=now, locked_by="", error=error
    )
    requeued = Job.objects.filter(stale, attempts__lt=max_attempts()).update(
        status=Job.Status.QUEUED, locked_by="", started=None, heartbeat=None
    )
    if requeued or failed:
        logger.warning("Stale jobs: %d queued again, %d given up", requeued, failed)
    return requeued, failed


def requeue(job_ids: Iterable[int]) -> int:
    """Queue failed jobs again (e.g. after fixing what made them fail); returns how many.

    In thread mode a new thread picks them up; in sync mode they stay queued.
    """
    ids = list(job_ids)
    count = Job.objects.filter(pk__in=ids, status=Job.Status.FAILED).update(
        status=Job.Status.QUEUED,
        locked_by="",
        started=None,
        finished=None,
        heartbeat=None,
        error="",
        attempts=0,
    )
    if count and jobs_mode() == "thread":
        first = min(ids)
        transaction.on_commit(lambda: start_thread(first))
    return count


# --- Running -----------------------------------------------------------------------------------


class JobContext:
    """What a handler gets besides its payload: progress reporting and the result address.

    In a worker (live=True) a reporter thread with a database connection of its own writes the
    progress and the heartbeat, so that progress shows even while the handler holds a
    transaction open. When the caller runs the job itself (sync mode) progress is written
    directly.
    """

    def __init__(self, job: Job, *, worker: str, live: bool) -> None:
        self.job = job
        self.worker = worker
        self.done = job.progress_done
        self.total = job.progress_total
        self.message = ""
        self.result_url = ""
        self._live = live
        self._lock = threading.Lock()
        self._dirty = False
        self._last_write = 0.0
        self._stopping = threading.Event()
        self._reporter: threading.Thread | None = None

    @property
    def user(self) -> Any:
        return self.job.created_by

    def progress(self, done: int, total: int | None = None, message: Any = "") -> None:
        """Report that `done` of `total` steps are done. Cheap: call it as often as you like."""
        with self._lock:
            self.done = max(0, int(done))
            if total is not None:
                self.total = max(0, int(total))
            self.message = str(message)[:500]
            self._dirty = True
        if not self._live and time.monotonic() - self._last_write >= PROGRESS_INTERVAL:
            self._write(Job.objects)

    def set_result_url(self, url: str) -> None:
        """Where the user finds the result (shown on the job page as a link)."""
        with self._lock:
            self.result_url = str(url)[:500]
            self._dirty = True

    # The reporter thread (live mode).

    def start(self) -> None:
        if self._live and self._reporter is None:
            self._reporter = threading.Thread(
                target=self._report, name=f"werkstatt-job-{self.job.pk}-reporter", daemon=True
            )
            self._reporter.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._reporter is not None:
            self._reporter.join(timeout=30)
            self._reporter = None

    def _report(self) -> None:
        try:
            last_beat = time.monotonic()
            while not self._stopping.wait(PROGRESS_INTERVAL):
                if self._dirty or time.monotonic() - last_beat >= HEARTBEAT_INTERVAL:
                    try:
                        self._write(Job.objects)
                        last_beat = time.monotonic()
                    except Exception:  # a busy database must not kill the job
                        logger.warning("Could not write progress of job %s", self.job.pk)
        finally:
            connections.close_all()

    def _write(self, manager: Any) -> None:
        with self._lock:
            fields = {
                "progress_done": self.done,
                "progress_total": self.total,
                "message": self.message,
                "heartbeat": timezone.now(),
            }
            if self.result_url:
                fields["result_url"] = self.result_url
            self._dirty = False
        self._last_write = time.monotonic()
        manager.filter(pk=self.job.pk, status=Job.Status.RUNNING, locked_by=self.worker).update(
            **fields
        )


#: Stored as this msgid (English) and shown in the reader's language (Job.error_text).
GENERIC_ERROR = gettext_noop(
    "The job failed because of an unexpected error. It has been logged for the administrators; "
    "please try again later."
)


def run_job(job: Job, *, worker: str, live: bool = True) -> Job:
    """Run a job claimed by `worker` and record how it ended. Never raises for handler errors."""
    ctx = JobContext(job, worker=worker, live=live)
    language = getattr(job.created_by, "language", "") or settings.LANGUAGE_CODE
    result: dict[str, Any] = {}
    error = ""
    with translation.override(language):
        try:
            handler = get_handler(job.kind)
            if handler is None:
                raise JobError(
                    gettext("This server does not know jobs of the kind “%(kind)s”.")
                    % {"kind": job.kind}
                )
            ctx.start()
            try:
                if connection.in_atomic_block:
                    # Called inside the caller's transaction (sync mode): a savepoint keeps the
                    # caller's transaction usable if the handler fails, and undoes its writes.
                    with transaction.atomic():
                        result = handler(ctx, dict(job.payload)) or {}
                else:
                    result = handler(ctx, dict(job.payload)) or {}
            finally:
                ctx.stop()
            json.dumps(result, cls=DjangoJSONEncoder)
        except JobError as exc:
            error = str(exc.message) or GENERIC_ERROR
            logger.info("Job %s (%s) failed: %s", job.pk, job.kind, error)
        except Exception:
            logger.exception("Job %s (%s) failed", job.pk, job.kind)
            error = GENERIC_ERROR
    now = timezone.now()
    fields: dict[str, Any] = {
        "status": Job.Status.FAILED if error else Job.Status.SUCCEEDED,
        "finished": now,
        "heartbeat": now,
        "progress_done": ctx.done,
        "progress_total": ctx.total,
        "message": ctx.message,
        "result": {} if error else result,
        "result_url": ctx.result_url,
        "error": error,
    }
    written = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, locked_by=worker).update(
        **fields
    )
    if not written:
        logger.warning("Job %s was taken over by another worker; its outcome is dropped", job.pk)
    job.refresh_from_db()
    return job


# --- Thread mode -------------------------------------------------------------------------------


def start_thread(job_id: int) -> threading.Thread:
    thread = threading.Thread(
        target=_run_in_thread, args=(job_id,), name=f"werkstatt-job-{job_id}", daemon=True
    )
    thread.start()
    return thread


#: A thread waiting for a delayed job looks at it again at least this often (seconds), so that
#: it notices when the job was taken or made due at once.
THREAD_WAIT_STEP = 5.0


def _wait_until_due(job_id: int) -> None:
    """Sleep (in the job's thread) until the job is due; return early once it is not queued."""
    while True:
        row = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).values("run_after").first()
        if row is None or row["run_after"] is None:
            return
        remaining = (row["run_after"] - timezone.now()).total_seconds()
        if remaining <= 0:
            return
        if not connection.in_atomic_block:
            connection.close()  # hold no database connection while sleeping
        time.sleep(min(remaining, THREAD_WAIT_STEP))


def _run_in_thread(job_id: int) -> None:
    """Run this job once it is due, then whatever else is due (e.g. jobs a restart interrupted)."""
    worker = worker_id("thread")
    try:
        _wait_until_due(job_id)
        requeue_stale()
        job = claim(worker, job_id=job_id) or claim(worker)
        while job is not None:
            run_job(job, worker=worker, live=True)
            job = claim(worker)
    except Exception:
        logger.exception("The job thread for job %s stopped", job_id)
    finally:
        connections.close_all()
