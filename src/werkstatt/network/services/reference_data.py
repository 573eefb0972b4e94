"""Load the reference data (regions, sectors, capabilities, certifications, materials) from files.

The files live in network/data/ (UTF-8 JSON, described in each file's "about"). Another region
ships its own files and loads them with `werkstatt load_reference_data --dir DIR`. Loading is
idempotent: rows are matched by their code or key and updated, new ones are created, nothing is
deleted (organisations may point at a row that a newer file no longer lists).

`load_reference_data` works both with the real models and with a migration's historical models
(pass the migration's `apps`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

NETWORK_SPACE_SLUG = "netzwerk"
NETWORK_SPACE_NAME = "Netzwerk"

REGION_KINDS = ("state", "district", "city")

FILES = {
    "regions": "regions.json",
    "sectors": "sectors.json",
    "capabilities": "capabilities.json",
    "certifications": "certifications.json",
    "materials": "materials.json",
}


@dataclass
class LoadReport:
    """What a load did, per kind: how many rows were created and updated."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, created: bool, changed: bool) -> None:
        self.created.setdefault(kind, 0)
        self.updated.setdefault(kind, 0)
        if created:
            self.created[kind] += 1
        elif changed:
            self.updated[kind] += 1

    def __str__(self) -> str:
        return ", ".join(
            f"{kind}: {self.created[kind]} created, {self.updated[kind]} updated"
            for kind in self.created
        )


class ReferenceDataError(ValueError):
    """A reference data file is missing a field, names an unknown parent, or is not JSON."""


def _read(directory: Path, kind: str) -> list[dict[str, Any]]:
    path = directory / FILES[kind]
    if not path.exists():
        return []
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReferenceDataError(f"{path}: {exc}") from exc
    rows = content.get(kind) if isinstance(content, dict) else None
    if not isinstance(rows, list):
        raise ReferenceDataError(f"{path}: expected an object with a list {kind!r}")
    return rows


def _models(apps: Any) -> dict[str, Any]:
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    return {
        "Region": apps.get_model("network", "Region"),
        "Sector": apps.get_model("network", "Sector"),
        "Capability": apps.get_model("network", "Capability"),
        "Certification": apps.get_model("network", "Certification"),
        "Material": apps.get_model("network", "Material"),
        "Space": apps.get_model("accounts", "Space"),
    }


def _upsert(model: Any, lookup: dict[str, Any], values: dict[str, Any]) -> tuple[Any, bool, bool]:
    """Create or update one row; returns (obj, created, changed). Saves only what changed."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True, False
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
    return obj, False, bool(changed)


def _require(row: dict[str, Any], kind: str, *names: str) -> None:
    missing = [name for name in names if not row.get(name)]
    if missing:
        raise ReferenceDataError(f"{kind}: {row!r} lacks {', '.join(missing)}")


def _ordered_by_parent(rows: list[dict[str, Any]], key: str, kind: str) -> list[dict[str, Any]]:
    """Parents before children, so that each parent exists when its child is saved."""
    by_key = {row[key]: row for row in rows}
    ordered: list[dict[str, Any]] = []
    seen: set[str] = set()

    def visit(row: dict[str, Any], trail: tuple[str, ...]) -> None:
        if row[key] in seen:
            return
        if row[key] in trail:
            raise ReferenceDataError(f"{kind}: {row[key]} is its own ancestor")
        parent = row.get("parent")
        if parent and parent in by_key:
            visit(by_key[parent], (*trail, row[key]))
        seen.add(row[key])
        ordered.append(row)

    for row in rows:
        visit(row, ())
    return ordered


def _value(row: dict[str, Any], name: str, model: Any) -> Any:
    value = row.get(name)
    return model._meta.get_field(name).get_default() if value is None else value


def _load_tree(
    model: Any,
    rows: list[dict[str, Any]],
    key: str,
    kind: str,
    fields: tuple[str, ...],
    report: LoadReport,
    required: tuple[str, ...] = (),
) -> None:
    for row in rows:
        _require(row, kind, key, "name_de", *required)
    present = {f.name for f in model._meta.get_fields()}
    objects: dict[str, Any] = {}
    for row in _ordered_by_parent(rows, key, kind):
        parent_key = row.get("parent")
        parent = None
        if parent_key:
            parent = objects.get(parent_key) or model.objects.filter(**{key: parent_key}).first()
            if parent is None:
                raise ReferenceDataError(f"{kind}: {row[key]} names unknown parent {parent_key}")
        values = {
            name: _value(row, name, model)
            for name in fields
            if name in present  # a migration's historical model may predate a field
        }
        values["parent"] = parent
        obj, created, changed = _upsert(model, {key: row[key]}, values)
        objects[row[key]] = obj
        report.add(kind, created, changed)


def load_reference_data(apps: Any = None, directory: Path | str | None = None) -> LoadReport:
    """Create or update every reference row from the files in `directory` (default: ours).

    Pass a migration's `apps` to run inside a migration. Files that are absent are skipped, so
    a region can ship only what differs. Raises ReferenceDataError on a malformed file, and
    then changes nothing.
    """
    directory = Path(directory) if directory else DATA_DIR
    models = _models(apps)
    report = LoadReport()
    with transaction.atomic():
        regions = _read(directory, "regions")
        for row in regions:
            if row.get("kind") not in REGION_KINDS:
                raise ReferenceDataError(
                    f"regions: {row.get('code')} has kind {row.get('kind')!r}, "
                    f"expected one of {', '.join(REGION_KINDS)}"
                )
        _load_tree(
            models["Region"],
            regions,
            "code",
            "regions",
            ("name_de", "name_en", "nuts", "slug", "kind", "seat", "lat", "lon"),
            report,
            required=("slug", "kind"),
        )

        _load_tree(
            models["Sector"],
            _read(directory, "sectors"),
            "code",
            "sectors",
            ("name_de", "name_en"),
            report,
        )

        capabilities = _read(directory, "capabilities")
        for row in capabilities:
            _require(row, "capabilities", "key")
            # The tree is in the key: "trennen.spanen.fraesen" sits under "trennen.spanen".
            if "." in row["key"]:
                row.setdefault("parent", row["key"].rsplit(".", 1)[0])
            row["depth"] = row["key"].count(".")
        _load_tree(
            models["Capability"],
            capabilities,
            "key",
            "capabilities",
            ("name_de", "name_en", "synonyms", "depth"),
            report,
        )

        for row in _read(directory, "certifications"):
            _require(row, "certifications", "code", "name_de")
            _obj, created, changed = _upsert(
                models["Certification"],
                {"code": row["code"]},
                {"name_de": row["name_de"], "name_en": row.get("name_en") or ""},
            )
            report.add("certifications", created, changed)

        for row in _read(directory, "materials"):
            _require(row, "materials", "key", "name_de")
            _obj, created, changed = _upsert(
                models["Material"],
                {"key": row["key"]},
                {"name_de": row["name_de"], "name_en": row.get("name_en") or ""},
            )
            report.add("materials", created, changed)

        ensure_network_space(apps)
    return report


def ensure_network_space(apps: Any = None) -> Any:
    """The network directory's space (accounts.Space kind=network, slug "netzwerk")."""
    space_model = _models(apps)["Space"]
    space, _created = space_model.objects.get_or_create(
        slug=NETWORK_SPACE_SLUG, defaults={"kind": "network", "name": NETWORK_SPACE_NAME}
    )
    return space
