import pytest
from django.urls import reverse

from tests.factories import JobFactory, UserFactory
from werkstatt.jobs.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def creator():
    return UserFactory()


@pytest.fixture
def job(creator):
    return JobFactory(
        created_by=creator,
        title="Import Mitgliederliste",
        status=Job.Status.RUNNING,
        progress_done=30,
        progress_total=120,
        message="Zeile 30 von 120",
    )


@pytest.mark.parametrize("view", ["jobs:detail", "jobs:status"])
@pytest.mark.parametrize(
    "who, expected",
    [("creator", 200), ("other", 404), ("anonymous", 404), ("staff", 200), ("superuser", 200)],
)
def test_only_the_creator_and_staff_see_a_job(client, job, creator, view, who, expected):
    users = {
        "creator": creator,
        "other": UserFactory(),
        "anonymous": None,
        "staff": UserFactory(is_staff=True),
        "superuser": UserFactory(is_staff=True, is_superuser=True),
    }
    if users[who] is not None:
        client.force_login(users[who])
    response = client.get(reverse(view, args=[job.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert "Import Mitgliederliste" in response.content.decode() or view == "jobs:status"


def test_a_missing_job_is_404(client, creator):
    client.force_login(creator)
    assert client.get(reverse("jobs:detail", args=[999999])).status_code == 404


def test_the_page_of_a_running_job_polls_its_status(client, job, creator):
    client.force_login(creator)
    response = client.get(reverse("jobs:detail", args=[job.pk]))
    html = response.content.decode()
    status_url = reverse("jobs:status", args=[job.pk])
    assert f'hx-get="{status_url}?shown=running"' in html
    assert 'hx-trigger="every 1s"' in html
    assert '<progress id="job-progress' in html and 'value="25"' in html
    assert "25 %" in html
    assert 'role="status"' in html and 'aria-live="polite"' in html
    assert "Zeile 30 von 120" in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_partial_stops_polling_when_the_job_is_finished(client, job, creator):
    client.force_login(creator)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.SUCCEEDED, progress_done=120, result_url="/ergebnis/42/"
    )
    response = client.get(reverse("jobs:status", args=[job.pk]) + "?shown=running")
    html = response.content.decode()
    assert "hx-trigger" not in html
    assert "hx-get" not in html
    assert 'value="100"' in html
    assert 'href="/ergebnis/42/"' in html
    # The status changed since the page last showed it: the live region hears about it.
    assert 'id="job-announcer" hx-swap-oob="innerHTML"' in html
    assert "<html" not in html  # a fragment, not a page


def test_the_partial_announces_nothing_while_the_status_stays(client, job, creator):
    client.force_login(creator)
    html = client.get(reverse("jobs:status", args=[job.pk]) + "?shown=running").content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert "job-announcer" not in html


def test_a_failed_job_shows_its_message_and_no_result_link(client, job, creator):
    client.force_login(creator)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.FAILED, error="Die Datei ist leer.", result_url="/ergebnis/42/"
    )
    html = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Die Datei ist leer." in html
    assert "alert--error" in html
    assert 'href="/ergebnis/42/"' not in html
    assert "hx-trigger" not in html


def test_a_queued_job_without_a_total_shows_no_progress_bar(client, creator):
    job = JobFactory(created_by=creator)
    client.force_login(creator)
    html = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "<progress" not in html
    assert 'hx-trigger="every 1s"' in html


def test_the_list_shows_only_my_jobs_and_needs_a_login(client, creator):
    mine = JobFactory(created_by=creator, title="Meiner")
    JobFactory(title="Fremder")
    assert client.get(reverse("jobs:list")).status_code == 302
    client.force_login(creator)
    html = client.get(reverse("jobs:list")).content.decode()
    assert "Meiner" in html and "Fremder" not in html
    assert reverse("jobs:detail", args=[mine.pk]) in html


def test_the_list_is_paginated(client, creator):
    JobFactory.create_batch(30, created_by=creator)
    client.force_login(creator)
    first = client.get(reverse("jobs:list"))
    assert len(first.context["jobs"]) == 25
    second = client.get(reverse("jobs:list") + "?page=2")
    assert len(second.context["jobs"]) == 5


def test_the_list_needs_the_same_queries_for_1_and_3_jobs(client, creator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(creator)
    counts = []
    for batch in (1, 2):  # 1 job, then 3
        JobFactory.create_batch(batch, created_by=creator)
        client.get(reverse("jobs:list"))  # warm up: session, site, content types
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("jobs:list"))
        assert response.status_code == 200
        counts.append(len(queries))
    assert len(response.context["jobs"]) == 3
    assert counts[0] == counts[1]
    assert counts[1] <= 6


def test_the_generic_failure_is_stored_as_its_msgid_and_shown_in_the_readers_language(client):
    from django.utils import translation
    from django.utils.translation import gettext

    from werkstatt.jobs.registry import job_handler, unregister
    from werkstatt.jobs.services import GENERIC_ERROR, enqueue

    @job_handler("tests.crash_for_readers")
    def crash(ctx, payload):
        raise RuntimeError("internal detail")

    starter = UserFactory(language="de")
    try:
        job = enqueue("tests.crash_for_readers", {}, user=starter)
    finally:
        unregister("tests.crash_for_readers")
    assert job.status == Job.Status.FAILED
    # Stored language-neutral, so that each reader gets it in their own language.
    assert job.error == GENERIC_ERROR
    client.force_login(UserFactory(is_staff=True))
    with translation.override("de"):  # the request below leaves English active in this thread
        german_url = reverse("jobs:detail", args=[job.pk])
    english = client.get("/en" + german_url).content.decode()
    assert GENERIC_ERROR.split(";")[0] in english
    german = client.get(german_url, HTTP_ACCEPT_LANGUAGE="de")
    with translation.override("de"):
        assert gettext(GENERIC_ERROR).split(";")[0] in german.content.decode()


def test_a_delayed_job_shows_when_it_runs(client, creator):
    from datetime import timedelta

    from django.utils import timezone, translation

    job = JobFactory(created_by=creator, run_after=timezone.now() + timedelta(minutes=5))
    client.force_login(creator)

    def page(view, *args):
        with translation.override("en"):
            return client.get(reverse(view, args=args)).content.decode()

    html = page("jobs:detail", job.pk)
    assert "Runs after" in html
    assert "The job waits until" in html
    assert "waiting for a free worker" not in html
    assert "runs after" in page("jobs:list")
    # Once due, it waits for a worker like any other queued job.
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now() - timedelta(seconds=1))
    html = page("jobs:status", job.pk)
    assert "The job waits until" not in html
    assert "waiting for a free worker" in html
