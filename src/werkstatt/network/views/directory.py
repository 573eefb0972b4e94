"""The network directory: search with facets and a radius, the results as a list and on a map.

Both views read the same GET parameters as the API's search (q, kind, region, capability,
certification, size, near, radius_km, sort, page) and ask the one search service. The page works
without JavaScript (a plain GET form); with htmx, changing a filter replaces only the facets and
results and pushes the URL. The map (web/static/werkstatt/js/map.js) loads its points from
`directory_geojson`; the list is its text alternative.

What is the same for every visitor (the search form, map, facets and results: everything but the
page header, the account links, the CSRF token and messages) is a shared fragment
(web/page_cache.shared_fragment), keyed by the search index's generation token (which changes
with every change of an organisation), the language, whether the reader may see hidden
organisations, and the normalised search. Anonymous visitors get whole pages from the page
cache; logged-in users a page frame rendered for their role (staff or not, may import or not,
may see hidden organisations or not) with their own CSRF token put in, or the page rendered for
them when messages are waiting. The map's GeoJSON is cached for everyone, by visibility level.
"""

from __future__ import annotations

from typing import Any

import rules
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.urls import reverse
from django.views.decorators.http import require_safe

from werkstatt.web.page_cache import anonymous_page_cache, render_with_frame, shared_fragment

from ..models import Organisation
from ..services.search import (
    DEFAULT_RADIUS_KM,
    RADIUS_CHOICES,
    SORTS,
    SearchParams,
    generation,
    search,
    search_points,
)

PAGE_SIZE = 20
MAP_POINT_LIMIT = 5000


def _int(value: str, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _radius(value: str) -> int:
    radius = _int(value, DEFAULT_RADIUS_KM)
    return radius if radius in RADIUS_CHOICES else DEFAULT_RADIUS_KM


def search_params(request: HttpRequest) -> SearchParams:
    """The search a request asks for; unknown values are ignored, never an error."""
    get = request.GET

    def many(name: str, allowed: set[str] | None = None) -> list[str]:
        values = [v.strip() for v in get.getlist(name) if v.strip()]
        values = [v for v in dict.fromkeys(values) if allowed is None or v in allowed][:50]
        return values

    return SearchParams(
        q=get.get("q", "").strip()[:200],
        kinds=many("kind", set(Organisation.Kind.values)),
        regions=many("region"),
        capabilities=many("capability"),
        certifications=many("certification"),
        sizes=many("size", set(Organisation.Size.values)),
        near=get.get("near", "").strip()[:100],
        radius_km=_radius(get.get("radius_km", "")),
        sort=get.get("sort", "") if get.get("sort", "") in SORTS else "",
        page=max(1, _int(get.get("page", "1"), 1)),
        page_size=PAGE_SIZE,
        include_hidden=may(request, "network.view_private_organisations"),
    )


def normalised_query(params: SearchParams) -> list[tuple[str, str]]:
    """The GET parameters that ask for exactly this search, in a fixed order, defaults left out
    (what the page's links and the map's address carry, and what its cache key is made of)."""
    query: list[tuple[str, str]] = []
    if params.q:
        query.append(("q", params.q))
    for name, values in (
        ("kind", params.kinds),
        ("region", params.regions),
        ("capability", params.capabilities),
        ("certification", params.certifications),
        ("size", params.sizes),
    ):
        query.extend((name, value) for value in values)
    if params.near:
        query.append(("near", params.near))
    if params.near or params.radius_km != DEFAULT_RADIUS_KM:
        query.append(("radius_km", str(params.radius_km)))
    if params.sort:
        query.append(("sort", params.sort))
    if params.page > 1:
        query.append(("page", str(params.page)))
    return query


def may(request: HttpRequest, perm: str) -> bool:
    """`request.user.has_perm(perm)` for the directory's permissions, asked once per request.

    They are rules-only permissions (network/rules.py; no model permission has their name, so
    Django's ModelBackend never grants them): asking the rules directly gives the same answer
    without the ModelBackend's two permission queries, on every request of a logged-in reader.
    Permissions defined by the same predicate (today both are `can_curate`) are evaluated once.
    """
    answers: dict[int, bool] = request.__dict__.setdefault("_directory_perms", {})
    rule = rules.permissions.permissions.get(perm)
    if rule is None:
        return False
    if id(rule) not in answers:
        answers[id(rule)] = bool(rule.test(request.user))
    return answers[id(rule)]


def _visibility(request: HttpRequest) -> str:
    """What a reader may see in the directory: the part of a cache key that depends on them."""
    return "hidden" if may(request, "network.view_private_organisations") else "public"


@require_safe
@anonymous_page_cache(generation)
def directory(request: HttpRequest) -> HttpResponse:
    params = search_params(request)
    query = normalised_query(params)
    map_query = QueryDict(mutable=True)
    for name, value in query:
        if name != "page":
            map_query.appendlist(name, value)
    geojson_url = reverse("network:directory_geojson") + (
        f"?{map_query.urlencode()}" if map_query else ""
    )

    def context() -> dict[str, Any]:
        result = search(params)
        return {
            "result": result,
            "params": params,
            "radius_choices": RADIUS_CHOICES,
            "sort_choices": SORTS,
            "geojson_url": geojson_url,
            "map_tile_url": settings.MAP_TILE_URL,
            "map_attribution": settings.MAP_TILE_ATTRIBUTION,
            "page_obj": result.page_obj,
        }

    body_only = getattr(request, "htmx", False) and request.htmx.target == "directory-body"
    key = (str(generation()), "hidden" if params.include_hidden else "public")
    fragment = shared_fragment(
        key,
        "network/directory_body.html" if body_only else "network/directory_main.html",
        context,
        path=request.path,
        query=query,
    )
    if body_only:
        return HttpResponse(fragment)
    return render_with_frame(
        request,
        "network/directory.html",
        {"directory_main": fragment},
        key=key,
        perms={"network.import_organisations": may(request, "network.import_organisations")},
    )


@require_safe
@anonymous_page_cache(generation, members=_visibility)
def directory_geojson(request: HttpRequest) -> JsonResponse:
    """The positions of all matching organisations (up to 5,000) as a GeoJSON FeatureCollection."""
    params = search_params(request)
    points, total = search_points(params, limit=MAP_POINT_LIMIT)
    # One reverse() for all links instead of one per point.
    url_pattern = reverse("network:organisation", kwargs={"slug": "slug-placeholder"})
    features = [
        {
            "type": "Feature",
            "id": pk,
            "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
            "properties": {"name": name, "url": url_pattern.replace("slug-placeholder", slug)},
        }
        for pk, name, slug, lat, lon in points
    ]
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "features": features,
            "total": total,
            "truncated": total > len(features),
        }
    )
