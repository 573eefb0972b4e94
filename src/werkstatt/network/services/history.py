"""The history of an organisation: who changed what when, in its profile, sites and contacts.

Each historical record is compared with the one before it of the same object (the profile, one
site, one contact person). Records in which no shown field changed (a save that only moved the
map point, the extra records of an import's merge) are left out; a created or deleted site or
contact always shows. The comparison is ours rather than simple-history's `diff_against`, which
queries every many-to-many field of every record: here a page of any length costs the same few
queries.

Memberships keep no history (who is an admin is on the members page), so they are not here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.paginator import Page, Paginator
from django.utils.translation import gettext_lazy as _

from ..models import ContactPerson, Organisation, Region, Site

# Fields that change with every save or are derived: not worth showing as changes.
IGNORED_FIELDS = {"id", "created", "updated", "name_key", "slug", "lat", "lon"}
SITE_IGNORED_FIELDS = {"id", "organisation", "lat", "lon"}
CONTACT_IGNORED_FIELDS = {"id", "organisation"}
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
    # What changed: "profile", "site" or "contact", and which one ("Werk 2, 09111 Chemnitz").
    subject: str = "profile"
    subject_label: str = ""


def _fields(model: Any, ignored: set[str]) -> list[Any]:
    return [f for f in model._meta.concrete_fields if f.name not in ignored and not f.many_to_many]


def _profile_fields() -> list[Any]:
    return _fields(Organisation, IGNORED_FIELDS)


def _m2m_values(records: list[Any]) -> dict[tuple[int, str], list[str]]:
    """For each (history_id, m2m field): the sorted names of the chosen objects."""
    values: dict[tuple[int, str], list[str]] = {}
    ids = [r.history_id for r in records]
    if not ids:
        return values
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


def _kind(record: Any) -> str:
    return {"+": "created", "-": "deleted"}.get(record.history_type, "changed")


def _field_changes(
    fields: list[Any], record: Any, previous: Any | None, regions: dict[int, Region]
) -> list[Change]:
    changes = []
    for f in fields:
        new = getattr(record, f.attname)
        old = getattr(previous, f.attname) if previous is not None else None
        if previous is None and new in (None, "", False):
            continue
        if previous is not None and new == old:
            continue
        changes.append(
            Change(
                field=f.name,
                label=str(f.verbose_name),
                old=_display(f, old, regions) if previous is not None else "",
                new=_display(f, new, regions),
            )
        )
    return changes


def _regions(rows: list[Any]) -> dict[int, Region]:
    region_ids = {r.region_id for r in rows if getattr(r, "region_id", None)}
    return Region.objects.in_bulk(region_ids) if region_ids else {}


def diff_records(
    rows: list[Any], count: int | None = None, regions: dict[int, Region] | None = None
) -> list[HistoryEntry]:
    """Entries for `rows` (an organisation's historical records, newest first), each diffed
    with the next one. Give one row more than `count` to diff the oldest shown record with its
    predecessor. Entries without a visible change are kept (the admin site lists every record).
    """
    count = len(rows) if count is None else count
    fields = _profile_fields()
    regions = _regions(rows) if regions is None else regions
    m2m = _m2m_values(rows)
    m2m_labels = {name: str(Organisation._meta.get_field(name).verbose_name) for name in M2M_FIELDS}
    entries = []
    for i, record in enumerate(rows[:count]):
        previous = rows[i + 1] if i + 1 < len(rows) else None
        entry = HistoryEntry(record=record, kind=_kind(record))
        entry.changes = _field_changes(fields, record, previous, regions)
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


def _site_label(record: Any) -> str:
    place = f"{record.postcode} {record.city}".strip()
    return ", ".join(p for p in [record.name, record.street, place] if p)


def _child_entries(
    rows: list[Any], subject: str, fields: list[Any], label: Any, regions: dict[int, Region]
) -> list[HistoryEntry]:
    """Entries of sites or contacts: each record diffed with the one before of the same object
    (`rows` oldest first)."""
    entries = []
    last: dict[int, Any] = {}
    for record in rows:
        previous = last.get(record.id)
        last[record.id] = record
        kind = _kind(record)
        changes = [] if kind == "deleted" else _field_changes(fields, record, previous, regions)
        entries.append(
            HistoryEntry(
                record=record,
                kind=kind,
                changes=changes,
                subject=subject,
                subject_label=label(record),
            )
        )
    return entries


def organisation_history(org: Organisation) -> list[HistoryEntry]:
    """Every visible change of the organisation, its sites and contact people, newest first."""
    org_rows = list(
        org.history.select_related("history_user").order_by("-history_date", "-history_id")
    )
    site_rows = list(
        Site.history.filter(organisation_id=org.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    contact_rows = list(
        ContactPerson.history.filter(organisation_id=org.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    regions = _regions(org_rows + site_rows)
    entries = diff_records(org_rows, regions=regions)
    entries += _child_entries(
        site_rows, "site", _fields(Site, SITE_IGNORED_FIELDS), _site_label, regions
    )
    entries += _child_entries(
        contact_rows,
        "contact",
        _fields(ContactPerson, CONTACT_IGNORED_FIELDS),
        lambda record: record.name,
        regions,
    )
    visible = [e for e in entries if e.changes or e.kind != "changed"]
    order = {"profile": 0, "site": 1, "contact": 2}
    visible.sort(
        key=lambda e: (e.record.history_date, order[e.subject], e.record.history_id),
        reverse=True,
    )
    return visible


def organisation_history_page(
    org: Organisation, page_number: Any = 1
) -> tuple[Page, list[HistoryEntry]]:
    """One page of an organisation's history, newest first, each with its changed fields."""
    page = Paginator(organisation_history(org), PAGE_SIZE).get_page(page_number)
    return page, list(page.object_list)
