"""Processes for the worker tests, against the database in the environment.

python -m tests.jobs.worker_script enqueue COUNT LOGFILE [SLEEP]
python -m tests.jobs.worker_script worker READYFILE GOFILE [--once]
python -m tests.jobs.worker_script report
"""

from __future__ import annotations

import json
import os
import sys
import time


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "werkstatt.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from tests.jobs import handlers  # noqa: F401  (registers tests.record)
    from werkstatt.jobs.models import Job
    from werkstatt.jobs.services import enqueue

    action, args = argv[0], argv[1:]
    if action == "enqueue":
        count, log = int(args[0]), args[1]
        pause = float(args[2]) if len(args) > 2 else 0.0
        for number in range(count):
            enqueue("tests.record", {"log": log, "sleep": pause}, title=f"record {number}")
    elif action == "worker":
        ready, go = args[0], args[1]
        open(ready, "w").close()  # noqa: SIM115
        deadline = time.monotonic() + 60
        while not os.path.exists(go) and time.monotonic() < deadline:
            time.sleep(0.01)
        call_command("worker", once="--once" in args, sleep=0.1)
    elif action == "thread":
        from django.conf import settings

        settings.JOBS_MODE = "thread"
        job = enqueue("tests.record", {"log": args[0]}, title="in a thread")
        deadline = time.monotonic() + 60
        unfinished = Job.objects.filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING])
        while unfinished.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        job.refresh_from_db()
        print(json.dumps({"status": job.status, "locked_by": job.locked_by}))
    elif action == "report":
        jobs = Job.objects.order_by("pk").values("pk", "status", "attempts", "locked_by", "error")
        print(json.dumps(list(jobs)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
