"""Search the network directory: German full text, facets, a radius around a place.

One search for the directory page, its map and the API: `search(SearchParams(...))`.

How it works, and why it gives the same results on SQLite and PostgreSQL:

- The text index is our own SearchTerm table (see search_index and engines/text.py). Each query
  term matches index terms equal to it, starting with it (len >= 3) or ending with it (len >= 4,
  via `reversed_term`), always as index range scans `term >= x AND term < x || U+FFFF` in byte
  order (COLLATE "C" on PostgreSQL, migration 0004), never LIKE '%x%'. All query terms must
  match (AND). The postings of all query terms come in one query.
- Filters, facet counts and sorting work on a compact in-memory copy of the directory (see "the
  directory in memory" below), so a search is a handful of small queries whatever the number of
  organisations. Each facet is counted with every filter except its own (disjunctive faceting:
  ticking another kind widens the result); certifications are conjunctive (all ticked ones are
  required), so their counts apply their own filter too and say how many results remain when
  one more is ticked.
- Scores are computed in Python from the stored weights (doubles, the same bits in both
  databases) in a fixed order, and results are sorted in Python by (-score, name key, name, id);
  the name order is code point order (Python's string order, the byte order of UTF-8). So the
  order is the same everywhere.
- Radius: a bounding box and a flat-earth distance find the candidates; the few near the
  circle's edge are checked with the exact haversine distance.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from werkstatt.engines.geo import bounding_box, haversine_km
from werkstatt.engines.text import idf, query_terms, reverse

from ..models import Capability, Certification, Organisation, Region, SearchTerm

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


# --- the search -----------------------------------------------------------------------------


# --- the directory in memory -------------------------------------------------------------
#
# SQL over 50,000 organisations (GROUP BYs per facet, semi-joins with the text index) takes
# hundreds of milliseconds per search. So a search process keeps a compact copy: every
# organisation gets a position in name order (name_key, name, id: the order of "sort by name"),
# and each facet value, the public flag and each capability is a bit set over those positions
# (a Python int). Filters are ANDs and ORs of bit sets, facet counts `(mask & bits).bit_count()`.
# The copy is used only while the search index's generation token (SearchIndexState, changed by
# every reindex and every organisation saved or deleted) is the one it was built with, and it
# is only kept when built outside a transaction, so it never holds uncommitted data.

_POSTINGS_CACHED = 512  # terms whose postings a copy keeps
_BYTE_BITS = [tuple(i for i in range(8) if b >> i & 1) for b in range(256)]


def _bits(positions: Any, nbytes: int) -> int:
    buffer = bytearray(nbytes)
    for p in positions:
        buffer[p >> 3] |= 1 << (p & 7)
    return int.from_bytes(buffer, "little")


def _positions(mask: int, nbytes: int, start: int = 0, stop: int | None = None) -> list[int]:
    """The set bits of `mask` in increasing order, those numbered start..stop-1."""
    out: list[int] = []
    seen = 0
    for index, byte in enumerate(mask.to_bytes(nbytes, "little")):
        if not byte:
            continue
        bits = _BYTE_BITS[byte]
        if seen + len(bits) <= start:
            seen += len(bits)
            continue
        base = index << 3
        for bit in bits:
            if seen >= start:
                out.append(base + bit)
            seen += 1
        if stop is not None and seen >= stop:
            break
    return out[: None if stop is None else stop - start]


@dataclass
class _Term:
    mask: int  # organisations with a posting matching the term
    best: dict[int, float]  # position -> best weight (partial matches x PARTIAL_FACTOR)
    postings: int  # matching postings (document frequency, see _scores)


@dataclass
class _Directory:
    generation: str | None
    pks: list[int]
    position: dict[int, int]
    lat: list[float | None]
    lon: list[float | None]
    nbytes: int
    everyone: int
    public: int
    kind: dict[str, int]
    size: dict[str, int]
    region: dict[Any, int]
    capability: dict[int, int]
    certification: dict[str, int]
    terms: dict[str, _Term] = field(default_factory=dict)

    def term(self, terms: list[str]) -> dict[str, _Term]:
        known = {t: self.terms[t] for t in terms if t in self.terms}
        missing = [t for t in terms if t not in known]
        if missing:
            known.update(self._load_terms(missing))
        return known

    def _load_terms(self, terms: list[str]) -> dict[str, _Term]:
        """All postings of these terms in one query (range scans on the term indexes)."""
        table = connection.ops.quote_name(SearchTerm._meta.db_table)
        where, args = [], []
        for term in terms:
            if len(term) >= 3:
                where.append("(term >= %s AND term < %s)")
                args += [term, term + _HIGH]
            else:
                where.append("term = %s")
                args.append(term)
            if len(term) >= 4 and term.isalpha():
                where.append("(reversed_term >= %s AND reversed_term < %s)")
                args += [reverse(term), reverse(term) + _HIGH]
        sql = (
            f"SELECT organisation_id, term, weight FROM {table} "  # noqa: S608
            f"WHERE {' OR '.join(where)}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, args)
            rows = cursor.fetchall()
        position = self.position
        found = {t: _Term(0, {}, 0) for t in terms}
        members: dict[str, list[int]] = {t: [] for t in terms}
        for org_id, indexed, weight in rows:
            pos = position.get(org_id)
            for term in terms:
                if indexed == term:
                    value = weight
                elif (len(term) >= 3 and indexed.startswith(term)) or (
                    len(term) >= 4 and term.isalpha() and indexed.endswith(term)
                ):
                    value = weight * PARTIAL_FACTOR
                else:
                    continue
                entry = found[term]
                entry.postings += 1
                if pos is None:
                    continue
                members[term].append(pos)
                if value > entry.best.get(pos, 0.0):
                    entry.best[pos] = value
        for term in terms:
            found[term].mask = _bits(members[term], self.nbytes)
        if len(self.terms) + len(found) > _POSTINGS_CACHED:
            self.terms = {}
        self.terms.update(found)
        return found


_directory: _Directory | None = None


def _load_directory(generation: str | None) -> _Directory:
    rows = list(
        Organisation.objects.values_list(
            "pk", "name_key", "name", "is_public", "kind", "size", "region_id", "lat", "lon"
        )
    )
    rows.sort(key=lambda r: (r[1], r[2], r[0]))
    n = len(rows)
    nbytes = n // 8 + 1
    position = {r[0]: i for i, r in enumerate(rows)}

    def group(column: int) -> dict[Any, int]:
        members: dict[Any, list[int]] = {}
        for i, r in enumerate(rows):
            members.setdefault(r[column], []).append(i)
        return {value: _bits(ps, nbytes) for value, ps in members.items()}

    def m2m(through, column: str) -> dict[Any, int]:
        members: dict[Any, list[int]] = {}
        for org_id, value in through.objects.values_list("organisation_id", column):
            if org_id in position:
                members.setdefault(value, []).append(position[org_id])
        return {value: _bits(ps, nbytes) for value, ps in members.items()}

    public = group(3)
    return _Directory(
        generation=generation,
        pks=[r[0] for r in rows],
        position=position,
        lat=[r[7] for r in rows],
        lon=[r[8] for r in rows],
        nbytes=nbytes,
        everyone=(1 << n) - 1,
        public=public.get(True, 0),
        kind=group(4),
        size=group(5),
        region=group(6),
        capability=m2m(Organisation.capabilities.through, "capability_id"),
        certification=m2m(Organisation.certifications.through, "certification__code"),
    )


def _current_directory() -> _Directory:
    global _directory
    from .search_index import current_generation

    generation = current_generation()
    cached = _directory
    if cached is not None and generation is not None and cached.generation == generation:
        return cached
    directory = _load_directory(generation)
    if generation is not None and not connection.in_atomic_block:
        _directory = directory
    return directory


def _radius_mask(d: _Directory, lat: float, lon: float, km: float) -> int:
    """The same set as _radius's SQL: box, flat distance, exact distance near the edge."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, km)
    ky = _KM_PER_DEGREE
    kx = _KM_PER_DEGREE * math.cos(math.radians(lat))
    kyy, kxx = ky * ky, kx * kx
    margin = 0.03 + km / 2000.0
    inner, outer = (km * (1 - margin)) ** 2, (km * (1 + margin)) ** 2
    inside = []
    for i, (plat, plon) in enumerate(zip(d.lat, d.lon, strict=True)):
        if plat is None or plon is None:
            continue
        if not (min_lat <= plat <= max_lat and min_lon <= plon <= max_lon):
            continue
        flat = (plat - lat) * (plat - lat) * kyy + (plon - lon) * (plon - lon) * kxx
        if flat > outer:
            continue
        if flat > inner and haversine_km(lat, lon, plat, plon) > km:
            continue
        inside.append(i)
    return _bits(inside, d.nbytes)


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
    capabilities: list[Any]
    regions: list[Any]
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
    capabilities = list(Capability.objects.all())
    capability_rows = [(c.pk, c.key, c.parent_id) for c in capabilities]
    regions = list(Region.objects.all())

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
        codes = {r.pk: r.code for r in regions}
        wanted = set(params.regions)
        filters["region"] = _any(
            d.region,
            [r.pk for r in regions if r.code in wanted or codes.get(r.parent_id) in wanted],
        )
    if params.capabilities:
        filters["capability"] = _any(
            d.capability, _descendant_ids(params.capabilities, capability_rows)
        )
    if params.certifications:
        mask = d.everyone
        for code in params.certifications:
            mask &= d.certification.get(code, 0)
        filters["certification"] = mask
    return _Match(d, terms, found, base, filters, capabilities, regions, place, radius, message)


