import logging
import threading
import time
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone, translation

from tests.factories import JobFactory, UserFactory
from tests.jobs import handlers  # noqa: F401  (registers the tests' handlers)
from werkstatt.accounts.models import Space
from werkstatt.jobs import services
from werkstatt.jobs.models import Job
from werkstatt.jobs.registry import get_handler, job_handler, registered_kinds, unregister
from werkstatt.jobs.services import claim, enqueue, requeue, requeue_stale, run_job

pytestmark = pytest.mark.django_db


def test_enqueue_in_sync_mode_runs_the_job_at_once():
    user = UserFactory()
    job = enqueue("jobs.check", {"steps": 3, "sleep": 0}, user=user, title="Check")
    assert job.status == Job.Status.SUCCEEDED
    assert job.result["steps"] == 3
    assert (job.progress_done, job.progress_total, job.percent) == (3, 3, 100)
    assert job.attempts == 1
    assert job.created_by == user
    assert job.title == "Check"
    assert job.started is not None and job.finished >= job.started
    assert job.error == ""


def test_anonymous_user_is_stored_as_nobody():
    from django.contrib.auth.models import AnonymousUser

    job = enqueue("jobs.check", {"steps": 0}, user=AnonymousUser())
    assert job.created_by is None


def test_enqueue_in_worker_mode_leaves_the_job_queued(settings):
    settings.JOBS_MODE = "worker"
    job = enqueue("jobs.check", {"steps": 1, "sleep": 0})
    assert job.status == Job.Status.QUEUED
    assert job.attempts == 0


def test_enqueue_refuses_unknown_kinds_and_payloads_that_are_not_json(settings):
    with pytest.raises(ValueError, match="No handler"):
        enqueue("no.such.kind", {})
    with pytest.raises(TypeError):
        enqueue("jobs.check", {"when": object()})
    assert not Job.objects.exists()


