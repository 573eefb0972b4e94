"""The API's front door: /api/v1/ (an index of the endpoints), JSON for unknown /api/ paths,
and the Redoc bundle of the docs page without its one request to a third-party server."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_safe
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

API_PREFIX = "api/v1/"


def _has_parameters(pattern: Any) -> bool:
    regex = pattern.pattern.regex
    return bool(regex.groups or getattr(pattern.pattern, "converters", None))


def _endpoints(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    """The URL names (with namespace) of every endpoint below these patterns that takes no
    parameters."""
    for pattern in patterns:
        if _has_parameters(pattern):
            continue
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            yield from _endpoints(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


@functools.cache
def endpoint_names() -> list[tuple[str, str]]:
    """(path below /api/v1/, URL name) of the API's endpoints that take no parameters (the
    collections), found in the URLconf so that an app's new endpoint appears by itself."""
    names = set()
    for pattern in get_resolver().url_patterns:
        if not isinstance(pattern, URLResolver) or not str(pattern.pattern).startswith(API_PREFIX):
            continue
        for name in _endpoints(pattern.url_patterns, pattern.namespace or ""):
            try:
                path = reverse(name)
            except NoReverseMatch:
                continue
            label = path.removeprefix("/" + API_PREFIX).strip("/")
            if path.startswith("/" + API_PREFIX) and label:
                names.add((label, name))
    return sorted(names)


class ApiIndexView(APIView):
    """/api/v1/: where to start — every collection endpoint, the OpenAPI document and the docs."""

    permission_classes = [AllowAny]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        translation.activate(_client_language(request))
        super().initial(request, *args, **kwargs)

    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        endpoints = {
            label: request.build_absolute_uri(reverse(name)) for label, name in endpoint_names()
        }
        return Response(
            {
                "name": "Werkstatt API",
                "version": "1",
                "schema": request.build_absolute_uri(reverse("api-schema")),
                "docs": request.build_absolute_uri(reverse("api-docs")),
                "authentication": gettext(
                    "Send Authorization: Token <key> (the key is on your account's API token "
                    "page) or use a browser session."
                ),
                "endpoints": endpoints,
            }
        )


def _client_language(request: HttpRequest) -> str:
    # As the API's views do (network/api.py): the client's Accept-Language or language cookie;
    # LocaleMiddleware gives every unprefixed address, all of /api/, the default language.
    return translation.get_language_from_request(request, check_path=False)


def api_not_found(request: HttpRequest) -> JsonResponse:
    """An unknown address under /api/: JSON like the API's own errors, not an HTML page."""
    with translation.override(_client_language(request)):
        detail = gettext("Not found.")
    response = JsonResponse(
        {"detail": detail, "index": request.build_absolute_uri("/" + API_PREFIX)},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Vary"] = "Accept-Language, Cookie"
    return response


def api_server_error(request: HttpRequest) -> JsonResponse:
    with translation.override(_client_language(request)):
        detail = gettext("A server error occurred.")
    return JsonResponse({"detail": detail}, status=500, json_dumps_params={"ensure_ascii": False})


# Redoc shows "API docs by Redocly" with a logo from Redocly's server: a request to a third
# party from our docs page (which the CSP blocks anyway). Its bundle is served with that address
# replaced by an empty image of our own; nothing else in it changes.
REDOC_BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
EMPTY_IMAGE = (
    "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/%3E"
)


@functools.cache
def _redoc_bundle() -> bytes:
    path = finders.find(REDOC_BUNDLE)
    if not path:
        raise FileNotFoundError(REDOC_BUNDLE)
    with open(path, "rb") as bundle:
        return bundle.read().replace(REDOC_LOGO.encode(), EMPTY_IMAGE.encode())


@require_safe
def redoc_bundle(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(_redoc_bundle(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response
