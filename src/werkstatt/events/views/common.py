"""What every events view shares: load the event and check the rules."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_http_methods

from ..models import Event

GET = require_http_methods(["GET", "HEAD"])
GET_POST = require_http_methods(["GET", "HEAD", "POST"])


def event_view(perm: str | None = None) -> Callable:
    """Load the event of `slug`; 404 for whoever may not see it, login or 403 without `perm`.

    Anonymous visitors of a protected page go to the login first (before the lookup, so the
    redirect tells nothing about which events exist).
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            if perm and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            event = get_object_or_404(Event.objects.select_related("organiser", "space"), slug=slug)
            if not request.user.has_perm("events.view_event", event):
                raise Http404
            if perm and not request.user.has_perm(perm, event):
                raise PermissionDenied
            return view(request, event, *args, **kwargs)

        return wrapper

    return decorator


def run(form: Any, fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """Run a service; its ValidationError goes into the form. None if it failed."""
    try:
        return fn(*args, **kwargs)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return None


def file_response(
    content: bytes, content_type: str, filename: str, *, inline: bool = False
) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
