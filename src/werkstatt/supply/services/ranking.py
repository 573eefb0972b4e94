"""Rank the network's suppliers for a demand (engines/supplier_ranking.py does the scoring).

`rank_suppliers(DemandSpec(...), limit=50, viewer=user)` works from plain data, so the supply
app converts its Demand model into a `DemandSpec` and anything else (the API, a bench, a test)
can rank without one.

Who is a candidate: organisations of the supplying kinds (SUPPLIER_KINDS: companies, research
institutes, FabLabs, creative firms; not chambers, unions, associations, networks or public
bodies) that have at least one capability matching a step (the step's key, one below it, or one
above it: see the engine), shown publicly (superusers also see hidden ones), except the
organisations in `DemandSpec.exclude` (the buyer itself).

Speed (p95 <= 100 ms at 50,000 organisations, bench/ranking.py): a process keeps a compact copy
of the candidates (`engines.supplier_ranking.CandidateTable`: capabilities, certifications,
materials, sites as flat arrays), valid for one generation token of the search index (which
every organisation, site, capability or certification change through the services bumps,
see network/services/search_index.py), built outside transactions only, so it never holds
uncommitted data. Inside a transaction (tests, or right after a change) the copy is built for
the candidates of this demand only (organisations with a matching capability), not kept.
A ranking is then: one query for the token, one for the postings of the description's terms
in the search index (cached per term), one for the page of organisations.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q

from werkstatt.engines.supplier_ranking import (
    CandidateTable,
    DemandStep,
    RankingDemand,
    rank,
    relevant_capabilities,
    text_terms,
)
from werkstatt.engines.text import reverse
from werkstatt.network.models import Organisation, SearchTerm, Site

SUPPLIER_KINDS = (
    Organisation.Kind.COMPANY,
    Organisation.Kind.RESEARCH,
    Organisation.Kind.FABLAB,
    Organisation.Kind.CREATIVE,
)
# A description term that matches index terms only as a prefix or suffix counts this much.
PARTIAL_FACTOR = 0.6
_POSTINGS_CACHED = 256
_HIGH = "\uffff"


@dataclass
class StepSpec:
    """One production step: a capability key, required certification codes, material key,
    quantity (pieces), and an id the result refers to (e.g. the step's primary key)."""

    capability: str
    certifications: list[str] = field(default_factory=list)
    material: str = ""
    quantity: int | None = None
    id: str = ""


@dataclass
class DemandSpec:
    """A demand as plain data: steps, delivery place (lat/lon), description text, and the
    organisations not to propose (the buyer)."""

    steps: list[StepSpec]
    lat: float | None = None
    lon: float | None = None
    text: str = ""
    exclude: list[int] = field(default_factory=list)

    def step_ids(self) -> list[str]:
        return [s.id or str(i + 1) for i, s in enumerate(self.steps)]


@dataclass
class RankedSupplier:
    organisation: Organisation
    score: float
    parts: list[dict[str, Any]]  # structured explanation (engine docstring)
    components: dict[str, float]
    distance_km: float | None
    covered_steps: list[str]


# --- the candidates in memory ---------------------------------------------------------------


@dataclass
class Directory:
    """The candidate suppliers of one generation of the directory."""

    generation: str | None
    pks: list[int]
    position: dict[int, int]
    public: np.ndarray
    table: CandidateTable
    organisations: int  # all organisations, for idf
    postings: dict[str, tuple[dict[int, float], int]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def text_postings(self, terms: list[str]) -> tuple[dict[str, dict[int, float]], dict[str, int]]:
        """term -> {position: weight}, term -> number of organisations with it."""
        found = {t: self.postings[t] for t in terms if t in self.postings}
        missing = [t for t in terms if t not in found]
        if missing:
            loaded = _load_postings(missing, self.position)
            found.update(loaded)
            with self.lock:
                if len(self.postings) + len(loaded) > _POSTINGS_CACHED:
                    self.postings = {}
                self.postings.update(loaded)
        return {t: v[0] for t, v in found.items()}, {t: v[1] for t, v in found.items()}


def _load_postings(
    terms: list[str], position: dict[int, int]
) -> dict[str, tuple[dict[int, float], int]]:
    """All postings of these terms in one query: equal, starting with, or ending with the term
    (range scans on the search index, as the directory search does)."""
    table = connection.ops.quote_name(SearchTerm._meta.db_table)
    where, args = [], []
    for term in terms:
        if len(term) >= 4:
            where.append("(term >= %s AND term < %s)")
            args += [term, term + _HIGH]
            if term.isalpha():
                where.append("(reversed_term >= %s AND reversed_term < %s)")
                args += [reverse(term), reverse(term) + _HIGH]
        else:
            where.append("term = %s")
            args.append(term)
    sql = f"SELECT organisation_id, term, weight FROM {table} WHERE {' OR '.join(where)}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        rows = cursor.fetchall()
    out: dict[str, tuple[dict[int, float], int]] = {}
    for term in terms:
        best: dict[int, float] = {}
        organisations: set[int] = set()
        for org_id, indexed, weight in rows:
            if indexed == term:
                value = weight
            elif len(term) >= 4 and (
                indexed.startswith(term) or (term.isalpha() and indexed.endswith(term))
            ):
                value = weight * PARTIAL_FACTOR
            else:
                continue
            organisations.add(org_id)
            pos = position.get(org_id)
            if pos is not None and value > best.get(pos, 0.0):
                best[pos] = value
        out[term] = (best, len(organisations))
    return out


def _load_directory(generation: str | None, keys: list[str] | None) -> Directory:
    """The candidates (all suppliers, or those with a capability matching `keys`)."""
    organisations = Organisation.objects.filter(kind__in=SUPPLIER_KINDS)
    cap_through = Organisation.capabilities.through
    if keys is not None:
        match = Q(capability__key__in=keys)
        for key in keys:
            match |= Q(capability__key__startswith=key + ".")
        organisations = organisations.filter(
            pk__in=cap_through.objects.filter(match).values("organisation_id")
        )
    rows = list(
        organisations.order_by("pk")
        .annotate(stated=ExpressionWrapper(~Q(capacities=""), output_field=BooleanField()))
        .values_list("pk", "size", "is_public", "lat", "lon", "stated")
    )
    pks = [r[0] for r in rows]
    position = {pk: i for i, pk in enumerate(pks)}
    n = len(pks)

    def m2m(through: Any, column: str) -> list[list[str]]:
        values: list[list[str]] = [[] for _ in range(n)]
        query = through.objects.values_list("organisation_id", column)
        if keys is not None:
            query = query.filter(organisation_id__in=organisations.values("pk"))
        for org_id, value in query.iterator(chunk_size=20_000):
            i = position.get(org_id)
            if i is not None:
                values[i].append(value)
        return values

    capabilities = m2m(cap_through, "capability__key")
    certifications = m2m(Organisation.certifications.through, "certification__code")
    materials = m2m(Organisation.materials.through, "material__key")
    sites: list[list[tuple[float, float]]] = [[] for _ in range(n)]
    site_query = Site.objects.filter(lat__isnull=False, lon__isnull=False)
    if keys is not None:
        site_query = site_query.filter(organisation_id__in=organisations.values("pk"))
    for org_id, lat, lon in site_query.values_list("organisation_id", "lat", "lon").iterator(
        chunk_size=20_000
    ):
        i = position.get(org_id)
        if i is not None:
            sites[i].append((lat, lon))
    for i, r in enumerate(rows):  # no located site: the organisation's own position
        if not sites[i] and r[3] is not None and r[4] is not None:
            sites[i].append((r[3], r[4]))
    table = CandidateTable.build(
        ids=pks,
        capabilities=capabilities,
        certifications=certifications,
        sites=sites,
        sizes=[r[1] for r in rows],
        materials=materials,
        capacity=[bool(r[5]) for r in rows],
    )
    return Directory(
        generation=generation,
        pks=pks,
        position=position,
        public=np.array([bool(r[2]) for r in rows], dtype=bool),
        table=table,
        organisations=Organisation.objects.count(),
    )


_directory: Directory | None = None
_directory_lock = threading.Lock()


def candidate_directory(steps: list[StepSpec] | None = None) -> Directory:
    """The in-memory candidates, current for the directory's generation (see the docstring)."""
    global _directory
    from werkstatt.network.services.search_index import current_generation

    generation = current_generation()
    cached = _directory
    if cached is not None and generation is not None and cached.generation == generation:
        return cached
    if connection.in_atomic_block or generation is None:
        keys = (
            relevant_capabilities([DemandStep(s.capability) for s in steps])
            if steps is not None
            else None
        )
        return _load_directory(generation, keys)
    with _directory_lock:
        cached = _directory
        if cached is not None and cached.generation == generation:
            return cached
        _directory = _load_directory(generation, None)
        return _directory


def engine_demand(spec: DemandSpec) -> RankingDemand:
    return RankingDemand(
        steps=tuple(
            DemandStep(
                capability=s.capability,
                certifications=tuple(s.certifications),
                material=s.material,
                quantity=s.quantity,
                id=sid,
            )
            for s, sid in zip(spec.steps, spec.step_ids(), strict=True)
        ),
        lat=spec.lat,
        lon=spec.lon,
        text=spec.text,
    )


def visible_positions(directory: Directory, spec: DemandSpec, viewer: Any) -> np.ndarray:
    """Positions of the candidates this viewer may see, without the excluded (the buyer)."""
    mask = (
        np.ones(len(directory.pks), dtype=bool)
        if getattr(viewer, "is_superuser", False)
        else directory.public.copy()
    )
    for pk in spec.exclude:
        i = directory.position.get(pk)
        if i is not None:
            mask[i] = False
    return np.nonzero(mask)[0]


def rank_suppliers(
    demand_spec: DemandSpec, *, limit: int = 50, viewer: Any = None
) -> list[RankedSupplier]:
    """The `limit` best suppliers for the demand, best first, each with its explanation."""
    if not demand_spec.steps or limit <= 0:
        return []
    directory = candidate_directory(demand_spec.steps)
    demand = engine_demand(demand_spec)
    terms = list(text_terms(demand_spec.text))  # the engine's terms: no numbers or units
    postings, frequency = directory.text_postings(terms) if terms else ({}, {})
    ranked = rank(
        demand,
        directory.table,
        limit=limit,
        candidates=visible_positions(directory, demand_spec, viewer),
        postings=postings,
        document_count=directory.organisations,
        document_frequency=frequency,
    )
    organisations = Organisation.objects.select_related("region").in_bulk([r.id for r in ranked])
    return [
        RankedSupplier(
            organisation=organisations[r.id],
            score=r.score,
            parts=r.parts,
            components=r.components,
            distance_km=r.distance_km,
            covered_steps=r.covered_steps,
        )
        for r in ranked
        if r.id in organisations
    ]
