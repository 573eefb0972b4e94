"""The cooperation exchange: list with filters, create, edit, close, detail with matches."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms import (
    CooperationFilterForm,
    CooperationOfferForm,
    InterestForm,
    ReplyForm,
    admin_organisations,
)
from ..models import CooperationContact, CooperationOffer
from ..services import cooperation as services
from .common import GET, GET_POST, PAGE_SIZE, object_view, run

offer_view = object_view(CooperationOffer, "supply.view_cooperationoffer")
offer_admin_view = object_view(
    CooperationOffer, "supply.view_cooperationoffer", "supply.change_cooperationoffer"
)
contact_view = object_view(CooperationContact, "supply.view_cooperationcontact")


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


def _interest_organisations(request: HttpRequest, offer: CooperationOffer):
    """The organisations the user may express interest for (not the profile's own)."""
    if not request.user.has_perm("supply.express_interest", offer):
        return []
    return list(admin_organisations(request.user).exclude(pk=offer.organisation_id))


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
            "can_express_interest": offer.is_active
            and bool(_interest_organisations(request, offer)),
            "contacts": services.contacts_of(offer, request.user),
        },
    )


@GET_POST
@offer_view
def cooperation_interest(request: HttpRequest, offer: CooperationOffer) -> HttpResponse:
    """Interesse bekunden: a message to the profile's organisation, for one of the user's."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not _interest_organisations(request, offer):
        raise PermissionDenied
    form = InterestForm(request.POST or None, user=request.user, offer=offer)
    if request.method == "POST" and form.is_valid():
        contact = run(
            form,
            services.do_express_interest,
            offer,
            request.user,
            form.cleaned_data["organisation"],
            form.cleaned_data["message"],
        )
        if contact is not None:
            messages.success(
                request,
                _("Your message has been sent to %(organisation)s.")
                % {"organisation": offer.organisation.name},
            )
            return redirect(contact)
    return render(request, "supply/cooperation_interest.html", {"offer": offer, "form": form})


@GET
@login_required
@contact_view
def cooperation_contact(request: HttpRequest, contact: CooperationContact) -> HttpResponse:
    return render(
        request,
        "supply/cooperation_contact.html",
        {
            "contact": contact,
            "offer": contact.offer,
            "history": list(contact.messages.select_related("author").order_by("created", "pk")),
            "can_reply": request.user.has_perm("supply.reply_cooperationcontact", contact),
            "form": ReplyForm(),
        },
    )


@require_POST
@login_required
@contact_view
def cooperation_contact_reply(request: HttpRequest, contact: CooperationContact) -> HttpResponse:
    if not request.user.has_perm("supply.reply_cooperationcontact", contact):
        raise PermissionDenied
    side = services.side_for(contact, request.user)
    form = ReplyForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["message"])
        services.do_reply(contact, request.user, side, form.cleaned_data["message"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Your message has been sent."))
    return redirect(contact)
