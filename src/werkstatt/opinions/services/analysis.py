"""The opinion groups of a conversation: running the engine, debouncing, choosing what to show.

- `run_analysis` hands the current votes to engines/opinions.py and stores the result as an
  AnalysisResult (JSON, see `result_to_json`).
- `request_analysis` is called after every vote (on commit, so it never holds up the vote): it
  queues the background job `opinions.analyse` unless one is already queued for the
  conversation (that job reads the votes when it runs, so it includes the new one). Analyses
  are at least ANALYSIS_INTERVAL seconds apart: a vote within the interval after the last one
  queues a delayed job, due when the interval ends (a trailing-edge debounce), so the last
  votes of a burst are in the map at most an interval later without any further request.
  `refresh_if_stale`, which the results pages call, does the same when votes (or moderation)
  are newer than the shown result.
- `next_statement` applies Polis's priority rule (the engine's) to the stored priority inputs.
"""

from __future__ import annotations

import random
from collections.abc import Hashable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from werkstatt.engines import opinions as engine
from werkstatt.jobs.models import Job
from werkstatt.jobs.services import enqueue, nudge, run_now

from ..models import AnalysisResult, Conversation, Participant, Statement, Vote

JOB_KIND = "opinions.analyse"
#: Kept per conversation; older results are deleted.
KEEP_RESULTS = 3


def analysis_interval() -> float:
    """Seconds between two analyses of one conversation (settings.OPINIONS_ANALYSIS_INTERVAL)."""
    return float(getattr(settings, "OPINIONS_ANALYSIS_INTERVAL", 30))


# --- running the engine -----------------------------------------------------------------------


def conversation_votes(conversation: Conversation) -> list[tuple[int, int, int, float]]:
    """(participant id, statement id, value, time) for every current vote."""
    return [
        (participant, statement, value, modified.timestamp())
        for participant, statement, value, modified in Vote.objects.filter(
            participant__conversation=conversation
        )
        .order_by()
        .values_list("participant_id", "statement_id", "value", "modified")
    ]


def previous_analysis(conversation: Conversation) -> engine.OpinionAnalysis | None:
    """The last stored result, as much of an OpinionAnalysis as the engine needs to keep the
    groups' numbers (who was in which group), or None."""
    last = latest_result(conversation)
    if last is None or not last.data.get("groups"):
        return None
    data = last.data
    groups = [
        engine.OpinionGroup(
            id=g["id"],
            size=g["size"],
            members=[],
            representative=[],
            center=(g["center"][0], g["center"][1]),
        )
        for g in data["groups"]
    ]
    return engine.OpinionAnalysis(
        participants={int(p): g for p, g in data.get("participants", {}).items()},
        coordinates={},
        groups=groups,
        consensus={},
        group_informed_consensus={},
        divisive=[],
        statement_stats={},
        clustered=bool(data.get("clustered")),
        reason="",
        seconds=0.0,
    )


def analyse_conversation(conversation: Conversation) -> engine.OpinionAnalysis:
    statuses = dict(conversation.statements.values_list("pk", "status"))
    accepted = [pk for pk, status in statuses.items() if status == Statement.Status.ACCEPTED]
    # Pending and rejected statements are not part of the conversation (yet).
    left_out = [pk for pk, status in statuses.items() if status != Statement.Status.ACCEPTED]
    return engine.analyse(
        conversation_votes(conversation),
        statements=accepted,
        moderated_out=left_out,
        # Group A stays group A for its members when the groups are recomputed.
        previous=previous_analysis(conversation),
    )


def _counts(counts: engine.VoteCounts) -> list[int]:
    return [counts.agree, counts.disagree, counts.passed]


