"""Who may rate, compare and see the results. Pages, the API and templates ask these.

Built on strategy's rules (roles in the process's space, phase visibility):
- rate a recommendation: take part in the process, the current phase allows "rate" and is
  visible to the person, and the recommendation is published, visible to them, a recommendation
  (not a thesis) and not declined;
- compare pairs: take part, the current phase allows "prioritise" and is visible to them;
- see the results of a process: see the process and one of its assessment phases (a phase that
  allows rating or prioritising and has started) — or moderate it. Results stay visible after
  the phase ends, as the process's record;
- manage the criteria of a process (add, edit, reorder, deactivate): moderate the process.
"""

from __future__ import annotations

from typing import Any

import rules
from django.utils import timezone

from werkstatt.strategy import rules as sr
from werkstatt.strategy.models import Phase, Process, Recommendation


def assessment_phases(process: Process) -> list[Phase]:
    """The phases of `process` that allow rating or prioritising and have started."""
    today = timezone.localdate()
    return [
        p
        for p in process.timeline()
        if (p.allows_rate or p.allows_prioritise) and p.start_date <= today
    ]


def is_candidate(rec: Recommendation) -> bool:
    """Whether a recommendation takes part in the assessment at all."""
    return (
        rec.is_published
        and rec.kind == Recommendation.Kind.RECOMMENDATION
        and rec.status != Recommendation.Status.DECLINED
    )


def sees_results(user: Any, process: Process | None) -> bool:
    if process is None or not sr.sees_process(user, process):
        return False
    if sr.moderates(user, process):
        return True
    return any(sr.sees_phase(user, p) for p in assessment_phases(process))


def may_rate(user: Any, rec: Recommendation | None) -> bool:
    if rec is None or not is_candidate(rec):
        return False
    return sr.may_act_in_current_phase(
        user, rec.process, Phase.Action.RATE
    ) and sr.sees_recommendation(user, rec)


def may_compare(user: Any, process: Process | None) -> bool:
    return process is not None and sr.may_act_in_current_phase(
        user, process, Phase.Action.PRIORITISE
    )


@rules.predicate
def can_view_results(user, process) -> bool:
    return sees_results(user, process)


@rules.predicate
def can_rate(user, rec) -> bool:
    return may_rate(user, rec)


@rules.predicate
def can_compare(user, process) -> bool:
    return may_compare(user, process)


@rules.predicate
def can_manage_criteria(user, process) -> bool:
    return process is not None and sr.moderates(user, process)


rules.add_perm("assessment.view_results", can_view_results)
rules.add_perm("assessment.manage_criteria", can_manage_criteria)
rules.add_perm("assessment.rate", can_rate)
rules.add_perm("assessment.compare", can_compare)
