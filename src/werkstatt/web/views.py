from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.views import defaults

from werkstatt.network.models import Organisation


def organisation_counts_by_kind() -> list[dict[str, object]]:
    """Public organisations per kind, in the order of Organisation.Kind, in one query."""
    counts = dict(
        Organisation.objects.filter(is_public=True)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        {"kind": kind, "label": label, "count": counts.get(kind, 0)}
        for kind, label in Organisation.Kind.choices
        if counts.get(kind)
    ]


def home(request: HttpRequest) -> HttpResponse:
    kinds = organisation_counts_by_kind()
    total = sum(int(k["count"]) for k in kinds)  # type: ignore[call-overload]
    return render(request, "web/home.html", {"kinds": kinds, "total": total})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form was refused by the CSRF check (settings.CSRF_FAILURE_VIEW): our page, in the
    visitor's language, saying what happened and what to do; the reason goes to the log only."""
    from django.middleware.csrf import REASON_NO_CSRF_COOKIE

    context = {"no_cookie": reason == REASON_NO_CSRF_COOKIE}
    return render(request, "403_csrf.html", context, status=403)


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for on pages without an icon link: our SVG icon."""
    response = HttpResponseRedirect(static("werkstatt/favicon.svg"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """settings handler404: JSON under /api/ (API clients read JSON), else our 404 page."""
    if request.path.startswith("/api/"):
        from .api import api_not_found

        return api_not_found(request)
    return defaults.page_not_found(request, exception)  # type: ignore[arg-type]


def server_error(request: HttpRequest) -> HttpResponse:
    """settings handler500: JSON under /api/, else our 500 page (rendered without context)."""
    if request.path.startswith("/api/"):
        from .api import api_server_error

        return api_server_error(request)
    return defaults.server_error(request)
