"""Search the network directory: German full text, facets, a radius around a place.

One search for the directory page, its map and the API: `search(SearchParams(...))`.

How it works, and why it gives the same results on SQLite and PostgreSQL:

- The text index is our own SearchTerm table (see search_index and engines/text.py). Each query
  term matches index terms equal to it, starting with it (len >= 3) or ending with it (len >= 4,
  via `reversed_term`), always as index range scans `term >= x AND term < x || U+FFFF`, never
  LIKE '%x%'. All query terms must match (AND).
- Filters and facet counts are SQL over the organisation table (GROUP BY, with the text match as
  a semi-join), so no list of ids travels between Python and the database. Each facet is
  counted with every filter except its own (disjunctive faceting: ticking another kind widens
  the result); certifications are conjunctive (all ticked ones are required), so their counts
  apply their own filter too and say how many results remain when one more is ticked.
- Scores are computed in Python from the stored weights (doubles, the same bits in both
  databases) in a fixed order, and results are sorted in Python by (-score, name key, name, id);
  ordering in SQL (no query text) uses byte-order collations on both databases. So the order is
  the same everywhere.
- Radius: a bounding box on the indexed lat/lon columns and a flat-earth distance with + - * only
  (the same in both databases) find the candidates; the few near the circle's edge are checked
  with the exact haversine distance in Python and the ones outside are excluded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Collate
from django.db.models.lookups import GreaterThan, LessThanOrEqual
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


def _term_match(term: str, prefix: str = "") -> Q:
    """Index postings matching one query term: equal, by prefix, by suffix; range scans only."""
    p = f"{prefix}__" if prefix else ""
    if len(term) >= 3:
        match = Q(**{f"{p}term__gte": term, f"{p}term__lt": term + _HIGH})
    else:
        match = Q(**{f"{p}term": term})
    if len(term) >= 4 and term.isalpha():
        backwards = reverse(term)
        match |= Q(
            **{f"{p}reversed_term__gte": backwards, f"{p}reversed_term__lt": backwards + _HIGH}
        )
    return match


def _byte_order(expression: Any) -> Any:
    """Compare strings by code point in both databases (PostgreSQL "C", SQLite's BINARY)."""
    return Collate(expression, "C" if connection.vendor == "postgresql" else "BINARY")


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
    conditions: list[Any]


def _radius(lat: float, lon: float, km: float, base: QuerySet) -> _Radius:
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, km)
    ky = _KM_PER_DEGREE
    kx = _KM_PER_DEGREE * math.cos(math.radians(lat))
    flat_sq = (F("lat") - lat) * (F("lat") - lat) * (ky * ky) + (F("lon") - lon) * (
        F("lon") - lon
    ) * (kx * kx)
    # The flat distance is within a few per cent of the true one at these radii (latitude
    # changes the scale of longitude across the circle); inside `inner` is surely within the
    # radius, outside `outer` surely not, in between the exact distance decides.
    margin = 0.03 + km / 2000.0
    inner, outer = (km * (1 - margin)) ** 2, (km * (1 + margin)) ** 2
    box = Q(lat__gte=min_lat, lat__lte=max_lat, lon__gte=min_lon, lon__lte=max_lon)
    ring = base.filter(box).filter(
        LessThanOrEqual(flat_sq, Value(outer)), GreaterThan(flat_sq, Value(inner))
    )
    outside = [
        pk
        for pk, plat, plon in ring.values_list("pk", "lat", "lon")
        if haversine_km(lat, lon, plat, plon) > km
    ]
    conditions: list[Any] = [box, LessThanOrEqual(flat_sq, Value(outer))]
    if outside:
        conditions.append(~Q(pk__in=outside))
    return _Radius(lat, lon, km, conditions)


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


@dataclass
class _Query:
    """A search's conditions, ready to apply: text, the filters per facet, the radius."""

    terms: list[str]
    base: QuerySet
    filters: dict[str, list[Any]]
    common: list[Any]
    capability_rows: list[tuple[int, str, int | None]]
    place: Any
    radius: _Radius | None
    message: str

    def filtered(self, *, without: str = "") -> QuerySet:
        conds = [c for name, cs in self.filters.items() if name != without for c in cs]
        return self.base.filter(*self.common).filter(*conds)


