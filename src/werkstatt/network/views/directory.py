"""The network directory: search with facets and a radius, the results as a list and on a map.

Both views read the same GET parameters as the API's search (q, kind, region, capability,
certification, size, near, radius_km, sort, page) and ask the one search service. The page works
without JavaScript (a plain GET form); with htmx, changing a filter replaces only the facets and
results and pushes the URL. The map (web/static/werkstatt/js/map.js) loads its points from
`directory_geojson`; the list is its text alternative.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from werkstatt.web.page_cache import anonymous_page_cache

from ..models import Organisation
from ..services.search import (
    DEFAULT_RADIUS_KM,
    RADIUS_CHOICES,
    SORTS,
    SearchParams,
    search,
    search_points,
)
from ..services.search_index import current_generation

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
        include_hidden=request.user.has_perm("network.view_private_organisations"),
    )


@require_safe
@anonymous_page_cache(current_generation)
def directory(request: HttpRequest) -> HttpResponse:
    params = search_params(request)
    result = search(params)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "result": result,
        "params": params,
        "radius_choices": RADIUS_CHOICES,
        "sort_choices": SORTS,
        "geojson_url": reverse("network:directory_geojson")
        + (f"?{query.urlencode()}" if query else ""),
        "map_tile_url": settings.MAP_TILE_URL,
        "map_attribution": settings.MAP_TILE_ATTRIBUTION,
        "page_obj": result.page_obj,
    }
    if getattr(request, "htmx", False) and request.htmx.target == "directory-body":
        return render(request, "network/directory_body.html", context)
    return render(request, "network/directory.html", context)


@require_safe
@anonymous_page_cache(current_generation)
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
