"""WCAG 2.1 AA contrast of the design tokens in werkstatt.css: text 4.5:1, controls 3:1."""

import re
from pathlib import Path

import pytest

import werkstatt

CSS = Path(werkstatt.__file__).parent / "web/static/werkstatt/css/werkstatt.css"


def tokens() -> dict[str, str]:
    root = CSS.read_text(encoding="utf-8").split(":root {", 1)[1].split("}", 1)[0]
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", root))


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_formula():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


TEXT_PAIRS = [
    ("c-text", "c-bg"),
    ("c-text", "c-bg-subtle"),
    ("c-text-muted", "c-bg"),
    ("c-text-muted", "c-bg-subtle"),
    ("c-primary", "c-bg"),
    ("c-primary", "c-bg-subtle"),
    ("c-primary-hover", "c-primary-subtle"),
    ("c-on-primary", "c-primary"),
    ("c-on-primary", "c-primary-hover"),
    ("c-danger", "c-bg"),
    ("c-danger", "c-danger-subtle"),
    ("c-success", "c-success-subtle"),
    ("c-warning", "c-warning-subtle"),
    ("c-text", "c-info-subtle"),
    ("c-text", "c-danger-subtle"),
    ("c-text", "c-success-subtle"),
    ("c-text", "c-warning-subtle"),
    ("c-text", "c-bg-strong"),
    ("c-text-muted", "c-bg-strong"),
    ("c-text", "c-focus"),
]
UI_PAIRS = [
    ("c-border-strong", "c-bg"),
    ("c-border-strong", "c-bg-subtle"),
    ("c-danger", "c-bg"),
    ("c-focus-outer", "c-bg"),
    ("c-focus", "c-brand"),
    ("c-warning-border", "c-bg"),
]


@pytest.mark.parametrize(("fg", "bg"), TEXT_PAIRS)
def test_text_contrast(fg, bg):
    t = tokens()
    assert contrast(t[fg], t[bg]) >= 4.5


@pytest.mark.parametrize(("fg", "bg"), UI_PAIRS)
def test_control_contrast(fg, bg):
    t = tokens()
    assert contrast(t[fg], t[bg]) >= 3


def test_footer_text_on_the_brand_band():
    assert contrast("#e9eff4", tokens()["c-brand"]) >= 4.5
