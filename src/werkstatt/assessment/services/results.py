"""Reading the results: the prioritised lists (ratings with intervals; Bradley–Terry), the
stakeholder groups' ranks, and the fit per district.

Speed (bench/prioritisation.py): ratings are read from the aggregate tables (RatingTotal,
CriterionTotal: a few rows per recommendation, not one per rating) and summarised by the
engine in NumPy; the Bradley–Terry fit is cached, keyed by the comparisons' count and latest
change, so it is refitted only after a new vote.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from django.core.cache import cache as django_cache
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from werkstatt.accounts.models import SpaceRole
from werkstatt.engines.prioritisation import (
    GroupRanks,
    PairwiseSummary,
    RatingModel,
    RatingSummary,
    bradley_terry,
    group_ranks,
    summarise_ratings,
)
from werkstatt.network.models import Region
from werkstatt.strategy import rules as sr
from werkstatt.strategy.models import Phase, Process, Recommendation
from werkstatt.strategy.services.queries import visible_processes, visible_recommendations

from ..models import (
    SCALE_MAX,
    SCALE_MIN,
    Comparison,
    Criterion,
    CriterionTotal,
    RatingTotal,
    StakeholderGroup,
)

TILES_FILE = Path(__file__).resolve().parent.parent / "data" / "district_tiles.json"


def assessment_processes(user: Any) -> QuerySet[Process]:
    """The processes whose results the person may see (rules.sees_results as a queryset filter,
    so that the start page costs the same for one process as for many): visible processes with
    a started phase that allows rating or prioritising and is visible to the person."""
    phases = Phase.objects.filter(
        process=OuterRef("pk"), start_date__lte=timezone.localdate()
    ).filter(Q(allows_rate=True) | Q(allows_prioritise=True))
    qs = visible_processes(user)
    if not (user.is_authenticated and user.is_superuser):
        shown = Q(visibility=Phase.Visibility.PUBLIC)
        if user.is_authenticated:
            roles = SpaceRole.objects.filter(user=user)
            spaces = roles.values("space_id")
            board = roles.filter(role=SpaceRole.Role.BOARD_MEMBER).values("space_id")
            moderated = roles.filter(role=SpaceRole.Role.MODERATOR).values("space_id")
            shown |= Q(visibility=Phase.Visibility.MEMBERS) & (
                Q(process__space_id__in=spaces) | Q(process__board_space_id__in=board)
            )
            shown |= Q(visibility=Phase.Visibility.BOARD) & (
                Q(process__space_id__in=board) | Q(process__board_space_id__in=board)
            )
            shown |= Q(process__space_id__in=moderated)
        phases = phases.filter(shown)
    return qs.filter(Exists(phases)).order_by("-start_date", "title")


def candidates(user: Any, process: Process, ids: list[int] | None = None) -> dict[int, str]:
    """id → title of the recommendations the person sees that take part in the assessment:
    published recommendations (not theses) that were not declined; only those of `ids` if
    given (a page needs its own titles, not all 5,000)."""
    queryset = (
        visible_recommendations(user, process)
        .filter(
            kind=Recommendation.Kind.RECOMMENDATION,
            moderation_state=Recommendation.ModerationState.APPROVED,
        )
        .exclude(status=Recommendation.Status.DECLINED)
        .order_by()
    )
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    return dict(queryset.values_list("pk", "title"))


# --- ratings ------------------------------------------------------------------------------------


@dataclass
class RatingRanking:
    summaries: list[RatingSummary]
    titles: dict[int, str]
    model: RatingModel
    raters: int  # ratings of people (one per person and recommendation)


def _summarise(
    titles: dict[int, str], totals: dict[int, tuple[float, float, float]], **kwargs: Any
) -> tuple[list[RatingSummary], RatingModel]:
    ids = list(titles)
    rows = [totals.get(i, (0.0, 0.0, 0.0)) for i in ids]
    return summarise_ratings(
        ids,
        [r[0] for r in rows],
        [r[1] for r in rows],
        [r[2] for r in rows],
        **kwargs,
    )


def rated_first(rows: list[Any], has_data: Callable[[Any], bool], titles: dict[int, str]) -> list:
    """Rows with data in their ranked order, renumbered 1, 2, … among themselves; then the rows
    without data (no ratings, never compared) by title, with rank 0 = not ranked. The engine
    gives those the prior (the overall mean, 50 %) and a place in the list; a page must not
    show them as if people had rated them."""
    ranked = sorted((r for r in rows if has_data(r)), key=lambda r: r.rank)
    rest = sorted(
        (r for r in rows if not has_data(r)),
        key=lambda r: (titles.get(r.item, "").casefold(), r.item),
    )
    return [replace(r, rank=k) for k, r in enumerate(ranked, start=1)] + [
        replace(r, rank=0) for r in rest
    ]


def _compute_rating_ranking(user: Any, process: Process) -> RatingRanking:
    """All candidate recommendations ranked by the lower bound of their rating interval (a
    person's rating of a recommendation = the mean of the criteria they rated); those nobody
    rated yet after them, unranked."""
    titles = candidates(user, process)
    totals = {
        row["recommendation_id"]: (row["n"], row["s"], row["ss"])
        for row in RatingTotal.objects.filter(process=process)
        .order_by()
        .values("recommendation_id")
        .annotate(n=Sum("n"), s=Sum("total"), ss=Sum("total_sq"))
        if row["recommendation_id"] in titles and row["n"]
    }
    summaries, model = _summarise(titles, totals)
    summaries = rated_first(summaries, lambda row: row.n > 0, titles)
    return RatingRanking(summaries, titles, model, int(sum(t[0] for t in totals.values())))


# --- pairwise comparisons -----------------------------------------------------------------------


@dataclass
class PairwiseRanking:
    summaries: list[PairwiseSummary]
    titles: dict[int, str]
    comparisons: int
    people: int


def _outcomes(process: Process) -> dict[str, list[tuple[int, int, float, int]]]:
    """group → (low, high, score of low, count) of the process's comparisons; "" = all."""
    score = {Comparison.Choice.LOW: 1.0, Comparison.Choice.HIGH: 0.0}
    out: dict[str, list[tuple[int, int, float, int]]] = defaultdict(list)
    for group, low, high, choice, n in (
        Comparison.objects.filter(process=process)
        .order_by()
        .values_list("group", "item_low_id", "item_high_id", "choice")
        .annotate(n=Count("pk"))
    ):
        outcome = (low, high, score.get(choice, 0.5), n)
        out[group].append(outcome)
        out[""].append(outcome)
    return out


def _people() -> Any:
    """People who compared: accounts, and deleted accounts by their anonymous key (privacy.py)."""
    return Count("user", distinct=True) + Count("anonymous_key", distinct=True)


def _fits(
    process: Process, titles: dict[int, str], groups: bool = False
) -> dict[str, PairwiseRanking]:
    """The Bradley–Terry fits of all comparisons ("") or, with `groups`, of each stakeholder
    group's, over the recommendations in `titles`; cached until the next vote. A constant
    number of queries: the votes' state per group, one cache lookup, and on a miss the votes."""
    qs = Comparison.objects.filter(process=process).order_by()
    if groups:
        states = {
            row["group"]: row
            for row in qs.values("group").annotate(
                n=Count("pk"), last=Max("modified"), people=_people()
            )
        }
    else:
        states = {"": qs.aggregate(n=Count("pk"), last=Max("modified"), people=_people())}
    ids = sorted(titles)
    digest = hashlib.blake2b(",".join(map(str, ids)).encode(), digest_size=8).hexdigest()
    keys = {}
    for group, state in states.items():
        last = state["last"].timestamp() if state["last"] else 0
        keys[group] = f"assessment:bt:{process.pk}:{group}:{state['n']}:{last}:{digest}"
    cached = django_cache.get_many(list(keys.values())) if keys else {}
    missing = [g for g, key in keys.items() if key not in cached]
    if missing:
        outcomes = _outcomes(process)
        fresh = {}
        for group in missing:
            usable = [o for o in outcomes.get(group, []) if o[0] in titles and o[1] in titles]
            fresh[keys[group]] = bradley_terry(ids, usable)
        django_cache.set_many(fresh, timeout=24 * 3600)
        cached.update(fresh)
    return {
        group: PairwiseRanking(
            cached[keys[group]], titles, states[group]["n"], states[group]["people"]
        )
        for group in states
    }


def _compute_pairwise_ranking(user: Any, process: Process) -> PairwiseRanking:
    """The Bradley–Terry ranking; recommendations never compared after the others, unranked."""
    titles = candidates(user, process)
    fit = _fits(process, titles)[""]
    summaries = rated_first(fit.summaries, lambda row: row.comparisons > 0, titles)
    return PairwiseRanking(summaries, fit.titles, fit.comparisons, fit.people)


# --- stakeholder groups -------------------------------------------------------------------------


@dataclass
class GroupRow:
    item: int
    title: str
    ranks: list[float | None]  # in the order of GroupComparison.groups
    spread: float


@dataclass
class GroupComparison:
    method: str  # "ratings" or "pairwise"
    groups: list[str]
    labels: list[Any]  # lazy translations
    counts: list[int]  # people (ratings) or comparisons (pairwise) per group
    result: GroupRanks
    rows: list[GroupRow]  # the recommendations ranked by at least two groups, most disputed first
    agreement: list[tuple[Any, Any, float]] = field(default_factory=list)

    @property
    def columns(self) -> list[tuple[Any, int]]:
        return list(zip(self.labels, self.counts, strict=True))


def _compute_group_comparison(
    user: Any, process: Process, method: str = "ratings", *, min_count: int = 1
) -> GroupComparison:
    """Each stakeholder group's ranks and where they differ. For ratings a group's score of a
    recommendation is its shrunk mean (the group's own grand mean as the prior), counted only
    where at least `min_count` of its people rated it; for pairwise comparisons the group's own
    Bradley–Terry fit over the recommendations it compared."""
    titles = candidates(user, process)
    scores: dict[str, dict[int, float]] = {}
    counts: dict[str, int] = {}
    if method == "pairwise":
        for group, ranking in _fits(process, titles, groups=True).items():
            scores[group] = {s.item: s.theta for s in ranking.summaries if s.comparisons > 0}  # type: ignore[misc]
            counts[group] = ranking.comparisons
    else:
        per_group: dict[str, dict[int, tuple[float, float, float]]] = defaultdict(dict)
        for rec_id, group, n, s, ss in (
            RatingTotal.objects.filter(process=process)
            .order_by()
            .values_list("recommendation_id", "group", "n", "total", "total_sq")
        ):
            if rec_id in titles and n >= min_count:
                per_group[group][rec_id] = (n, s, ss)
        for group, totals in per_group.items():
            rated = {i: titles[i] for i in totals}
            summaries, _ = _summarise(rated, totals)
            scores[group] = {s.item: s.estimate for s in summaries}  # type: ignore[misc]
            counts[group] = int(sum(t[0] for t in totals.values()))
    order = [g.value for g in StakeholderGroup if g.value in scores]
    result = group_ranks({g: scores[g] for g in order})
    ordered = [g for g in order if g in result.groups]
    rows = [
        GroupRow(
            item,  # type: ignore[arg-type]
            titles[item],  # type: ignore[index]
            [result.ranks[g].get(item) for g in ordered],
            result.spread[item],
        )
        for item in result.disputed
    ]
    # Lazy labels: the result is remembered and shown in each reader's language.
    labels = [StakeholderGroup(g).label for g in ordered]
    agreement = [
        (StakeholderGroup(a).label, StakeholderGroup(b).label, rho)
        for (a, b), rho in result.agreement.items()
    ]
    return GroupComparison(
        method, ordered, labels, [counts[g] for g in ordered], result, rows, agreement
    )


# --- districts ----------------------------------------------------------------------------------


@dataclass
class Tile:
    region: Region
    abbr: str
    x: int
    y: int
    value: float | None
    n: int
    level: str  # CSS class suffix: "none" or "1" … "5"


@dataclass
class DistrictRow:
    region: Region
    n: int  # ratings
    recommendations: int  # recommendations rated for this district
    summary: RatingSummary | None


@dataclass
class DistrictResults:
    criterion: Criterion | None
    rows: list[DistrictRow]
    tiles: list[Tile]
    width: int
    height: int


TILE = 60  # px of a tile in the SVG's coordinate system, gap included


@cache
def _tile_positions() -> dict[str, dict[str, dict[str, Any]]]:
    data: dict[str, dict[str, dict[str, Any]]] = json.loads(TILES_FILE.read_text("utf-8"))[
        "regions"
    ]
    return data


def _level(value: float | None) -> str:
    if value is None:
        return "none"
    return str(min(SCALE_MAX, max(SCALE_MIN, round(value))))


def tile_map(
    regions: list[Region], values: dict[int, tuple[float | None, int]]
) -> tuple[list[Tile], int, int]:
    """Place the regions on their tile grid; values: region id → (value, count)."""
    positions: dict[str, dict[str, Any]] = {}
    for block in _tile_positions().values():
        positions.update(block)
    tiles = []
    placed = [r for r in regions if r.code in positions]
    rest = [r for r in regions if r.code not in positions]
    max_row = max((positions[r.code]["row"] for r in placed), default=-1)
    for region in placed:
        pos = positions[region.code]
        value, n = values.get(region.pk, (None, 0))
        tiles.append(
            Tile(region, pos["abbr"], pos["col"] * TILE, pos["row"] * TILE, value, n, _level(value))
        )
    for k, region in enumerate(rest):
        value, n = values.get(region.pk, (None, 0))
        tiles.append(
            Tile(
                region,
                region.name_de[:3].upper(),
                (k % 6) * TILE,
                (max_row + 1 + k // 6) * TILE,
                value,
                n,
                _level(value),
            )
        )
    width = max((t.x for t in tiles), default=0) + TILE
    height = max((t.y for t in tiles), default=0) + TILE
    return tiles, width, height


def district_criterion(process: Process) -> Criterion | None:
    """The criterion the district pages show: the asked one that asks for a district, else
    (all such deactivated) the first of them, whose ratings still count."""
    return (
        Criterion.objects.filter(process=process, per_district=True)
        .order_by("-is_active", "order", "pk")
        .first()
    )


def _districts() -> list[Region]:
    return list(
        Region.objects.filter(kind__in=[Region.Kind.DISTRICT, Region.Kind.CITY]).order_by("name_de")
    )


def _compute_district_results(user: Any, process: Process) -> DistrictResults:
    """Per district: how many ratings of the fit there are and the mean fit over all
    recommendations rated for it, with its interval; and the tile map."""
    criterion = district_criterion(process)
    regions = _districts()
    if criterion is None:
        tiles, width, height = tile_map(regions, {})
        empty = [DistrictRow(r, 0, 0, None) for r in regions]
        return DistrictResults(None, empty, tiles, width, height)
    titles = candidates(user, process)
    per_region: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for rec_id, region_id, n, s, ss in (
        CriterionTotal.objects.filter(process=process, criterion=criterion, region__isnull=False)
        .order_by()
        .values_list("recommendation_id", "region_id", "n", "total", "total_sq")
    ):
        if rec_id in titles:
            row = per_region[region_id]
            row[0] += n
            row[1] += s
            row[2] += ss
            row[3] += 1
    ids = [r.pk for r in regions]
    stats = [per_region.get(i, [0.0, 0.0, 0.0, 0.0]) for i in ids]
    summaries, _ = summarise_ratings(
        ids, [s[0] for s in stats], [s[1] for s in stats], [s[2] for s in stats]
    )
    by_region = {s.item: s for s in summaries}
    rows = [
        DistrictRow(
            r,
            int(per_region.get(r.pk, [0])[0]),
            int(per_region.get(r.pk, [0, 0, 0, 0])[3]),
            by_region[r.pk] if r.pk in per_region else None,
        )
        for r in regions
    ]
    values = {row.region.pk: (row.summary.estimate if row.summary else None, row.n) for row in rows}
    tiles, width, height = tile_map(regions, values)
    return DistrictResults(criterion, rows, tiles, width, height)


def _compute_district_ranking(user: Any, process: Process, region: Region) -> list[RatingSummary]:
    """The recommendations rated for `region`, ranked by the lower bound of their fit."""
    criterion = district_criterion(process)
    if criterion is None:
        return []
    titles = candidates(user, process)
    totals = {
        rec_id: (n, s, ss)
        for rec_id, n, s, ss in CriterionTotal.objects.filter(
            process=process, criterion=criterion, region=region
        )
        .order_by()
        .values_list("recommendation_id", "n", "total", "total_sq")
        if rec_id in titles
    }
    rated = {i: titles[i] for i in totals}
    grand = _criterion_stats(process).get(criterion.pk)
    summaries, _ = _summarise(
        rated,
        totals,
        grand_mean=grand[0] if grand else None,
        pooled_sd=grand[1] if grand else None,
    )
    return summaries


def _criterion_stats(process: Process) -> dict[int, tuple[float, float]]:
    """criterion id → (mean, standard deviation) of all its ratings in the process."""
    out = {}
    for criterion_id, n, s, ss in (
        CriterionTotal.objects.filter(process=process)
        .order_by()
        .values("criterion_id")
        .annotate(n=Sum("n"), s=Sum("total"), ss=Sum("total_sq"))
        .values_list("criterion_id", "n", "s", "ss")
    ):
        if n:
            mean = s / n
            var = max(ss / n - mean * mean, 0.0) * n / max(n - 1, 1)
            out[criterion_id] = (mean, max(var, 0.05) ** 0.5)
    return out


# --- one recommendation -------------------------------------------------------------------------


@dataclass
class CriterionRow:
    criterion: Criterion
    summary: RatingSummary


@dataclass
class RecommendationResults:
    criteria: list[CriterionRow]
    districts: DistrictResults


def recommendation_results(process: Process, rec: Recommendation) -> RecommendationResults:
    """One recommendation's ratings per criterion (the district criterion over all districts)
    and its fit per district, each shrunk towards the process's mean for that criterion."""
    grand = _criterion_stats(process)
    totals = list(
        CriterionTotal.objects.filter(recommendation=rec)
        .order_by()
        .values_list("criterion_id", "region_id", "n", "total", "total_sq")
    )
    rated = {t[0] for t in totals if t[2]}
    # Criteria no longer asked still show the ratings they were given.
    criteria = [
        c
        for c in Criterion.objects.filter(process=process).order_by("order", "pk")
        if c.is_active or c.pk in rated
    ]
    rows = []
    for criterion in criteria:
        mine = [t for t in totals if t[0] == criterion.pk]
        agg = (sum(t[2] for t in mine), sum(t[3] for t in mine), sum(t[4] for t in mine))
        mean_sd = grand.get(criterion.pk)
        summaries, _ = summarise_ratings(
            [criterion.pk],
            [agg[0]],
            [agg[1]],
            [agg[2]],
            grand_mean=mean_sd[0] if mean_sd else None,
            pooled_sd=mean_sd[1] if mean_sd else None,
        )
        rows.append(CriterionRow(criterion, summaries[0]))
    regions = _districts()
    chosen = district_criterion(process)
    district = next((c for c in criteria if chosen and c.pk == chosen.pk), None)
    per_region = {t[1]: t for t in totals if district and t[0] == district.pk and t[1]}
    ids = [r.pk for r in regions]
    mean_sd = grand.get(district.pk) if district else None
    summaries, _ = summarise_ratings(
        ids,
        [per_region[i][2] if i in per_region else 0 for i in ids],
        [per_region[i][3] if i in per_region else 0 for i in ids],
        [per_region[i][4] if i in per_region else 0 for i in ids],
        grand_mean=mean_sd[0] if mean_sd else None,
        pooled_sd=mean_sd[1] if mean_sd else None,
    )
    by_region = {s.item: s for s in summaries}
    drows = [
        DistrictRow(
            r,
            int(per_region[r.pk][2]) if r.pk in per_region else 0,
            1 if r.pk in per_region else 0,
            by_region[r.pk] if r.pk in per_region else None,
        )
        for r in regions
    ]
    values = {
        row.region.pk: (row.summary.estimate if row.summary else None, row.n) for row in drows
    }
    tiles, width, height = tile_map(regions, values)
    return RecommendationResults(rows, DistrictResults(district, drows, tiles, width, height))


# --- the results snapshot: computed once per change, kept in memory ----------------------------
#
# The visible candidates depend only on the person's level in the process (moderators see all
# published recommendations; otherwise the phases visible to the public, to members, to the
# board), so a result is computed once per level and state of the data, and each process keeps
# the last few in memory. The state is three small queries: the recommendations' count and last
# change, the totals' count and last id (every rating rewrites its recommendation's totals with
# new ids), the comparisons' count and last change; plus the phases' visibility.

MEMO_SIZE = 48
_memo: OrderedDict[str, Any] = OrderedDict()
_memo_lock = threading.Lock()


def _remember(key: str, compute: Callable[[], Any]) -> Any:
    with _memo_lock:
        if key in _memo:
            _memo.move_to_end(key)
            return _memo[key]
    value = compute()
    with _memo_lock:
        _memo[key] = value
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)
    return value


def visibility_level(user: Any, process: Process) -> str:
    if sr.moderates(user, process):
        return "all"
    roles = sr.roles_in(user, process)
    if sr.BOARD in roles:
        return "board"
    return "members" if roles else "public"


def snapshot_key(user: Any, process: Process) -> str:
    """What the results of `process` for this person depend on, as a string."""
    recs = Recommendation.objects.filter(process=process).aggregate(
        n=Count("pk"), last=Max("modified")
    )
    totals = RatingTotal.objects.filter(process=process).aggregate(n=Count("pk"), last=Max("pk"))
    votes = Comparison.objects.filter(process=process).aggregate(
        n=Count("pk"), last=Max("modified")
    )
    phases = ",".join(f"{p.pk}{p.visibility}" for p in process.timeline())
    stamp = [
        recs["n"],
        recs["last"].timestamp() if recs["last"] else 0,
        totals["n"],
        totals["last"] or 0,
        votes["n"],
        votes["last"].timestamp() if votes["last"] else 0,
    ]
    return f"{process.pk}:{visibility_level(user, process)}:{stamp}:{phases}"


def rating_ranking(user: Any, process: Process) -> RatingRanking:
    """All candidate recommendations ranked by the lower bound of their rating interval (a
    person's rating of a recommendation = the mean of the criteria they rated)."""
    key = "ratings:" + snapshot_key(user, process)
    return _remember(key, lambda: _compute_rating_ranking(user, process))  # type: ignore[no-any-return]


def pairwise_ranking(user: Any, process: Process) -> PairwiseRanking:
    """All candidate recommendations ranked by their Bradley–Terry strength."""
    key = "pairwise:" + snapshot_key(user, process)
    return _remember(key, lambda: _compute_pairwise_ranking(user, process))  # type: ignore[no-any-return]


def group_comparison(
    user: Any, process: Process, method: str = "ratings", *, min_count: int = 1
) -> GroupComparison:
    """Each stakeholder group's ranks and where they differ (see _compute_group_comparison)."""
    key = f"groups:{method}:{min_count}:" + snapshot_key(user, process)
    return _remember(  # type: ignore[no-any-return]
        key, lambda: _compute_group_comparison(user, process, method, min_count=min_count)
    )


def _criteria_state(process: Process) -> str:
    """Which criterion the district pages show depends on the criteria (asked, per district)."""
    return ",".join(
        f"{pk}{int(per_district)}{int(active)}"
        for pk, per_district, active in Criterion.objects.filter(process=process)
        .order_by("pk")
        .values_list("pk", "per_district", "is_active")
    )


def district_results(user: Any, process: Process) -> DistrictResults:
    """Per district: the ratings of the fit and the mean fit with its interval; the tile map."""
    key = f"districts:{_criteria_state(process)}:" + snapshot_key(user, process)
    return _remember(key, lambda: _compute_district_results(user, process))  # type: ignore[no-any-return]


def district_ranking(user: Any, process: Process, region: Region) -> list[RatingSummary]:
    """The recommendations rated for `region`, ranked by the lower bound of their fit."""
    key = f"district:{region.pk}:{_criteria_state(process)}:" + snapshot_key(user, process)
    return _remember(key, lambda: _compute_district_ranking(user, process, region))  # type: ignore[no-any-return]


def titles_of(ids: list[Any]) -> dict[int, str]:
    """id → title of these recommendations (a page's worth)."""
    return dict(Recommendation.objects.filter(pk__in=ids).values_list("pk", "title"))
