"""Search the network directory: German full text, facets, a radius around a place.

One search for the directory page, its map and the API: `search(SearchParams(...))`.

How it works, and why it gives the same results on SQLite and PostgreSQL:

- The text index is our own SearchTerm table (see search_index and engines/text.py). Each query
  term matches index terms equal to it, starting with it (len >= 3) or ending with it (len >= 4,
  via `reversed_term`), always as index range scans `term >= x AND term < x || U+FFFF` in byte
  order (COLLATE "C" on PostgreSQL, migration 0004), never LIKE '%x%'. All query terms must
  match (AND). The postings of all query terms come in one query, from covering indexes alone
  (migration 0005), and a process keeps them per term while the directory is unchanged.
- Filters, facet counts and sorting work on a compact in-memory copy of the directory (see "the
  directory in memory" below), so a search is a handful of small queries whatever the number of
  organisations. Each facet is counted with every filter except its own (disjunctive faceting:
  ticking another kind widens the result); certifications are conjunctive (all ticked ones are
  required), so their counts apply their own filter too and say how many results remain when
  one more is ticked.
- Scores are computed in Python (NumPy, float64) from the stored weights (doubles, the same bits
  in both databases) in a fixed order, and results are sorted by (-score, name key, name, id);
  the name order is code point order (Python's string order, the byte order of UTF-8). So the
  order is the same everywhere.
- Radius: a bounding box and a flat-earth distance find the candidates; the few near the
  circle's edge are checked with the exact haversine distance.
"""

from __future__ import annotations

import copy
import itertools
import math
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _

from werkstatt.engines.geo import EARTH_RADIUS_KM, bounding_box, haversine_km
from werkstatt.engines.text import idf, query_terms, reverse

from ..models import (
    Capability,
    Certification,
    Organisation,
    Region,
    SearchIndexState,
    SearchTerm,
)

RADIUS_CHOICES = (10, 25, 50, 100, 200)
DEFAULT_RADIUS_KM = 50
MAX_RADIUS_KM = 200
MAX_QUERY_TERMS = 8
MAX_PAGE_SIZE = 100
# A match by prefix or suffix counts less than the whole word.
PARTIAL_FACTOR = 0.6
SORTS = ("relevance", "distance", "name")
_KM_PER_DEGREE = math.pi * 6371.0088 / 180.0
_HIGH = "\uffff"


@dataclass
class SearchParams:
    """What to search for. Empty lists mean "no filter"."""

    q: str = ""
    kinds: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)  # Region.code
    capabilities: list[str] = field(default_factory=list)  # Capability.key; parents match children
    certifications: list[str] = field(default_factory=list)  # Certification.code; all required
    sizes: list[str] = field(default_factory=list)
    near: str = ""  # a place name or a postcode
    radius_km: float | None = None
    page: int = 1
    page_size: int = 20
    sort: str = ""  # "" = relevance with text, distance with a place, else name
    include_hidden: bool = False  # also organisations not shown publicly (administrators)


@dataclass
class Hit:
    organisation: Organisation
    score: float
    distance_km: float | None


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchResult:
    params: SearchParams
    hits: list[Hit]
    total: int
    page: int
    page_size: int
    facets: dict[str, list[FacetValue]]
    terms: list[str]
    place: Any = None  # geocoding.Place of `near`, if found
    radius_km: float | None = None  # the radius applied, None if none
    message: str = ""  # for the user, e.g. an unknown place
    sort: str = "name"

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))

    @property
    def page_obj(self) -> Page:
        """A Django page for the pagination include (numbers only, no objects loaded)."""
        return Paginator(range(self.total), self.page_size).get_page(self.page)


# --- building blocks ------------------------------------------------------------------------


def geocode_place(near: str) -> Any:
    """The place of a place name or postcode, or None (reference data's geocoder)."""
    near = near.strip()
    if not near:
        return None
    try:
        from . import geocoding
    except ImportError:  # reference data not installed: every place is unknown
        return None
    if near.isdigit():
        return geocoding.geocode(postcode=near)
    return geocoding.geocode(city=near)


@dataclass
class _Radius:
    lat: float
    lon: float
    km: float


