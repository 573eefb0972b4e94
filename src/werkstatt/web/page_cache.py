"""Caches for pages, and parts of pages, that are the same for many visitors.

1. A whole-page cache for anonymous visitors (`anonymous_page_cache`), for pages that are the
   same for all of them.
2. Shared fragments (`shared_fragment`): the part of a page that does not depend on who asks
   (e.g. the directory's results, facets and map data), rendered once and reused for everyone,
   logged in or not. A fragment is rendered for a stand-in request that has only the
   normalised query: no session, no user (templates see an anonymous one), no cookies, so it
   cannot contain anyone's name, links or CSRF token. What else it depends on (e.g. whether the
   reader may see hidden organisations) the caller puts into its key.
3. Page frames for logged-in users (`render_with_frame`): the whole page rendered for a role, not
   a person: a stand-in user who has only the flags the page asks (logged in, staff, the listed
   permissions) and a placeholder for the CSRF token. Each request then gets the frame with its
   own CSRF token put in; the header's per-person parts (the unread count) are left out of the
   frame between markers and filled in for each request by web/middleware.py. Anything else a
   template asked of the user (a name, an e-mail address) would render empty in the frame, never
   someone else's (tests/web/test_page_cache.py compares framed pages with plainly rendered
   ones). Pages with pending messages are rendered normally; settings.PAGE_FRAMES = False
   turns frames off.

The directory is read far more often than it changes, and most readers are not logged in.
Their pages differ only by address, language and htmx target, so a rendered page can be kept
and served again until the data behind it changes: each cached view names a `version()`
(e.g. the search index's generation token, which changes with every change of an
organisation), and the version is part of the key. Nothing else is invalidated by hand.

Whole pages are never cached for logged-in users (their pages show their account and carry
CSRF tokens) unless the view says what distinguishes their pages (`members=`, e.g. the map's
GeoJSON, which depends only on whether the reader may see hidden organisations); nor requests
other than GET/HEAD, visitors with pending messages, responses that are not 200, that set cookies,
or that used a CSRF token (it is per visitor). The cache is each process's own memory
(CACHES["pages"]), so a restarted or second worker just renders again.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, QueryDict
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

CACHE_ALIAS = "pages"
TIMEOUT_SECONDS = 600


def _visitor(request: HttpRequest, members: Callable[[HttpRequest], str] | None) -> str | None:
    """Which cached pages this request may get: "" for anonymous visitors, `members(request)`
    for logged-in ones if the view names it, None if none."""
    if request.method not in ("GET", "HEAD"):
        return None
    if request.user.is_authenticated:
        if members is None:
            return None
        visitor = "member:" + members(request)
    else:
        visitor = ""
    # len() counts pending messages without marking them as shown.
    return None if len(messages.get_messages(request)) else visitor


def _key(request: HttpRequest, version: str, visitor: str) -> str:
    parts = "|".join(
        (
            version,
            visitor,
            get_language() or "",
            request.headers.get("HX-Request", ""),
            request.headers.get("HX-Target", ""),
            request.get_full_path(),
        )
    )
    return "page:" + hashlib.sha256(parts.encode()).hexdigest()


def anonymous_page_cache(
    version: Callable[[], str | None], *, members: Callable[[HttpRequest], str] | None = None
) -> Callable:
    """Serve the view's pages to anonymous visitors from the cache while `version()` holds.

    `members(request)`: only for views whose response is the same for every logged-in user
    except for what this string names (it becomes part of the key); their pages are then
    cached for logged-in users too.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            visitor = _visitor(request, members)
            if visitor is None:
                return view(request, *args, **kwargs)
            token = version()
            if token is None:
                return view(request, *args, **kwargs)
            cache = caches[CACHE_ALIAS]
            key = _key(request, token, visitor)
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