def result_to_json(analysis: engine.OpinionAnalysis) -> dict[str, Any]:
    """The engine's result as JSON (ids as strings where they are keys)."""
    return {
        "clustered": analysis.clustered,
        "reason": analysis.reason,
        "participants": {str(p): g for p, g in analysis.participants.items()},
        "coordinates": {
            str(p): [round(x, 5), round(y, 5)] for p, (x, y) in analysis.coordinates.items()
        },
        "groups": [
            {
                "id": group.id,
                "size": group.size,
                "center": [round(group.center[0], 5), round(group.center[1], 5)],
                "representative": [
                    {
                        "statement": r.statement,
                        "direction": r.direction,
                        "probability": r.probability,
                        "repness": r.repness,
                        "p_value": r.p_value,
                        "z": r.z,
                        "votes": r.votes,
                        "seen": r.seen,
                    }
                    for r in group.representative
                ],
            }
            for group in analysis.groups
        ],
        "consensus": {
            "agree": list(analysis.consensus.get(engine.AGREE, [])),
            "disagree": list(analysis.consensus.get(engine.DISAGREE, [])),
        },
        "divisive": list(analysis.divisive),
        "statements": {
            str(s): {
                "votes": _counts(stats.votes),
                "groups": {str(g): _counts(c) for g, c in stats.by_group.items()},
                "extremity": stats.extremity,
                "divisiveness": stats.divisiveness,
                "gic": stats.group_informed_consensus,
            }
            for s, stats in analysis.statement_stats.items()
        },
    }


def priority_inputs(analysis: engine.OpinionAnalysis) -> dict[str, list[float]]:
    """Per statement: the agree, disagree and seen counts Polis's priority uses (of the
    clustered participants when there are groups), and the statement's extremity."""
    out: dict[str, list[float]] = {}
    for statement, stats in analysis.statement_stats.items():
        if analysis.clustered and stats.by_group:
            groups = stats.by_group.values()
            counts = [
                sum(c.agree for c in groups),
                sum(c.disagree for c in groups),
                sum(c.seen for c in groups),
            ]
        else:
            counts = [stats.agree, stats.disagree, stats.votes.seen]
        out[str(statement)] = [*counts, stats.extremity]
    return out


def run_analysis(conversation: Conversation) -> AnalysisResult:
    """Analyse the conversation now and store the result (the job calls this)."""
    latest_vote = Vote.objects.filter(participant__conversation=conversation).aggregate(
        latest=Max("modified")
    )["latest"]
    analysis = analyse_conversation(conversation)
    with transaction.atomic():
        result = AnalysisResult.objects.create(
            conversation=conversation,
            vote_count=analysis.votes,
            participant_count=len(analysis.participants),
            votes_until=latest_vote,
            seconds=analysis.seconds,
            data=result_to_json(analysis),
            priority_data=priority_inputs(analysis),
        )
        old = AnalysisResult.objects.filter(conversation=conversation).values_list("pk", flat=True)[
            KEEP_RESULTS:
        ]
        AnalysisResult.objects.filter(pk__in=list(old)).delete()
    return result


def latest_result(conversation: Conversation, *, full: bool = True) -> AnalysisResult | None:
    results = AnalysisResult.objects.filter(conversation=conversation)
    if not full:
        results = results.defer("data")
    return results.order_by("-computed_at", "-pk").first()


# --- debouncing -------------------------------------------------------------------------------


def _queued(conversation: Conversation) -> QuerySet[Job]:
    return Job.objects.filter(
        kind=JOB_KIND, status=Job.Status.QUEUED, payload__conversation=conversation.pk
    )


def analysis_pending(conversation: Conversation) -> bool:
    """Whether an analysis of the conversation is queued (perhaps delayed, see request_analysis)."""
    return _queued(conversation).exists()


def pending_analysis(conversation: Conversation) -> Job | None:
    """The queued analysis job of the conversation, or None."""
    return _queued(conversation).order_by("created", "pk").first()


def next_analysis_time(conversation: Conversation) -> datetime | None:
    """When the next analysis may start: ANALYSIS_INTERVAL seconds after the last one (its
    result, or the start of one running now); None if that is not in the future."""
    interval = timedelta(seconds=analysis_interval())
    last = (
        AnalysisResult.objects.filter(conversation=conversation)
        .order_by("-computed_at")
        .values_list("computed_at", flat=True)
        .first()
    )
    running = (
        Job.objects.filter(
            kind=JOB_KIND,
            status=Job.Status.RUNNING,
            payload__conversation=conversation.pk,
            started__isnull=False,
        )
        .order_by("-started")
        .values_list("started", flat=True)
        .first()
    )
    latest = max((t for t in (last, running) if t is not None), default=None)
    if latest is None or latest + interval <= timezone.now():
        return None
    return latest + interval


