"""Background jobs of the opinion maps: recomputing a conversation's opinion groups."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext

from werkstatt.jobs.registry import JobError, job_handler

from .models import Conversation
from .services import analysis


@job_handler(analysis.JOB_KIND)
def analyse(ctx: Any, payload: dict[str, Any]) -> dict[str, Any]:
    """Analyse a conversation's current votes with the opinion engine and store the result."""
    conversation = Conversation.objects.filter(pk=payload.get("conversation")).first()
    if conversation is None:
        raise JobError(gettext("The conversation no longer exists."))
    ctx.progress(0, 1, gettext("Finding the opinion groups …"))
    result = analysis.run_analysis(conversation)
    ctx.progress(1, 1)
    ctx.set_result_url(reverse("opinions:results", kwargs={"slug": conversation.slug}))
    return {
        "result": result.pk,
        "votes": result.vote_count,
        "participants": result.participant_count,
        "groups": len(result.data.get("groups", [])),
    }
