"""Opinion groups of a conversation, the way Polis finds them. No Django.

Participants agree (1), disagree (-1) or pass (0) on short statements. `analyse` follows the math of
Polis (compdemocracy/polis, `math/src/polismath/math`: conversation, pca, clusters, repness, stats):

1. The vote matrix, participant x statement, sparse: a changed vote counts with its latest value;
   moderated-out statements are left out (Polis keeps their columns, zeroed: so they still count
   in the projection's scaling, step 4). A pass is a vote (0); a statement not seen is missing.
2. Who is clustered ("in the conversation"): participants with at least min(7, statements) votes,
   replayed along the vote times as Polis's sticky set (someone who voted on all of the first
   three statements is in); while fewer than 15 qualify, the most active voters are added (ties
   at the boundary all in, so that the choice does not depend on labels).
3. PCA to two components of the matrix with missing votes imputed by the column mean, over all
   voters. Polis runs power iteration on the centred matrix; we compute the same two leading
   eigenvectors exactly (the limit that power iteration approaches), from the sparse centred
   matrix without ever imputing it densely.
4. Polis's sparsity-aware projection: a participant's position is the centred votes they gave,
   projected, times sqrt(statements / votes), which pushes sparse voters out from the centre.
5. Two-stage k-means like Polis: up to 100 base clusters of the clustered participants, then the
   base clusters (weighted by size) into k = 2..min(5, 2 + bases // 12) groups, k chosen by the
   silhouette of the base-cluster centres, and changed only once a new k has won 4 updates in a
   row (Polis's k-smoother, replayed over the last votes). Polis refines its clusters from the
   previous update of a live conversation; we have no history, so each k-means starts from
   several seeded k-means++ starts over canonically ordered points and keeps the tightest.
6. Representative statements per group with Polis's statistics: pseudocount-smoothed agree and
   disagree probabilities, the one-proportion test within the group and the two-proportion test
   against everyone else, z > 1.2816 (90 %, one-sided) for both; the best agree statement first,
   at most five, agrees before disagrees.
7. Consensus (statements most of everyone agree or disagree with, significantly), group-informed
   consensus (the product over groups of the smoothed agree probability), and the most divisive
   statements (the widest spread of the groups' smoothed stances).

`next_statement` applies Polis's priority rule for choosing what a participant sees next; a
statement's extremity is, as in Polis, the length of the projection of a lone agree (Polis's
internal polarity is agree = -1).

`rules` follows an older version of Polis's math (`POLIS_RULES`, `polis_rules_for`): before
21 October 2017 Polis filled missing votes with 0 instead of the column mean and counted
zeroed moderated-out columns as votes in the rule of who is clustered; before 14 April 2017
it had 50 base clusters. A Polis export's groups come from the Polis that ran when the
conversation was last updated.

Determinism: no unseeded randomness; participants and statements are put in a canonical order,
and every choice that could depend on that order is made from the data (positions, counts), so
relabelling participants or statements changes only the labels of the result.
"""

from __future__ import annotations

import csv
import itertools
import math
import random
import time
from collections.abc import Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.linalg
import scipy.sparse as sp
import scipy.sparse.linalg
from scipy.spatial import cKDTree

ParticipantId = Hashable
StatementId = Hashable
Vote = tuple[Any, Any, float, float]
Column = Sequence[Any] | np.ndarray

# Polis's constants (conversation.clj, repness.clj, stats.clj).
MIN_VOTES = 7  # a participant is clustered with at least min(7, statements) votes
GREEDY_PARTICIPANTS = 15  # ... or among the most active while fewer than 15 qualify
BASE_K = 100  # base clusters
MAX_GROUPS = 5  # at most five opinion groups
Z_90 = 1.2816  # one-sided 90 % significance
MAX_REPRESENTATIVE = 5
MAX_CONSENSUS = 5
META_PRIORITY = 7.0
POLIS_TOLERANCE = 0.01  # k-means has converged when no centre moves by more
GROUP_K_BUFFER = 4  # Polis changes the number of groups after 4 updates agree on it
# The k smoother replays the last updates of conversations up to this size; beyond it each of
# Polis's updates takes in many votes at once and the last few votes do not move the groups.
SMOOTHING_MAX_VOTES = 50_000
LARGE_MAP = 5_000  # distinct positions beyond which base k-means makes one start, not three

AGREE = "agree"
DISAGREE = "disagree"


@dataclass(frozen=True)
class PolisRules:
    """The version of Polis's math to follow (Polis's own history, `compdemocracy/polis`).

    A Polis export's groups were computed by the Polis that ran when the conversation was last
    updated; to compare with them, follow the rules of that time (`polis_rules_for`).
    """

    name: str
    impute: str  # a missing vote before the PCA: "mean" (the statement's mean) or "zero"
    count_zeroed: bool  # who is clustered: count zeroed moderated-out columns as votes
    base_k: int  # base clusters


POLIS_RULES = {
    # Since 21 October 2017 (commit 90b5b9e6): missing votes are the column mean, votes are
    # counted on the raw matrix.
    "current": PolisRules("current", impute="mean", count_zeroed=False, base_k=100),
    # 14 April to 20 October 2017: missing votes were 0 before the PCA, and votes were
    # counted on the moderated matrix, where moderated-out (and meta) columns are zeros.
    "2017": PolisRules("2017", impute="zero", count_zeroed=True, base_k=100),
    # Before 14 April 2017 (commit 32988e40): as "2017" with 50 base clusters.
    "early-2017": PolisRules("early-2017", impute="zero", count_zeroed=True, base_k=50),
}
# The changes' dates in Unix milliseconds (UTC midnight).
_MEAN_IMPUTATION_SINCE_MS = 1_508_544_000_000  # 2017-10-21
_BASE_K_100_SINCE_MS = 1_492_128_000_000  # 2017-04-14


def polis_rules_for(last_vote_ms: float) -> str:
    """The name of the rules Polis followed for a conversation last updated at this time
    (Unix milliseconds, as in Polis's exports)."""
    if last_vote_ms >= _MEAN_IMPUTATION_SINCE_MS:
        return "current"
    if last_vote_ms >= _BASE_K_100_SINCE_MS:
        return "2017"
    return "early-2017"


class PolisExportError(ValueError):
    """A Polis export that cannot be read: the message names the file, row and column."""


@dataclass(frozen=True)
class RepresentativeStatement:
    """A statement that sets a group apart (Polis's repness).

    `probability` is the group's smoothed share voting in `direction`, (n + 1) / (seen + 2);
    `repness` that share divided by the same share among everyone else; `z` the two-proportion
    z-statistic (group vs. the rest) and `p_value` its one-sided p-value.
    """

    statement: StatementId
    direction: str
    probability: float
    repness: float
    p_value: float
    z: float
    votes: int  # the group's votes in `direction`
    seen: int  # the group's votes on the statement (passes included)


@dataclass(frozen=True)
class OpinionGroup:
    """One opinion group: its members (participant ids) and its representative statements."""

    id: int
    size: int
    members: list[ParticipantId]
    representative: list[RepresentativeStatement]
    center: tuple[float, float]