def _prepare(params: SearchParams) -> _Query:
    terms = query_terms(params.q)[:MAX_QUERY_TERMS]

    base = Organisation.objects.all()
    if not params.include_hidden:
        base = base.filter(is_public=True)

    # Text: each term must match (semi-joins on the index).
    text_conditions = [
        Q(pk__in=SearchTerm.objects.filter(_term_match(term)).values("organisation_id"))
        for term in terms
    ]

    # Filters, one list per facet so that each facet can leave out its own.
    capability_rows = list(Capability.objects.values_list("pk", "key", "parent_id"))
    filters: dict[str, list[Any]] = {
        "kind": [],
        "region": [],
        "size": [],
        "capability": [],
        "certification": [],
    }
    if params.kinds:
        filters["kind"].append(Q(kind__in=params.kinds))
    if params.sizes:
        filters["size"].append(Q(size__in=params.sizes))
    if params.regions:
        region_ids = Region.objects.filter(
            Q(code__in=params.regions) | Q(parent__code__in=params.regions)
        ).values("pk")
        filters["region"].append(Q(region_id__in=region_ids))
    if params.capabilities:
        cap_ids = _descendant_ids(params.capabilities, capability_rows)
        filters["capability"].append(
            Q(
                pk__in=Organisation.capabilities.through.objects.filter(
                    capability_id__in=cap_ids
                ).values("organisation_id")
            )
        )
    for code in params.certifications:
        filters["certification"].append(
            Q(
                pk__in=Organisation.certifications.through.objects.filter(
                    certification__code=code
                ).values("organisation_id")
            )
        )

    # Radius around a place.
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
            km = float(params.radius_km or DEFAULT_RADIUS_KM)
            km = max(1.0, min(MAX_RADIUS_KM, km))
            radius = _radius(place.lat, place.lon, km, base)
    common = list(text_conditions) + (radius.conditions if radius else [])

    return _Query(terms, base, filters, common, capability_rows, place, radius, message)


def search_points(params: SearchParams, limit: int = 5000) -> tuple[list[tuple], int]:
    """Positions of all organisations matching `params` (not only one page), for the map.

    Returns ([(pk, name, slug, lat, lon), ...] at most `limit` of them, in id order, the
    number of matching organisations with a position).
    """
    query = _prepare(params)
    located = query.filtered().filter(lat__isnull=False, lon__isnull=False)
    points = list(located.order_by("pk").values_list("pk", "name", "slug", "lat", "lon")[:limit])
    total = len(points) if len(points) < limit else located.count()
    return points, total