def _descendant_ids(keys: list[str], capabilities: list[tuple[int, str, int | None]]) -> list[int]:
    wanted = set(keys)
    return [
        pk
        for pk, key, _ in capabilities
        if key in wanted or any(key.startswith(k + ".") for k in wanted)
    ]


def _choices_facet(counts: dict[str, int], choices, selected: list[str]) -> list[FacetValue]:
    return [
        FacetValue(str(value), str(label), counts.get(value, 0), value in selected)
        for value, label in choices
        if counts.get(value, 0) or value in selected
    ]


# --- the directory in memory -------------------------------------------------------------
#
# SQL over 50,000 organisations (GROUP BYs per facet, semi-joins with the text index) takes
# hundreds of milliseconds per search. So a search process keeps a compact copy: every
# organisation gets a position in name order (name_key, name, id: the order of "sort by name"),
# and each facet value, the public flag and each capability is a bit set over those positions
# (a Python int). Filters are ANDs and ORs of bit sets, facet counts `(mask & bits).bit_count()`.
# Positions, coordinates and the postings of a term are NumPy arrays, so listing the matches,
# the radius, scoring and sorting are vectorised. The reference data the facets show
# (capabilities, regions, certifications) is part of the copy too.
# The copy is used only while the search index's generation token (SearchIndexState, changed by
# every reindex, every organisation saved or deleted and every change of the reference data
# through the ORM) is the one it was built with, and it is only kept when built outside a
# transaction, so it never holds uncommitted data.

_POSTINGS_CACHED = 512  # terms whose postings a copy keeps
_POSITIONS_CACHED = 4_000_000  # ... and at most this many (position, weight) pairs of them
_ORGANISATIONS_CACHED = 5000  # organisations of result pages a copy keeps
_RADII_CACHED = 256  # circles (place, radius) a copy keeps


def _bits(positions: Any, nbytes: int) -> int:
    """The bit set (a Python int) with the bits of `positions` (an array or list) set."""
    flags = np.zeros(nbytes * 8, dtype=bool)
    flags[np.asarray(positions, dtype=np.int64)] = True
    return int.from_bytes(np.packbits(flags, bitorder="little").tobytes(), "little")


def _positions(mask: int, nbytes: int) -> np.ndarray:
    """The set bits of `mask` in increasing order (int64 array)."""
    flags = np.unpackbits(
        np.frombuffer(mask.to_bytes(nbytes, "little"), dtype=np.uint8), bitorder="little"
    )
    return np.flatnonzero(flags)


@dataclass
class _Term:
    mask: int  # organisations with a posting matching the term
    positions: np.ndarray  # their positions, increasing (int64)
    best: np.ndarray  # the best weight at each (partial matches x PARTIAL_FACTOR; float64)
    postings: int  # matching postings (document frequency, see _scores)