def is_stale(conversation: Conversation, result: AnalysisResult | None) -> bool:
    """Whether votes (or moderation) happened since the result was computed."""
    votes = Vote.objects.filter(participant__conversation=conversation)
    if result is None:
        return votes.exists()
    if result.votes_until is None:
        return votes.exists()
    if votes.filter(modified__gt=result.votes_until).exists():
        return True
    return conversation.statements.filter(moderated_at__gt=result.computed_at).exists()


def request_analysis(conversation: Conversation, *, force: bool = False) -> Job | None:
    """Have the conversation analysed soon: a debounce with at most one queued job.

    - A job is queued already: nothing to do, it reads the votes when it runs (returns None).
    - Otherwise queue one: due at once, or, within ANALYSIS_INTERVAL seconds after the last
      analysis, delayed until the interval ends (see next_analysis_time). Returns the job.
    - `force` (a moderator's "recompute now", an import) skips the interval: a new job is due
      at once, and a queued delayed job is made due at once rather than queueing a second one
      (returns it). A queued job that is due already is left as it is (returns None).
    """
    pending = pending_analysis(conversation)
    if pending is not None and not force:  # the usual case during a burst of votes: no lock
        nudge(pending)
        return None
    with transaction.atomic():
        # One request at a time per conversation decides, so that two votes at the same moment
        # don't queue two jobs.
        list(Conversation.objects.select_for_update().filter(pk=conversation.pk).values("pk"))
        pending = pending_analysis(conversation)
        if pending is not None:
            if force and pending.is_delayed:
                return run_now(pending)
            nudge(pending)
            return None
        return enqueue(
            JOB_KIND,
            {"conversation": conversation.pk},
            title=gettext("Opinion groups of “%(title)s”") % {"title": conversation.title},
            run_after=None if force else next_analysis_time(conversation),
        )


def refresh_if_stale(conversation: Conversation, result: AnalysisResult | None) -> Job | None:
    if not is_stale(conversation, result):
        return None
    return request_analysis(conversation)


# --- what to show next ------------------------------------------------------------------------


def _analysis_for_priorities(
    priority_data: dict[str, list[float]], statements: list[int]
) -> engine.OpinionAnalysis:
    """A minimal OpinionAnalysis carrying the stored priority inputs, for the engine's rule."""
    stats: dict[Hashable, engine.StatementStats] = {}
    for key, (agree, disagree, seen, extremity) in priority_data.items():
        sid = int(key)
        counts = engine.VoteCounts(
            agree=int(agree), disagree=int(disagree), passed=int(seen - agree - disagree)
        )
        stats[sid] = engine.StatementStats(
            statement=sid,
            votes=counts,
            by_group={},
            extremity=float(extremity),
            divisiveness=0.0,
            group_informed_consensus=0.0,
        )
    return engine.OpinionAnalysis(
        participants={},
        coordinates={},
        groups=[],
        consensus={},
        group_informed_consensus={},
        divisive=[],
        statement_stats=stats,
        clustered=False,
        reason="",
        seconds=0.0,
        statements=list[Hashable](statements),
    )


def next_statement(conversation: Conversation, participant: Participant | None) -> Statement | None:
    """The statement this participant sees next (Polis's priority rule), None when done.

    The draw is seeded by the participant and how many votes they gave, so reloading the page
    shows the same statement, and each vote moves on.
    """
    accepted = list(
        conversation.statements.filter(status=Statement.Status.ACCEPTED).values_list(
            "pk", flat=True
        )
    )
    voted: set[int] = set()
    if participant is not None:
        voted = set(participant.votes.values_list("statement_id", flat=True))
    if not set(accepted) - voted:
        return None
    result = latest_result(conversation, full=False)
    analysis = _analysis_for_priorities(result.priority_data if result else {}, accepted)
    rng = random.Random(f"{participant.pk if participant else 0}:{len(voted)}")
    chosen = engine.next_statement(analysis, voted, statements=accepted, rng=rng)
    if chosen is None:
        return None
    return Statement.objects.get(pk=chosen)
