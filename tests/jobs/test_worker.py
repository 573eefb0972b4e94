"""Workers in processes of their own against one database, as on several machines."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections

from tests.factories import JobFactory
from tests.jobs import handlers  # noqa: F401
from tests.jobs.conftest import ROOT
from werkstatt.jobs import services
from werkstatt.jobs.models import Job
from werkstatt.jobs.services import claim


def script(env, *args, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "tests.jobs.worker_script", *args],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=timeout,
        capture_output=True,
        text=True,
    )


def report(env):
    return json.loads(script(env, "report").stdout)


@pytest.mark.django_db(transaction=True)
def test_workers_in_several_processes_run_each_job_exactly_once(shared_db, tmp_path):
    log = tmp_path / "runs.log"
    script(shared_db, "enqueue", "50", str(log), "0.02")
    go = tmp_path / "go"
    workers = []
    for number in range(4):
        ready = tmp_path / f"ready-{number}"
        workers.append(
            (
                ready,
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "tests.jobs.worker_script",
                        "worker",
                        str(ready),
                        str(go),
                        "--once",
                    ],
                    env=shared_db,
                    cwd=ROOT,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                ),
            )
        )
    deadline = time.monotonic() + 60
    while not all(ready.exists() for ready, _ in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    go.touch()  # all start claiming at the same moment
    outputs = [process.communicate(timeout=120)[0] for _, process in workers]
    assert all(process.returncode == 0 for _, process in workers), outputs

    runs = Counter(line.split()[0] for line in log.read_text().splitlines())
    jobs = report(shared_db)
    assert len(jobs) == 50
    assert set(runs) == {str(job["pk"]) for job in jobs}
    assert set(runs.values()) == {1}, "a job ran more than once"
    assert {job["status"] for job in jobs} == {"succeeded"}
    assert {job["attempts"] for job in jobs} == {1}
    assert len({job["locked_by"] for job in jobs}) >= 2, "the workers did not share the queue"
    assert all("Running job" in output for output in outputs)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("skip_locked", [True, False], ids=["skip-locked", "update-only"])
def test_threads_claiming_from_one_queue_never_share_a_job(is_postgres, monkeypatch, skip_locked):
    if not is_postgres:
        pytest.skip("SQLite's in-memory test database is not shared between connections")
    monkeypatch.setattr(type(connection.features), "has_select_for_update_skip_locked", skip_locked)
    JobFactory.create_batch(50, created_by=None)
    claimed: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def claimer(number):
        try:
            start.wait()
            while (job := claim(f"thread-{number}")) is not None:
                with lock:
                    claimed.append(job.pk)
                # A real handler takes time; without it one thread can drain the queue before
                # the others are scheduled, and the test would not show them sharing it.
                time.sleep(0.01)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claimer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(claimed) == sorted(Job.objects.values_list("pk", flat=True))
    assert len(set(claimed)) == 50
    assert set(Job.objects.values_list("attempts", flat=True)) == {1}
    assert len(set(Job.objects.values_list("locked_by", flat=True))) >= 2


@pytest.mark.django_db
def test_worker_once_runs_the_queue_and_exits(settings, tmp_path, capsys):
    settings.JOBS_MODE = "worker"
    log = tmp_path / "runs.log"
    first = services.enqueue("tests.record", {"log": str(log)}, title="Erster")
    second = services.enqueue("tests.refuse", {})
    call_command("worker", once=True, sleep=0.1)
    out = capsys.readouterr().out
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Job.Status.SUCCEEDED
    assert second.status == Job.Status.FAILED
    assert log.read_text().split()[0] == str(first.pk)
    assert f"Running job {first.pk} (tests.record) Erster" in out
    assert f"Job {second.pk} failed" in out
    assert "stopped after 2 job(s)" in out


@pytest.mark.django_db
def test_worker_requeues_stale_jobs_before_it_starts(settings, tmp_path):
    from datetime import timedelta

    from django.utils import timezone

    settings.JOBS_MODE = "worker"
    log = tmp_path / "runs.log"
    job = JobFactory(
        kind="tests.record",
        payload={"log": str(log)},
        status=Job.Status.RUNNING,
        locked_by="dead-machine:1:abc",
        heartbeat=timezone.now() - timedelta(hours=1),
        attempts=1,
    )
    call_command("worker", once=True, sleep=0.1)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.attempts == 2
    assert log.read_text().count("\n") == 1


@pytest.mark.django_db(transaction=True)
def test_sigterm_lets_the_current_job_finish(shared_db, tmp_path):
    log = tmp_path / "runs.log"
    script(shared_db, "enqueue", "2", str(log), "3")
    ready, go = tmp_path / "ready", tmp_path / "go"
    go.touch()
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.jobs.worker_script", "worker", str(ready), str(go)],
        env=shared_db,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    started = Path(f"{log}.started")
    try:
        deadline = time.monotonic() + 60
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert started.exists(), "the worker did not start the first job"
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=30)[0]
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, output
    assert "Stopping after the current job (SIGTERM)" in output
    statuses = [job["status"] for job in report(shared_db)]
    assert statuses == ["succeeded", "queued"]  # the first finished, the second waits
    assert log.read_text().count("\n") == 1


@pytest.mark.django_db(transaction=True)
def test_thread_mode_runs_the_job_in_the_process_that_queued_it(shared_db, tmp_path):
    log = tmp_path / "runs.log"
    # A job a dead worker left behind: the thread runs it too, after its own.
    script(shared_db, "enqueue", "1", str(log))
    outcome = json.loads(script(shared_db, "thread", str(log)).stdout)
    assert outcome["status"] == "succeeded"
    assert outcome["locked_by"].endswith(":thread")
    jobs = report(shared_db)
    assert [job["status"] for job in jobs] == ["succeeded", "succeeded"]
    assert log.read_text().count("\n") == 2


@pytest.mark.django_db
def test_the_worker_runs_a_delayed_job_once_it_is_due(settings, tmp_path, capsys, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    settings.JOBS_MODE = "worker"
    log = tmp_path / "runs.log"
    now = timezone.now()
    job = services.enqueue("tests.record", {"log": str(log)}, run_after=now + timedelta(minutes=1))
    call_command("worker", once=True, sleep=0.1)
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED
    assert "stopped after 0 job(s)" in capsys.readouterr().out
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(minutes=1, seconds=1))
    call_command("worker", once=True, sleep=0.1)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert "stopped after 1 job(s)" in capsys.readouterr().out
    assert log.read_text().split()[0] == str(job.pk)
