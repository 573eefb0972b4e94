"""The search index: SearchTerm rows (term, reversed term, weight) per organisation.

`reindex(ids)` rebuilds the rows of some organisations, `reindex_all()` of all of them. Both work
in batches with a fixed number of queries per batch (no query per organisation) and write only
the postings that differ from what is stored (`_replace`): rebuilding an unchanged index reads it,
new organisations cost inserts only (bench/README.md, "Import and indexing"). The text analysis is
`werkstatt.engines.text.index_terms`; this module only gathers the texts and their field weights.
"""

from __future__ import annotations

import contextlib
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import translation

from werkstatt.engines.text import index_terms, reverse

from ..models import Capability, Organisation, SearchIndexState, SearchTerm, Site

BATCH_SIZE = 1000
# SQLite page cache while reindexing, in KiB (the connection's own setting is restored after).
SQLITE_CACHE_KIB = 256 * 1024

# Field weights: a word in the name counts most, then what the organisation can do, then the
# free description. Tuned by hand on the demo data; see tests/network/test_search.py.
WEIGHT_NAME = 3.0
WEIGHT_CAPABILITY = 2.0
WEIGHT_CERTIFICATION = 2.0
WEIGHT_KIND = 1.5
WEIGHT_MATERIAL = 1.5
WEIGHT_CAPABILITY_PARENT = 0.5
WEIGHT_SECTOR = 1.0
WEIGHT_DESCRIPTION = 1.0
WEIGHT_PLACE = 1.0

Progress = Callable[[int, int], None]


def _kind_labels() -> dict[str, str]:
    labels: dict[str, list[str]] = defaultdict(list)
    for language in ("de", "en"):
        with translation.override(language):
            for value, label in Organisation.Kind.choices:
                labels[value].append(str(label))
    return {value: " ".join(names) for value, names in labels.items()}


def _capability_texts() -> tuple[dict[int, str], dict[int, str]]:
    """Capability id -> its own names and synonyms; id -> names of its ancestors."""
    rows = {
        pk: (parent_id, " ".join(p for p in (name_de, name_en, synonyms.replace(",", " ")) if p))
        for pk, parent_id, name_de, name_en, synonyms in Capability.objects.values_list(
            "pk", "parent_id", "name_de", "name_en", "synonyms"
        )
    }
    own = {pk: text for pk, (_, text) in rows.items()}
    ancestors: dict[int, str] = {}
    for pk, (parent_id, _) in rows.items():
        names = []
        seen = set()
        while parent_id is not None and parent_id in rows and parent_id not in seen:
            seen.add(parent_id)
            names.append(rows[parent_id][1])
            parent_id = rows[parent_id][0]
        ancestors[pk] = " ".join(names)
    return own, ancestors


def _m2m_texts(through, target: str, columns: tuple[str, ...], ids: list[int]) -> dict[int, str]:
    texts: dict[int, list[str]] = defaultdict(list)
    fields = ["organisation_id", *(f"{target}__{c}" for c in columns)]
    for row in through.objects.filter(organisation_id__in=ids).values_list(*fields):
        texts[row[0]].extend(str(v) for v in row[1:] if v)
    return {pk: " ".join(parts) for pk, parts in texts.items()}


def _build_rows(ids: list[int], kind_labels, capability_own, capability_ancestors) -> list:
    orgs = list(
        Organisation.objects.filter(pk__in=ids).values_list(
            "pk",
            "name",
            "kind",
            "description",
            "capabilities_text",
            "capacities",
            "region__name_de",
            "region__name_en",
        )
    )
    caps: dict[int, list[str]] = defaultdict(list)
    cap_parents: dict[int, list[str]] = defaultdict(list)
    through = Organisation.capabilities.through
    for org_id, cap_id in through.objects.filter(organisation_id__in=ids).values_list(
        "organisation_id", "capability_id"
    ):
        caps[org_id].append(capability_own.get(cap_id, ""))
        cap_parents[org_id].append(capability_ancestors.get(cap_id, ""))
    certs = _m2m_texts(
        Organisation.certifications.through, "certification", ("code", "name_de", "name_en"), ids
    )
    materials = _m2m_texts(Organisation.materials.through, "material", ("name_de", "name_en"), ids)
    sectors = _m2m_texts(Organisation.sectors.through, "sector", ("name_de", "name_en"), ids)
    places: dict[int, list[str]] = defaultdict(list)
    for org_id, city, postcode, region_de, region_en in Site.objects.filter(
        organisation_id__in=ids
    ).values_list("organisation_id", "city", "postcode", "region__name_de", "region__name_en"):
        places[org_id].extend(v for v in (city, postcode, region_de, region_en) if v)

    rows = []
    for pk, name, kind, description, capabilities_text, capacities, region_de, region_en in orgs:
        fields = [
            (name, WEIGHT_NAME),
            (kind_labels.get(kind, ""), WEIGHT_KIND),
            (" ".join(caps.get(pk, [])), WEIGHT_CAPABILITY),
            (capabilities_text, WEIGHT_CAPABILITY),
            (" ".join(cap_parents.get(pk, [])), WEIGHT_CAPABILITY_PARENT),
            (certs.get(pk, ""), WEIGHT_CERTIFICATION),
            (materials.get(pk, ""), WEIGHT_MATERIAL),
            (sectors.get(pk, ""), WEIGHT_SECTOR),
            (description, WEIGHT_DESCRIPTION),
            (capacities, WEIGHT_DESCRIPTION),
            (" ".join([*places.get(pk, []), region_de or "", region_en or ""]), WEIGHT_PLACE),
        ]
        rows.extend(
            (pk, term, reverse(term), weight) for term, weight in index_terms(fields).items()
        )
    return rows


