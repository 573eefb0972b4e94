"""Pairwise comparisons: "which of these two first?" — one answer per person and pair."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from werkstatt.engines.prioritisation import next_pair
from werkstatt.strategy import rules as sr
from werkstatt.strategy.models import Phase, Process, Recommendation

from .. import rules
from ..models import Comparison
from .groups import stakeholder_group
from .results import candidates, pairwise_ranking

FIRST, SECOND, UNDECIDED = "first", "second", "undecided"
CHOICES = (FIRST, SECOND, UNDECIDED)


@dataclass(frozen=True)
class Pair:
    first: Recommendation
    second: Recommendation
    answered: int  # how many pairs this person has answered in the process
    total: int  # how many pairs there are


def check_comparison(
    user: Any, process: Process, first: Recommendation, second: Recommendation, choice: str
) -> None:
    if not sr.current_phase_allows(process, Phase.Action.PRIORITISE):
        raise ValidationError(
            _("Prioritising is not open in the current phase of this process."), code="phase"
        )
    if not rules.may_compare(user, process):
        raise ValidationError(
            _("Only participants of the process can compare its recommendations."),
            code="not_allowed",
        )
    if choice not in CHOICES:
        raise ValidationError(_("Please choose one of the two or “Can't decide”."), code="choice")
    if first.pk == second.pk:
        raise ValidationError(_("A recommendation cannot be compared with itself."), code="same")
    for rec in (first, second):
        if rec.process_id != process.pk:
            raise ValidationError(
                _("This recommendation does not belong to the process."), code="process"
            )
        if not rules.is_candidate(rec) or not sr.sees_recommendation(user, rec):
            raise ValidationError(
                _("This recommendation cannot be prioritised."), code="not_candidate"
            )


def do_compare(
    user: Any, process: Process, first: Recommendation, second: Recommendation, choice: str
) -> Comparison:
    """Record which of `first` and `second` (as shown) the person would tackle first; answering
    the same pair again changes the answer. The pair is stored in id order."""
    check_comparison(user, process, first, second, choice)
    low, high = (first, second) if first.pk < second.pk else (second, first)
    if choice == UNDECIDED:
        stored = Comparison.Choice.UNDECIDED
    else:
        preferred = first if choice == FIRST else second
        stored = Comparison.Choice.LOW if preferred.pk == low.pk else Comparison.Choice.HIGH
    values = {"process": process, "choice": stored, "group": stakeholder_group(user)}
    # Two submissions of the same pair at once (a double click): the database lets one
    # insert win; the other then updates that row.
    for attempt in range(2):
        try:
            with transaction.atomic():
                comparison, _created = Comparison.objects.update_or_create(
                    user=user, item_low=low, item_high=high, defaults=values
                )
            return comparison
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def next_pair_for(user: Any, process: Process) -> Pair | None:
    """The next pair to show this person: informative (close in the current ranking, few
    comparisons), never one they answered unless they have answered all."""
    items = candidates(user, process)
    if len(items) < 2:
        return None
    seen = list(
        Comparison.objects.filter(user=user, process=process).values_list(
            "item_low_id", "item_high_id"
        )
    )
    ranking = pairwise_ranking(user, process)
    theta = {row.item: row.theta for row in ranking.summaries}
    played = {row.item: row.comparisons for row in ranking.summaries}
    ids = sorted(items)
    pair = next_pair(ids, theta, played, seen, seed=user.pk * 7919 + len(seen))
    if pair is None:
        return None
    recs = Recommendation.objects.in_bulk(list(pair))
    n = len(ids)
    return Pair(recs[pair[0]], recs[pair[1]], len(seen), n * (n - 1) // 2)  # type: ignore[index]
