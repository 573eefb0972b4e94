"""The prioritisation engine: rating aggregation, Bradley–Terry, group ranks, pair choice."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import spearmanr

from werkstatt.engines.prioritisation import (
    aggregate_ratings,
    bradley_terry,
    group_ranks,
    next_pair,
    pair_key,
    summarise_ratings,
)


def simulate(true_theta: np.ndarray, games: int, seed: int) -> list[tuple[int, int, float]]:
    rng = np.random.default_rng(seed)
    n = len(true_theta)
    out = []
    for _ in range(games):
        i, j = rng.choice(n, 2, replace=False)
        p = 1 / (1 + math.exp(true_theta[j] - true_theta[i]))
        out.append((int(i), int(j), 1.0 if rng.random() < p else 0.0))
    return out


# --- ratings ------------------------------------------------------------------------------------


def test_few_ratings_do_not_beat_many_good_ones():
    ratings = [("single", 5)] + [("many", 5)] * 30 + [("many", 4)] * 30
    ratings += [("avg", v) for v in (3, 3, 2, 4, 3) * 10]
    by_item = {s.item: s for s in aggregate_ratings(ratings)}
    assert by_item["single"].mean == 5.0 > by_item["many"].mean == 4.5
    assert by_item["many"].rank == 1
    assert by_item["single"].rank == 2
    # The single rating's estimate is pulled towards the grand mean, its interval is wide.
    assert by_item["single"].estimate < 4.5
    single_width = by_item["single"].high - by_item["single"].low
    many_width = by_item["many"].high - by_item["many"].low
    assert single_width > 3 * many_width


def test_rating_intervals_shrink_with_more_data():
    rng = np.random.default_rng(3)
    widths = []
    for n in (3, 12, 48, 192):
        values = rng.choice([2, 3, 4, 5], size=n, p=[0.1, 0.2, 0.4, 0.3])
        # Other items give the prior and the pooled spread.
        ratings = [("x", float(v)) for v in values] + [("ref", float(v)) for v in (2, 3, 4) * 20]
        summary = {s.item: s for s in aggregate_ratings(ratings)}["x"]
        widths.append(summary.high - summary.low)
        assert summary.low <= summary.estimate <= summary.high
    assert widths == sorted(widths, reverse=True)
    assert widths[-1] < widths[0] / 4


def test_interval_covers_true_mean_at_about_its_level():
    # 200 simulated items of 5 ratings from a known mean: a 90 % interval covers it ~90 %.
    rng = np.random.default_rng(11)
    truth = rng.uniform(2, 4.5, size=200)
    ratings = []
    for k, mu in enumerate(truth):
        for v in np.clip(np.round(rng.normal(mu, 0.8, size=5)), 1, 5):
            ratings.append((k, float(v)))
    summaries = aggregate_ratings(ratings, level=0.9)
    covered = sum(s.low <= truth[s.item] <= s.high for s in summaries)
    assert 0.75 * 200 <= covered <= 200


def test_items_without_ratings_sit_at_the_grand_mean_with_a_wide_interval():
    summaries = aggregate_ratings([("a", 4), ("a", 5), ("b", 2)], items=["a", "b", "c"])
    c = next(s for s in summaries if s.item == "c")
    assert c.n == 0 and math.isnan(c.mean)
    assert c.estimate == pytest.approx(11 / 3)
    assert c.high - c.low > 1.5


def test_summaries_reject_inconsistent_input():
    with pytest.raises(ValueError, match="same length"):
        summarise_ratings(["a"], [1, 2], [3], [9])
    with pytest.raises(ValueError, match="negative"):
        summarise_ratings(["a"], [-1], [3], [9])
    with pytest.raises(ValueError, match="level"):
        summarise_ratings(["a"], [1], [3], [9], level=1.5)


def test_sufficient_statistics_give_the_same_result_as_raw_ratings():
    raw = [("a", 4), ("a", 5), ("a", 3), ("b", 2), ("b", 1)]
    direct = aggregate_ratings(raw)
    from_sums, model = summarise_ratings(["a", "b"], [3, 2], [12, 3], [50, 5])
    assert [(s.item, s.estimate, s.low) for s in direct] == [
        (s.item, pytest.approx(s.estimate), pytest.approx(s.low)) for s in from_sums
    ]
    assert model.grand_mean == pytest.approx(3.0)


# --- Bradley–Terry ------------------------------------------------------------------------------


def test_bradley_terry_recovers_a_known_order():
    true_theta = np.linspace(-2, 2, 25)
    result = bradley_terry(list(range(25)), simulate(true_theta, 3000, seed=1))
    fitted = {s.item: s.theta for s in result}
    rho = spearmanr(true_theta, [fitted[i] for i in range(25)]).statistic
    assert rho > 0.95
    assert result[0].item in (22, 23, 24)
    assert result[-1].item in (0, 1, 2)
    # Intervals are honest: most cover the truth after centring (the scale is anchored at the
    # prior's zero, the truth is centred too).
    centred = {s.item: s for s in result}
    covered = sum(centred[i].low - 0.3 <= true_theta[i] <= centred[i].high + 0.3 for i in range(25))
    assert covered >= 20


def test_bradley_terry_intervals_shrink_with_more_comparisons():
    true_theta = np.linspace(-1, 1, 10)
    widths = []
    for games in (50, 400, 3200):
        result = bradley_terry(list(range(10)), simulate(true_theta, games, seed=games))
        widths.append(np.mean([s.high - s.low for s in result]))
    assert widths[0] > widths[1] > widths[2]
    assert widths[2] < widths[0] / 4


def test_unbeaten_and_disconnected_items_stay_finite():
    outcomes = [("a", "b", 1.0)] * 20 + [("c", "d", 1.0)] * 3
    result = {s.item: s for s in bradley_terry(["a", "b", "c", "d", "e"], outcomes)}
    assert all(math.isfinite(s.theta) and math.isfinite(s.se) for s in result.values())
    assert result["a"].theta > result["c"].theta > result["e"].theta > result["d"].theta
    assert result["d"].theta > result["b"].theta
    assert result["e"].comparisons == 0
    # The never-compared item is unsure: its interval reaches past c and d.
    assert result["e"].low < result["d"].theta and result["e"].high > result["c"].theta


def test_undecided_counts_half_a_win_for_each():
    result = {s.item: s for s in bradley_terry(["a", "b"], [("a", "b", 0.5)] * 10)}
    assert result["a"].theta == pytest.approx(result["b"].theta, abs=1e-9)
    assert result["a"].wins == 5.0


def test_newton_and_mm_agree():
    outcomes = simulate(np.linspace(-1.5, 1.5, 12), 600, seed=5)
    newton = {s.item: s.theta for s in bradley_terry(range(12), outcomes)}  # type: ignore[arg-type]
    mm = {s.item: s.theta for s in bradley_terry(list(range(12)), outcomes, newton_limit=0)}
    for i in range(12):
        assert newton[i] == pytest.approx(mm[i], abs=1e-6)


def test_bradley_terry_rejects_bad_input():
    with pytest.raises(ValueError, match="twice"):
        bradley_terry(["a", "a"], [])
    with pytest.raises(ValueError, match="itself"):
        bradley_terry(["a", "b"], [("a", "a", 1.0)])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        bradley_terry(["a", "b"], [("a", "b", 2.0)])
    with pytest.raises(KeyError):
        bradley_terry(["a", "b"], [("a", "z", 1.0)])


def test_weighted_outcomes_equal_repeated_ones():
    repeated = [("a", "b", 1.0)] * 3 + [("b", "c", 0.5)] * 2 + [("c", "a", 0.0)]
    weighted = [("a", "b", 1.0, 3), ("b", "c", 0.5, 2), ("c", "a", 0.0, 1)]
    first = bradley_terry(["a", "b", "c"], repeated)
    second = bradley_terry(["a", "b", "c"], weighted)
    assert [(s.item, round(s.theta, 9)) for s in first] == [
        (s.item, round(s.theta, 9)) for s in second
    ]
    with pytest.raises(ValueError, match="weight"):
        bradley_terry(["a", "b"], [("a", "b", 1.0, -1)])


def test_bradley_terry_is_deterministic():
    outcomes = simulate(np.linspace(-1, 1, 8), 100, seed=9)
    assert bradley_terry(list(range(8)), outcomes) == bradley_terry(list(range(8)), outcomes)


games_strategy = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 5), st.sampled_from([0.0, 0.5, 1.0])).filter(
        lambda t: t[0] != t[1]
    ),
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(games_strategy, st.permutations(list(range(6))))
def test_relabelling_items_changes_only_labels(games, permutation):
    names = [f"item{k}" for k in range(6)]
    renamed = [f"other{permutation[k]}" for k in range(6)]
    first = bradley_terry(names, [(names[a], names[b], s) for a, b, s in games])
    second = bradley_terry(
        list(reversed(renamed)), [(renamed[a], renamed[b], s) for a, b, s in games]
    )
    theta_first = {names.index(s.item): s.theta for s in first}
    theta_second = {renamed.index(s.item): s.theta for s in second}
    for k in range(6):
        assert theta_first[k] == pytest.approx(theta_second[k], abs=1e-7)


@settings(max_examples=60, deadline=None)
@given(games_strategy, st.integers(0, 5), st.integers(0, 5))
def test_adding_a_win_never_lowers_the_winners_score(games, winner, loser):
    if winner == loser:
        loser = (winner + 1) % 6
    items = list(range(6))
    before = {s.item: s.theta for s in bradley_terry(items, games)}
    after = {s.item: s.theta for s in bradley_terry(items, [*games, (winner, loser, 1.0)])}
    assert after[winner] >= before[winner] - 1e-9
    assert after[loser] <= before[loser] + 1e-9


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcde"), st.integers(1, 5)), max_size=40))
def test_rating_ranks_are_a_permutation_and_intervals_stay_on_the_scale(ratings):
    summaries = aggregate_ratings(ratings, items=list("abcde"))
    assert sorted(s.rank for s in summaries) == [1, 2, 3, 4, 5]
    for s in summaries:
        assert 1.0 <= s.low <= s.estimate <= s.high <= 5.0
    assert [s.score for s in summaries] == sorted((s.score for s in summaries), reverse=True)


# --- stakeholder groups -------------------------------------------------------------------------


def test_group_ranks_show_where_groups_disagree():
    scores = {
        "company": {"digital": 4.5, "training": 3.0, "infra": 4.0, "demography": 2.0},
        "union": {"digital": 3.0, "training": 4.8, "infra": 3.9, "demography": 4.0},
        "chamber": {"digital": 4.4, "training": 3.5, "infra": 4.1},
    }
    result = group_ranks(scores)
    assert result.groups == ["chamber", "company", "union"]
    assert result.ranks["company"]["digital"] == 1
    assert result.ranks["union"]["training"] == 1
    assert result.spread["training"] == 2.0  # ranks 3, 1, 3
    assert result.spread["demography"] == 2.0  # ranks 4 (company), 2 (union)
    assert result.spread["digital"] == 3.0  # ranks 1, 4, 1
    assert result.disputed[0] == "digital"
    assert result.agreement[("chamber", "company")] == pytest.approx(1.0)
    assert result.agreement[("company", "union")] < 0


def test_group_ranks_share_ties_and_skip_single_group_items():
    result = group_ranks({"a": {"x": 1.0, "y": 1.0, "z": 0.0}, "b": {"x": 2.0}})
    assert result.ranks["a"] == {"x": 1.5, "y": 1.5, "z": 3.0}
    assert set(result.spread) == {"x"}
    assert math.isnan(result.agreement[("a", "b")])


# --- pair choice --------------------------------------------------------------------------------


def test_next_pair_prefers_close_and_rarely_compared_items():
    items = ["a", "b", "c", "d"]
    theta = {"a": 3.0, "b": 0.1, "c": 0.0, "d": -3.0}
    played = {"a": 0, "b": 0, "c": 0, "d": 0}
    assert pair_key(*next_pair(items, theta, played, [])) == ("b", "c")  # type: ignore[misc]
    played = {"a": 0, "b": 50, "c": 50, "d": 0}
    theta = {"a": 0.0, "b": 0.0, "c": 0.0, "d": 0.0}
    assert pair_key(*next_pair(items, theta, played, [])) == ("a", "d")  # type: ignore[misc]


def test_next_pair_never_repeats_a_pair_until_all_are_answered():
    items = list(range(6))
    seen: list[tuple[int, int]] = []
    for step in range(15):
        pair = next_pair(items, {}, {}, seen, seed=step)
        assert pair is not None
        key = pair_key(*pair)
        assert key not in seen
        seen.append(key)  # type: ignore[arg-type]
    assert len(set(seen)) == 15
    # All answered: a pair again, rather than nothing.
    assert next_pair(items, {}, {}, seen) is not None
    assert next_pair(["only"], {}, {}, []) is None


def test_next_pair_finds_the_last_unanswered_pair_beyond_the_candidates():
    items = list(range(30))
    seen = [(i, j) for i in range(30) for j in range(i + 1, 30) if (i, j) != (28, 29)]
    played = {i: 0 for i in range(28)} | {28: 99, 29: 99}
    assert pair_key(*next_pair(items, {}, played, seen, candidates=5)) == (28, 29)  # type: ignore[misc]
