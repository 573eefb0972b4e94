"""The history of an organisation's profile: who changed which fields when.

Each historical record is compared with the one before it. The comparison is ours rather than
simple-history's `diff_against`, which queries every many-to-many field of every record: here a
page of any length costs the same few queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.paginator import Page, Paginator
from django.utils.translation import gettext_lazy as _

from ..models import Organisation, Region

# Fields that change with every save or are derived: not worth showing as changes.
IGNORED_FIELDS = {"id", "created", "updated", "name_key", "slug", "lat", "lon"}
M2M_FIELDS = {
    "capabilities": "capability",
    "certifications": "certification",
    "materials": "material",
    "sectors": "sector",
}
PAGE_SIZE = 25


@dataclass
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    record: Any
    kind: str  # "created", "changed", "deleted"
    changes: list[Change] = field(default_factory=list)


def _profile_fields() -> list[Any]:
    return [
        f
        for f in Organisation._meta.concrete_fields
        if f.name not in IGNORED_FIELDS and not f.many_to_many
    ]


def _m2m_values(records: list[Any]) -> dict[tuple[int, str], list[str]]:
    """For each (history_id, m2m field): the sorted names of the chosen objects."""
    values: dict[tuple[int, str], list[str]] = {}
    ids = [r.history_id for r in records]
    for name, target in M2M_FIELDS.items():
        model = apps.get_model("network", f"HistoricalOrganisation_{name}")
        rows = model.objects.filter(history_id__in=ids).select_related(target)
        for row in rows:
            obj = getattr(row, target)
            values.setdefault((row.history_id, name), []).append(
                str(obj) if obj is not None else "?"
            )
    for key in values:
        values[key].sort()
    return values


def _display(field_obj: Any, value: Any, regions: dict[int, Region]) -> str:
    if value is None or value == "":
        return "–"
    if field_obj.name == "region":
        region = regions.get(value)
        return str(region) if region else str(value)
    if field_obj.choices:
        return str(dict(field_obj.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)


def diff_records(rows: list[Any], count: int | None = None) -> list[HistoryEntry]:
    """Entries for `rows` (historical records, newest first), each diffed with the next one.

    Give one row more than `count` to diff the oldest shown record with its predecessor.
    """
    count = len(rows) if count is None else count
    fields = _profile_fields()
    region_ids = {r.region_id for r in rows if r.region_id}
    regions = Region.objects.in_bulk(region_ids) if region_ids else {}
    m2m = _m2m_values(rows)
    m2m_labels = {name: str(Organisation._meta.get_field(name).verbose_name) for name in M2M_FIELDS}
    entries = []
    for i, record in enumerate(rows[:count]):
        previous = rows[i + 1] if i + 1 < len(rows) else None
        kind = {"+": "created", "-": "deleted"}.get(record.history_type, "changed")
        entry = HistoryEntry(record=record, kind=kind)
        for f in fields:
            new = getattr(record, f.attname)
            old = getattr(previous, f.attname) if previous is not None else None
            if previous is None and new in (None, "", False):
                continue
            if previous is not None and new == old:
                continue
            entry.changes.append(
                Change(
                    field=f.name,
                    label=str(f.verbose_name),
                    old=_display(f, old, regions) if previous is not None else "",
                    new=_display(f, new, regions),
                )
            )
        for name in M2M_FIELDS:
            new_values = m2m.get((record.history_id, name), [])
            old_values = m2m.get((previous.history_id, name), []) if previous else []
            if new_values != old_values:
                entry.changes.append(
                    Change(
                        field=name,
                        label=m2m_labels[name],
                        old=", ".join(old_values) or "–",
                        new=", ".join(new_values) or "–",
                    )
                )
        entries.append(entry)
    return entries


def organisation_history_page(
    org: Organisation, page_number: Any = 1
) -> tuple[Page, list[HistoryEntry]]:
    """One page of an organisation's history, newest first, each with its changed fields."""
    records = org.history.select_related("history_user").order_by("-history_date", "-history_id")
    page = Paginator(records, PAGE_SIZE).get_page(page_number)
    start = (page.number - 1) * PAGE_SIZE
    # One record more than the page: the predecessor of the page's oldest record.
    rows = list(records[start : start + PAGE_SIZE + 1])
    return page, diff_records(rows, PAGE_SIZE)
