"""Prioritisation: aggregated ratings with honest uncertainty, Bradley–Terry for pairwise
comparisons, rank differences between stakeholder groups, and the choice of the next pair.

Framework-free (NumPy/SciPy only). Items are identified by the caller's ids (any hashable);
results come back as plain dataclasses, best first.

Ratings (1–5). Each item's ratings are summarised by count, sum and sum of squares (so a database
GROUP BY or a cached aggregate can feed them). The estimate is a normal model with a prior centred
at the grand mean worth `prior_strength` pseudo-ratings: an item with one rating of 5 sits close
to the grand mean, an item with 200 ratings averaging 4.5 sits at about 4.5. The spread is the
pooled spread of all ratings, blended with the item's own spread as its count grows, and the
interval is a Student-t interval on the posterior mean (few ratings: few degrees of freedom, a
wide interval). Items are ranked by the interval's lower bound, so few ratings never beat many
good ones.

Pairwise comparisons. Bradley–Terry: P(i preferred to j) = 1 / (1 + exp(θ_j − θ_i)). Every item
also plays `prior_games` virtual games, half won and half lost, against a fixed anchor at θ = 0.
That weak prior keeps unbeaten, never-compared and disconnected items finite and the scale
identified; "can't decide" counts half a win for each. The posterior mode is found by damped
Newton iterations (dense, up to `newton_limit` items) or by Hunter's MM iterations (beyond);
intervals come from the observed Fisher information (the Hessian at the mode). Deterministic.
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache

import numpy as np
from numpy.typing import NDArray
from scipy import stats

SCALE_MIN = 1.0
SCALE_MAX = 5.0
FloatArray = NDArray[np.float64]


# --- BLAS threads -------------------------------------------------------------------------------


@cache
def _openblas_thread_setters() -> tuple[Callable[[int], int], ...]:
    """openblas_set_num_threads_local of every OpenBLAS loaded in this process (NumPy's and
    SciPy's), where the library has it (OpenBLAS >= 0.3.27; Linux)."""
    setters = []
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.lower()}
    except OSError:
        return ()
    for path in sorted(paths):
        try:
            function = ctypes.CDLL(path).openblas_set_num_threads_local
        except (OSError, AttributeError):
            continue
        function.argtypes, function.restype = [ctypes.c_int], ctypes.c_int
        setters.append(function)
    return tuple(setters)


@contextmanager
def _single_threaded_blas() -> Iterator[None]:
    # The matrices here are small (≤ newton_limit): OpenBLAS's threads cost far more than they
    # save, above all in a web server whose cores are busy with other requests (measured: 0.5 s
    # of CPU for a fit of 200 items with threads, 0.01 s without). Thread-local, so restored.
    setters = _openblas_thread_setters()
    previous = [setter(1) for setter in setters]
    try:
        yield
    finally:
        for setter, value in zip(setters, previous, strict=True):
            setter(value)


# --- ratings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingSummary:
    """One item's aggregated ratings. `mean` is the raw mean (nan without ratings);
    `estimate` the shrunk posterior mean; [`low`, `high`] its credible interval; `score`
    the ranking key (= `low`); `rank` 1 is best."""

    item: Hashable
    n: int
    mean: float
    estimate: float
    low: float
    high: float
    score: float
    rank: int = 0


@dataclass(frozen=True)
class RatingModel:
    """The parameters the summaries were computed with."""

    grand_mean: float
    pooled_sd: float
    prior_strength: float
    level: float


