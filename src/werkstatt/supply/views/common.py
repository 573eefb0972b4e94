"""What the supply pages share: loading an object with its permission check, running services."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_http_methods

PAGE_SIZE = 25
GET = require_http_methods(["GET", "HEAD"])
GET_POST = require_http_methods(["GET", "HEAD", "POST"])


def object_view(model: type[Model], view_perm: str, perm: str | None = None) -> Callable:
    """Load the `model` object of `pk`; 404 for those who may not see it, 403 for a missing
    `perm`; anonymous visitors of protected pages go to the login first (before the lookup, so
    the redirect tells nothing about which objects exist)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, pk: int, *args: Any, **kwargs: Any) -> HttpResponse:
            if perm and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            obj = get_object_or_404(model, pk=pk)
            if not request.user.has_perm(view_perm, obj):
                raise Http404
            if perm and not request.user.has_perm(perm, obj):
                raise PermissionDenied
            return view(request, obj, *args, **kwargs)

        return wrapper

    return decorator


def run(form: Any, fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """Run a service; put its ValidationError into the form. None if it failed."""
    try:
        return fn(*args, **kwargs)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field_name, errors in exc.error_dict.items():
                target = field_name if form is not None and field_name in form.fields else None
                for error in errors:
                    form.add_error(target, error)
        else:
            form.add_error(None, exc)
        return None
