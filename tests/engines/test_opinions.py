"""The opinion engine: Polis's method on small conversations we can check by hand or by
definition, and its invariants (hypothesis)."""

import math
import random
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from werkstatt.engines.opinions import (
    OpinionAnalysis,
    adjusted_rand_index,
    analyse,
    next_statement,
    polis_rules_for,
    prop_test,
    statement_priorities,
    statement_priority,
    two_prop_test,
)


def planted(seed, groups=3, per_group=30, statements=24, noise=0.1, coverage=1.0, t0=0):
    """Votes of a conversation with planted opinion groups: group g agrees with its own block of
    statements and disagrees with the others; `noise` of votes are random."""
    rng = random.Random(seed)
    votes = []
    truth = {}
    t = t0
    for g in range(groups):
        for i in range(per_group):
            pid = g * per_group + i
            truth[pid] = g
            for s in range(statements):
                if rng.random() > coverage:
                    continue
                value = 1 if s % groups == g else -1
                if rng.random() < noise:
                    value = rng.choice((-1, 0, 1))
                t += 1
                votes.append((pid, s, value, t))
    return votes, truth


def partition(analysis, key=lambda p: p):
    groups = {}
    for pid, group in analysis.participants.items():
        if group is not None:
            groups.setdefault(group, set()).add(key(pid))
    return {frozenset(members) for members in groups.values()}


# --- Polis's statistics -----------------------------------------------------------------------


def test_prop_test_is_polis_formula():
    # 2 * sqrt(n + 1) * ((s + 1) / (n + 1) - 1/2)
    assert float(prop_test(9, 10)) == pytest.approx(2 * math.sqrt(11) * (10 / 11 - 0.5))
    assert float(prop_test(0, 0)) == pytest.approx(1.0)  # (1/1 - 1/2) * 2 * 1


