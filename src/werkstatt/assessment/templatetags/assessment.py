"""Template helpers of the assessment pages: interval bars as SVG (no inline styles)."""

from __future__ import annotations

import math
from typing import Any

from django import template

register = template.Library()

BAR_WIDTH = 200


def _x(value: float, low: float, high: float) -> float:
    if not math.isfinite(value) or high <= low:
        return 0.0
    return round(max(0.0, min(1.0, (value - low) / (high - low))) * BAR_WIDTH, 1)


@register.inclusion_tag("assessment/_bar.html")
def interval_bar(
    low: float, estimate: float, high: float, scale_low: float = 1, scale_high: float = 5
) -> dict[str, Any]:
    """A horizontal bar: the interval [low, high] as a band and the estimate as a mark, on the
    scale [scale_low, scale_high]."""
    x1, x2, mark = (_x(v, scale_low, scale_high) for v in (low, high, estimate))
    return {
        "x": x1,
        "width": max(x2 - x1, 1.0),
        "mark": mark,
        "total": BAR_WIDTH,
    }


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def percent(value: float) -> str:
    return f"{round(value * 100)} %"
