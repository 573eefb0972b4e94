"""Every template in src/ obeys the strict CSP: no inline <script> and no style attributes."""

import re
from pathlib import Path

import werkstatt

SRC = Path(werkstatt.__file__).parent
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
STYLE_ATTR = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE | re.DOTALL)
STYLE_TAG = re.compile(r"<style\b", re.IGNORECASE)
EVENT_ATTR = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)


def templates() -> list[Path]:
    return sorted(p for p in SRC.rglob("templates/**/*.html") if "static" not in p.parts)


def problems_in(text: str) -> list[str]:
    found = []
    for match in SCRIPT_TAG.finditer(text):
        if "src=" not in match.group(1):
            found.append("inline <script>")
    if STYLE_ATTR.search(text):
        found.append("style attribute")
    if STYLE_TAG.search(text):
        found.append("<style> element")
    if EVENT_ATTR.search(text):
        found.append("inline event handler")
    return found


def test_the_scanner_finds_inline_code():
    assert problems_in("<script>alert(1)</script>") == ["inline <script>"]
    assert problems_in('<div class="x" style="color: red">') == ["style attribute"]
    assert problems_in("<style>p{}</style>") == ["<style> element"]
    assert problems_in('<button onclick="go()">') == ["inline event handler"]
    assert problems_in('<script src="/static/x.js" defer></script><p class="style">') == []


def test_there_are_templates_to_scan():
    names = {p.name for p in templates()}
    assert {"base.html", "404.html", "login.html", "profile.html"} <= names


def test_no_template_has_inline_script_or_style():
    bad = {}
    for path in templates():
        found = problems_in(path.read_text(encoding="utf-8"))
        if found:
            bad[str(path.relative_to(SRC))] = found
    assert bad == {}