def test_two_prop_test_is_polis_formula():
    s1, s2, n1, n2 = 8 + 1, 2 + 1, 10 + 1, 20 + 1
    pooled = (s1 + s2) / (n1 + n2)
    expected = (s1 / n1 - s2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    assert float(two_prop_test(8, 2, 10, 20)) == pytest.approx(expected)
    # Everyone agreeing everywhere: pooled share 1, Polis returns 0 instead of dividing by 0.
    assert float(two_prop_test(-1 + 1, -1 + 1, -1 + 1, -1 + 1) * 0) == 0.0


def test_priority_is_polis_formula():
    # A new statement: p_pass = a = 1/2, boost 1 + 8 = 9 -> (0.5 * 1 * 0.5 * 9)^2.
    assert statement_priority(0, 0, 0, 0.0) == pytest.approx((0.5 * 0.5 * 9) ** 2)
    # Many passes make a statement less important than many agrees.
    assert statement_priority(2, 2, 30, 1.0) < statement_priority(20, 8, 30, 1.0)
    # The boost fades as a statement is seen.
    assert statement_priority(5, 5, 10, 0.0) > statement_priority(50, 50, 100, 0.0)
    assert statement_priority(0, 0, 0, 0.0, is_meta=True) == 49.0


# --- The pipeline on planted groups -----------------------------------------------------------


def test_planted_groups_are_found():
    votes, truth = planted(1)
    result = analyse(votes)
    assert result.clustered, result.reason
    assert len(result.groups) == 3
    ids = sorted(truth)
    assert (
        adjusted_rand_index([truth[p] for p in ids], [result.participants[p] for p in ids]) > 0.95
    )
    assert sorted(g.size for g in result.groups) == [30, 30, 30]
    assert [g.id for g in result.groups] == [0, 1, 2]


def test_representative_statements_are_the_groups_own():
    votes, truth = planted(2)
    result = analyse(votes)
    for group in result.groups:
        planted_group = Counter(truth[p] for p in group.members).most_common(1)[0][0]
        assert group.representative, "every group gets at least one statement"
        assert len(group.representative) <= 5
        agrees = [r for r in group.representative if r.direction == "agree"]
        assert agrees, "the best agree statement comes first"
        assert group.representative[0].direction == "agree"
        for rep in agrees:
            assert rep.statement % 3 == planted_group
            assert rep.p_value < 0.1
            assert rep.repness > 1.0
            assert 0.5 < rep.probability < 1.0


def test_consensus_and_group_informed_consensus():
    votes, _ = planted(3, per_group=20)
    t = 10**6
    for pid in range(60):  # statement 100: everyone agrees; 101: everyone disagrees
        votes.append((pid, 100, 1, t + pid))
        votes.append((pid, 101, -1, t + pid))
    result = analyse(votes)
    assert result.consensus["agree"][0] == 100
    assert result.consensus["disagree"][0] == 101
    assert 100 not in result.consensus["disagree"]
    gic = result.group_informed_consensus
    assert gic[100] == max(gic.values())
    # Statements one group agrees with and the others reject are not consensus.
    assert gic[0] < gic[100] / 4
    stats = result.statement_stats[100]
    assert (stats.agree, stats.disagree, stats.passed) == (60, 0, 0)
    assert sum(c.agree for c in stats.by_group.values()) == 60


def test_divisive_statements_split_the_groups():
    votes, _ = planted(4, groups=2, per_group=25, statements=10, noise=0.0)
    t = 10**6
    for pid in range(50):  # statement 50: everyone agrees, not divisive
        votes.append((pid, 50, 1, t + pid))
    result = analyse(votes)
    assert result.clustered
    assert 50 not in result.divisive[:10]
    assert result.divisive[0] in range(10)
    top = result.statement_stats[result.divisive[0]]
    assert top.divisiveness > 1.5  # one group near +1, the other near -1
    assert result.statement_stats[50].divisiveness < 0.2


def test_moderated_out_statements_are_left_out():
    votes, _ = planted(5)
    result = analyse(votes, moderated_out={0, 1})
    assert 0 not in result.statement_stats and 1 not in result.statement_stats
    for group in result.groups:
        assert all(r.statement not in (0, 1) for r in group.representative)
    assert all(s not in (0, 1) for s in result.consensus["agree"] + result.consensus["disagree"])
    assert 0 not in statement_priorities(result, [0, 2, 3])


def test_statements_without_votes_are_listed():
    votes, _ = planted(6)
    result = analyse(votes, statements=[999, *range(24)])
    assert result.statement_stats[999].votes.seen == 0
    assert 999 in result.statements


def test_projection_is_polis_pca_with_sparsity_scaling():
    """Coordinates against the definition: impute by column mean, centre, take the two leading
    eigenvectors of the covariance, project the centred votes a participant gave and scale by
    sqrt(statements / their votes)."""
    rng = np.random.default_rng(7)
    n_p, n_s = 40, 12
    votes = []
    dense = np.full((n_p, n_s), np.nan)
    for p in range(n_p):
        for s in range(n_s):
            if rng.random() < 0.7:
                value = int(rng.choice([-1, 0, 1]))
                dense[p, s] = value
                votes.append((p, s, value, p * 100 + s))
    means = np.nanmean(dense, axis=0)
    centred = np.where(np.isnan(dense), 0.0, dense - means)
    eigenvalues, vectors = np.linalg.eigh(centred.T @ centred)
    components = vectors[:, np.argsort(-eigenvalues)[:2]]
    counts = (~np.isnan(dense)).sum(1)
    expected = centred @ components * np.sqrt(n_s / counts)[:, None]
    result = analyse(votes)
    got = np.array([result.coordinates[p] for p in range(n_p)])
    for axis in range(2):
        sign = np.sign(got[:, axis] @ expected[:, axis])
        np.testing.assert_allclose(got[:, axis], sign * expected[:, axis], atol=1e-8)


def test_moderated_out_columns_count_in_the_scaling_as_in_polis():
    """Polis zeroes a moderated-out statement's column for everyone: no variance (the PCA is
    unchanged) but one more 'vote' for every participant and one more statement in the scale
    sqrt(statements / votes)."""
    votes, _ = planted(13, groups=2, per_group=10, statements=8, noise=0.2, coverage=0.7)
    votes += [(p, "out", 1, 10**6 + p) for p in range(0, 20, 3)]
    without = analyse([v for v in votes if v[1] != "out"])
    result = analyse(votes, moderated_out={"out"})
    plain = analyse(votes, moderated_out={"out"}, zero_moderated=False)
    n = 8
    for pid in range(20):
        given = sum(1 for v in votes if v[0] == pid and v[1] != "out")
        factor = math.sqrt((n + 1) / (given + 1)) / math.sqrt(n / given)
        for axis in range(2):
            assert plain.coordinates[pid][axis] == pytest.approx(without.coordinates[pid][axis])
            assert result.coordinates[pid][axis] == pytest.approx(
                factor * plain.coordinates[pid][axis], abs=1e-9
            )
    assert "out" not in result.statement_stats


def test_sparse_voters_are_pushed_out():
    votes, _ = planted(8, groups=2, per_group=20, statements=20, noise=0.0)
    full = analyse(votes)
    # A newcomer who agrees exactly like group member 0 but on only half the statements.
    member0 = {s: v for p, s, v, _ in votes if p == 0}
    newcomer = [(999, s, member0[s], 10**7 + s) for s in range(0, 20, 2)]
    result = analyse(votes + newcomer)
    radius_member = np.hypot(*result.coordinates[0])
    radius_new = np.hypot(*result.coordinates[999])
    assert full.clustered
    assert radius_new > 0.5 * radius_member  # without scaling it would be about half


def test_previous_analysis_keeps_group_numbers():
    votes, truth = planted(14, groups=2, per_group=15, statements=12, noise=0.05)
    votes = [v for v in votes if not (truth[v[0]] == 1 and v[0] % 15 >= 10)]  # 15 and 10
    first = analyse(votes)
    small = next(g for g in first.groups if g.size == 10)
    assert small.id == 1
    # Eight newcomers vote like the small group, which becomes the larger one.
    model = {s: v for p, s, v, _ in votes if p == small.members[0]}
    grown = votes + [(100 + i, s, v, 10**6 + i) for i in range(8) for s, v in model.items()]
    renumbered = analyse(grown)
    kept = analyse(grown, previous=first)
    assert renumbered.groups[0].size == 18 and renumbered.participants[small.members[0]] == 0
    assert kept.participants[small.members[0]] == 1
    assert [g.id for g in kept.groups] == [0, 1]
    assert kept.groups[1].size == 18 and set(small.members) <= set(kept.groups[1].members)
    assert partition(kept) == partition(renumbered)
    assert kept.groups[1].center == renumbered.groups[0].center


# --- Who is clustered -------------------------------------------------------------------------


def test_participants_with_too_few_votes_are_not_clustered():
    votes, _ = planted(9, groups=2, per_group=20, statements=20)
    votes += [(500, s, 1, 10**7 + s) for s in range(3)]  # 3 votes of 20 statements, late
    result = analyse(votes)
    assert result.participants[500] is None
    assert 500 in result.coordinates


def test_early_voter_who_saw_every_statement_then_is_clustered():
    # Polis's rule is evaluated as the conversation grows: at the time of their votes only
    # three statements existed, and they voted on all three.
    votes, _ = planted(10, groups=2, per_group=20, statements=20, t0=10**6)
    early = [(500, s, 1, s) for s in range(3)]
    result = analyse(votes + early)
    assert result.participants[500] is not None


def test_too_few_participants_gives_a_clear_answer():
    votes = [(p, s, 1 if (p + s) % 2 else -1, p * 10 + s) for p in range(3) for s in range(5)]
    result = analyse(votes)
    assert not result.clustered
    assert "too few participants" in result.reason
    assert result.groups == []
    assert set(result.participants) == {0, 1, 2}
    assert all(g is None for g in result.participants.values())
    assert result.statement_stats[0].votes.seen == 3


def test_no_votes():
    result = analyse([])
    assert not result.clustered and result.reason == "no votes yet"
    assert result.participants == {} and result.groups == []
    assert result.consensus == {"agree": [], "disagree": []}


def test_invalid_vote_value_is_refused():
    with pytest.raises(ValueError, match="1, -1 or 0"):
        analyse([(1, 1, 2, 0)])


# --- Next statement ---------------------------------------------------------------------------


def test_next_statement_skips_voted_and_ends():
    votes, _ = planted(11, groups=2, per_group=10, statements=6)
    result = analyse(votes)
    rng = random.Random(1)
    assert next_statement(result, voted=[0, 1, 2, 3, 4], rng=rng) == 5
    assert next_statement(result, voted=range(6), rng=rng) is None


def test_next_statement_follows_priorities():
    votes, _ = planted(12, groups=2, per_group=30, statements=6)
    result = analyse(votes)
    # A statement added since the analysis has no votes and gets the new-statement boost.
    priorities = statement_priorities(result, [*range(6), "new"])
    assert priorities["new"] == max(priorities.values())
    rng = random.Random(3)
    draws = Counter(
        next_statement(result, voted=[], statements=[*range(6), "new"], rng=rng)
        for _ in range(3000)
    )
    total = sum(priorities.values())
    share = draws["new"] / 3000
    assert share == pytest.approx(priorities["new"] / total, abs=0.03)
    assert set(draws) <= {*range(6), "new"}


# --- Invariants (hypothesis) ------------------------------------------------------------------


def uneven(seed, groups, per_group, statements, noise, coverage):
    """Planted groups of unequal sizes, so that the two leading principal components are not
    tied: with tied eigenvalues any rotation of the map is equally right, and the map's
    orientation is then arbitrary (real conversations never tie exactly)."""
    votes, truth = planted(seed, groups, per_group, statements, noise, coverage)
    drop = {p for p in truth if truth[p] < groups - 1 and p % per_group < truth[p] + 1}
    return [v for v in votes if v[0] not in drop], {p: g for p, g in truth.items() if p not in drop}


conversations = st.builds(
    uneven,
    seed=st.integers(0, 10**6),
    groups=st.integers(2, 4),
    per_group=st.integers(6, 25),
    statements=st.integers(4, 20),
    noise=st.floats(0.05, 0.4),
    coverage=st.floats(0.5, 1.0),
)
fast = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)


