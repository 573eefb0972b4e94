"""Weighted progress of results made of parts (engines/progress.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from werkstatt.engines.progress import (
    ProgressNode,
    ProgressTreeError,
    overall_progress,
    weighted_progress,
)


def test_a_result_with_parts_shows_their_weighted_progress():
    nodes = [
        ProgressNode("verbund", None, 1, 0),  # own value ignored: it has parts
        ProgressNode("vertrag", "verbund", 1, 100),
        ProgressNode("azubis", "verbund", 3, 20),
        ProgressNode("website", None, 1, 40),
    ]
    progress = weighted_progress(nodes)
    assert progress["verbund"] == pytest.approx((100 + 3 * 20) / 4)
    assert progress["website"] == 40
    assert overall_progress(nodes) == pytest.approx((40 + 40) / 2)


def test_deep_trees_and_clamping():
    nodes = [
        ProgressNode(1, None, 2, 0),
        ProgressNode(2, 1, 1, 0),
        ProgressNode(3, 2, 1, 150),  # clamped to 100
        ProgressNode(4, 2, 1, -5),  # clamped to 0
    ]
    assert weighted_progress(nodes) == {1: 50, 2: 50, 3: 100, 4: 0}


@pytest.mark.parametrize(
    "nodes",
    [
        [ProgressNode(1, 2, 1, 0), ProgressNode(2, 1, 1, 0)],
        [ProgressNode(1, 1, 1, 0)],
        [ProgressNode(1, 99, 1, 0)],
        [ProgressNode(1, None, 0, 0)],
    ],
    ids=["cycle", "own parent", "unknown parent", "zero weight"],
)
def test_broken_trees_are_refused(nodes):
    with pytest.raises(ProgressTreeError):
        weighted_progress(nodes)


def test_no_results_means_no_overall_progress():
    assert overall_progress([]) is None


@given(
    st.lists(
        st.tuples(st.floats(0.1, 10), st.integers(0, 100), st.integers(0, 50)),
        min_size=1,
        max_size=30,
    )
)
def test_progress_stays_between_the_parts_extremes(spec):
    # Node i's parent is an earlier node (or none): always a forest.
    nodes = [
        ProgressNode(i, (parent % i) if i and parent % 3 else None, weight, value)
        for i, (weight, value, parent) in enumerate(spec)
    ]
    progress = weighted_progress(nodes)
    leaves = [n for n in nodes if not any(m.parent == n.id for m in nodes)]
    low = min(n.progress for n in leaves)
    high = max(n.progress for n in leaves)
    assert all(low - 1e-9 <= value <= high + 1e-9 for value in progress.values())