def search_points(params: SearchParams, limit: int = 5000) -> tuple[list[tuple], int]:
    """Positions of all organisations matching `params` (not only one page), for the map.

    Returns ([(pk, name, slug, lat, lon), ...] at most `limit` of them, in id order, the
    number of matching organisations with a position).
    """
    match = _match(params)
    d = match.directory
    located = sorted(
        d.pks[p]
        for p in _positions(match.filtered(), d.nbytes)
        if d.lat[p] is not None and d.lon[p] is not None
    )
    chosen = located[:limit]
    rows = {
        row[0]: row
        for row in Organisation.objects.filter(pk__in=chosen).values_list(
            "pk", "name", "slug", "lat", "lon"
        )
    }
    return [rows[pk] for pk in chosen if pk in rows], len(located)


def search(params: SearchParams) -> SearchResult:  # noqa: C901 - one pipeline, read top to bottom
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
    scores: dict[int, float] = {}
    if sort == "name":
        positions = _positions(matching, d.nbytes, start, stop)
        if terms:
            scores = _scores(d, terms, found, positions)
    else:
        candidates = _positions(matching, d.nbytes)
        if terms:
            scores = _scores(d, terms, found, candidates)
        if sort == "relevance":
            ranked = heapq.nsmallest(stop, candidates, key=lambda p: (-scores.get(p, 0.0), p))
        else:
            assert radius is not None
            if terms:

                def distance(p: int) -> tuple[float, int]:
                    return (_distance(radius, d.lat[p], d.lon[p]), p)
            else:
                ky = _KM_PER_DEGREE
                kx = _KM_PER_DEGREE * math.cos(math.radians(radius.lat))
                kyy, kxx = ky * ky, kx * kx

                def distance(p: int) -> tuple[float, int]:
                    plat, plon = d.lat[p], d.lon[p]
                    return (
                        (plat - radius.lat) * (plat - radius.lat) * kyy
                        + (plon - radius.lon) * (plon - radius.lon) * kxx,
                        p,
                    )

            ranked = heapq.nsmallest(stop, candidates, key=distance)
        positions = ranked[start:stop]
    page_ids = [d.pks[p] for p in positions]
    page_scores = {d.pks[p]: scores.get(p, 0.0) for p in positions}

    organisations = {
        org.pk: org
        for org in Organisation.objects.filter(pk__in=page_ids)
        .select_related("region")
        .prefetch_related("capabilities", "certifications", "sites")
    }
    hits = [
        Hit(
            organisation=organisations[pk],
            score=round(page_scores.get(pk, 0.0), 6),
            distance_km=(
                haversine_km(radius.lat, radius.lon, organisations[pk].lat, organisations[pk].lon)
                if radius and organisations[pk].lat is not None
                else None
            ),
        )
        for pk in page_ids
        if pk in organisations
    ]

    facets = _facets(params, d, filtered, match.capabilities, match.regions)
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