def same_result(a: OpinionAnalysis, b: OpinionAnalysis, p_map=lambda p: p, s_map=lambda s: s):
    """b is a's result after renaming participants by p_map and statements by s_map."""
    assert b.clustered == a.clustered and b.reason == a.reason
    assert partition(b) == {frozenset(map(p_map, m)) for m in partition(a)}
    for pid, (x, y) in a.coordinates.items():
        bx, by = b.coordinates[p_map(pid)]
        assert bx == pytest.approx(x, abs=1e-6) and by == pytest.approx(y, abs=1e-6)
    assert [g.size for g in b.groups] == [g.size for g in a.groups]
    # Exactly tied statements (same counts) may swap places at a cut-off of five: compare
    # what was chosen by its figures, and by name where the figures are unique.
    for ga, gb in zip(a.groups, b.groups):
        assert set(gb.members) == {p_map(p) for p in ga.members}
        reps_a = sorted((r.direction, round(r.z, 6), r.votes, r.seen) for r in ga.representative)
        reps_b = sorted((r.direction, round(r.z, 6), r.votes, r.seen) for r in gb.representative)
        assert reps_b == reps_a
    for key in ("agree", "disagree"):

        def figures(result, statements, key=key):
            # Polis ranks consensus by the count in its direction and the votes seen.
            stats = result.statement_stats
            return sorted((getattr(stats[x], key), stats[x].votes.seen) for x in statements)

        assert figures(b, b.consensus[key]) == figures(a, a.consensus[key])
    for s, value in a.group_informed_consensus.items():
        assert b.group_informed_consensus[s_map(s)] == pytest.approx(value)


