"""Rating recommendations on the process's criteria, and keeping the totals up to date.

One rating per person, recommendation, criterion (and district) is enforced by the database
(models.Rating's constraints); rating again changes the value. Every write recomputes the
recommendation's totals (RatingTotal, CriterionTotal) in the same transaction, under a lock on
the recommendation's row, so concurrent raters of one recommendation are serialised and the
totals always equal what the ratings say.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from werkstatt.network.models import Region
from werkstatt.strategy import rules as sr
from werkstatt.strategy.models import Phase, Recommendation

from .. import rules
from ..models import SCALE_MAX, SCALE_MIN, Criterion, CriterionTotal, Rating, RatingTotal
from .criteria import criteria_of
from .groups import stakeholder_group


def districts() -> list[Region]:
    """The districts one can rate the fit for: districts and district-free cities."""
    return list(
        Region.objects.filter(kind__in=[Region.Kind.DISTRICT, Region.Kind.CITY]).order_by("name_de")
    )


def check_rating(
    user: Any,
    rec: Recommendation,
    values: Mapping[int, int | None],
    region: Region | None,
) -> list[tuple[Criterion, int]]:
    """Validate one submission: criterion id → value (None = not rated), and the district for
    the per-district criterion. Returns (criterion, value) pairs to store; raises
    ValidationError with a message for the person otherwise."""
    if not sr.current_phase_allows(rec.process, Phase.Action.RATE):
        raise ValidationError(
            _("Rating is not open in the current phase of this process."), code="phase"
        )
    if not rules.is_candidate(rec):
        raise ValidationError(_("This recommendation cannot be rated."), code="not_candidate")
    if not rules.may_rate(user, rec):
        raise ValidationError(
            _("Only participants of the process can rate its recommendations."),
            code="not_allowed",
        )
    criteria = {c.pk: c for c in criteria_of(rec.process)}
    out: list[tuple[Criterion, int]] = []
    for criterion_id, value in values.items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            raise ValidationError(
                _("This criterion does not belong to the process."), code="criterion"
            )
        if value is None:
            continue
        if not criterion.is_active:
            raise ValidationError(
                _("“%(criterion)s” is no longer asked in this process.")
                % {"criterion": criterion.label},
                code="criterion_inactive",
            )
        if not isinstance(value, int) or not SCALE_MIN <= value <= SCALE_MAX:
            raise ValidationError(
                _("Please give a value from %(low)d to %(high)d.")
                % {"low": SCALE_MIN, "high": SCALE_MAX},
                code="value",
            )
        if criterion.per_district:
            if region is None:
                raise ValidationError(
                    _("Please choose the district you rate “%(criterion)s” for.")
                    % {"criterion": criterion.label},
                    code="region_missing",
                )
            if region.kind not in (Region.Kind.DISTRICT, Region.Kind.CITY):
                raise ValidationError(
                    _("Please choose a district or a district-free city."), code="region"
                )
        out.append((criterion, value))
    if not out:
        raise ValidationError(_("Please rate at least one criterion."), code="empty")
    return out


@transaction.atomic
def do_rate(
    user: Any,
    rec: Recommendation,
    values: Mapping[int, int | None],
    *,
    region: Region | None = None,
) -> list[Rating]:
    """Store the person's ratings of `rec` (new or changed) and refresh its totals."""
    # The lock first: it serialises the raters of this recommendation (see the module doc).
    Recommendation.objects.select_for_update().filter(pk=rec.pk).values_list("pk").first()
    checked = check_rating(user, rec, values, region)
    group = stakeholder_group(user)
    stored = []
    for criterion, value in checked:
        rating, _created = Rating.objects.update_or_create(
            user=user,
            recommendation=rec,
            criterion=criterion,
            region=region if criterion.per_district else None,
            defaults={"value": value, "group": group},
        )
        stored.append(rating)
    refresh_totals([rec.pk])
    return stored


def my_ratings(user: Any, rec: Recommendation) -> list[Rating]:
    if not user.is_authenticated:
        return []
    return list(
        Rating.objects.filter(user=user, recommendation=rec).select_related("criterion", "region")
    )


def refresh_totals(rec_ids: Iterable[int]) -> None:
    """Recompute RatingTotal and CriterionTotal of these recommendations from their ratings."""
    rec_ids = list(rec_ids)
    rows = (
        Rating.objects.filter(recommendation_id__in=rec_ids)
        .order_by()
        .values_list(
            "recommendation_id",
            "recommendation__process_id",
            "user_id",
            "anonymous_key",
            "criterion_id",
            "region_id",
            "value",
            "group",
        )
    )
    _write_totals(rec_ids, rows.iterator(chunk_size=20_000))


def refresh_process_totals(process_id: int) -> None:
    """Recompute the totals of a whole process (after bulk imports, the demo, the bench)."""
    rec_ids = list(
        Recommendation.objects.filter(process_id=process_id).values_list("pk", flat=True)
    )
    rows = (
        Rating.objects.filter(recommendation__process_id=process_id)
        .order_by()
        .values_list(
            "recommendation_id",
            "user_id",
            "anonymous_key",
            "criterion_id",
            "region_id",
            "value",
            "group",
        )
    )
    _write_totals(
        rec_ids,
        ((r, process_id, u, a, c, g, v, grp) for r, u, a, c, g, v, grp in rows.iterator(20_000)),
    )


def _write_totals(rec_ids: list[int], rows: Iterable[tuple]) -> None:
    per_person: dict[tuple[int, Any], list[float]] = defaultdict(lambda: [0.0, 0.0])
    person_group: dict[tuple[int, Any], str] = {}
    per_criterion: dict[tuple[int, int, int | None], list[float]] = defaultdict(
        lambda: [0.0, 0.0, 0.0]
    )
    process_of: dict[int, int] = {}
    for rec_id, process_id, user_id, anonymous_key, criterion_id, region_id, value, group in rows:
        process_of[rec_id] = process_id
        # A deleted account's ratings keep counting as one person (their anonymous key).
        rater = user_id if user_id is not None else anonymous_key
        person = per_person[(rec_id, rater)]
        person[0] += 1
        person[1] += value
        person_group[(rec_id, rater)] = group
        total = per_criterion[(rec_id, criterion_id, region_id)]
        total[0] += 1
        total[1] += value
        total[2] += value * value
    by_group: dict[tuple[int, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for key, (count, value_sum) in per_person.items():
        mean = value_sum / count
        total = by_group[(key[0], person_group[key])]
        total[0] += 1
        total[1] += mean
        total[2] += mean * mean
    RatingTotal.objects.filter(recommendation_id__in=rec_ids).delete()
    CriterionTotal.objects.filter(recommendation_id__in=rec_ids).delete()
    RatingTotal.objects.bulk_create(
        [
            RatingTotal(
                process_id=process_of[rec_id],
                recommendation_id=rec_id,
                group=group,
                n=int(n),
                total=s,
                total_sq=ss,
            )
            for (rec_id, group), (n, s, ss) in by_group.items()
        ],
        batch_size=5000,
    )
    CriterionTotal.objects.bulk_create(
        [
            CriterionTotal(
                process_id=process_of[rec_id],
                recommendation_id=rec_id,
                criterion_id=criterion_id,
                region_id=region_id,
                n=int(n),
                total=s,
                total_sq=ss,
            )
            for (rec_id, criterion_id, region_id), (n, s, ss) in per_criterion.items()
        ],
        batch_size=5000,
    )
