"""Versions of a recommendation: what changed between one saved version and the next.

Recommendations keep every version with simple-history. The text is compared word by word
(difflib) so that a reader sees what was inserted and deleted; the tags (action fields,
districts, sectors) are read for a whole page of versions in one query per tag kind.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.paginator import Page, Paginator

from ..models import Recommendation

PAGE_SIZE = 20
TEXT_FIELDS = ("title", "text", "answer", "moderation_reason")
CHOICE_FIELDS = ("kind", "status", "moderation_state")
M2M = {"action_fields": "actionfield", "regions": "region", "sectors": "sector"}


@dataclass
class Segment:
    op: str  # "equal", "insert", "delete"
    text: str


@dataclass
class Change:
    label: str
    old: str = ""
    new: str = ""
    segments: list[Segment] = field(default_factory=list)


@dataclass
class Version:
    record: Any
    number: int
    changes: list[Change] = field(default_factory=list)


def word_diff(old: str, new: str) -> list[Segment]:
    a, b = old.split(" "), new.split(" ")
    out: list[Segment] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(Segment("equal", " ".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(Segment("delete", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            out.append(Segment("insert", " ".join(b[j1:j2])))
    return out


def _tags(records: list[Any]) -> dict[tuple[int, str], list[str]]:
    ids = [r.history_id for r in records]
    values: dict[tuple[int, str], list[str]] = {}
    for name, target in M2M.items():
        through = apps.get_model("strategy", f"HistoricalRecommendation_{name}")
        for row in through.objects.filter(history_id__in=ids).select_related(target):
            values.setdefault((row.history_id, name), []).append(str(getattr(row, target)))
    for key in values:
        values[key].sort()
    return values


def recommendation_versions(rec: Recommendation, page_number: Any = None) -> Page:
    """A page of versions, newest first, each with its changes against the version before."""
    history = rec.history.select_related("history_user").order_by(  # type: ignore[attr-defined]
        "-history_date", "-history_id"
    )
    page = Paginator(history, PAGE_SIZE).get_page(page_number)
    records = list(page.object_list)
    total = page.paginator.count
    # The version before the oldest on this page, to compare it with.
    before = None
    if records:
        oldest = records[-1]
        before = (
            rec.history.filter(history_date__lt=oldest.history_date)  # type: ignore[attr-defined]
            .order_by("-history_date", "-history_id")
            .first()
        )
    chain = records + ([before] if before is not None else [])
    tags = _tags(chain)
    model_fields = {f.name: f for f in Recommendation._meta.fields}
    versions = []
    first_number = total - (page.number - 1) * PAGE_SIZE
    for index, record in enumerate(records):
        previous = chain[index + 1] if index + 1 < len(chain) else None
        version = Version(record, first_number - index)
        for name in TEXT_FIELDS + CHOICE_FIELDS:
            old = getattr(previous, name, "") if previous else ""
            new = getattr(record, name)
            if previous is not None and old == new:
                continue
            if previous is None and not new:
                continue
            label = str(model_fields[name].verbose_name)
            if name in CHOICE_FIELDS:
                choices = dict(model_fields[name].choices)
                version.changes.append(
                    Change(label, str(choices.get(old, old)), str(choices.get(new, new)))
                )
            else:
                version.changes.append(Change(label, old, new, word_diff(old, new)))
        for name in M2M:
            old_tags = tags.get((previous.history_id, name), []) if previous else []
            new_tags = tags.get((record.history_id, name), [])
            if old_tags != new_tags:
                label = str(Recommendation._meta.get_field(name).verbose_name)
                version.changes.append(Change(label, ", ".join(old_tags), ", ".join(new_tags)))
        versions.append(version)
    page.object_list = versions
    return page