@dataclass(frozen=True)
class VoteCounts:
    """Agree, disagree and pass votes on one statement (by everyone or by one group)."""

    agree: int = 0
    disagree: int = 0
    passed: int = 0

    @property
    def seen(self) -> int:
        """All votes, passes included."""
        return self.agree + self.disagree + self.passed


@dataclass(frozen=True)
class StatementStats:
    """Votes on one statement, overall and per group, and the statement's derived figures."""

    statement: StatementId
    votes: VoteCounts
    by_group: dict[int, VoteCounts]
    extremity: float  # length of the statement's projection in the opinion map (Polis)
    divisiveness: float  # spread of the groups' stances; 0 without groups
    group_informed_consensus: float

    @property
    def agree(self) -> int:
        """Agree votes by everyone."""
        return self.votes.agree

    @property
    def disagree(self) -> int:
        """Disagree votes by everyone."""
        return self.votes.disagree

    @property
    def passed(self) -> int:
        """Passes by everyone."""
        return self.votes.passed


@dataclass(frozen=True)
class OpinionAnalysis:
    """The result of `analyse`.

    - `participants`: every voter's group id, None where not clustered.
    - `coordinates`: every voter's position on the opinion map (Polis's projection).
    - `groups`: the opinion groups, largest first (ids 0, 1, ...).
    - `consensus`: statements that most participants agree / disagree with, strongest first.
    - `group_informed_consensus`: per statement, the product over groups of the smoothed
      probability of agreeing (high only when every group tends to agree).
    - `divisive`: the statements that split the groups most, most divisive first.
    - `statement_stats`: per statement, the vote counts overall and per group.
    - `clustered` / `reason`: whether groups were formed, and if not, why.
    """

    participants: dict[ParticipantId, int | None]
    coordinates: dict[ParticipantId, tuple[float, float]]
    groups: list[OpinionGroup]
    consensus: dict[str, list[StatementId]]
    group_informed_consensus: dict[StatementId, float]
    divisive: list[StatementId]
    statement_stats: dict[StatementId, StatementStats]
    clustered: bool
    reason: str
    seconds: float
    statements: list[StatementId] = field(default_factory=list)
    moderated_out: frozenset[StatementId] = frozenset()
    votes: int = 0
    rules: str = "current"  # the version of Polis's rules followed (POLIS_RULES)

    @property
    def group_of(self) -> dict[ParticipantId, int | None]:
        """Alias of `participants`."""
        return self.participants


# ---------------------------------------------------------------------------------------------
# Vote matrix


def _canonical_order(ids: list[Any]) -> list[Any]:
    """Sort ids; ids of mixed types are grouped by type name first."""
    try:
        return sorted(ids)
    except TypeError:
        return sorted(ids, key=lambda value: (type(value).__name__, repr(value)))


def _factorise(values: Column) -> tuple[list[Any], np.ndarray]:
    """The distinct values in canonical order and each value's index among them."""
    if not len(values):
        return [], np.zeros(0, dtype=np.int64)
    array = np.asarray(values)
    if array.ndim == 1 and array.dtype.kind in "iub":
        array = array.astype(np.int64)
        low, high = int(array.min()), int(array.max())
        if high - low <= 4 * len(array) + 1024:
            # Small integer ids: a presence table instead of a sort.
            present = np.zeros(high - low + 1, dtype=bool)
            present[array - low] = True
            code = np.cumsum(present) - 1
            uniques = np.flatnonzero(present) + low
            return uniques.tolist(), code[array - low]
        uniques, inverse = np.unique(array, return_inverse=True)
        return uniques.tolist(), inverse.astype(np.int64)
    index: dict[Any, int] = {}
    codes = np.fromiter(
        (index.setdefault(value, len(index)) for value in values), np.int64, len(values)
    )
    order = _canonical_order(list(index))
    remap = np.empty(len(index), dtype=np.int64)
    for new, value in enumerate(order):
        remap[index[value]] = new
    return order, remap[codes] if len(codes) else codes


@dataclass
class _Matrix:
    participants: list[Any]
    statements: list[Any]  # included statements (not moderated out), canonical order
    rows: np.ndarray  # one entry per (participant, statement) with a vote, latest value
    cols: np.ndarray
    values: np.ndarray  # float64: 1 agree, -1 disagree, 0 pass
    n_votes: int
    # Every voted cell, moderated-out statements included (Polis's raw rating matrix), with
    # the time of the cell's first vote: for the rule of who is clustered.
    cell_rows: np.ndarray
    cell_cols: np.ndarray
    cell_times: np.ndarray
    cell_ranks: np.ndarray  # the same times as distinct ranks (ties by input order)
    ranks: np.ndarray  # those ranks for the included cells (aligned with rows/cols)
    zeroed: int  # moderated-out statements that have votes
    cell_included: np.ndarray  # per cell: its statement is not moderated out


def _build_matrix(
    votes: Iterable[Vote],
    statements: Iterable[StatementId] | None,
    moderated_out: Collection[StatementId],
) -> _Matrix:
    if isinstance(votes, np.ndarray) and votes.ndim == 2 and votes.shape[1] == 4:
        # Fast path for bulk callers: one row per vote, numeric columns.
        return _build_matrix_columns(
            votes[:, 0], votes[:, 1], votes[:, 2], votes[:, 3], statements, moderated_out, None
        )
    vote_list = votes if isinstance(votes, list) else list(votes)
    # One list per field (zip(*votes) is several times slower on millions of votes).
    try:
        if vote_list and set(map(len, vote_list)) != {4}:
            raise ValueError
        pids = [vote[0] for vote in vote_list]
        sids = [vote[1] for vote in vote_list]
        vals = [vote[2] for vote in vote_list]
        times = [vote[3] for vote in vote_list]
    except (TypeError, ValueError):
        raise ValueError(
            "each vote must be a tuple (participant, statement, value, time)"
        ) from None
    return _build_matrix_columns(pids, sids, vals, times, statements, moderated_out, vote_list)


