"""The cooperation exchange: list with filters, create, edit, close, detail with matches."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms import CooperationFilterForm, CooperationOfferForm
from ..models import CooperationOffer
from ..services import cooperation as services
from .common import GET, GET_POST, PAGE_SIZE, object_view, run

offer_view = object_view(CooperationOffer, "supply.view_cooperationoffer")
offer_admin_view = object_view(
    CooperationOffer, "supply.view_cooperationoffer", "supply.change_cooperationoffer"
)


@GET
def cooperation_list(request: HttpRequest) -> HttpResponse:
    form = CooperationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    offers = services.filter_offers(
        request.user,
        q=filters.get("q", ""),
        kind=filters.get("kind", ""),
        direction=filters.get("direction", ""),
        partnership_type=filters.get("partnership_type", ""),
        capability=filters.get("capability"),
    )
    page_obj = Paginator(offers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supply/cooperation_list.html",
        {
            "page_obj": page_obj,
            "form": form,
            "can_add": request.user.has_perm("supply.add_cooperationoffer"),
        },
    )


@GET_POST
@login_required
def cooperation_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("supply.add_cooperationoffer"):
        raise PermissionDenied
    form = CooperationOfferForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data["organisation"]
        if not request.user.has_perm("network.change_organisation", organisation):
            raise PermissionDenied
        offer = run(form, services.do_create_offer, organisation, request.user, form.service_data())
        if offer is not None:
            messages.success(request, _("Your profile has been published in the exchange."))
            return redirect(offer)
    return render(request, "supply/cooperation_form.html", {"form": form, "offer": None})


@GET_POST
@offer_admin_view
def cooperation_edit(request: HttpRequest, offer: CooperationOffer) -> HttpResponse:
    form = CooperationOfferForm(request.POST or None, user=request.user, offer=offer)
    if request.method == "POST" and form.is_valid():
        saved = run(form, services.do_update_offer, offer, request.user, form.service_data())
        if saved is not None:
            messages.success(request, _("The profile has been saved."))
            return redirect(saved)
        offer.refresh_from_db()
    return render(request, "supply/cooperation_form.html", {"form": form, "offer": offer})


@require_POST
@offer_admin_view
def cooperation_close(request: HttpRequest, offer: CooperationOffer) -> HttpResponse:
    try:
        services.do_close_offer(offer, request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The profile has been closed."))
    return redirect(offer)


@GET
@offer_view
def cooperation_detail(request: HttpRequest, offer: CooperationOffer) -> HttpResponse:
    matches = services.match_suggestions(offer, request.user) if offer.is_active else []
    return render(
        request,
        "supply/cooperation_detail.html",
        {
            "offer": offer,
            "capabilities": offer.capabilities.order_by("key"),
            "sectors": offer.sectors.order_by("code"),
            "matches": matches,
            "can_change": request.user.has_perm("supply.change_cooperationoffer", offer),
        },
    )