@fast
@given(conversations, st.randoms(use_true_random=False))
def test_relabelling_changes_only_labels(conversation, rnd):
    votes, _ = conversation
    pids = sorted({v[0] for v in votes})
    sids = sorted({v[1] for v in votes})
    new_p = dict(zip(pids, rnd.sample(range(10_000), len(pids))))
    new_s = {s: f"s{i:05d}" for s, i in zip(sids, rnd.sample(range(10_000), len(sids)))}
    renamed = [(new_p[p], new_s[s], v, t) for p, s, v, t in votes]
    rnd.shuffle(renamed)
    same_result(analyse(votes), analyse(renamed), new_p.__getitem__, new_s.__getitem__)


@fast
@given(conversations, st.randoms(use_true_random=False))
def test_duplicate_and_changed_votes_latest_counts(conversation, rnd):
    votes, _ = conversation
    base = analyse(votes)
    noisy = list(votes)
    for p, s, v, t in rnd.sample(votes, min(30, len(votes))):
        noisy.append((p, s, v, t))  # an exact duplicate
        noisy.append((p, s, rnd.choice([-1, 0, 1]), t - 0.5))  # an older, different vote
    rnd.shuffle(noisy)
    same_result(base, analyse(noisy))
    # A later vote replaces the earlier one: same as if it had been the only one.
    p, s, v, t = votes[0]
    changed = -1 if v != -1 else 1
    later = analyse([*votes, (p, s, changed, 10**9)])
    replaced = analyse([(p, s, changed, t), *votes[1:]])
    assert later.statement_stats[s].votes == replaced.statement_stats[s].votes
    assert partition(later) == partition(replaced)