def search(params: SearchParams) -> SearchResult:  # noqa: C901 - one pipeline, read top to bottom
    """Search the directory; see the module docstring for how."""
    page_size = max(1, min(MAX_PAGE_SIZE, int(params.page_size or 20)))
    page = max(1, int(params.page or 1))
    query = _prepare(params)
    terms, radius, filtered = query.terms, query.radius, query.filtered
    matching = filtered()

    sort = params.sort if params.sort in SORTS else ""
    if not sort:
        sort = "relevance" if terms else ("distance" if radius else "name")
    if sort == "relevance" and not terms:
        sort = "distance" if radius else "name"
    if sort == "distance" and not radius:
        sort = "relevance" if terms else "name"

    scores: dict[int, float] = {}
    if terms:
        # All candidates with their sort keys; scores from their postings.
        candidates = list(matching.values_list("pk", "name_key", "name", "lat", "lon"))
        total = len(candidates)
        scores = _scores(terms, {c[0] for c in candidates}) if candidates else {}
        if sort == "relevance":
            candidates.sort(key=lambda c: (-scores.get(c[0], 0.0), c[1], c[2], c[0]))
        elif sort == "name":
            candidates.sort(key=lambda c: (c[1], c[2], c[0]))
        else:
            assert radius is not None
            candidates.sort(key=lambda c: (_distance(radius, c[3], c[4]), c[1], c[2], c[0]))
        page = min(page, max(1, math.ceil(total / page_size)))
        page_ids = [c[0] for c in candidates[(page - 1) * page_size : page * page_size]]
    else:
        total = matching.count()
        page = min(page, max(1, math.ceil(total / page_size)))
        ordered = matching
        if sort == "distance":
            assert radius is not None
            ky = _KM_PER_DEGREE
            kx = _KM_PER_DEGREE * math.cos(math.radians(radius.lat))
            ordered = ordered.annotate(
                flat_distance=(F("lat") - radius.lat) * (F("lat") - radius.lat) * (ky * ky)
                + (F("lon") - radius.lon) * (F("lon") - radius.lon) * (kx * kx)
            ).order_by("flat_distance", _byte_order(F("name_key")), _byte_order(F("name")), "pk")
        else:
            ordered = ordered.order_by(_byte_order(F("name_key")), _byte_order(F("name")), "pk")
        start = (page - 1) * page_size
        page_ids = list(ordered.values_list("pk", flat=True)[start : start + page_size])

    organisations = {
        org.pk: org
        for org in Organisation.objects.filter(pk__in=page_ids)
        .select_related("region")
        .prefetch_related("capabilities", "certifications", "sites")
    }
    hits = [
        Hit(
            organisation=organisations[pk],
            score=round(scores.get(pk, 0.0), 6),
            distance_km=(
                haversine_km(radius.lat, radius.lon, organisations[pk].lat, organisations[pk].lon)
                if radius and organisations[pk].lat is not None
                else None
            ),
        )
        for pk in page_ids
        if pk in organisations
    ]

    facets = _facets(params, filtered, query.capability_rows)
    return SearchResult(
        params=params,
        hits=hits,
        total=total,
        page=page,
        page_size=page_size,
        facets=facets,
        terms=terms,
        place=query.place,
        radius_km=radius.km if radius else None,
        message=query.message,
        sort=sort,
    )


def _distance(radius: _Radius, lat: float | None, lon: float | None) -> float:
    if lat is None or lon is None:
        return math.inf
    return haversine_km(radius.lat, radius.lon, lat, lon)


def _scores(terms: list[str], candidates: set[int]) -> dict[int, float]:
    """BM25-like score per candidate: sum over query terms of idf x best matching weight.

    A posting equal to the query term counts fully, a prefix or suffix match PARTIAL_FACTOR.
    idf comes from the number of organisations the term matches (among those searched at all),
    so a rare word weighs more than a common one when a query has several.
    """
    any_term = Q()
    for term in terms:
        any_term |= _term_match(term)
    best: dict[str, dict[int, float]] = {term: {} for term in terms}
    postings = SearchTerm.objects.filter(any_term)
    if len(candidates) <= 500:
        postings = postings.filter(organisation_id__in=sorted(candidates))
    # Otherwise all postings of the terms, filtered here: a semi-join with the whole search as
    # a subquery costs SQLite far more than skipping a few rows in Python.
    for org_id, indexed, weight in postings.values_list("organisation_id", "term", "weight"):
        if org_id not in candidates:
            continue
        for term in terms:
            if indexed == term:
                value = weight
            elif (len(term) >= 3 and indexed.startswith(term)) or (
                len(term) >= 4 and term.isalpha() and indexed.endswith(term)
            ):
                value = weight * PARTIAL_FACTOR
            else:
                continue
            if value > best[term].get(org_id, 0.0):
                best[term][org_id] = value
    if len(terms) > 1:
        # Document frequency as the number of matching postings (an index-only range count,
        # no DISTINCT sort): an organisation with two words starting with the term counts twice,
        # which only makes a very common prefix slightly more common.
        documents = Organisation.objects.count()
        term_idf = {
            term: idf(
                documents,
                min(documents, SearchTerm.objects.filter(_term_match(term)).count()),
            )
            for term in terms
        }
    else:
        term_idf = {terms[0]: 1.0}
    scores: dict[int, float] = {}
    for term in terms:  # a fixed order of additions: the same sums everywhere
        factor = term_idf[term]
        for org_id, value in best[term].items():
            scores[org_id] = scores.get(org_id, 0.0) + factor * value
    return scores