def shared_fragment(
    key: tuple[str, ...],
    template_name: str,
    context: Callable[[], dict[str, Any]],
    *,
    path: str,
    query: list[tuple[str, str]],
) -> SafeString:
    """`template_name` rendered for everyone alike, from the cache when it holds one for `key`.

    `key` must name everything the fragment depends on besides the query and the language
    (e.g. the data's version token and the reader's visibility level); `context()` is called
    only when the fragment has to be rendered. The template sees a stand-in request for `path`
    with `query` as its GET parameters (so `{% querystring %}` and `request.GET` work) and
    nothing about the visitor.
    """
    encoded = _encode(query)
    parts = "|".join((*key, get_language() or "", template_name, path, encoded))
    digest = hashlib.sha256(parts.encode()).hexdigest()
    cache = caches[CACHE_ALIAS]
    cache_key = "fragment:" + digest
    html = cache.get(cache_key)
    if html is None:
        html = render_to_string(template_name, context(), request=_stand_in(path, encoded))
        cache.set(cache_key, str(html), TIMEOUT_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by our own template, escaped there


def _encode(query: list[tuple[str, str]]) -> str:
    data = QueryDict(mutable=True)
    for name, value in query:
        data.appendlist(name, value)
    return data.urlencode()


def _stand_in(path: str, encoded_query: str) -> HttpRequest:
    """A GET request for `path?query` without session, user, cookies or headers."""
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.GET = QueryDict(encoded_query)
    request.META = {"QUERY_STRING": encoded_query, "REQUEST_METHOD": "GET"}
    return request


# --- page frames ---------------------------------------------------------------------------

# Letters and digits only: the same after HTML escaping, and it cannot occur in a real page.
_CSRF_PLACEHOLDER = "csrfframe" + uuid.uuid4().hex


class _RoleUser:
    """A logged-in user reduced to the flags a page frame may depend on."""

    is_active = True
    is_anonymous = False
    is_authenticated = True

    def __init__(self, is_staff: bool, is_superuser: bool, perms: dict[str, bool]) -> None:
        self.is_staff = is_staff
        self.is_superuser = is_superuser
        self._perms = perms

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return obj is None and self._perms.get(perm, False)

    def has_perms(self, perm_list: Any, obj: object = None) -> bool:
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label: str) -> bool:
        return any(ok for perm, ok in self._perms.items() if perm.startswith(app_label + "."))


def render_with_frame(
    request: HttpRequest,
    template_name: str,
    context: dict[str, Any],
    *,
    key: tuple[str, ...],
    perms: dict[str, bool] | None = None,
) -> HttpResponse:
    """Render `template_name` for a logged-in user from a cached frame (see the module doc).

    `key` names what the page depends on besides the address, the language, htmx's headers,
    the user's staff and superuser flags and `perms` (the answers of the permissions the
    template asks, e.g. {"network.import_organisations": True}, asked of the real user on every
    request; any other permission is False in the frame); `context` must hold nothing personal.
    """
    from django.middleware.csrf import get_token
    from django.shortcuts import render

    if (
        not getattr(settings, "PAGE_FRAMES", True)
        or not request.user.is_authenticated
        or len(messages.get_messages(request))
    ):
        return render(request, template_name, context)
    user = request.user
    flags = {perm: bool(ok) for perm, ok in (perms or {}).items()}
    role = _RoleUser(bool(user.is_staff), bool(user.is_superuser), flags)
    parts = "|".join(
        (
            *key,
            get_language() or "",
            template_name,
            request.headers.get("HX-Request", ""),
            request.headers.get("HX-Target", ""),
            request.get_full_path(),
            f"staff={role.is_staff}",
            f"superuser={role.is_superuser}",
            *(f"{perm}={ok}" for perm, ok in sorted(flags.items())),
        )
    )
    cache = caches[CACHE_ALIAS]
    cache_key = "frame:" + hashlib.sha256(parts.encode()).hexdigest()
    frame = cache.get(cache_key)
    if frame is None:
        stand_in = _stand_in(request.path, request.META.get("QUERY_STRING", ""))
        stand_in.path_info = request.path_info
        stand_in.resolver_match = request.resolver_match
        stand_in.user = role  # type: ignore[assignment]
        frame = render_to_string(
            template_name,
            {**context, "csrf_token": _CSRF_PLACEHOLDER},
            request=stand_in,
        )
        cache.set(cache_key, frame, TIMEOUT_SECONDS)
    # The visitor's own token (and cookie, if they have none yet), as {% csrf_token %} would.
    # Their own parts of the header that a frame leaves out (the unread count) are filled in by
    # web/middleware.PersonalPartsMiddleware on the way out.
    return HttpResponse(frame.replace(_CSRF_PLACEHOLDER, get_token(request)))
