"""A person's own data in the fit assessment, for the DSGVO download (accounts' export_user_data
includes it as data["assessment"]), and what happens to it when the account is deleted.

Deleting an account keeps the person's ratings and comparisons in the results, without the
person (Rating.user and Comparison.user are set to NULL). Before that, each of their ratings
gets a random key per recommendation, and each comparison one per process, so that the totals
recomputed later still count the person once per recommendation (a person's ratings of one
recommendation are averaged into one value) and the number of people who compared stays
right. The keys link nothing else: not one recommendation to another, not to the person.
"""

from __future__ import annotations

import uuid
from typing import Any

from ..models import Comparison, Rating


def user_data(user: Any) -> dict[str, list[dict[str, Any]]]:
    """The person's ratings (per recommendation and criterion) and pairwise comparisons."""
    ratings = [
        {
            "process": rating.recommendation.process.title,
            "recommendation": rating.recommendation.title,
            "criterion": str(rating.criterion.label),
            "district": rating.region.name if rating.region else None,
            "value": rating.value,
            "stakeholder_group": rating.group,
            "created": rating.created.isoformat(),
            "modified": rating.modified.isoformat(),
        }
        for rating in Rating.objects.filter(user=user)
        .select_related("recommendation__process", "criterion", "region")
        .order_by("recommendation__process__title", "recommendation__title", "criterion__order")
    ]
    comparisons = []
    for comparison in (
        Comparison.objects.filter(user=user)
        .select_related("process", "item_low", "item_high")
        .order_by("process__title", "pk")
    ):
        preferred = {
            Comparison.Choice.LOW: comparison.item_low.title,
            Comparison.Choice.HIGH: comparison.item_high.title,
        }.get(comparison.choice)
        comparisons.append(
            {
                "process": comparison.process.title,
                "pair": [comparison.item_low.title, comparison.item_high.title],
                "first": preferred,  # None: "can't decide"
                "stakeholder_group": comparison.group,
                "created": comparison.created.isoformat(),
                "modified": comparison.modified.isoformat(),
            }
        )
    return {"ratings": ratings, "comparisons": comparisons}


def before_account_deletion(user: Any) -> None:
    """Give the person's ratings and comparisons their anonymous keys (see the module's doc);
    the deletion then sets their user to NULL."""
    keys: dict[int, uuid.UUID] = {}
    ratings = list(Rating.objects.filter(user=user).only("pk", "recommendation_id"))
    for rating in ratings:
        rating.anonymous_key = keys.setdefault(rating.recommendation_id, uuid.uuid4())
    Rating.objects.bulk_update(ratings, ["anonymous_key"], batch_size=1000)
    keys = {}
    comparisons = list(Comparison.objects.filter(user=user).only("pk", "process_id"))
    for comparison in comparisons:
        comparison.anonymous_key = keys.setdefault(comparison.process_id, uuid.uuid4())
    Comparison.objects.bulk_update(comparisons, ["anonymous_key"], batch_size=1000)
