from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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
