import pytest
from django.urls import reverse

from tests.factories import JobFactory, SuperuserFactory
from werkstatt.jobs.models import Job

pytestmark = pytest.mark.django_db


def test_admin_lists_jobs_and_queues_failed_ones_again(client, settings):
    settings.JOBS_MODE = "worker"
    client.force_login(SuperuserFactory())
    failed = JobFactory(status=Job.Status.FAILED, error="kaputt", attempts=3)
    done = JobFactory(status=Job.Status.SUCCEEDED)
    changelist = reverse("admin:jobs_job_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(reverse("admin:jobs_job_change", args=[failed.pk])).status_code == 200
    assert client.get(reverse("admin:jobs_job_add")).status_code == 403
    response = client.post(
        changelist,
        {"action": "queue_again", "_selected_action": [failed.pk, done.pk]},
        follow=True,
    )
    assert response.status_code == 200
    failed.refresh_from_db()
    done.refresh_from_db()
    assert (failed.status, failed.attempts, failed.error) == (Job.Status.QUEUED, 0, "")
    assert done.status == Job.Status.SUCCEEDED