def test_bad_jobs_mode_is_a_configuration_error(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.JOBS_MODE = "celery"
    with pytest.raises(ImproperlyConfigured):
        enqueue("jobs.check", {})


def test_progress_and_result_url_are_recorded():
    job = enqueue("tests.progress", {"steps": 7, "result_url": "/netzwerk/"})
    assert job.status == Job.Status.SUCCEEDED
    assert (job.progress_done, job.progress_total) == (7, 7)
    assert job.message == "step 7"
    assert job.result_link == "/netzwerk/"


@pytest.mark.parametrize(
    "url, shown",
    [
        ("/netzwerk/", "/netzwerk/"),
        ("https://example.org/x", "https://example.org/x"),
        ("javascript:alert(1)", ""),
        ("//evil.example/", ""),
    ],
)
def test_only_safe_result_urls_become_links(url, shown):
    assert Job(result_url=url).result_link == shown


def test_progress_is_throttled_but_the_last_report_is_written(monkeypatch):
    writes = []
    original = services.JobContext._write

    def counting_write(self, manager):
        writes.append((self.done, self.total))
        original(self, manager)

    monkeypatch.setattr(services.JobContext, "_write", counting_write)
    job = enqueue("tests.progress", {"steps": 500})
    # 500 reports within far less than 0.5 s: the first is written, the rest wait for the end.
    assert len(writes) < 10
    assert (job.progress_done, job.progress_total) == (500, 500)


def test_progress_is_written_while_running_in_sync_mode():
    seen = []

    @job_handler("tests.observe")
    def observe(ctx, payload):
        ctx.progress(3, 10, "three")
        seen.append(Job.objects.values_list("progress_done", "progress_total", "message").get())
        return {}

    try:
        enqueue("tests.observe", {})
    finally:
        unregister("tests.observe")
    assert seen == [(3, 10, "three")]


def test_job_error_fails_the_job_with_its_message_in_the_users_language():
    user = UserFactory(language="en")
    job = enqueue("tests.refuse", {}, user=user)
    assert job.status == Job.Status.FAILED
    assert job.error == "The file is empty."
    assert job.result == {}
    assert job.finished is not None
    assert (job.progress_done, job.progress_total) == (1, 4)


def test_a_crash_fails_the_job_with_a_generic_message_logs_the_traceback_and_undoes_writes(
    caplog,
):
    with caplog.at_level(logging.ERROR, logger="werkstatt.jobs"):
        job = enqueue("tests.crash", {}, user=UserFactory(language="en"))
    assert job.status == Job.Status.FAILED
    assert "unexpected error" in job.error
    assert "secret internal detail" not in job.error
    assert "Traceback" not in job.error
    assert any(
        "secret internal detail" in (record.exc_text or "")
        or (record.exc_info and "secret internal detail" in str(record.exc_info[1]))
        for record in caplog.records
    )
    assert not Space.objects.filter(slug="written-by-crash").exists()


def test_a_result_that_is_not_json_fails_the_job():
    job = enqueue("tests.not_json", {})
    assert job.status == Job.Status.FAILED
    assert job.result == {}


def test_german_is_the_default_language_of_messages():
    with translation.override("en"):
        job = enqueue("tests.refuse", {})  # nobody started it: the site's language
    assert job.status == Job.Status.FAILED
    assert job.error  # translated or not, never empty


def test_a_job_whose_handler_is_gone_fails_clearly():
    job = JobFactory(kind="vanished.kind")
    claimed = claim("w1")
    with translation.override("en"):
        run_job(claimed, worker="w1", live=False)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "vanished.kind" in job.error


def test_claim_takes_the_oldest_job_exactly_once():
    first = JobFactory()
    second = JobFactory()
    a = claim("worker-a")
    b = claim("worker-b")
    assert (a.pk, b.pk) == (first.pk, second.pk)
    assert claim("worker-c") is None
    a.refresh_from_db()
    assert (a.status, a.locked_by, a.attempts) == (Job.Status.RUNNING, "worker-a", 1)
    assert a.heartbeat is not None


def test_claim_of_a_given_job_fails_when_someone_has_it():
    job = JobFactory()
    assert claim("worker-a", job_id=job.pk).pk == job.pk
    assert claim("worker-b", job_id=job.pk) is None


def test_a_worker_that_lost_its_job_does_not_overwrite_the_outcome():
    job = JobFactory(kind="tests.progress", payload={"steps": 1})
    claimed = claim("old-worker")
    # The job went stale and another worker took it over.
    Job.objects.filter(pk=job.pk).update(locked_by="new-worker")
    run_job(claimed, worker="old-worker", live=False)
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING
    assert job.locked_by == "new-worker"


def test_stale_running_jobs_are_queued_again_or_given_up(settings):
    settings.JOBS_STALE_MINUTES = 5
    settings.JOBS_MAX_ATTEMPTS = 3
    long_ago = timezone.now() - timedelta(minutes=6)
    recent = timezone.now() - timedelta(minutes=1)
    stale = JobFactory(status=Job.Status.RUNNING, heartbeat=long_ago, attempts=1, locked_by="x")
    exhausted = JobFactory(status=Job.Status.RUNNING, heartbeat=long_ago, attempts=3)
    alive = JobFactory(status=Job.Status.RUNNING, heartbeat=recent, attempts=1)
    no_beat = JobFactory(status=Job.Status.RUNNING, heartbeat=None, started=long_ago, attempts=1)
    done = JobFactory(status=Job.Status.SUCCEEDED, heartbeat=long_ago, attempts=1)

    assert requeue_stale() == (2, 1)

    for job in (stale, exhausted, alive, no_beat, done):
        job.refresh_from_db()
    assert (stale.status, stale.locked_by) == (Job.Status.QUEUED, "")
    assert no_beat.status == Job.Status.QUEUED
    assert exhausted.status == Job.Status.FAILED and exhausted.error
    assert alive.status == Job.Status.RUNNING
    assert done.status == Job.Status.SUCCEEDED
    # The queued-again job runs again and counts its attempts.
    assert claim("w").pk == stale.pk
    stale.refresh_from_db()
    assert stale.attempts == 2


def test_requeue_puts_failed_jobs_back_in_the_queue(settings):
    settings.JOBS_MODE = "worker"
    failed = JobFactory(status=Job.Status.FAILED, error="boom", attempts=3)
    succeeded = JobFactory(status=Job.Status.SUCCEEDED)
    assert requeue([failed.pk, succeeded.pk]) == 1
    failed.refresh_from_db()
    succeeded.refresh_from_db()
    assert (failed.status, failed.error, failed.attempts) == (Job.Status.QUEUED, "", 0)
    assert succeeded.status == Job.Status.SUCCEEDED


def test_handlers_are_discovered_in_installed_apps():
    assert "jobs.check" in registered_kinds()
    assert get_handler("jobs.check") is not None


def test_registering_a_different_handler_for_a_kind_is_refused():
    with pytest.raises(ValueError, match="already registered"):

        @job_handler("jobs.check")
        def other(ctx, payload):
            return {}


@pytest.mark.django_db(transaction=True)
def test_thread_mode_runs_the_job_after_commit_in_a_thread(settings, is_postgres):
    if not is_postgres:
        # The SQLite test database lives in memory; threads share it only with table locks.
        pytest.skip("needs a database that other connections can reach")
    settings.JOBS_MODE = "thread"
    started = []
    original = services.start_thread

    def spy(job_id):
        thread = original(job_id)
        started.append(thread)
        return thread

    services.start_thread = spy
    try:
        job = enqueue("tests.progress", {"steps": 3})
    finally:
        services.start_thread = original
    assert len(started) == 1
    started[0].join(timeout=20)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.locked_by.endswith(":thread")


@pytest.mark.django_db(transaction=True)
def test_thread_mode_waits_for_the_commit(settings, is_postgres):
    from django.db import transaction

    settings.JOBS_MODE = "thread"
    calls = []
    original = services.start_thread
    services.start_thread = calls.append
    try:
        with transaction.atomic():
            job = enqueue("jobs.check", {"steps": 0})
            assert calls == []
        assert calls == [job.pk]
        with transaction.atomic():
            enqueue("jobs.check", {"steps": 0})
            transaction.set_rollback(True)
        assert calls == [job.pk]
    finally:
        services.start_thread = original


@pytest.mark.django_db(transaction=True)
def test_live_progress_shows_while_the_handler_holds_a_transaction(is_postgres):
    """A worker reports progress from its own connection, so it shows mid-transaction."""
    if not is_postgres:
        pytest.skip("SQLite has one writer at a time: progress waits for the transaction")
    from django.db import transaction

    proceed = threading.Event()
    reported = threading.Event()

    @job_handler("tests.long_transaction")
    def long_transaction(ctx, payload):
        with transaction.atomic():
            Space.objects.create(kind="process", slug="in-transaction", name="x")
            ctx.progress(5, 10, "half way")
            reported.set()
            assert proceed.wait(20)
        return {}

    job = JobFactory(kind="tests.long_transaction", created_by=None)
    claimed = claim("w-live")

    def work():
        try:
            run_job(claimed, worker="w-live", live=True)
        finally:
            connections.close_all()

    thread = threading.Thread(target=work)
    thread.start()
    try:
        assert reported.wait(20)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.progress_done == 5:
                break
            time.sleep(0.1)
        assert (job.progress_done, job.progress_total, job.message) == (5, 10, "half way")
        assert not Space.objects.filter(slug="in-transaction").exists()
    finally:
        proceed.set()
        thread.join(timeout=20)
        unregister("tests.long_transaction")
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED


# --- delayed jobs (run_after) -----------------------------------------------------------------


def _move_clock(monkeypatch, to):
    """Let Django's clock (timezone.now) show `to`, as it will when that time has come."""
    monkeypatch.setattr(timezone, "now", lambda: to)


def test_a_delayed_job_is_not_claimed_before_its_time(settings, monkeypatch):
    settings.JOBS_MODE = "worker"
    now = timezone.now()
    delayed = enqueue("jobs.check", {"steps": 0}, run_after=now + timedelta(seconds=60))
    assert (delayed.status, delayed.run_after) == (Job.Status.QUEUED, now + timedelta(seconds=60))
    assert claim("w1") is None
    assert claim("w1", job_id=delayed.pk) is None
    # A job queued later but due at once is not held up by the delayed one.
    due = enqueue("jobs.check", {"steps": 0})
    assert claim("w1").pk == due.pk
    assert claim("w1") is None
    _move_clock(monkeypatch, now + timedelta(seconds=60))
    assert claim("w2").pk == delayed.pk
    delayed.refresh_from_db()
    assert (delayed.status, delayed.locked_by, delayed.attempts) == (Job.Status.RUNNING, "w2", 1)


def test_a_job_delayed_until_a_past_time_is_due_at_once(settings):
    settings.JOBS_MODE = "worker"
    job = enqueue("jobs.check", {}, run_after=timezone.now() - timedelta(seconds=1))
    assert claim("w").pk == job.pk


def test_sync_mode_runs_a_due_job_at_once_and_leaves_a_delayed_one_queued():
    later = enqueue("jobs.check", {"steps": 0}, run_after=timezone.now() + timedelta(minutes=5))
    assert (later.status, later.attempts, later.started) == (Job.Status.QUEUED, 0, None)
    past = enqueue("jobs.check", {"steps": 0}, run_after=timezone.now() - timedelta(seconds=1))
    assert past.status == Job.Status.SUCCEEDED


def test_run_now_makes_a_delayed_job_due_and_runs_it(settings):
    job = enqueue(
        "jobs.check", {"steps": 1, "sleep": 0}, run_after=timezone.now() + timedelta(days=1)
    )
    assert services.run_now(job) is job
    assert job.status == Job.Status.SUCCEEDED  # sync mode: run at once, as enqueue would
    assert job.run_after is None
    assert services.run_now(job) is None  # no longer queued
    settings.JOBS_MODE = "worker"
    queued = enqueue("jobs.check", {}, run_after=timezone.now() + timedelta(days=1))
    assert services.run_now(queued) is queued
    assert claim("w").pk == queued.pk


def test_the_thread_of_a_delayed_job_sleeps_until_it_is_due(settings, monkeypatch):
    settings.JOBS_MODE = "worker"  # queue only; the test calls the thread's wait itself
    start = timezone.now()
    job = enqueue("jobs.check", {}, run_after=start + timedelta(seconds=12))
    clock = [start]
    slept = []

    def sleep(seconds):  # the thread's time.sleep, on the fake clock
        slept.append(seconds)
        clock[0] += timedelta(seconds=seconds)

    monkeypatch.setattr(timezone, "now", lambda: clock[0])
    monkeypatch.setattr(services.time, "sleep", sleep)
    services._wait_until_due(job.pk)
    assert clock[0] >= job.run_after
    assert sum(slept) == pytest.approx(12)
    assert max(slept) <= services.THREAD_WAIT_STEP  # it looks at the job again meanwhile
    assert claim("thread").pk == job.pk

    # Made due at once (run_now) or taken by someone else while it waits: it stops waiting.
    clock[0] = start
    slept.clear()
    other = enqueue("jobs.check", {}, run_after=start + timedelta(minutes=10))

    def sleep_then_run_now(seconds):
        sleep(seconds)
        Job.objects.filter(pk=other.pk).update(run_after=None)

    monkeypatch.setattr(services.time, "sleep", sleep_then_run_now)
    services._wait_until_due(other.pk)
    assert slept == [services.THREAD_WAIT_STEP]


def test_nudge_restarts_a_due_job_whose_thread_is_gone(
    settings, django_capture_on_commit_callbacks
):
    settings.JOBS_MODE = "thread"
    with django_capture_on_commit_callbacks() as queued:
        job = enqueue("jobs.check", {})
    assert len(queued) == 1  # its thread, started on commit (not run here)
    with django_capture_on_commit_callbacks() as nudged:
        assert services.nudge(job) is False  # just queued: its own thread takes it
    Job.objects.filter(pk=job.pk).update(created=timezone.now() - timedelta(minutes=1))
    job.refresh_from_db()
    with django_capture_on_commit_callbacks() as nudged:
        assert services.nudge(job) is True
    assert len(nudged) == 1
    # A delayed job is overdue only once it was due; workers need no nudge.
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now() + timedelta(minutes=1))
    job.refresh_from_db()
    assert services.nudge(job) is False
    settings.JOBS_MODE = "worker"
    Job.objects.filter(pk=job.pk).update(run_after=None)
    job.refresh_from_db()
    assert services.nudge(job) is False


@pytest.mark.django_db(transaction=True)
def test_thread_mode_runs_a_delayed_job_when_it_is_due(settings, is_postgres, monkeypatch):
    if not is_postgres:
        pytest.skip("needs a database that other connections can reach")
    settings.JOBS_MODE = "thread"
    monkeypatch.setattr(services, "THREAD_WAIT_STEP", 0.2)
    started = []
    original = services.start_thread

    def spy(job_id):
        thread = original(job_id)
        started.append(thread)
        return thread

    monkeypatch.setattr(services, "start_thread", spy)
    run_after = timezone.now() + timedelta(seconds=1.5)
    job = enqueue("tests.progress", {"steps": 1}, run_after=run_after)
    assert len(started) == 1
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED  # the thread waits; enqueue returned at once
    started[0].join(timeout=20)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.started >= run_after