@dataclass
class _Directory:
    generation: str | None
    pks: np.ndarray  # position -> organisation id
    lookup: np.ndarray  # organisation id -> position, -1 if none
    names: list[str]
    slugs: list[str]
    lat: np.ndarray  # NaN where unknown
    lon: np.ndarray
    nbytes: int
    everyone: int
    public: int
    kind: dict[str, int]
    size: dict[str, int]
    region: dict[Any, int]
    capability: dict[int, int]
    certification: dict[str, int]
    capabilities: list[Capability]
    regions: list[Region]
    certifications: list[Certification]
    terms: dict[str, _Term] = field(default_factory=dict)
    subtrees: dict[str, int] = field(default_factory=dict)
    # Organisations shown on result pages, with region, capabilities, certifications and
    # sites loaded; searches hand out copies (see _page_organisations).
    organisations: dict[int, Organisation] = field(default_factory=dict)
    radii: dict[tuple[float, float, float], int] = field(default_factory=dict)

    def capability_rows(self) -> list[tuple[int, str, int | None]]:
        return [(c.pk, c.key, c.parent_id) for c in self.capabilities]

    def subtree(self, key: str) -> int:
        """Organisations with capability `key` or any capability below it."""
        bits = self.subtrees.get(key)
        if bits is None:
            bits = _any(self.capability, _descendant_ids([key], self.capability_rows()))
            if any(c.key == key for c in self.capabilities):  # only real keys are kept
                self.subtrees[key] = bits
        return bits

    def term(self, terms: list[str]) -> dict[str, _Term]:
        known = {t: self.terms[t] for t in terms if t in self.terms}
        missing = [t for t in terms if t not in known]
        if missing:
            known.update(self._load_terms(missing))
        return known

    def _load_terms(self, terms: list[str]) -> dict[str, _Term]:
        """All postings of these terms in one query: per term, index range scans that the
        covering indexes (term, organisation, weight) and (reversed term, term, organisation,
        weight) answer alone. Each row says which query term it is for and whether it is the
        whole word; a posting found by prefix and by suffix comes once."""
        table = connection.ops.quote_name(SearchTerm._meta.db_table)
        parts, args = [], []
        for index, term in enumerate(terms):
            select = f"SELECT {index}, organisation_id, term = %s, weight FROM {table} "  # noqa: S608
            if len(term) >= 3:
                own = "term >= %s AND term < %s"
                own_args = [term, term + _HIGH]
            else:
                own, own_args = "term = %s", [term]
            parts.append(select + "WHERE " + own)
            args += [term, *own_args]
            if len(term) >= 4 and term.isalpha():
                parts.append(
                    select + f"WHERE reversed_term >= %s AND reversed_term < %s AND NOT ({own})"
                )
                args += [term, reverse(term), reverse(term) + _HIGH, *own_args]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), args)
            rows = cursor.fetchall()
        if rows:
            flat = itertools.chain.from_iterable(rows)
            table_ = np.fromiter(flat, dtype=np.float64, count=4 * len(rows)).reshape(-1, 4)
            which, org_ids, exact, weights = table_.T
            org_ids = org_ids.astype(np.int64)
        else:
            which = org_ids = exact = weights = np.zeros(0)
            org_ids = org_ids.astype(np.int64)
        known = org_ids < len(self.lookup)
        positions_all = np.full(len(org_ids), -1, dtype=np.int64)
        positions_all[known] = self.lookup[org_ids[known]]
        values_all = np.where(exact != 0, weights, weights * PARTIAL_FACTOR)
        found: dict[str, _Term] = {}
        scratch = np.zeros(len(self.pks), dtype=np.float64)
        for index, term in enumerate(terms):
            mine = which == index
            postings = int(np.count_nonzero(mine))
            positions = positions_all[mine]
            values = values_all[mine]
            inside = positions >= 0
            positions, values = positions[inside], values[inside]
            # The best value per position (0.0 if none is positive, as a missing entry).
            np.maximum.at(scratch, positions, values)
            present = np.zeros(len(self.pks), dtype=bool)
            present[positions] = True
            unique = np.flatnonzero(present)
            best = scratch[unique]
            scratch[unique] = 0.0
            found[term] = _Term(_bits(unique, self.nbytes), unique, best, postings)
        held = sum(len(t.positions) for t in self.terms.values())
        if (
            len(self.terms) + len(found) > _POSTINGS_CACHED
            or held + sum(len(t.positions) for t in found.values()) > _POSITIONS_CACHED
        ):
            self.terms = {}
        self.terms.update(found)
        return found


_directory: _Directory | None = None