def summarise_ratings(
    items: Sequence[Hashable],
    counts: Sequence[float] | NDArray[np.floating],
    sums: Sequence[float] | NDArray[np.floating],
    sums_sq: Sequence[float] | NDArray[np.floating],
    *,
    prior_strength: float = 3.0,
    level: float = 0.9,
    grand_mean: float | None = None,
    pooled_sd: float | None = None,
    scale: tuple[float, float] = (SCALE_MIN, SCALE_MAX),
) -> tuple[list[RatingSummary], RatingModel]:
    """Aggregate ratings from sufficient statistics and rank the items.

    items: the ids; counts, sums, sums_sq: per item, the number of ratings, their sum and the
    sum of their squares. prior_strength: how many pseudo-ratings at the grand mean every item
    starts with. level: the interval's coverage. grand_mean: the prior's centre (default: the
    mean of all ratings, or the scale's middle without any). pooled_sd: the spread of single
    ratings (default: pooled from the items given; pass it when summarising a few items of a
    larger whole). Returns the summaries sorted best
    first (by the interval's lower bound, then the estimate, then more ratings) and the model.
    """
    n = np.asarray(counts, dtype=float)
    s = np.asarray(sums, dtype=float)
    ss = np.asarray(sums_sq, dtype=float)
    if not (len(items) == n.size == s.size == ss.size):
        raise ValueError("items, counts, sums and sums_sq must have the same length")
    if np.any(n < 0):
        raise ValueError("counts must not be negative")
    if prior_strength <= 0:
        raise ValueError("prior_strength must be positive")
    if not 0 < level < 1:
        raise ValueError("level must lie between 0 and 1")
    lo_bound, hi_bound = scale
    total = float(n.sum())
    if grand_mean is None:
        grand_mean = float(s.sum() / total) if total > 0 else (lo_bound + hi_bound) / 2
    # Pooled within-item variance; with too little data, a uniform-ish spread on the scale.
    safe_n = np.where(n > 0, n, 1.0)
    item_mean = np.where(n > 0, s / safe_n, np.nan)
    within = np.where(n > 0, ss - s * s / safe_n, 0.0)
    within = np.maximum(within, 0.0)
    dof = float(np.sum(np.maximum(n - 1, 0)))
    default_var = ((hi_bound - lo_bound) / 4) ** 2
    if pooled_sd is not None:
        pooled_var = pooled_sd**2
    else:
        pooled_var = float(within.sum() / dof) if dof >= 2 else default_var
    pooled_var = max(pooled_var, 0.05)
    # The item's variance: the pooled one worth `prior_strength` observations, plus its own.
    k0 = prior_strength
    item_var = (k0 * pooled_var + within) / (k0 + np.maximum(n - 1, 0))
    post_n = prior_strength + n
    estimate = (prior_strength * grand_mean + s) / post_n
    se = np.sqrt(item_var / post_n)
    t = stats.t.ppf(0.5 + level / 2, df=k0 + np.maximum(n - 1, 0))
    low = np.clip(estimate - t * se, lo_bound, hi_bound)
    high = np.clip(estimate + t * se, lo_bound, hi_bound)
    order = np.lexsort((-n, -estimate, -low))
    out: list[RatingSummary] = []
    for rank, i in enumerate(order, start=1):
        out.append(
            RatingSummary(
                item=items[i],
                n=int(n[i]),
                mean=float(item_mean[i]),
                estimate=float(estimate[i]),
                low=float(low[i]),
                high=float(high[i]),
                score=float(low[i]),
                rank=rank,
            )
        )
    return out, RatingModel(grand_mean, math.sqrt(pooled_var), prior_strength, level)


def aggregate_ratings(
    ratings: Iterable[tuple[Hashable, float]],
    *,
    items: Sequence[Hashable] | None = None,
    prior_strength: float = 3.0,
    level: float = 0.9,
) -> list[RatingSummary]:
    """Aggregate (item, value) pairs; `items` adds items without ratings. Best first."""
    stats_by_item: dict[Hashable, list[float]] = {}
    for item in items or ():
        stats_by_item.setdefault(item, [0.0, 0.0, 0.0])
    for item, value in ratings:
        row = stats_by_item.setdefault(item, [0.0, 0.0, 0.0])
        row[0] += 1
        row[1] += value
        row[2] += value * value
    keys = list(stats_by_item)
    arr = np.array([stats_by_item[k] for k in keys], dtype=float).reshape(-1, 3)
    summaries, _ = summarise_ratings(
        keys, arr[:, 0], arr[:, 1], arr[:, 2], prior_strength=prior_strength, level=level
    )
    return summaries


# --- Bradley–Terry ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairwiseSummary:
    """One item's Bradley–Terry strength θ (log scale, relative to the average item) with
    its interval; `preference` = P(preferred to an average item) = logistic(θ) and its
    interval in the same scale; wins (ties count half) and comparisons played; rank 1 is best."""

    item: Hashable
    theta: float
    se: float
    low: float
    high: float
    preference: float
    preference_low: float
    preference_high: float
    wins: float
    comparisons: int
    rank: int = 0


@dataclass
class _Games:
    n_items: int
    a: NDArray[np.intp]
    b: NDArray[np.intp]
    wins_a: FloatArray  # wins of a over b (ties count half)
    games: FloatArray  # games between a and b


Outcome = tuple[Hashable, Hashable, float] | tuple[Hashable, Hashable, float, float]