@fast
@given(conversations)
def test_deterministic(conversation):
    votes, _ = conversation
    a, b = analyse(votes), analyse(list(reversed(votes)))
    same_result(a, b)
    assert a.divisive == b.divisive
    assert a.consensus == b.consensus


@fast
@given(st.integers(1, 40), st.integers(1, 12))
def test_all_pass_conversation(n_participants, n_statements):
    votes = [(p, s, 0, p * 100 + s) for p in range(n_participants) for s in range(n_statements)]
    result = analyse(votes)
    assert not result.clustered and result.reason
    assert all(g is None for g in result.participants.values())
    assert result.consensus == {"agree": [], "disagree": []}
    assert all(xy == (0.0, 0.0) for xy in result.coordinates.values())
    assert result.statement_stats[0].passed == n_participants


@fast
@given(st.lists(st.sampled_from([-1, 0, 1]), min_size=1, max_size=60))
def test_single_statement_conversation(values):
    votes = [(p, "only", v, p) for p, v in enumerate(values)]
    result = analyse(votes)
    assert set(result.participants) == set(range(len(values)))
    clustered = {p for p, g in result.participants.items() if g is not None}
    assert clustered == {p for g in result.groups for p in g.members}
    assert all(y == 0.0 for _, y in result.coordinates.values())
    if result.clustered:
        # One statement, one axis: a group never mixes agree with disagree.
        for group in result.groups:
            assert {values[p] for p in group.members} != {-1, 0, 1}
            assert not {-1, 1} <= {values[p] for p in group.members}
    else:
        assert result.reason


@fast
@given(conversations)
def test_structure_is_consistent(conversation):
    votes, _ = conversation
    result = analyse(votes)
    voters = {v[0] for v in votes}
    assert set(result.participants) == voters == set(result.coordinates)
    members = [p for g in result.groups for p in g.members]
    assert len(members) == len(set(members))
    assert {p for p, g in result.participants.items() if g is not None} == set(members)
    assert [g.id for g in result.groups] == list(range(len(result.groups)))
    assert [g.size for g in result.groups] == sorted((g.size for g in result.groups), reverse=True)
    assert 2 <= len(result.groups) <= 5 or not result.clustered
    for stats in result.statement_stats.values():
        assert stats.votes.seen == sum(1 for _ in stats.by_group) * 0 + stats.votes.seen
        assert sum(c.seen for c in stats.by_group.values()) <= stats.votes.seen


def test_adjusted_rand_index():
    assert adjusted_rand_index([0, 0, 1, 1], ["a", "a", "b", "b"]) == 1.0
    assert adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1]) < 0
    with pytest.raises(ValueError):
        adjusted_rand_index([0], [0, 1])


# --- Polis's older rules and the statement extremity ------------------------------------------