def _build_matrix_columns(
    pids: Column,
    sids: Column,
    vals: Column,
    times: Column,
    statements: Iterable[StatementId] | None,
    moderated_out: Collection[StatementId],
    vote_list: list[Any] | None,
) -> _Matrix:
    try:
        values = np.asarray(vals, dtype=np.float64) if len(vals) else np.zeros(0)
    except (TypeError, ValueError):
        values = np.full(len(vals), np.nan)
    valid = (values == 1.0) | (values == 0.0) | (values == -1.0)
    if not valid.all():
        at = int(np.flatnonzero(~valid)[0])
        bad = (
            vote_list[at]
            if vote_list is not None
            else tuple(x[at] for x in (pids, sids, vals, times))
        )
        raise ValueError(f"vote value must be 1, -1 or 0, not {vals[at]!r} (vote {bad!r})")
    stamps = _times(times)
    participants, prow = _factorise(pids)
    all_statements, scol = _factorise(sids)
    # Latest vote per (participant, statement); equal times: the later in the input wins.
    n = len(values)
    if n:
        key = prow * len(all_statements) + scol
        # Sort by cell, then time, then input position (a stable sort of the times keeps the
        # input order among equal times); one integer key is much faster than lexsort.
        time_rank = np.empty(n, dtype=np.int64)
        time_rank[np.argsort(stamps, kind="stable")] = np.arange(n)
        order = np.argsort(key * n + time_rank)
        key_sorted = key[order]
        last = np.ones(n, dtype=bool)
        last[:-1] = key_sorted[1:] != key_sorted[:-1]
        first = np.ones(n, dtype=bool)
        first[1:] = last[:-1]
        first_times = stamps[order[first]]  # same cells, same order as `keep`
        first_ranks = time_rank[order[first]]
        keep = order[last]
        prow, scol, values = prow[keep], scol[keep], values[keep]
    else:
        first_times = np.zeros(0)
        first_ranks = np.zeros(0, dtype=np.int64)
    # Statements: the given ones plus any voted on, minus the moderated-out ones.
    known = set(all_statements)
    extra = [s for s in (statements or ()) if s not in known]
    out = set(moderated_out)
    included_voted = np.array([s not in out for s in all_statements], dtype=bool)
    new_index = np.cumsum(included_voted) - 1
    keep_votes = included_voted[scol] if n else np.zeros(0, dtype=bool)
    voted_statements = [s for s, inc in zip(all_statements, included_voted) if inc]
    final = voted_statements
    position = np.arange(len(voted_statements), dtype=np.int64)
    extra = [s for s in extra if s not in out]
    if extra:
        final = _canonical_order(voted_statements + extra)
        where = {s: i for i, s in enumerate(final)}
        position = np.asarray([where[s] for s in voted_statements], dtype=np.int64)
    cols = position[new_index[scol[keep_votes]]] if n else scol.astype(np.int64)
    return _Matrix(
        participants=participants,
        statements=final,
        rows=prow[keep_votes],
        cols=cols,
        values=values[keep_votes],
        n_votes=int(keep_votes.sum()),
        cell_rows=prow,
        cell_cols=scol,
        cell_times=first_times,
        cell_ranks=first_ranks,
        ranks=first_ranks[keep_votes] if n else first_ranks,
        zeroed=int((~included_voted).sum()),
        cell_included=keep_votes,
    )


def _times(times: Column) -> np.ndarray:
    """Vote times as floats: numbers as they are, datetimes as POSIX seconds, else by rank."""
    if not len(times):
        return np.zeros(0)
    try:
        return np.asarray(times, dtype=np.float64)
    except (TypeError, ValueError):
        pass
    try:
        return np.asarray([moment.timestamp() for moment in times], dtype=np.float64)
    except (AttributeError, TypeError, ValueError):
        return np.asarray(_ranks(list(times)), dtype=np.float64)


def _ranks(values: list[Any]) -> list[int]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0] * len(values)
    for rank, i in enumerate(order):
        ranks[i] = rank
    return ranks


# ---------------------------------------------------------------------------------------------
# PCA and projection


def _pca(
    rows: np.ndarray,
    cols: np.ndarray,
    values: np.ndarray,
    n_rows: int,
    n_cols: int,
    impute: str = "mean",
) -> tuple[np.ndarray, np.ndarray, sp.csr_matrix]:
    """Column centres, the two leading principal components (n_cols x 2) and the centred votes.

    `impute` is how Polis fills a missing vote before its PCA: "mean" (the statement's mean
    vote; Polis since October 2017) or "zero" (Polis before). With "mean" the imputed matrix
    minus its column means is zero where a vote is missing, so the centred matrix is as sparse
    as the votes. With "zero" the centre is the column mean over everyone (missing counted as
    0) and a missing vote centres to -centre: the covariance is X'X - n c c' of the sparse
    vote matrix X, never formed densely. The returned sparse matrix holds (vote - centre) for
    the given votes only, which is what Polis's sparsity-aware projection uses.
    """
    counts = np.bincount(cols, minlength=n_cols).astype(np.float64)
    sums = np.bincount(cols, weights=values, minlength=n_cols)
    if impute == "zero":
        means = sums / max(n_rows, 1)
    else:
        means = np.divide(sums, counts, out=np.zeros(n_cols), where=counts > 0)
    centred = sp.csr_matrix(
        (values - means[cols], (rows, cols)), shape=(n_rows, n_cols), dtype=np.float64
    )
    raw = (
        sp.csr_matrix((values, (rows, cols)), shape=(n_rows, n_cols), dtype=np.float64)
        if impute == "zero"
        else centred
    )
    correction = float(n_rows) if impute == "zero" else 0.0
    n_comps = min(2, n_rows, n_cols)
    components = np.zeros((n_cols, 2))
    if n_comps == 0:
        return means, components, centred
    if n_cols <= 200:
        gram = (raw.T @ raw).toarray() - correction * np.outer(means, means)
        eigenvalues, vectors = scipy.linalg.eigh(gram)
        order = np.argsort(-eigenvalues, kind="stable")[:n_comps]
        top = vectors[:, order]
        top_values = eigenvalues[order]
    else:
        # Lanczos on the implicit covariance: two sparse products per step, no dense copy.
        raw_t = raw.T.tocsr()
        operator = scipy.sparse.linalg.LinearOperator(
            (n_cols, n_cols),
            matvec=lambda v: raw_t @ (raw @ v) - correction * means * float(means @ v),
            dtype=np.float64,
        )
        top_values, top = scipy.sparse.linalg.eigsh(
            operator, k=n_comps, which="LA", v0=np.ones(n_cols), tol=1e-10
        )
        order = np.argsort(-top_values, kind="stable")
        top, top_values = top[:, order], top_values[order]
    scale = max(float(np.abs(top_values).max()), 1e-300)
    for i in range(n_comps):
        if top_values[i] <= 1e-10 * scale or top_values[i] <= 1e-12:
            continue  # no variance left in this direction (Polis leaves it zero)
        vector = top[:, i]
        # Sign is arbitrary; fix it from the data, not from column order.
        total = float(vector.sum())
        if abs(total) < 1e-9:
            total = float(vector[int(np.argmax(np.abs(vector)))])
            biggest = np.abs(vector).max()
            ties = np.abs(np.abs(vector) - biggest) < 1e-12
            total = float(vector[ties].sum()) or total
        components[:, i] = vector if total >= 0 else -vector
    return means, components, centred


def _project(
    centred: sp.csr_matrix,
    components: np.ndarray,
    votes_per_row: np.ndarray,
    n_cols: int,
    zeroed: int = 0,
) -> np.ndarray:
    """Polis's sparsity-aware projection: project the given votes, scale by sqrt(n / votes).

    `zeroed`: moderated-out statements that had votes. Polis keeps their columns in the matrix,
    set to 0 for everyone, so they count in both n and every participant's votes.
    """
    raw = np.asarray(centred @ components)
    scale = np.sqrt((n_cols + zeroed) / np.maximum(votes_per_row + zeroed, 1))
    return raw * scale[:, None]


# ---------------------------------------------------------------------------------------------
# k-means