def _collect_games(index: Mapping[Hashable, int], outcomes: Iterable[Outcome]) -> _Games:
    pairs: dict[tuple[int, int], list[float]] = {}
    for outcome in outcomes:
        first, second, score = outcome[0], outcome[1], float(outcome[2])
        weight = float(outcome[3]) if len(outcome) > 3 else 1.0  # type: ignore[misc]
        if score < 0 or score > 1:
            raise ValueError("an outcome's score must lie in [0, 1]")
        if weight < 0:
            raise ValueError("an outcome's weight must not be negative")
        i, j = index[first], index[second]
        if i == j:
            raise ValueError("an item cannot be compared with itself")
        if i > j:
            i, j, score = j, i, 1.0 - score
        row = pairs.setdefault((i, j), [0.0, 0.0])
        row[0] += score * weight
        row[1] += weight
    if pairs:
        keys = np.array(list(pairs), dtype=np.intp)
        vals = np.array(list(pairs.values()), dtype=float)
        return _Games(len(index), keys[:, 0], keys[:, 1], vals[:, 0], vals[:, 1])
    empty_i = np.zeros(0, dtype=np.intp)
    empty_f = np.zeros(0, dtype=float)
    return _Games(len(index), empty_i, empty_i.copy(), empty_f, empty_f.copy())


def _sum_at(index: NDArray[np.intp], *, weights: FloatArray, minlength: int) -> FloatArray:
    """Sums of `weights` per index (0 … minlength − 1)."""
    return np.asarray(np.bincount(index, weights=weights, minlength=minlength), dtype=float)


def _expit(x: FloatArray) -> FloatArray:
    return np.asarray(1.0 / (1.0 + np.exp(-x)), dtype=float)