def random_conversation(seed, n_p=40, n_s=12, share=0.7):
    rng = np.random.default_rng(seed)
    votes = []
    dense = np.full((n_p, n_s), np.nan)
    for p in range(n_p):
        for s in range(n_s):
            if rng.random() < share:
                value = int(rng.choice([-1, 0, 1]))
                dense[p, s] = value
                votes.append((p, s, value, p * 100 + s))
    return votes, dense


def test_zero_imputation_is_polis_2017_pca():
    """Before October 2017 Polis filled a missing vote with 0, centred by the column mean over
    everyone, and projected only the votes given, with the same sparsity scaling."""
    votes, dense = random_conversation(21)
    n_p, n_s = dense.shape
    filled = np.where(np.isnan(dense), 0.0, dense)
    centre = filled.mean(0)
    eigenvalues, vectors = np.linalg.eigh((filled - centre).T @ (filled - centre))
    components = vectors[:, np.argsort(-eigenvalues)[:2]]
    given = np.where(np.isnan(dense), 0.0, dense - centre)
    counts = (~np.isnan(dense)).sum(1)
    expected = given @ components * np.sqrt(n_s / counts)[:, None]
    result = analyse(votes, rules="2017")
    got = np.array([result.coordinates[p] for p in range(n_p)])
    for axis in range(2):
        sign = np.sign(got[:, axis] @ expected[:, axis])
        np.testing.assert_allclose(got[:, axis], sign * expected[:, axis], atol=1e-8)
    # ... which is not the current rule's map.
    current = np.array([analyse(votes).coordinates[p] for p in range(n_p)])
    assert np.abs(np.abs(current) - np.abs(got)).max() > 1e-3


def test_zero_imputation_on_the_sparse_path_matches_the_dense_one():
    # More than 200 statements: the covariance is never formed (Lanczos).
    votes, _ = random_conversation(22, n_p=60, n_s=230, share=0.3)
    wide = analyse(votes, rules="2017")
    assert wide.statements == list(range(230))
    dense = np.full((60, 230), np.nan)
    for p, s, v, _ in votes:
        dense[p, s] = v
    filled = np.where(np.isnan(dense), 0.0, dense)
    centre = filled.mean(0)
    eigenvalues, vectors = np.linalg.eigh((filled - centre).T @ (filled - centre))
    components = vectors[:, np.argsort(-eigenvalues)[:2]]
    given = np.where(np.isnan(dense), 0.0, dense - centre)
    counts = (~np.isnan(dense)).sum(1)
    expected = given @ components * np.sqrt(230 / counts)[:, None]
    got = np.array([wide.coordinates[p] for p in range(60)])
    for axis in range(2):
        sign = np.sign(got[:, axis] @ expected[:, axis])
        np.testing.assert_allclose(got[:, axis], sign * expected[:, axis], atol=1e-6)


def test_2017_rules_count_zeroed_columns_as_votes():
    """Polis before October 2017 counted votes on the moderated matrix: a moderated-out
    statement's zeroed column is a 'vote' for everyone, its real votes are not."""
    votes, _ = planted(23, groups=2, per_group=20, statements=20)
    late = 10**7
    # Five votes on included statements, two on moderated-out ones.
    votes += [(500, s, 1, late + s) for s in range(5)]
    for out in ("out1", "out2"):
        votes += [(p, out, 1, late + 100 + p) for p in (0, 1, 500)]
    current = analyse(votes, moderated_out={"out1", "out2"})
    old = analyse(votes, moderated_out={"out1", "out2"}, rules="2017")
    assert current.participants[500] is not None  # 5 + 2 real votes
    assert old.participants[500] is not None  # 5 + 2 zeroed columns
    # With three votes only: 3 + 2 real votes = 5 < 7 now; 3 + 2 zeroed = 5 then.
    fewer = [v for v in votes if not (v[0] == 500 and v[1] in (3, 4))]
    assert analyse(fewer, moderated_out={"out1", "out2"}).participants[500] is None
    assert analyse(fewer, moderated_out={"out1", "out2"}, rules="2017").participants[500] is None
    # Five included votes and no votes on the moderated ones: in only under the 2017 rule.
    alone = [v for v in votes if not (v[0] == 500 and str(v[1]).startswith("out"))]
    assert analyse(alone, moderated_out={"out1", "out2"}).participants[500] is None
    assert (
        analyse(alone, moderated_out={"out1", "out2"}, rules="2017").participants[500] is not None
    )


