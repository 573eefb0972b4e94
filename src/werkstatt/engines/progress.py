"""Weighted progress of results made of sub-results (as in Decidim's accountability).

A result either has its own progress (a leaf) or is made of parts; then its progress is the
weighted mean of its parts' progress, recursively. Weights are relative (any positive numbers).
Plain data in, plain data out; no Django.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProgressNode:
    """One result: `parent` is None at the top; `progress` (0–100) counts only for leaves."""

    id: Hashable
    parent: Hashable | None
    weight: float
    progress: float


class ProgressTreeError(ValueError):
    """The results do not form a tree (a cycle, an unknown parent, or a weight ≤ 0)."""


def weighted_progress(nodes: Iterable[ProgressNode]) -> dict[Hashable, float]:
    """Progress (0–100) of every node: its own for leaves, the weighted mean of its children's
    progress for the others. Raises ProgressTreeError for cycles, unknown parents, bad weights."""
    by_id = {node.id: node for node in nodes}
    children: dict[Hashable, list[ProgressNode]] = {key: [] for key in by_id}
    for node in by_id.values():
        if node.weight <= 0:
            raise ProgressTreeError(f"weight of {node.id!r} must be positive")
        if node.parent is not None:
            if node.parent not in by_id:
                raise ProgressTreeError(f"parent {node.parent!r} of {node.id!r} is unknown")
            children[node.parent].append(node)
    result: dict[Hashable, float] = {}
    visiting: set[Hashable] = set()

    def value(key: Hashable) -> float:
        if key in result:
            return result[key]
        if key in visiting:
            raise ProgressTreeError(f"{key!r} is its own ancestor")
        visiting.add(key)
        parts = children[key]
        if parts:
            total = sum(part.weight for part in parts)
            progress = sum(part.weight * value(part.id) for part in parts) / total
        else:
            progress = min(100.0, max(0.0, float(by_id[key].progress)))
        visiting.discard(key)
        result[key] = progress
        return progress

    for key in by_id:
        value(key)
    # Nodes on a cycle that no root reaches were computed through value() above and raised.
    return result


def overall_progress(nodes: Iterable[ProgressNode]) -> float | None:
    """The weighted mean progress of the top-level nodes, or None if there are none."""
    nodes = list(nodes)
    progress = weighted_progress(nodes)
    roots = [node for node in nodes if node.parent is None]
    if not roots:
        return None
    total = sum(node.weight for node in roots)
    return sum(node.weight * progress[node.id] for node in roots) / total