def _squared_distances(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    d = (
        (points * points).sum(1)[:, None]
        - 2.0 * points @ centres.T
        + (centres * centres).sum(1)[None, :]
    )
    np.maximum(d, 0.0, out=d)
    return d


def _kmeans_pp(points: np.ndarray, weights: np.ndarray, k: int, rng: np.random.Generator):
    """k-means++ starting centres (weighted), from a seeded generator."""
    n = len(points)
    first = int(rng.choice(n, p=weights / weights.sum()))
    chosen = [first]
    closest = ((points - points[first]) ** 2).sum(1)
    for _ in range(1, k):
        mass = closest * weights
        total = mass.sum()
        if total <= 0:
            break
        nxt = int(rng.choice(n, p=mass / total))
        chosen.append(nxt)
        np.minimum(closest, ((points - points[nxt]) ** 2).sum(1), out=closest)
    return points[chosen].copy()


def _nearest(points: np.ndarray, centres: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of and squared distance to the nearest centre, for each point."""
    if len(centres) > 16:
        distance, index = cKDTree(centres).query(points)
        return np.asarray(index, dtype=np.int64), np.asarray(distance) ** 2
    squared = _squared_distances(points, centres)
    index = np.argmin(squared, axis=1)
    return index, squared[np.arange(len(points)), index]


def _lloyd(
    points: np.ndarray,
    weights: np.ndarray,
    centres: np.ndarray,
    max_iter: int,
    tolerance: float = POLIS_TOLERANCE,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Weighted Lloyd iterations until no point changes cluster or no centre moves by
    `tolerance` (Polis: 0.01); empty clusters are dropped (as Polis does)."""
    moved = np.inf
    labels = np.full(len(points), -1)
    for _ in range(max_iter):
        new_labels, _ = _nearest(points, centres)
        if np.array_equal(new_labels, labels) or moved < tolerance:
            break
        labels = new_labels
        k = len(centres)
        mass = np.bincount(labels, weights=weights, minlength=k)
        sums = np.stack(
            [np.bincount(labels, weights=weights * points[:, d], minlength=k) for d in range(2)],
            axis=1,
        )
        alive = mass > 0
        updated = sums[alive] / mass[alive, None]
        if alive.all():
            moved = float(np.sqrt(((updated - centres) ** 2).sum(1)).max())
        else:
            labels = np.full(len(points), -1)  # relabel against the surviving centres
        centres = updated
    labels, squared = _nearest(points, centres)
    return centres, labels, float((weights * squared).sum())


def _kmeans(
    points: np.ndarray, weights: np.ndarray, k: int, *, seed: int, starts: int, max_iter: int
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted k-means, best of several seeded k-means++ starts. Points must be distinct and in
    canonical order; returns centres and labels with clusters numbered canonically."""
    if k >= len(points):
        return points.copy(), np.arange(len(points))
    rng = np.random.default_rng(seed)
    best: tuple[float, np.ndarray, np.ndarray] | None = None
    for _ in range(starts):
        start = _kmeans_pp(points, weights, k, rng)
        centres, labels, inertia = _lloyd(points, weights, start, max_iter)
        if best is None or inertia < best[0] - 1e-9 * max(1.0, abs(best[0])):
            best = (inertia, centres, labels)
    assert best is not None
    _, centres, labels = best
    # Number clusters by their first point in canonical order.
    order: list[int] = []
    seen: set[int] = set()
    for label in labels.tolist():
        if label not in seen:
            seen.add(label)
            order.append(label)
    remap = np.empty(len(centres), dtype=np.int64)
    remap[order] = np.arange(len(order))
    return centres[order], remap[labels]


def _silhouette(distances: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette over points (Polis: over base-cluster centres, unweighted).

    A point alone in its cluster scores 0, as in Polis.
    """
    k = int(labels.max()) + 1
    if k < 2:
        return 0.0
    n = len(labels)
    one_hot = np.zeros((n, k))
    one_hot[np.arange(n), labels] = 1.0
    sizes = one_hot.sum(0)
    sums = distances @ one_hot  # n x k: total distance to each cluster
    own = sizes[labels] - 1
    a = np.divide(sums[np.arange(n), labels], own, out=np.zeros(n), where=own > 0)
    mean_other = sums / np.maximum(sizes, 1)[None, :]
    mean_other[np.arange(n), labels] = np.inf
    b = mean_other.min(1)
    denominator = np.maximum(a, b)
    s = np.divide(b - a, denominator, out=np.zeros(n), where=denominator > 0)
    s[own == 0] = 0.0
    return float(s.mean())


# ---------------------------------------------------------------------------------------------
# Statistics (Polis's stats.clj)


def prop_test(successes: np.ndarray | float, n: np.ndarray | float) -> np.ndarray:
    """Polis's one-proportion z-test against 1/2, with a pseudocount of one."""
    s = np.asarray(successes, dtype=np.float64) + 1.0
    m = np.asarray(n, dtype=np.float64) + 1.0
    return 2.0 * np.sqrt(m) * (s / m - 0.5)


def two_prop_test(
    succ_in: np.ndarray | float,
    succ_out: np.ndarray | float,
    n_in: np.ndarray | float,
    n_out: np.ndarray | float,
) -> np.ndarray:
    """Polis's two-proportion z-test (group vs. the rest), with pseudocounts of one."""
    s1 = np.asarray(succ_in, dtype=np.float64) + 1.0
    s2 = np.asarray(succ_out, dtype=np.float64) + 1.0
    m1 = np.asarray(n_in, dtype=np.float64) + 1.0
    m2 = np.asarray(n_out, dtype=np.float64) + 1.0
    pooled = (s1 + s2) / (m1 + m2)
    variance = pooled * (1.0 - pooled) * (1.0 / m1 + 1.0 / m2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (s1 / m1 - s2 / m2) / np.sqrt(variance)
    return np.where(variance > 0, z, 0.0)


def _p_value(z: float) -> float:
    """One-sided p-value of a z-statistic (upper tail of the standard normal)."""
    return 0.5 * math.erfc(z / math.sqrt(2.0))


# ---------------------------------------------------------------------------------------------
# Analysis


def analyse(
    votes: Iterable[Vote],
    *,
    statements: Iterable[StatementId] | None = None,
    moderated_out: Collection[StatementId] = (),
    min_votes: int = MIN_VOTES,
    min_participants: int = 4,
    base_k: int | None = None,
    max_groups: int = MAX_GROUPS,
    seed: int = 0,
    zero_moderated: bool = True,
    k_buffer: int = GROUP_K_BUFFER,
    previous: OpinionAnalysis | None = None,
    rules: str = "current",
) -> OpinionAnalysis:
    """Find opinion groups, representative statements and consensus in a conversation.

    `votes` are (participant, statement, value, time) tuples, value 1 agree, -1 disagree, 0 pass;
    of several votes by one participant on one statement the one with the latest time counts
    (equal times: the later in `votes`). `statements` may name statements nobody voted on yet;
    `moderated_out` statements are left out of everything. Ids can be any sortable hashables.

    Never raises for a conversation that is too small: `clustered` is False and `reason` says
    why; statement statistics and consensus are still given. Raises ValueError for a vote whose
    value is not 1, -1 or 0. Deterministic for a given input and `seed`.

    Groups are numbered 0, 1, ... largest first. With `previous` (the last analysis of the same
    conversation) they keep their numbers instead where they can: each group gets the number of
    the previous group it shares most members with, so that "your group" does not change its
    name because another group grew; the groups then come in the order of their numbers.
    """
    started = time.perf_counter()
    if rules not in POLIS_RULES:
        raise ValueError(f"rules must be one of {', '.join(POLIS_RULES)}, not {rules!r}")
    polis = POLIS_RULES[rules]
    base_k = polis.base_k if base_k is None else base_k
    moderated = frozenset(moderated_out)
    matrix = _build_matrix(votes, statements, moderated)
    n_p = len(matrix.participants)
    rows, cols, values = matrix.rows, matrix.cols, matrix.values
    positions, means, components, voted_cols = _opinion_map(matrix, zero_moderated, polis.impute)
    n_c = len(voted_cols)
    coordinates = {
        pid: (float(x), float(y)) for pid, (x, y) in zip(matrix.participants, positions.tolist())
    }

    # Extremity of each statement: Polis projects a participant with a lone vote of -1, which
    # in Polis's own polarity (agree = -1, disagree = 1; its exports flip the sign) is an
    # agree, scaled by sqrt(statements), zeroed moderated-out columns included.
    extremity = np.zeros(len(matrix.statements))
    if n_c:
        n_all = n_c + (matrix.zeroed if zero_moderated else 0)
        lone = (1.0 - means)[:, None] * components * math.sqrt(n_all)
        extremity[voted_cols] = np.sqrt((lone**2).sum(1))

    # Who is clustered.
    in_conv, threshold = _in_conversation(matrix, min_votes, polis.count_zeroed)
    labels = np.full(n_p, -1, dtype=np.int64)
    groups_centres = np.zeros((0, 2))
    reason = ""
    clustered = False
    if n_p == 0:
        reason = "no votes yet"
    elif in_conv.sum() < min_participants:
        reason = (
            f"too few participants to find opinion groups: {int(in_conv.sum())} "
            f"of {n_p} voted enough (at least {threshold} votes), "
            f"{min_participants} needed"
        )
    else:
        labels, groups_centres, reason, best_k = _cluster(
            positions, in_conv, base_k=base_k, max_groups=max_groups, seed=seed
        )
        clustered = reason == ""
        if clustered and k_buffer > 1 and matrix.n_votes <= SMOOTHING_MAX_VOTES:
            k = _smoothed_k(
                matrix,
                best_k,
                updates=2 * k_buffer,
                k_buffer=k_buffer,
                settings=(min_votes, min_participants, base_k, max_groups, seed, zero_moderated),
                polis=polis,
            )
            if k != best_k:
                labels, groups_centres, reason, _ = _cluster(
                    positions, in_conv, base_k=base_k, max_groups=max_groups, seed=seed, k=k
                )

    k = len(groups_centres)
    if previous is not None and clustered and previous.groups:
        renumber = _keep_numbers(labels, k, matrix.participants, previous)
        labels = np.where(labels >= 0, renumber[np.maximum(labels, 0)], -1)
        centres_by_id = np.zeros_like(groups_centres)
        centres_by_id[renumber] = groups_centres
        groups_centres = centres_by_id
    n_s = len(matrix.statements)
    agree_all, disagree_all, seen_all = _counts(rows, cols, values, n_s, None, 1)
    group_of_row = labels
    if clustered:
        ga, gd, gs = _counts(rows, cols, values, n_s, group_of_row, k)
    else:
        ga = gd = gs = np.zeros((0, n_s))

    # Representative statements.
    groups: list[OpinionGroup] = []
    for g in range(k):
        members_idx = np.flatnonzero(labels == g)
        rest_a, rest_d, rest_s = ga.sum(0) - ga[g], gd.sum(0) - gd[g], gs.sum(0) - gs[g]
        representative = _representative(
            ga[g], gd[g], gs[g], rest_a, rest_d, rest_s, matrix.statements
        )
        groups.append(
            OpinionGroup(
                id=g,
                size=len(members_idx),
                members=[matrix.participants[i] for i in members_idx.tolist()],
                representative=representative,
                center=(float(groups_centres[g, 0]), float(groups_centres[g, 1])),
            )
        )

    consensus = _consensus(agree_all[0], disagree_all[0], seen_all[0], matrix.statements)
    if clustered:
        gic = np.prod((ga + 1.0) / (gs + 2.0), axis=0)
        pa = (ga + 1.0) / (gs + 2.0)
        pd = (gd + 1.0) / (gs + 2.0)
        stance = pa - pd
        divisiveness = stance.max(0) - stance.min(0)
    else:
        cov_a, _, cov_s = _counts(rows, cols, values, n_s, np.where(in_conv, 0, -1), 1)
        gic = ((cov_a + 1.0) / (cov_s + 2.0))[0]
        divisiveness = np.zeros(n_s)
    divisive_order = sorted(
        (i for i in range(n_s) if divisiveness[i] > 0),
        key=lambda i: (-round(float(divisiveness[i]), 12), -int(seen_all[0, i]), i),
    )[:10]

    stats: dict[StatementId, StatementStats] = {}
    for i, statement in enumerate(matrix.statements):
        stats[statement] = StatementStats(
            statement=statement,
            votes=_vote_counts(agree_all[0, i], disagree_all[0, i], seen_all[0, i]),
            by_group={g: _vote_counts(ga[g, i], gd[g, i], gs[g, i]) for g in range(k)},
            extremity=float(extremity[i]),
            divisiveness=float(divisiveness[i]),
            group_informed_consensus=float(gic[i]),
        )

    participants = {
        pid: (int(labels[i]) if labels[i] >= 0 else None)
        for i, pid in enumerate(matrix.participants)
    }
    return OpinionAnalysis(
        participants=participants,
        coordinates=coordinates,
        groups=groups,
        consensus=consensus,
        group_informed_consensus={s: float(gic[i]) for i, s in enumerate(matrix.statements)},
        divisive=[matrix.statements[i] for i in divisive_order],
        statement_stats=stats,
        clustered=clustered,
        reason=reason,
        seconds=time.perf_counter() - started,
        statements=list(matrix.statements),
        moderated_out=moderated,
        votes=matrix.n_votes,
        rules=rules,
    )


def _opinion_map(
    matrix: _Matrix, zero_moderated: bool, impute: str = "mean"
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Positions of all participants, column means, components and the voted statements."""
    n_p = len(matrix.participants)
    col_of_statement = np.full(len(matrix.statements), -1, dtype=np.int64)
    voted_cols = np.flatnonzero(np.bincount(matrix.cols, minlength=len(matrix.statements)))
    col_of_statement[voted_cols] = np.arange(len(voted_cols))
    n_c = len(voted_cols)
    votes_per_row = np.bincount(matrix.rows, minlength=n_p)
    means, components, centred = _pca(
        matrix.rows, col_of_statement[matrix.cols], matrix.values, n_p, n_c, impute
    )
    zeroed = matrix.zeroed if zero_moderated else 0
    if not n_p:
        return np.zeros((0, 2)), means, components, voted_cols
    positions = _project(centred, components, votes_per_row, n_c, zeroed)
    return positions, means, components, voted_cols


def _without_last(matrix: _Matrix, count: int) -> _Matrix:
    """The conversation as it was before its last `count` votes (by time)."""
    cutoff = np.sort(matrix.cell_ranks)[len(matrix.cell_ranks) - count]
    keep = matrix.ranks < cutoff
    keep_cells = matrix.cell_ranks < cutoff
    return _Matrix(
        participants=matrix.participants,
        statements=matrix.statements,
        rows=matrix.rows[keep],
        cols=matrix.cols[keep],
        values=matrix.values[keep],
        n_votes=int(keep.sum()),
        cell_rows=matrix.cell_rows[keep_cells],
        cell_cols=matrix.cell_cols[keep_cells],
        cell_times=matrix.cell_times[keep_cells],
        cell_ranks=matrix.cell_ranks[keep_cells],
        ranks=matrix.ranks[keep],
        zeroed=matrix.zeroed,
        cell_included=matrix.cell_included[keep_cells],
    )


def _smoothed_k(
    matrix: _Matrix,
    best_k: int,
    *,
    updates: int,
    k_buffer: int,
    settings: tuple[int, int, int, int, int, bool],
    polis: PolisRules = POLIS_RULES["current"],
) -> int:
    """Polis's group-k smoother, replayed over the conversation's last updates.

    Polis recomputes after new votes and changes the number of groups only once the same k has
    had the best silhouette `k_buffer` updates in a row. We take each of the last `updates`
    votes as an update (the usual pace of a small conversation), find the best k before it,
    and run the smoother forward to now.
    """
    min_votes, min_participants, base_k, max_groups, seed, zero_moderated = settings
    history: list[int | None] = []
    for count in range(min(updates, len(matrix.cell_ranks) - 1), 0, -1):
        earlier = _without_last(matrix, count)
        positions, _, _, _ = _opinion_map(earlier, zero_moderated, polis.impute)
        in_conv, _ = _in_conversation(earlier, min_votes, polis.count_zeroed)
        k: int | None = None
        if in_conv.sum() >= min_participants:
            _, _, reason, k = _cluster(
                positions, in_conv, base_k=base_k, max_groups=max_groups, seed=seed
            )
            k = k if reason == "" else None
        history.append(k)
    history.append(best_k)
    smoothed: int | None = None
    last: int | None = None
    run = 0
    for k in history:
        if k is None:
            continue
        run = run + 1 if k == last else 1
        last = k
        if smoothed is None or run >= k_buffer:
            smoothed = k
    return best_k if smoothed is None else smoothed


def _keep_numbers(
    labels: np.ndarray, k: int, participants: list[Any], previous: OpinionAnalysis
) -> np.ndarray:
    """New number for each group (0..k-1): the assignment sharing most members with the
    previous analysis's groups of those numbers (ties: the size order stays)."""
    overlap = np.zeros((k, k))
    for i, pid in enumerate(participants):
        old = previous.participants.get(pid)
        if labels[i] >= 0 and old is not None and old < k:
            overlap[labels[i], old] += 1
    best = tuple(range(k))
    best_score = overlap[np.arange(k), list(best)].sum()
    for order in itertools.permutations(range(k)):
        score = overlap[np.arange(k), list(order)].sum()
        if score > best_score:
            best, best_score = order, score
    return np.asarray(best, dtype=np.int64)


def _vote_counts(agree: float, disagree: float, seen: float) -> VoteCounts:
    a, d, s = int(agree), int(disagree), int(seen)
    return VoteCounts(agree=a, disagree=d, passed=s - a - d)


def _counts(
    rows: np.ndarray,
    cols: np.ndarray,
    values: np.ndarray,
    n_s: int,
    group_of_row: np.ndarray | None,
    k: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Agree, disagree and seen counts per (group, statement); group None = everyone."""
    group = np.zeros(len(rows), dtype=np.int64) if group_of_row is None else group_of_row[rows]
    keep = group >= 0
    key = group[keep] * n_s + cols[keep]
    v = values[keep]
    size = k * n_s
    agree = np.bincount(key, weights=(v > 0).astype(np.float64), minlength=size)
    disagree = np.bincount(key, weights=(v < 0).astype(np.float64), minlength=size)
    seen = np.bincount(key, minlength=size).astype(np.float64)
    return agree.reshape(k, n_s), disagree.reshape(k, n_s), seen.reshape(k, n_s)


def _in_conversation(
    matrix: _Matrix, min_votes: int, count_zeroed: bool = False
) -> tuple[np.ndarray, int]:
    """Polis's rule for who is clustered, and the vote threshold as it stands now.

    A participant is in once they have at least min(7, statements voted on so far) votes; Polis
    evaluates this at every update of a live conversation and never takes anyone out again, so
    we replay it along the vote times: a participant who voted on all of the first few
    statements is in. Votes on moderated-out statements count, as in Polis's raw matrix (since
    October 2017). With `count_zeroed` (Polis before October 2017, which counted on the
    moderated matrix) the votes on moderated-out statements do not count, but each of their
    zeroed columns counts as a vote for everyone.

    While fewer than 15 are in, Polis adds the most active voters (all those tied at the
    boundary here, so that the choice does not depend on labels). Polis does this at every
    update and keeps them, which in a live conversation would make the first 15 voters
    members; but a Polis recompute starts from an empty set, and the exports show early
    voters Polis did not cluster (6 of canadian-electoral-reform's first 15), so we apply it
    to the conversation as it stands, as a recompute does.
    """
    n_p = len(matrix.participants)
    keep = matrix.cell_included if count_zeroed else np.ones(len(matrix.cell_rows), dtype=bool)
    rows = matrix.cell_rows[keep]
    times, ranks = matrix.cell_times[keep], matrix.cell_ranks[keep]
    extra = matrix.zeroed if count_zeroed else 0
    in_conv = np.zeros(n_p, dtype=bool)
    all_cols = matrix.cell_cols
    n_statements = int(np.count_nonzero(np.bincount(all_cols))) if len(all_cols) else 0
    if len(rows):
        # Statements voted on by time t: by the time of each statement's first vote.
        first_of_statement = np.full(int(all_cols.max()) + 1, np.inf)
        np.minimum.at(first_of_statement, all_cols, matrix.cell_times)
        statement_times = np.sort(first_of_statement[np.isfinite(first_of_statement)])
        order = np.argsort(rows * (int(ranks.max()) + 1) + ranks)
        r, t = rows[order], times[order]
        n = len(r)
        # A participant's votes up to and including time t (ties at t all count).
        group_end = np.ones(n, dtype=bool)
        group_end[:-1] = (r[1:] != r[:-1]) | (t[1:] != t[:-1])
        end_index = np.flatnonzero(group_end)
        end_of = end_index[np.searchsorted(end_index, np.arange(n))]
        row_start = np.searchsorted(r, r, side="left")
        count = end_of - row_start + 1 + extra
        statements_then = np.searchsorted(statement_times, t, side="right")
        qualified = count >= np.minimum(min_votes, statements_then)
        in_conv[r[qualified]] = True
    votes_per_row = np.bincount(rows, minlength=n_p) + extra * (
        np.bincount(matrix.cell_rows, minlength=n_p) > 0
    )
    if in_conv.sum() < GREEDY_PARTICIPANTS and votes_per_row.any():
        ranked = np.sort(votes_per_row[votes_per_row > 0])[::-1]
        boundary = ranked[min(GREEDY_PARTICIPANTS, len(ranked)) - 1]
        in_conv |= votes_per_row >= max(int(boundary), 1)
    return in_conv, min(min_votes, n_statements)


def _cluster(
    positions: np.ndarray,
    in_conv: np.ndarray,
    *,
    base_k: int,
    max_groups: int,
    seed: int,
    k: int | None = None,
) -> tuple[np.ndarray, np.ndarray, str, int]:
    """Two-stage k-means: base clusters of participants, then groups of base clusters.

    Polis runs each k-means from its previous clusters in a live conversation (from the first
    k distinct points the first time). Replaying that history proved chaotic: the result
    depends on when updates happened, which the votes do not record. Without history, the
    faithful stand-in is the k-means optimum itself: several seeded k-means++ starts over the
    distinct points in canonical (coordinate) order, keeping the tightest clustering.
    """
    n_p = len(positions)
    labels = np.full(n_p, -1, dtype=np.int64)
    idx = np.flatnonzero(in_conv)
    # Distinct positions in canonical (coordinate) order; identical voters share a point.
    # Rounded so that float noise from a different summation order (relabelling) cannot
    # change the order or the distinctness of points.
    points, inverse, multiplicity = np.unique(
        np.round(positions[idx], 9), axis=0, return_inverse=True, return_counts=True
    )
    inverse = inverse.reshape(-1)
    if len(points) < 2:
        return labels, np.zeros((0, 2)), "all clustered participants voted alike: no groups", 0
    weights = multiplicity.astype(np.float64)
    # Base clusters only summarise the map finely; with many points one start is as good.
    base_starts = 3 if len(points) <= LARGE_MAP else 1
    base_centres, base_of_point = _kmeans(
        points, weights, base_k, seed=seed, starts=base_starts, max_iter=100
    )
    base_sizes = np.bincount(base_of_point, weights=weights, minlength=len(base_centres))
    n_base = len(base_centres)
    top_k = min(max_groups, 2 + n_base // 12, n_base)
    diff = base_centres[:, None, :] - base_centres[None, :, :]
    distances = np.sqrt((diff**2).sum(-1))
    best: tuple[float, int, np.ndarray, np.ndarray] | None = None
    wanted = k
    for k in range(2, top_k + 1):
        if wanted is not None and k != wanted and wanted <= top_k:
            continue
        centres, group_of_base = _kmeans(
            base_centres, base_sizes, k, seed=seed + k, starts=20, max_iter=200
        )
        if len(centres) < 2:
            continue
        score = _silhouette(distances, group_of_base)
        # Polis takes (apply max-key silhouette ks): of equal scores the last, the larger k.
        if best is None or score >= best[0] - 1e-12:
            best = (score, k, centres, group_of_base)
    if best is None:
        return (
            labels,
            np.zeros((0, 2)),
            "the participants' positions do not separate into groups",
            0,
        )
    _, best_k, centres, group_of_base = best
    # Number groups by size (largest first), then position.
    sizes = np.bincount(group_of_base, weights=base_sizes, minlength=len(centres))
    group_order = sorted(
        range(len(centres)), key=lambda g: (-sizes[g], centres[g, 0], centres[g, 1])
    )
    remap = np.empty(len(centres), dtype=np.int64)
    remap[group_order] = np.arange(len(centres))
    labels[idx] = remap[group_of_base[base_of_point[inverse]]]
    return labels, centres[group_order], "", best_k


def _representative(
    na: np.ndarray,
    nd: np.ndarray,
    ns: np.ndarray,
    rest_a: np.ndarray,
    rest_d: np.ndarray,
    rest_s: np.ndarray,
    statements: list[Any],
) -> list[RepresentativeStatement]:
    """Polis's select-rep-comments for one group."""
    pa = (na + 1.0) / (ns + 2.0)
    pd = (nd + 1.0) / (ns + 2.0)
    pat = prop_test(na, ns)
    pdt = prop_test(nd, ns)
    ra = pa / ((rest_a + 1.0) / (rest_s + 2.0))
    rd = pd / ((rest_d + 1.0) / (rest_s + 2.0))
    rat = two_prop_test(na, rest_a, ns, rest_s)
    rdt = two_prop_test(nd, rest_d, ns, rest_s)

    def finalise(i: int) -> RepresentativeStatement:
        if rat[i] > rdt[i]:
            direction, n, p, r, z = AGREE, na[i], pa[i], ra[i], rat[i]
        else:
            direction, n, p, r, z = DISAGREE, nd[i], pd[i], rd[i], rdt[i]
        return RepresentativeStatement(
            statement=statements[i],
            direction=direction,
            probability=float(p),
            repness=float(r),
            p_value=_p_value(float(z)),
            z=float(z),
            votes=int(n),
            seen=int(ns[i]),
        )

    def metric(i: int) -> float:
        if rat[i] > rdt[i]:
            return float(ra[i] * rat[i] * pa[i] * pat[i])
        return float(rd[i] * rdt[i] * pd[i] * pdt[i])

    n_s = len(statements)
    sufficient = [
        i
        for i in range(n_s)
        if (rat[i] > Z_90 and pat[i] > Z_90) or (rdt[i] > Z_90 and pdt[i] > Z_90)
    ]
    # The best agree statement (Polis's beats-best-agr?), found without depending on order:
    # among statements voted on, those passing the first bar, the best by the same products.
    voted = [i for i in range(n_s) if na[i] + nd[i] > 0]
    strong = [i for i in voted if ra[i] > 1.0]
    best_agree: int | None = None
    candidates = [i for i in strong if pat[i] > Z_90 or pa[i] > 0.5]
    if candidates:
        best_agree = max(candidates, key=lambda i: (ra[i] * rat[i] * pa[i] * pat[i], -i))
    else:
        weak = [i for i in voted if pat[i] > Z_90 or (ra[i] > 1.0 and pa[i] > 0.5)]
        if weak:
            best_agree = max(weak, key=lambda i: (pa[i] * pat[i], -i))
    if not sufficient:
        if best_agree is not None:
            return [finalise(best_agree)]
        if n_s == 0 or not voted:
            return []
        best = max(voted, key=lambda i: (max(rat[i], rdt[i]), -i))
        return [finalise(best)]
    # Exact ties (equal figures): agrees first, as Polis shows them, then canonical order.
    ranked = sorted(
        (i for i in sufficient if i != best_agree),
        key=lambda i: (-metric(i), 0 if rat[i] > rdt[i] else 1, i),
    )
    chosen = ([best_agree] if best_agree is not None else []) + ranked
    chosen = chosen[:MAX_REPRESENTATIVE]
    result = [finalise(i) for i in chosen]
    # Agrees before disagrees (stable).
    return [r for r in result if r.direction == AGREE] + [
        r for r in result if r.direction == DISAGREE
    ]


def _consensus(
    agree: np.ndarray, disagree: np.ndarray, seen: np.ndarray, statements: list[Any]
) -> dict[str, list[StatementId]]:
    """Polis's consensus statements: share > 1/2 and significant, best five by p * z."""
    result: dict[str, list[StatementId]] = {}
    for direction, n in ((AGREE, agree), (DISAGREE, disagree)):
        p = (n + 1.0) / (seen + 2.0)
        z = prop_test(n, seen)
        metric = p * z
        chosen = [i for i in range(len(statements)) if p[i] > 0.5 and z[i] > Z_90]
        chosen.sort(key=lambda i: (-metric[i], i))
        result[direction] = [statements[i] for i in chosen[:MAX_CONSENSUS]]
    return result


# ---------------------------------------------------------------------------------------------
# Which statement next (Polis's comment priorities)


def statement_priority(
    agree: int, disagree: int, seen: int, extremity: float, *, is_meta: bool = False
) -> float:
    """Polis's priority of a statement: how much showing it next is worth.

    importance = (1 - p_pass) * (extremity + 1) * p_agree with pseudocounts, times a boost
    1 + 8 * 2^(-seen / 5) so that new statements get seen, squared. Meta statements get 7^2.
    """
    if is_meta:
        return META_PRIORITY**2
    passed = seen - agree - disagree
    p = (passed + 1.0) / (seen + 2.0)
    a = (agree + 1.0) / (seen + 2.0)
    importance = (1.0 - p) * (extremity + 1.0) * a
    return (importance * (1.0 + 8.0 * 2.0 ** (-seen / 5.0))) ** 2


def statement_priorities(
    analysis: OpinionAnalysis,
    statements: Iterable[StatementId] | None = None,
    *,
    meta: Collection[StatementId] = (),
) -> dict[StatementId, float]:
    """Polis's priority for each statement (default: the analysis's statements).

    Counts come from the clustered participants (all voters if there are no groups); a
    statement the analysis does not know (added since) counts as new: no votes, extremity 0.
    Moderated-out statements are left out.
    """
    wanted = analysis.statements if statements is None else list(statements)
    result: dict[StatementId, float] = {}
    for statement in wanted:
        if statement in analysis.moderated_out:
            continue
        stats = analysis.statement_stats.get(statement)
        if stats is None:
            a = d = s = 0
            extremity = 0.0
        else:
            if analysis.clustered and stats.by_group:
                a = sum(c.agree for c in stats.by_group.values())
                d = sum(c.disagree for c in stats.by_group.values())
                s = sum(c.seen for c in stats.by_group.values())
            else:
                a, d, s = stats.agree, stats.disagree, stats.votes.seen
            extremity = stats.extremity
        result[statement] = statement_priority(a, d, s, extremity, is_meta=statement in meta)
    return result


def next_statement(
    analysis: OpinionAnalysis,
    voted: Collection[StatementId],
    *,
    statements: Iterable[StatementId] | None = None,
    meta: Collection[StatementId] = (),
    rng: random.Random | None = None,
) -> StatementId | None:
    """The statement to show a participant next, or None when they have voted on all.

    As Polis does: among the statements the participant has not voted on, one is drawn at random
    with probability proportional to its priority (`statement_priorities`). Pass `rng` for a
    reproducible draw. `statements` (default: the analysis's) lets the platform include
    statements added after the analysis.
    """
    priorities = statement_priorities(analysis, statements, meta=meta)
    seen = set(voted)
    candidates = [s for s in _canonical_order(list(priorities)) if s not in seen]
    if not candidates:
        return None
    weights = [priorities[s] for s in candidates]
    total = sum(weights)
    draw = (rng or random.Random()).random() * total
    for statement, weight in zip(candidates, weights):
        draw -= weight
        if draw < 0:
            return statement
    return candidates[-1]


# ---------------------------------------------------------------------------------------------
# Polis export and comparison


def read_polis_export(folder: str | Path) -> tuple[list[Vote], list[int], set[int]]:
    """Read a conversation exported from Polis: (votes, statements, moderated_out).

    FOLDER holds `comments.csv` (comment-id, moderated: -1 out) and `votes.csv` (timestamp,
    comment-id, voter-id, vote: 1 agree, -1 disagree, 0 pass). Raises PolisExportError (a
    ValueError) naming the file, row and column of the first problem.
    """
    base = Path(folder)
    if not base.is_dir():
        raise PolisExportError(f"{base}: no such folder")
    statements: list[int] = []
    moderated_out: set[int] = set()
    for row_number, row in _csv_rows(base / "comments.csv", ("comment-id",)):
        cid = _integer(row, "comment-id", base / "comments.csv", row_number)
        statements.append(cid)
        moderated = (row.get("moderated") or "").strip()
        if moderated and _integer(row, "moderated", base / "comments.csv", row_number) < 0:
            moderated_out.add(cid)
    votes: list[Vote] = []
    path = base / "votes.csv"
    for row_number, row in _csv_rows(path, ("timestamp", "comment-id", "voter-id", "vote")):
        value = _integer(row, "vote", path, row_number)
        if value not in (-1, 0, 1):
            raise PolisExportError(
                f"{path}: row {row_number}, column vote: {value} is not 1, -1 or 0"
            )
        votes.append(
            (
                _integer(row, "voter-id", path, row_number),
                _integer(row, "comment-id", path, row_number),
                value,
                _number(row, "timestamp", path, row_number),
            )
        )
    return votes, statements, moderated_out


def _csv_rows(path: Path, required: tuple[str, ...]) -> Iterable[tuple[int, dict[str, str]]]:
    if not path.is_file():
        raise PolisExportError(f"{path}: no such file")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames
            if not header:
                raise PolisExportError(f"{path}: empty file")
            header = [name.strip() for name in header]
            reader.fieldnames = header
            missing = [name for name in required if name not in header]
            if missing:
                raise PolisExportError(f"{path}: missing column {', '.join(missing)}")
            rows = []
            for row in reader:
                rows.append((reader.line_num, row))
    except UnicodeDecodeError as error:
        raise PolisExportError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except csv.Error as error:
        raise PolisExportError(f"{path}: not a readable CSV file ({error})") from None
    return rows


def _integer(row: dict[str, str], column: str, path: Path, row_number: int) -> int:
    text = (row.get(column) or "").strip()
    try:
        number = float(text)
        if not number.is_integer():
            raise ValueError
        return int(number)
    except ValueError:
        what = "empty" if not text else f"{text!r} is not a whole number"
        raise PolisExportError(f"{path}: row {row_number}, column {column}: {what}") from None


def _number(row: dict[str, str], column: str, path: Path, row_number: int) -> float:
    text = (row.get(column) or "").strip()
    try:
        number = float(text)
    except ValueError:
        what = "empty" if not text else f"{text!r} is not a number"
        raise PolisExportError(f"{path}: row {row_number}, column {column}: {what}") from None
    if not math.isfinite(number):
        raise PolisExportError(f"{path}: row {row_number}, column {column}: {text!r} is not finite")
    return number


def adjusted_rand_index(first: Sequence[Hashable], second: Sequence[Hashable]) -> float:
    """Adjusted Rand index of two labellings of the same items (1 = same partition).

    Used to compare groups with Polis's, or one analysis with the next.
    """
    if len(first) != len(second):
        raise ValueError("both labellings must have the same length")
    n = len(first)
    if n < 2:
        return 1.0
    _, a = np.unique(np.asarray([repr(x) for x in first]), return_inverse=True)
    _, b = np.unique(np.asarray([repr(x) for x in second]), return_inverse=True)
    table = np.zeros((a.max() + 1, b.max() + 1))
    np.add.at(table, (a, b), 1)

    def pairs(x: np.ndarray) -> float:
        return float((x * (x - 1) / 2).sum())

    index = pairs(table)
    rows, cols = pairs(table.sum(1)), pairs(table.sum(0))
    expected = rows * cols / (n * (n - 1) / 2)
    maximum = (rows + cols) / 2
    if maximum == expected:
        return 1.0
    return (index - expected) / (maximum - expected)