def test_polis_rules_by_date():
    day = 86_400_000
    assert polis_rules_for(1_508_544_000_000) == "current"  # 21 October 2017
    assert polis_rules_for(1_508_544_000_000 - 1) == "2017"
    assert polis_rules_for(1_492_128_000_000) == "2017"  # 14 April 2017
    assert polis_rules_for(1_492_128_000_000 - day) == "early-2017"
    assert polis_rules_for(1_658_934_589_213) == "current"  # July 2022
    with pytest.raises(ValueError, match="rules"):
        analyse([(1, 1, 1, 1)], rules="2015")


def test_early_2017_rules_have_fifty_base_clusters():
    # 120 distinct voters: 100 base clusters now, 50 then; max groups 2 + bases // 12.
    votes, _ = random_conversation(24, n_p=120, n_s=15, share=0.9)
    assert analyse(votes, rules="early-2017").clustered
    assert (
        analyse(votes, rules="early-2017", base_k=100).participants
        == analyse(votes, rules="2017").participants
    )


def test_extremity_is_the_projection_of_a_lone_agree():
    """Polis's comment extremity projects a participant whose only vote is -1 in Polis's own
    polarity, where -1 means agree (its exports flip the sign to 1 = agree)."""
    votes, dense = random_conversation(25)
    n_s = dense.shape[1]
    means = np.nanmean(dense, axis=0)
    centred = np.where(np.isnan(dense), 0.0, dense - means)
    eigenvalues, vectors = np.linalg.eigh(centred.T @ centred)
    components = vectors[:, np.argsort(-eigenvalues)[:2]]
    result = analyse(votes)
    for s in range(n_s):
        agree = np.hypot(*((1 - means[s]) * components[s] * math.sqrt(n_s)))
        disagree = np.hypot(*((-1 - means[s]) * components[s] * math.sqrt(n_s)))
        assert result.statement_stats[s].extremity == pytest.approx(agree)
        if abs(means[s]) > 0.05:
            assert result.statement_stats[s].extremity != pytest.approx(disagree)


@fast
@given(conversations, st.randoms(use_true_random=False))
def test_relabelling_changes_only_labels_under_2017_rules(conversation, rnd):
    votes, _ = conversation
    pids = sorted({v[0] for v in votes})
    sids = sorted({v[1] for v in votes})
    new_p = dict(zip(pids, rnd.sample(range(10_000), len(pids))))
    new_s = {s: f"s{i:05d}" for s, i in zip(sids, rnd.sample(range(10_000), len(sids)))}
    renamed = [(new_p[p], new_s[s], v, t) for p, s, v, t in votes]
    rnd.shuffle(renamed)
    same_result(
        analyse(votes, rules="2017"),
        analyse(renamed, rules="2017"),
        new_p.__getitem__,
        new_s.__getitem__,
    )


def test_groups_before_the_last_votes_are_the_groups_at_the_end():
    # Held-out in time: the conversation replayed to nine tenths of its votes (in time order)
    # already shows the final groups; they do not hinge on the last votes.
    votes, truth = planted(26, groups=3, per_group=25, statements=18, noise=0.25, coverage=0.6)
    votes = sorted(votes, key=lambda v: v[3])
    end = analyse(votes)
    then = analyse(votes[: len(votes) * 9 // 10])
    both = [
        p for p, g in then.participants.items() if g is not None and end.participants[p] is not None
    ]
    assert len(both) >= 60
    assert (
        adjusted_rand_index(
            [then.participants[p] for p in both], [end.participants[p] for p in both]
        )
        > 0.9
    )
    assert adjusted_rand_index([truth[p] for p in both], [then.participants[p] for p in both]) > 0.9
