import pytest

from werkstatt.jobs.models import Job
from werkstatt.jobs.services import enqueue

pytestmark = pytest.mark.django_db


def test_enqueue_in_sync_mode_runs_the_job_at_once():
    job = enqueue("jobs.check", {"steps": 3, "sleep": 0}, title="Check")
    assert job.status == Job.Status.SUCCEEDED
    assert job.result["steps"] == 3
    assert (job.progress_done, job.progress_total) == (3, 3)
    assert job.attempts == 1
    assert job.finished is not None