def _gradient_and_curvature(
    theta: FloatArray, g: _Games, prior_games: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Gradient of the log posterior, the diagonal of the information matrix, and the
    per-pair weights n·p·(1−p) (its off-diagonal entries, negated)."""
    p = _expit(theta[g.a] - theta[g.b])
    n = g.n_items
    grad = _sum_at(g.a, weights=g.wins_a - g.games * p, minlength=n)
    grad -= _sum_at(g.b, weights=g.wins_a - g.games * p, minlength=n)
    q = _expit(theta)
    grad += prior_games * (0.5 - q)
    w = g.games * p * (1 - p)
    diag = _sum_at(g.a, weights=w, minlength=n) + _sum_at(g.b, weights=w, minlength=n)
    diag += prior_games * q * (1 - q)
    return grad.astype(float), diag.astype(float), w.astype(float)


def _information(diag: FloatArray, w: FloatArray, g: _Games) -> FloatArray:
    info = np.diag(diag)
    np.add.at(info, (g.a, g.b), -w)
    np.add.at(info, (g.b, g.a), -w)
    return info


def _log_posterior(theta: FloatArray, g: _Games, prior_games: float) -> float:
    d = theta[g.a] - theta[g.b]
    # log p(a beats b) = -log(1 + exp(-d)); ties/wins weighted.
    ll = float(np.sum(-g.wins_a * np.logaddexp(0, -d) - (g.games - g.wins_a) * np.logaddexp(0, d)))
    ll += float(np.sum(-0.5 * prior_games * (np.logaddexp(0, -theta) + np.logaddexp(0, theta))))
    return ll


def _fit_newton(g: _Games, prior_games: float, tol: float, max_iter: int) -> FloatArray:
    theta = np.zeros(g.n_items)
    current = _log_posterior(theta, g, prior_games)
    for _ in range(max_iter):
        grad, diag, w = _gradient_and_curvature(theta, g, prior_games)
        info = _information(diag, w, g)
        step = np.linalg.solve(info, grad)
        # Damping: halve until the log posterior does not decrease (it is concave).
        factor = 1.0
        while True:
            candidate = theta + factor * step
            value = _log_posterior(candidate, g, prior_games)
            if value >= current - 1e-12 or factor < 1e-6:
                break
            factor /= 2
        theta, current = candidate, value
        if float(np.max(np.abs(factor * step), initial=0.0)) < tol:
            break
    return theta


def _fit_mm(g: _Games, prior_games: float, tol: float, max_iter: int) -> FloatArray:
    # Hunter's MM in π = exp(θ); the anchor is a virtual item with π = 1.
    n = g.n_items
    wins = _sum_at(g.a, weights=g.wins_a, minlength=n) + _sum_at(
        g.b, weights=g.games - g.wins_a, minlength=n
    )
    wins = wins + prior_games / 2
    pi = np.ones(n)
    for _ in range(max_iter):
        denom_pair = g.games / (pi[g.a] + pi[g.b])
        denom = _sum_at(g.a, weights=denom_pair, minlength=n) + _sum_at(
            g.b, weights=denom_pair, minlength=n
        )
        denom = denom + prior_games / (pi + 1.0)
        new = wins / denom
        change = float(np.max(np.abs(np.log(new) - np.log(pi)), initial=0.0))
        pi = new
        if change < tol:
            break
    return np.asarray(np.log(pi), dtype=float)


def bradley_terry(
    items: Sequence[Hashable],
    outcomes: Iterable[Outcome],
    *,
    prior_games: float = 2.0,
    level: float = 0.9,
    tol: float = 1e-10,
    max_iter: int = 10_000,
    newton_limit: int = 1500,
) -> list[PairwiseSummary]:
    """Fit a Bradley–Terry model with a weak prior and rank the items.

    items: every item to rank (items never compared stay near the average and get a wide
    interval). θ is reported relative to the mean θ of all items.
    outcomes: (first, second, score) with score 1 if `first` was preferred, 0 if `second`,
    0.5 for "can't decide"; a fourth element is the number of such outcomes (default 1).
    prior_games: virtual games
    per item against the anchor (half won). level: the intervals' coverage. Up to
    `newton_limit` items the mode is found by Newton's method and the intervals use the full
    inverse information; beyond, by MM iterations with the diagonal of the information (which
    understates the uncertainty a little). Returns summaries best first (θ, then more wins).
    """
    if prior_games <= 0:
        raise ValueError("prior_games must be positive")
    index: dict[Hashable, int] = {}
    for item in items:
        if item in index:
            raise ValueError(f"item {item!r} appears twice")
        index[item] = len(index)
    games = _collect_games(index, outcomes)
    n = games.n_items
    if n == 0:
        return []
    with _single_threaded_blas():
        if n <= newton_limit:
            theta = _fit_newton(games, prior_games, tol, max_iter=200)
        else:
            theta = _fit_mm(games, prior_games, tol, max_iter)
        _, diag, w = _gradient_and_curvature(theta, games, prior_games)
        # The data identify differences only; the level of all θ together rests on the weak
        # prior. So report θ relative to the average item, with the variance of that contrast:
        # Var(θ_i − θ̄) = Σ_ii − 2·mean_j Σ_ij + mean(Σ).
        if n <= newton_limit:
            cov = np.linalg.inv(_information(diag, w, games))
            variance = np.diag(cov) - 2 * cov.mean(axis=1) + cov.mean()
        else:
            variance = 1.0 / diag
    theta = theta - theta.mean()
    se = np.sqrt(np.maximum(variance, 0.0))
    z = float(stats.norm.ppf(0.5 + level / 2))
    wins = _sum_at(games.a, weights=games.wins_a, minlength=n) + _sum_at(
        games.b, weights=games.games - games.wins_a, minlength=n
    )
    played = _sum_at(games.a, weights=games.games, minlength=n) + _sum_at(
        games.b, weights=games.games, minlength=n
    )
    # Round θ for the ordering so that iteration noise never decides a tie.
    order = np.lexsort((-wins, -np.round(theta, 9)))
    out = []
    for rank, i in enumerate(order, start=1):
        low, high = theta[i] - z * se[i], theta[i] + z * se[i]
        out.append(
            PairwiseSummary(
                item=items[i],
                theta=float(theta[i]),
                se=float(se[i]),
                low=float(low),
                high=float(high),
                preference=float(_expit(np.array([theta[i]]))[0]),
                preference_low=float(_expit(np.array([low]))[0]),
                preference_high=float(_expit(np.array([high]))[0]),
                wins=float(wins[i]),
                comparisons=int(played[i]),
                rank=rank,
            )
        )
    return out


# --- stakeholder groups -------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupRanks:
    """Per-group ranks and where the groups disagree.

    ranks[group][item]: the item's rank within the group (1 best; items the group did not
    assess are missing). spread[item]: highest minus lowest rank over the groups that ranked
    it (0 = all agree). agreement[(g, h)]: Spearman's ρ between two groups over the items both
    ranked (nan with fewer than three). disputed: items by spread, largest first."""

    groups: list[str]
    ranks: dict[str, dict[Hashable, float]]
    spread: dict[Hashable, float]
    agreement: dict[tuple[str, str], float] = field(default_factory=dict)
    disputed: list[Hashable] = field(default_factory=list)


def group_ranks(
    scores: Mapping[str, Mapping[Hashable, float]],
    *,
    min_groups: int = 2,
) -> GroupRanks:
    """Rank items within each group by score (higher is better; ties share the average rank)
    and summarise the differences. scores[group][item] = the group's score for the item (e.g.
    its shrunk mean or BT θ); leave an item out where a group has not assessed it. Only items
    ranked by at least `min_groups` groups get a spread and can be disputed."""
    groups = sorted(g for g in scores if scores[g])
    ranks: dict[str, dict[Hashable, float]] = {}
    for group in groups:
        keys = list(scores[group])
        values = np.array([scores[group][k] for k in keys], dtype=float)
        r = stats.rankdata(-values, method="average")
        ranks[group] = {k: float(v) for k, v in zip(keys, r, strict=True)}
    spread: dict[Hashable, float] = {}
    seen: dict[Hashable, list[float]] = {}
    for group in groups:
        for item, rank in ranks[group].items():
            seen.setdefault(item, []).append(rank)
    for item, item_ranks in seen.items():
        if len(item_ranks) >= min_groups:
            spread[item] = float(max(item_ranks) - min(item_ranks))
    agreement: dict[tuple[str, str], float] = {}
    for x, g in enumerate(groups):
        for h in groups[x + 1 :]:
            common = [k for k in ranks[g] if k in ranks[h]]
            if len(common) < 3:
                agreement[(g, h)] = float("nan")
                continue
            a = np.array([scores[g][k] for k in common], dtype=float)
            b = np.array([scores[h][k] for k in common], dtype=float)
            if np.ptp(a) == 0 or np.ptp(b) == 0:
                agreement[(g, h)] = float("nan")
                continue
            rho = stats.spearmanr(a, b).statistic
            agreement[(g, h)] = float(rho)
    disputed = sorted(spread, key=lambda k: (-spread[k], str(k)))
    return GroupRanks(groups, ranks, spread, agreement, disputed)


# --- choosing the next pair ---------------------------------------------------------------------


def pair_key(a: Hashable, b: Hashable) -> tuple[Hashable, Hashable]:
    """A pair in its stored order (the smaller id first)."""
    return (a, b) if a <= b else (b, a)  # type: ignore[operator]


def next_pair(
    items: Sequence[Hashable],
    theta: Mapping[Hashable, float],
    played: Mapping[Hashable, int],
    seen: Iterable[tuple[Hashable, Hashable]],
    *,
    seed: int = 0,
    candidates: int = 60,
) -> tuple[Hashable, Hashable] | None:
    """The most informative pair to ask about next, or None with fewer than two items.

    theta: current strengths (missing = 0); played: comparisons per item so far (missing = 0);
    seen: the pairs this person already answered (any order), never asked again unless every
    pair has been answered. A pair is informative when its outcome is uncertain (close θ:
    p(1−p) near ¼) and its items have few comparisons. To stay fast with thousands of items only
    the `candidates` least-compared items are paired with all others. `seed` breaks ties
    (e.g. the person's id and vote count) so people do not all get the same pair."""
    n = len(items)
    if n < 2:
        return None
    rng = np.random.default_rng(seed)
    th = np.array([float(theta.get(i, 0.0)) for i in items])
    cnt = np.array([float(played.get(i, 0)) for i in items])
    pos = {item: k for k, item in enumerate(items)}
    seen_idx = set()
    for a, b in seen:
        if a in pos and b in pos:
            i, j = pos[a], pos[b]
            seen_idx.add((min(i, j), max(i, j)))
    exhausted = len(seen_idx) >= n * (n - 1) // 2
    jitter = rng.random(n) * 1e-6
    focus = np.argsort(cnt + jitter, kind="stable")[: min(candidates, n)]

    def best_among(rows: Iterable[int]) -> tuple[float, int, int] | None:
        best: tuple[float, int, int] | None = None
        for i in rows:
            p = _expit(th[i] - th)
            gain = p * (1 - p) * (1 / (1 + cnt[i]) + 1 / (1 + cnt)) + jitter
            gain[i] = -np.inf
            for j in np.argsort(-gain, kind="stable")[: n - 1]:
                pair = (int(min(i, j)), int(max(i, j)))
                if not exhausted and pair in seen_idx:
                    continue
                if best is None or gain[j] > best[0]:
                    best = (float(gain[j]), pair[0], pair[1])
                break
        return best

    # The least-compared items first; only if this person has answered all their pairs, all.
    best = best_among(int(i) for i in focus)
    if best is None:
        best = best_among(range(n))
    if best is None:
        return None
    first, second = items[best[1]], items[best[2]]
    # Which side is shown first is random too: position must not bias the choice.
    return (first, second) if rng.random() < 0.5 else (second, first)
