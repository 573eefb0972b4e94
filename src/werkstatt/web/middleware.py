"""Per-person parts of pages that were rendered for a role (web/page_cache.py's frames).

A frame is rendered once for everyone with the same role and served to each of them; the
header's unread count is each person's own. The frame carries the count's place between markers
(templatetags/werkstatt.py); this middleware fills in the person's count on the way out, so that
no cached view has to know about it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .templatetags.werkstatt import PERSONAL_START, fill_personal_parts

_MARKER = PERSONAL_START.encode()


class PersonalPartsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.streaming
            or not response.get("Content-Type", "").startswith("text/html")
            or _MARKER not in response.content
        ):
            return response
        charset = response.charset or "utf-8"
        html = fill_personal_parts(response.content.decode(charset), request)
        response.content = html.encode(charset)
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response