def _load_directory(generation: str | None) -> _Directory:
    """Build the copy: one plain query for the organisations and one per many-to-many table."""
    table = connection.ops.quote_name(Organisation._meta.db_table)
    with connection.cursor() as cursor:
        # name_key, name, id first: the tuples' own order is the order by name.
        cursor.execute(
            "SELECT name_key, name, id, slug, is_public, kind, size, region_id, lat, lon "  # noqa: S608
            f"FROM {table}"
        )
        rows = cursor.fetchall()
    rows.sort()  # ids are unique, so the columns after the id never decide
    n = len(rows)
    nbytes = n // 8 + 1
    pks = np.array([r[2] for r in rows], dtype=np.int64)
    lookup = np.full(int(pks.max()) + 1 if n else 0, -1, dtype=np.int64)
    lookup[pks] = np.arange(n, dtype=np.int64)

    def group(column: int) -> dict[Any, int]:
        values = [r[column] for r in rows]
        codes = {value: code for code, value in enumerate(dict.fromkeys(values))}
        index = np.fromiter(map(codes.__getitem__, values), dtype=np.int64, count=n)
        return {value: _bits(np.flatnonzero(index == c), nbytes) for value, c in codes.items()}

    def m2m(through, column: str) -> dict[int, int]:
        sql = (
            f"SELECT organisation_id, {column} "  # noqa: S608
            f"FROM {connection.ops.quote_name(through._meta.db_table)}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql)
            found = cursor.fetchall()
        pairs = np.fromiter(
            itertools.chain.from_iterable(found), dtype=np.int64, count=2 * len(found)
        ).reshape(-1, 2)
        org_ids, values = pairs[:, 0], pairs[:, 1]
        known = org_ids < len(lookup)
        positions = np.full(len(org_ids), -1, dtype=np.int64)
        positions[known] = lookup[org_ids[known]]
        keep = positions >= 0
        positions, values = positions[keep], values[keep]
        order = np.argsort(values, kind="stable")
        positions, values = positions[order], values[order]
        if not len(values):
            return {}
        distinct, starts = np.unique(values, return_index=True)
        ends = [*starts[1:], len(values)]
        return {
            int(value): _bits(positions[a:b], nbytes)
            for value, a, b in zip(distinct, starts, ends, strict=True)
        }

    certifications = list(Certification.objects.all())
    code_of = {c.pk: c.code for c in certifications}
    public = group(4)
    return _Directory(
        generation=generation,
        pks=pks,
        lookup=lookup,
        names=[r[1] for r in rows],
        slugs=[r[3] for r in rows],
        lat=np.array([math.nan if r[8] is None else r[8] for r in rows], dtype=np.float64),
        lon=np.array([math.nan if r[9] is None else r[9] for r in rows], dtype=np.float64),
        nbytes=nbytes,
        everyone=(1 << n) - 1,
        public=public.get(True, 0),
        kind=group(5),
        size=group(6),
        region=group(7),
        capability=m2m(Organisation.capabilities.through, "capability_id"),
        certification={
            code_of[pk]: bits
            for pk, bits in m2m(Organisation.certifications.through, "certification_id").items()
            if pk in code_of
        },
        capabilities=list(Capability.objects.all()),
        regions=list(Region.objects.all()),
        certifications=certifications,
    )


def _reference_data_changed(**signal: object) -> None:
    """The copy holds the capabilities, regions and certifications the facets show: a change
    of them through the ORM (admin) outdates it, as a change of an organisation does."""
    from .search_index import bump_generation

    bump_generation(**signal)


for _model in (Capability, Certification, Region):
    post_save.connect(_reference_data_changed, sender=_model, dispatch_uid=f"search-ref-{_model}")
    post_delete.connect(
        _reference_data_changed, sender=_model, dispatch_uid=f"search-ref-del-{_model}"
    )


def generation() -> str | None:
    """The search index's generation token (search_index.current_generation, as one plain
    query: it is asked on every search and every cached page)."""
    table = connection.ops.quote_name(SearchIndexState._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT generation FROM {table} ORDER BY id LIMIT 1")  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else None


_directory_lock = threading.Lock()


def _current_directory() -> _Directory:
    global _directory
    token = generation()
    cached = _directory
    if cached is not None and token is not None and cached.generation == token:
        return cached
    if token is None or connection.in_atomic_block:
        return _load_directory(token)
    # One thread of a process builds the copy; the others wait for it instead of building
    # their own at the same time (a server's first requests after a start or a change).
    with _directory_lock:
        cached = _directory
        if cached is not None and cached.generation == token:
            return cached
        _directory = _load_directory(token)
        return _directory


def warm_up() -> None:
    """Build this process's copy of the directory now (the web server's workers, before they
    take requests; see web/management/commands/serve.py)."""
    _current_directory()


def _flat_km2(d: _Directory, positions: Any, lat: float, lon: float) -> np.ndarray:
    """The squared flat-earth distance (km²) of the organisations at `positions` to a point."""
    kyy = _KM_PER_DEGREE * _KM_PER_DEGREE
    kx = _KM_PER_DEGREE * math.cos(math.radians(lat))
    kxx = kx * kx
    dlat = d.lat[positions] - lat
    dlon = d.lon[positions] - lon
    return dlat * dlat * kyy + dlon * dlon * kxx


def _radius_mask(d: _Directory, lat: float, lon: float, km: float) -> int:
    """The organisations within `km` of (lat, lon); the copy remembers the last few circles."""
    key = (lat, lon, km)
    mask = d.radii.get(key)
    if mask is None:
        mask = _circle(d, lat, lon, km)
        if len(d.radii) >= _RADII_CACHED:
            d.radii.clear()
        d.radii[key] = mask
    return mask


def _circle(d: _Directory, lat: float, lon: float, km: float) -> int:
    """Box, flat distance, and the exact distance for the few near the circle's edge."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, km)
    margin = 0.03 + km / 2000.0
    inner, outer = (km * (1 - margin)) ** 2, (km * (1 + margin)) ** 2
    # NaN (no position) fails every comparison.
    boxed = np.flatnonzero(
        (d.lat >= min_lat) & (d.lat <= max_lat) & (d.lon >= min_lon) & (d.lon <= max_lon)
    )
    flat = _flat_km2(d, boxed, lat, lon)
    near = flat <= outer
    boxed, flat = boxed[near], flat[near]
    edge = np.flatnonzero(flat > inner)
    keep = np.ones(len(boxed), dtype=bool)
    for i in edge.tolist():
        p = int(boxed[i])
        if haversine_km(lat, lon, float(d.lat[p]), float(d.lon[p])) > km:
            keep[i] = False
    return _bits(boxed[keep], d.nbytes)


def _any(bitsets: dict[Any, int], values: Any) -> int:
    mask = 0
    for value in values:
        mask |= bitsets.get(value, 0)
    return mask


@dataclass
class _Match:
    """A search's bit sets: `base` (visibility, text, radius) and one filter per facet."""

    directory: _Directory
    terms: list[str]
    found: dict[str, _Term]
    base: int
    filters: dict[str, int]
    place: Any
    radius: _Radius | None
    message: str

    def filtered(self, without: str = "") -> int:
        mask = self.base
        for name, bits in self.filters.items():
            if name != without:
                mask &= bits
        return mask


def _match(params: SearchParams) -> _Match:
    terms = query_terms(params.q)[:MAX_QUERY_TERMS]
    d = _current_directory()

    base = d.everyone if params.include_hidden else d.public
    found = d.term(terms) if terms else {}
    for term in terms:
        base &= found[term].mask

    place = None
    message = ""
    radius: _Radius | None = None
    if params.near.strip():
        place = geocode_place(params.near)
        if place is None:
            message = _(
                "We could not find the place “%(place)s”. Please check the spelling or enter a "
                "postcode. The results below are not limited by distance."
            ) % {"place": params.near.strip()}
        else:
            km = max(1.0, min(MAX_RADIUS_KM, float(params.radius_km or DEFAULT_RADIUS_KM)))
            radius = _Radius(place.lat, place.lon, km)
            base &= _radius_mask(d, place.lat, place.lon, km)

    filters: dict[str, int] = {}
    if params.kinds:
        filters["kind"] = _any(d.kind, params.kinds)
    if params.sizes:
        filters["size"] = _any(d.size, params.sizes)
    if params.regions:
        codes = {r.pk: r.code for r in d.regions}
        wanted = set(params.regions)
        filters["region"] = _any(
            d.region,
            [r.pk for r in d.regions if r.code in wanted or codes.get(r.parent_id) in wanted],
        )
    if params.capabilities:
        mask = 0
        for key in params.capabilities:
            mask |= d.subtree(key)
        filters["capability"] = mask
    if params.certifications:
        mask = d.everyone
        for code in params.certifications:
            mask &= d.certification.get(code, 0)
        filters["certification"] = mask
    return _Match(d, terms, found, base, filters, place, radius, message)


def search_points(params: SearchParams, limit: int = 5000) -> tuple[list[tuple], int]:
    """Positions of all organisations matching `params` (not only one page), for the map.

    Returns ([(pk, name, slug, lat, lon), ...] at most `limit` of them, in id order, the
    number of matching organisations with a position). From the copy alone, no query.
    """
    match = _match(params)
    d = match.directory
    matching = _positions(match.filtered(), d.nbytes)
    located = matching[~(np.isnan(d.lat[matching]) | np.isnan(d.lon[matching]))]
    chosen = located[np.argsort(d.pks[located], kind="stable")][:limit]
    points = [
        (int(d.pks[p]), d.names[p], d.slugs[p], float(d.lat[p]), float(d.lon[p]))
        for p in chosen.tolist()
    ]
    return points, len(located)


def search(params: SearchParams) -> SearchResult:
    """Search the directory; see the module docstring and "the directory in memory" for how."""
    page_size = max(1, min(MAX_PAGE_SIZE, int(params.page_size or 20)))
    page = max(1, int(params.page or 1))
    match = _match(params)
    d, terms, found, radius, filtered = (
        match.directory,
        match.terms,
        match.found,
        match.radius,
        match.filtered,
    )

    matching = filtered()
    total = matching.bit_count()

    sort = params.sort if params.sort in SORTS else ""
    if not sort:
        sort = "relevance" if terms else ("distance" if radius else "name")
    if sort == "relevance" and not terms:
        sort = "distance" if radius else "name"
    if sort == "distance" and not radius:
        sort = "relevance" if terms else "name"

    page = min(page, max(1, math.ceil(total / page_size)))
    start, stop = (page - 1) * page_size, page * page_size
    candidates = _positions(matching, d.nbytes)
    if sort == "name":
        positions = candidates[start:stop]
    else:
        if sort == "relevance":
            key = -_scores(d, terms, found, candidates)
        else:
            assert radius is not None
            if terms:
                key = _haversine_km(d, candidates, radius)
            else:
                key = _flat_km2(d, candidates, radius.lat, radius.lon)
        # Ties by position, i.e. by name: candidates are in increasing position.
        order = np.lexsort((candidates, key))
        positions = candidates[order[start:stop]]
    page_scores = _scores(d, terms, found, positions) if terms else np.zeros(len(positions))
    page_ids = [int(pk) for pk in d.pks[positions]]

    organisations = _page_organisations(d, page_ids)
    hits = [
        Hit(
            organisation=organisations[pk],
            score=round(float(score), 6),
            distance_km=(
                haversine_km(radius.lat, radius.lon, organisations[pk].lat, organisations[pk].lon)
                if radius and organisations[pk].lat is not None
                else None
            ),
        )
        for pk, score in zip(page_ids, page_scores.tolist(), strict=True)
        if pk in organisations
    ]

    facets = _facets(params, d, filtered)
    return SearchResult(
        params=params,
        hits=hits,
        total=total,
        page=page,
        page_size=page_size,
        facets=facets,
        terms=terms,
        place=match.place,
        radius_km=radius.km if radius else None,
        message=match.message,
        sort=sort,
    )


def _page_organisations(d: _Directory, ids: list[int]) -> dict[int, Organisation]:
    """The organisations of a result page with their region, capabilities, certifications and
    sites. A kept copy of the directory remembers them (they cannot change without a new
    generation), so a page seen before costs no query; each search gets its own shallow copies
    (changing one's fields does not change the remembered one)."""
    kept = d is _directory and not connection.in_atomic_block
    known = d.organisations if kept else {}
    missing = [pk for pk in ids if pk not in known]
    loaded = (
        {
            org.pk: org
            for org in Organisation.objects.filter(pk__in=missing)
            .select_related("region")
            .prefetch_related("capabilities", "certifications", "sites")
        }
        if missing
        else {}
    )
    if kept:
        if len(known) + len(loaded) > _ORGANISATIONS_CACHED:
            known.clear()
        known.update(loaded)
        return {pk: copy.copy(known[pk]) for pk in ids if pk in known}
    return loaded


def _haversine_km(d: _Directory, positions: np.ndarray, radius: _Radius) -> np.ndarray:
    """engines.geo.haversine_km from the radius's centre to each position, vectorised (NaN
    positions sort last: +inf)."""
    phi1 = math.radians(radius.lat)
    phi2 = np.radians(d.lat[positions])
    dphi = phi2 - phi1
    dlambda = np.radians(d.lon[positions] - radius.lon)
    h = np.sin(dphi / 2) ** 2 + math.cos(phi1) * np.cos(phi2) * np.sin(dlambda / 2) ** 2
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return np.where(np.isnan(km), math.inf, km)


def _scores(
    d: _Directory, terms: list[str], found: dict[str, _Term], positions: np.ndarray
) -> np.ndarray:
    """BM25-like score per position: sum over query terms of idf x best matching weight.

    A posting equal to the query term counts fully, a prefix or suffix match PARTIAL_FACTOR.
    idf comes from the number of postings matching the term (an organisation with two words
    starting with the term counts twice, which only makes a very common prefix slightly more
    common) among all organisations, so a rare word weighs more than a common one.
    The same additions in the same order (term by term) as a loop in Python: the same sums.
    """
    scores = np.zeros(len(positions), dtype=np.float64)
    if not terms:
        return scores
    if len(terms) == 1:
        term = found[terms[0]]
        return _at(term, positions)
    documents = len(d.pks)
    for term in terms:  # a fixed order of additions: the same sums everywhere
        factor = idf(documents, min(documents, found[term].postings))
        scores = scores + factor * _at(found[term], positions)
    return scores


def _at(term: _Term, positions: np.ndarray) -> np.ndarray:
    """The term's best weight at each of `positions` (0.0 where it has none)."""
    if not len(term.positions):
        return np.zeros(len(positions), dtype=np.float64)
    index = np.searchsorted(term.positions, positions)
    index = np.minimum(index, len(term.positions) - 1)
    return np.where(term.positions[index] == positions, term.best[index], 0.0)


def _facets(params: SearchParams, d: _Directory, filtered) -> dict[str, list[FacetValue]]:
    """Counts per facet value. Each facet is counted with every filter except its own
    (disjunctive: ticking another kind widens the result); certifications are all required, so
    their counts keep their own filter and say how many remain when one more is ticked."""
    facets: dict[str, list[FacetValue]] = {}

    def counts(bitsets: dict[Any, int], mask: int) -> dict[Any, int]:
        out = {}
        for value, bits in bitsets.items():
            n = (mask & bits).bit_count()
            if n:
                out[value] = n
        return out

    kind_counts = counts(d.kind, filtered("kind"))
    size_counts = {k: v for k, v in counts(d.size, filtered("size")).items() if k}
    region_counts = {k: v for k, v in counts(d.region, filtered("region")).items() if k is not None}
    facets["kind"] = _choices_facet(kind_counts, Organisation.Kind.choices, params.kinds)
    facets["size"] = _choices_facet(size_counts, Organisation.Size.choices, params.sizes)
    facets["region"] = [
        FacetValue(r.code, r.name, region_counts.get(r.pk, 0), r.code in params.regions)
        for r in d.regions
        if r.kind != Region.Kind.STATE and (region_counts.get(r.pk, 0) or r.code in params.regions)
    ]

    # Capabilities: the top level and every selected one, each counting organisations with it
    # or any capability below it.
    by_key = {c.key: c for c in d.capabilities}
    tops = sorted(c.key for c in d.capabilities if c.parent_id is None)
    shown = tops + [k for k in params.capabilities if k in by_key and k not in tops]
    in_result = filtered("capability")
    cap_counts = {key: (in_result & d.subtree(key)).bit_count() for key in shown}
    facets["capability"] = [
        FacetValue(key, by_key[key].name, cap_counts.get(key, 0), key in params.capabilities)
        for key in shown
        if cap_counts.get(key, 0) or key in params.capabilities
    ]

    cert_counts = counts(d.certification, filtered())
    facets["certification"] = [
        FacetValue(c.code, c.code, cert_counts.get(c.code, 0), c.code in params.certifications)
        for c in d.certifications
        if c.code in cert_counts or c.code in params.certifications
    ]
    return facets