def _facets(params: SearchParams, filtered, capability_rows) -> dict[str, list[FacetValue]]:
    facets: dict[str, list[FacetValue]] = {}

    # Kind, size and region are columns of the organisation: the facets without a selection
    # share one GROUP BY over the result set; each selected one needs its own (without its
    # filter). Usually that is one query instead of three.
    columns = {"kind": "kind", "size": "size", "region": "region_id"}
    selected = {
        name
        for name, values in (
            ("kind", params.kinds),
            ("size", params.sizes),
            ("region", params.regions),
        )
        if values
    }
    column_counts: dict[str, dict[Any, int]] = {name: {} for name in columns}
    shared = [name for name in columns if name not in selected]
    if shared:
        grouped = filtered().values_list("kind", "size", "region_id").annotate(n=Count("pk"))
        for kind, size, region_id, n in grouped.order_by():
            values = {"kind": kind, "size": size, "region": region_id}
            for name in shared:
                counts = column_counts[name]
                counts[values[name]] = counts.get(values[name], 0) + n
    for name in selected:
        grouped = filtered(without=name).values_list(columns[name]).annotate(n=Count("pk"))
        column_counts[name] = dict(grouped.order_by())
    kind_counts = column_counts["kind"]
    size_counts = {k: v for k, v in column_counts["size"].items() if k}
    region_counts = {k: v for k, v in column_counts["region"].items() if k is not None}
    facets["kind"] = _choices_facet(kind_counts, Organisation.Kind.choices, params.kinds)
    facets["size"] = _choices_facet(size_counts, Organisation.Size.choices, params.sizes)
    regions = list(Region.objects.exclude(kind=Region.Kind.STATE))
    facets["region"] = [
        FacetValue(r.code, r.name, region_counts.get(r.pk, 0), r.code in params.regions)
        for r in regions
        if region_counts.get(r.pk, 0) or r.code in params.regions
    ]

    # Capabilities: the top level and every selected one, each counting organisations with it
    # or any capability below it.
    by_key = {key: pk for pk, key, _ in capability_rows}
    tops = [key for _, key, parent in sorted(capability_rows, key=lambda r: r[1]) if parent is None]
    shown = tops + [k for k in params.capabilities if k in by_key and k not in tops]
    through = Organisation.capabilities.through
    in_result = through.objects.filter(
        organisation_id__in=filtered(without="capability").values("pk")
    )
    cap_counts: dict[str, int] = {}
    if tops:
        whens = [
            When(capability_id__in=_descendant_ids([key], capability_rows), then=Value(i))
            for i, key in enumerate(tops)
        ]
        grouped = (
            in_result.annotate(top=Case(*whens, default=Value(-1), output_field=IntegerField()))
            .values_list("top")
            .annotate(n=Count("organisation_id", distinct=True))
            .order_by()
        )
        cap_counts.update({tops[i]: n for i, n in grouped if i >= 0})
    for key in shown[len(tops) :]:
        cap_counts[key] = (
            in_result.filter(capability_id__in=_descendant_ids([key], capability_rows))
            .values("organisation_id")
            .distinct()
            .count()
        )
    capabilities = Capability.objects.in_bulk([by_key[k] for k in shown])
    facets["capability"] = [
        FacetValue(
            key, capabilities[by_key[key]].name, cap_counts.get(key, 0), key in params.capabilities
        )
        for key in shown
        if cap_counts.get(key, 0) or key in params.capabilities
    ]

    # Certifications are all required, so their counts keep their own filter.
    cert_counts = dict(
        Organisation.certifications.through.objects.filter(
            organisation_id__in=filtered().values("pk")
        )
        .values_list("certification__code")
        .annotate(n=Count("organisation_id"))
        .order_by()
    )
    certifications = Certification.objects.filter(
        Q(code__in=list(cert_counts)) | Q(code__in=params.certifications)
    )
    facets["certification"] = [
        FacetValue(c.code, c.code, cert_counts.get(c.code, 0), c.code in params.certifications)
        for c in certifications
    ]
    return facets