def _insert(rows: list[tuple[int, str, str, float]]) -> None:
    """Insert postings with COPY (PostgreSQL) or one prepared statement (executemany, SQLite):
    many times faster than bulk_create, which builds SQL for every few hundred rows."""
    if not rows:
        return
    table = connection.ops.quote_name(SearchTerm._meta.db_table)
    sql = (
        f"INSERT INTO {table} (organisation_id, term, reversed_term, weight) "  # noqa: S608
        "VALUES (%s, %s, %s, %s)"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: one stream instead of a statement per row (psycopg 3).
            copy_sql = f"COPY {table} (organisation_id, term, reversed_term, weight) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        for start in range(0, len(rows), 10_000):
            cursor.executemany(sql, rows[start : start + 10_000])


def _delete(posting_ids: list[int]) -> None:
    table = connection.ops.quote_name(SearchTerm._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(posting_ids), 900):
            chunk = posting_ids[start : start + 900]
            cursor.execute(
                f"DELETE FROM {table} WHERE id IN ({', '.join(['%s'] * len(chunk))})",  # noqa: S608
                chunk,
            )


def _replace(ids: list[int], rows: list[tuple[int, str, str, float]]) -> None:
    """Make the postings of `ids` equal to `rows`, writing only what differs.

    Rebuilding the index of unchanged organisations then writes nothing, and new organisations
    cost inserts only: every deleted or inserted posting costs a B-tree change in four indexes,
    which is what made reindexing slow, not the text analysis.
    """
    table = connection.ops.quote_name(SearchTerm._meta.db_table)
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        # Plain SQL: at 100 postings per organisation, building ORM rows cost more than the rest.
        cursor.execute(
            f"SELECT id, organisation_id, term, weight FROM {table} "  # noqa: S608
            f"WHERE organisation_id IN ({placeholders})",
            ids,
        )
        existing: dict[tuple[int, str], tuple[int, float]] = {
            (org_id, term): (pk, weight) for pk, org_id, term, weight in cursor.fetchall()
        }
    if not existing:
        _insert(rows)
        return
    stale: list[int] = []
    missing: list[tuple[int, str, str, float]] = []
    for row in rows:
        old = existing.pop((row[0], row[1]), None)
        if old is None:
            missing.append(row)
        elif old[1] != row[3]:
            stale.append(old[0])
            missing.append(row)
    stale.extend(pk for pk, _weight in existing.values())  # terms the texts no longer have
    _delete(stale)
    _insert(missing)


@contextlib.contextmanager
def _bulk_writes() -> Iterator[None]:
    """A larger SQLite page cache while many postings are written.

    SQLite's default cache is 2 MB; the four indexes of SearchTerm at 50,000 organisations are
    hundreds of MB, so inserting in term order (random positions in two of them) read and wrote
    the same pages again and again, and got slower the larger the index grew.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def bump_generation(**signal: object) -> None:
    """Tell every search process that its in-memory copy of the directory is out of date."""
    if str(signal.get("action", "post_")).startswith("pre_"):
        return
    token = uuid.uuid4().hex
    if not SearchIndexState.objects.update(generation=token):
        SearchIndexState.objects.create(generation=token)


def current_generation() -> str | None:
    return SearchIndexState.objects.values_list("generation", flat=True).first()


# Single changes through the ORM (admin, services) outdate the copy too; bulk changes call
# reindex(), which bumps it.
post_save.connect(bump_generation, sender=Organisation, dispatch_uid="search-org-saved")
post_delete.connect(bump_generation, sender=Organisation, dispatch_uid="search-org-deleted")
for _through in (Organisation.capabilities.through, Organisation.certifications.through):
    m2m_changed.connect(bump_generation, sender=_through, dispatch_uid=f"search-{_through}")


def reindex(organisation_ids: Iterable[int], progress: Progress | None = None) -> None:
    """Rebuild the search terms of these organisations (ids that no longer exist are dropped)."""
    ids = sorted({int(pk) for pk in organisation_ids})
    if not ids:
        return
    kind_labels = _kind_labels()
    capability_own, capability_ancestors = _capability_texts()
    with _bulk_writes():
        for start in range(0, len(ids), BATCH_SIZE):
            batch = ids[start : start + BATCH_SIZE]
            rows = _build_rows(batch, kind_labels, capability_own, capability_ancestors)
            with transaction.atomic():
                _replace(batch, rows)
            if progress is not None:
                progress(min(start + BATCH_SIZE, len(ids)), len(ids))
    bump_generation()


def reindex_all(progress: Progress | None = None) -> None:
    """Rebuild the whole index. `progress(done, total)` is called after each batch."""
    ids = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        SearchTerm.objects.exclude(organisation_id__in=Organisation.objects.values("pk")).delete()
    reindex(ids, progress=progress)
    bump_generation()