def _distance(radius: _Radius, lat: float | None, lon: float | None) -> float:
    if lat is None or lon is None:
        return math.inf
    return haversine_km(radius.lat, radius.lon, lat, lon)


def _scores(
    d: _Directory, terms: list[str], found: dict[str, _Term], positions: list[int]
) -> dict[int, float]:
    """BM25-like score per position: sum over query terms of idf x best matching weight.

    A posting equal to the query term counts fully, a prefix or suffix match PARTIAL_FACTOR.
    idf comes from the number of postings matching the term (an organisation with two words
    starting with the term counts twice, which only makes a very common prefix slightly more
    common) among all organisations, so a rare word weighs more than a common one.
    """
    if len(terms) == 1:
        best = found[terms[0]].best
        # 0.0 + 1.0 * value is value: the same number as the sum below.
        return {p: best[p] for p in positions if p in best}
    documents = len(d.pks)
    scores: dict[int, float] = {}
    for term in terms:  # a fixed order of additions: the same sums everywhere
        factor = idf(documents, min(documents, found[term].postings))
        best = found[term].best
        for p in positions:
            value = best.get(p)
            if value:
                scores[p] = scores.get(p, 0.0) + factor * value
    return scores


def _facets(
    params: SearchParams, d: _Directory, filtered, capabilities: list, regions: list
) -> dict[str, list[FacetValue]]:
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
        for r in regions
        if r.kind != Region.Kind.STATE and (region_counts.get(r.pk, 0) or r.code in params.regions)
    ]

    # Capabilities: the top level and every selected one, each counting organisations with it
    # or any capability below it.
    capability_rows = [(c.pk, c.key, c.parent_id) for c in capabilities]
    by_key = {c.key: c for c in capabilities}
    tops = [key for _, key, parent in sorted(capability_rows, key=lambda r: r[1]) if parent is None]
    shown = tops + [k for k in params.capabilities if k in by_key and k not in tops]
    in_result = filtered("capability")
    cap_counts = {
        key: (in_result & _any(d.capability, _descendant_ids([key], capability_rows))).bit_count()
        for key in shown
    }
    facets["capability"] = [
        FacetValue(key, by_key[key].name, cap_counts.get(key, 0), key in params.capabilities)
        for key in shown
        if cap_counts.get(key, 0) or key in params.capabilities
    ]

    cert_counts = counts(d.certification, filtered())
    certifications = Certification.objects.filter(
        Q(code__in=list(cert_counts)) | Q(code__in=params.certifications)
    )
    facets["certification"] = [
        FacetValue(c.code, c.code, cert_counts.get(c.code, 0), c.code in params.certifications)
        for c in certifications
    ]
    return facets
