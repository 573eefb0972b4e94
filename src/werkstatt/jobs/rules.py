"""Who may see a background job: the person who started it, staff and superusers."""

from __future__ import annotations

import rules

from .models import Job


@rules.predicate
def is_job_creator(user, job: Job | None) -> bool:
    return (
        job is not None
        and user.is_authenticated
        and job.created_by_id is not None
        and job.created_by_id == user.pk
    )


rules.add_perm("jobs.view_job", is_job_creator | rules.is_staff | rules.is_superuser)
