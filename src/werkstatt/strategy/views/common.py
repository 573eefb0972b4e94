"""Helpers shared by the strategy views: loading objects with their permission checks."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_http_methods

from ..models import Process

GET = require_http_methods(["GET", "HEAD"])
GET_POST = require_http_methods(["GET", "HEAD", "POST"])


def process_view(perm: str | None = None, *, login: bool = True) -> Callable:
    """Load the process of `slug`: 404 for those who may not see it, the login for anonymous
    visitors of protected pages, 403 without `perm`."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            if login and perm and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            process = get_object_or_404(Process.objects.select_related("space"), slug=slug)
            if not request.user.has_perm("strategy.view_process", process):
                raise Http404
            if perm and not request.user.has_perm(perm, process):
                raise PermissionDenied
            return view(request, process, *args, **kwargs)

        return wrapper

    return decorator


def run(form: Any, fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """Run a service; put its ValidationError into the form. None if it failed."""
    try:
        return fn(*args, **kwargs)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


def int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except (TypeError, ValueError):
        return None
