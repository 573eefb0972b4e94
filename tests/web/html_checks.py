"""A small accessibility check of rendered pages with html.parser (no browser needed).

`check_page(html)` returns a list of problems: a missing lang, not exactly one h1, no skip link
to an existing target, missing landmarks, form controls without a label, aria-describedby or
label targets that point nowhere, inline script or style attributes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

LABELLED_BY_CONTENT = {"button"}
NO_LABEL_NEEDED = {"hidden", "submit", "button", "reset", "image"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: list[str] = field(default_factory=list)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.open: list[Element] = []
        self.label_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: (v or "") for k, v in attrs})
        element.attrs["__in_label"] = "1" if self.label_depth else ""
        self.elements.append(element)
        if tag == "label":
            self.label_depth += 1
        if tag not in {"input", "meta", "link", "br", "img", "hr"}:
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self.label_depth:
            self.label_depth -= 1
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index].tag == tag:
                del self.open[index:]
                break

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.text.append(data)


def parse(html: str) -> list[Element]:
    collector = _Collector()
    collector.feed(html)
    return collector.elements


def check_page(html: str) -> list[str]:
    elements = parse(html)
    problems: list[str] = []
    ids = {e.attrs["id"] for e in elements if e.attrs.get("id")}
    by_tag: dict[str, list[Element]] = {}
    for e in elements:
        by_tag.setdefault(e.tag, []).append(e)

    htmls = by_tag.get("html", [])
    if not htmls or not htmls[0].attrs.get("lang"):
        problems.append("<html> has no lang")
    h1s = by_tag.get("h1", [])
    if len(h1s) != 1:
        problems.append(f"{len(h1s)} h1 elements instead of one")
    skip = [a for a in by_tag.get("a", []) if "skip-link" in a.attrs.get("class", "")]
    if not skip:
        problems.append("no skip link")
    elif skip[0].attrs.get("href", "").lstrip("#") not in ids:
        problems.append("skip link target missing")
    for landmark in ("header", "main", "footer"):
        if len(by_tag.get(landmark, [])) != 1:
            problems.append(f"not exactly one <{landmark}>")
    for nav in by_tag.get("nav", []):
        if not nav.attrs.get("aria-label") and not nav.attrs.get("aria-labelledby"):
            problems.append("a <nav> without aria-label")

    label_for = {e.attrs.get("for") for e in by_tag.get("label", []) if e.attrs.get("for")}
    for target in label_for:
        if target not in ids:
            problems.append(f"label for={target!r} points nowhere")
    for e in elements:
        if e.tag not in {"input", "select", "textarea"}:
            continue
        if e.tag == "input" and e.attrs.get("type", "text") in NO_LABEL_NEEDED:
            continue
        named = (
            e.attrs.get("id") in label_for
            or e.attrs.get("__in_label")
            or e.attrs.get("aria-label")
            or e.attrs.get("aria-labelledby")
        )
        if not named:
            problems.append(f"<{e.tag} name={e.attrs.get('name')!r}> has no label")
    for e in elements:
        for ref in e.attrs.get("aria-describedby", "").split():
            if ref not in ids:
                problems.append(f"aria-describedby={ref!r} points nowhere")
        if "style" in e.attrs:
            problems.append(f"<{e.tag}> has a style attribute")
        if e.tag == "script" and not e.attrs.get("src"):
            problems.append("inline <script>")
        if e.tag == "style":
            problems.append("inline <style>")
        if any(name.startswith("on") for name in e.attrs):
            problems.append(f"<{e.tag}> has an inline event handler")
    return problems
