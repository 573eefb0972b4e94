"""A whole-page cache for anonymous visitors, for pages that are the same for all of them.

The directory is read far more often than it changes, and most readers are not logged in.
Their pages differ only by address, language and htmx target, so a rendered page can be kept
and served again until the data behind it changes: each cached view names a `version()`
(e.g. the search index's generation token, which changes with every change of an
organisation), and the version is part of the key. Nothing else is invalidated by hand.

Never cached: logged-in users (their pages show their account and carry CSRF tokens), requests
other than GET/HEAD, visitors with pending messages, responses that are not 200, that set cookies,
or that used a CSRF token (it is per visitor). The cache is each process's own memory
(CACHES["pages"]), so a restarted or second worker just renders again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

CACHE_ALIAS = "pages"
TIMEOUT_SECONDS = 600


def _cacheable_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return False
    # len() counts pending messages without marking them as shown.
    return not len(messages.get_messages(request))


def _key(request: HttpRequest, version: str) -> str:
    parts = "|".join(
        (
            version,
            get_language() or "",
            request.headers.get("HX-Request", ""),
            request.headers.get("HX-Target", ""),
            request.get_full_path(),
        )
    )
    return "page:" + hashlib.sha256(parts.encode()).hexdigest()


def anonymous_page_cache(version: Callable[[], str | None]) -> Callable:
    """Serve the view's pages to anonymous visitors from the cache while `version()` holds."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            token = version()
            if token is None:
                return view(request, *args, **kwargs)
            cache = caches[CACHE_ALIAS]
            key = _key(request, token)
            stored = cache.get(key)
            if stored is not None:
                content, headers = stored
                response = HttpResponse(content)
                for name, value in headers:
                    response[name] = value
                return response
            response = view(request, *args, **kwargs)
            if (
                response.status_code == 200
                and not response.streaming
                and not response.cookies
                and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            ):
                headers = [
                    (name, value)
                    for name, value in response.items()
                    if name.lower() in ("content-type", "content-language", "vary")
                ]
                cache.set(key, (response.content, headers), TIMEOUT_SECONDS)
            return response

        return wrapped

    return decorator
