"""The job page (with a partial that htmx polls) and the list of one's own jobs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from .models import Job

JOBS_PER_PAGE = 25


def _visible_job(request: HttpRequest, pk: int) -> Job:
    job = get_object_or_404(Job, pk=pk)
    # Someone else's job is not there for you (404, not 403: ids must not reveal anything).
    if not request.user.has_perm("jobs.view_job", job):
        raise Http404
    return job


@never_cache
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "jobs/detail.html", {"job": _visible_job(request, pk)})


@never_cache
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The status box alone, polled by the job page while the job is queued or running."""
    job = _visible_job(request, pk)
    # Tell screen readers about a change of status only, not on every poll.
    announce = request.GET.get("shown") != job.status
    return render(request, "jobs/includes/status.html", {"job": job, "announce": announce})


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = Job.objects.filter(created_by=request.user).order_by("-created", "-pk")
    page_obj = Paginator(jobs, JOBS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "jobs/list.html", {"page_obj": page_obj, "jobs": page_obj.object_list})
