"""Inquiry pages: send to one supplier or a whole consortium, the inbox, the conversation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from werkstatt.network.models import Organisation

from ..forms import (
    ConsortiumInquiryForm,
    ConsortiumOptionsForm,
    InquiryActionForm,
    InquiryFilterForm,
    InquiryForm,
)
from ..models import Demand, Inquiry
from ..services import inquiries as services
from ..services import lists, planning
from ..services.delivery import reach_of
from ..services.inquiries import ACTIONS
from ..services.inquiries import Side as InquirySide
from .common import GET, GET_POST, PAGE_SIZE, object_view, run

send_view = object_view(Demand, "supply.view_demand", "supply.send_inquiry")
inquiry_view = object_view(Inquiry, "supply.view_inquiry")


@GET_POST
@send_view
def inquiry_create(request: HttpRequest, demand: Demand) -> HttpResponse:
    slug = request.POST.get("organisation") or request.GET.get("organisation") or ""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None or not request.user.has_perm("network.view_organisation", organisation):
        raise Http404
    form = InquiryForm(request.POST or None, request.FILES or None, demand=demand)
    if request.method == "POST" and form.is_valid():
        inquiry = run(
            form,
            services.do_send_inquiry,
            demand,
            request.user,
            organisation,
            form.cleaned_data["message"],
            list(form.cleaned_data["steps"]),
            list(form.cleaned_data["attachments"]),
        )
        if inquiry is not None:
            messages.success(
                request,
                _("Your inquiry has been sent to %(organisation)s.")
                % {"organisation": organisation.name},
            )
            return redirect(inquiry)
    return render(
        request,
        "supply/inquiry_form.html",
        {
            "demand": demand,
            "organisation": organisation,
            "form": form,
            "reach": reach_of([organisation])[organisation.pk],
        },
    )


@require_POST
@send_view
def consortium_inquiry(request: HttpRequest, demand: Demand) -> HttpResponse:
    form = ConsortiumInquiryForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("supply:demand_consortium", pk=demand.pk)
    try:
        # The proposal is computed again here: what is sent is what the engine proposes,
        # never a list of organisations taken from the request.
        options = ConsortiumOptionsForm(request.POST).options()
        plan = planning.consortia_for(demand, request.user, **options)
        index = form.cleaned_data["alternative"]
        if not plan.feasible or index >= len(plan.options):
            raise ValidationError(_("This consortium is no longer available. Please reload."))
        if plan.widened:
            raise ValidationError(
                _(
                    "This consortium was computed with a broader process for some steps. "
                    "Please change those steps in the demand first."
                )
            )
        sent = services.do_send_consortium_inquiry(
            demand, request.user, plan.options[index].assignments, form.cleaned_data["message"]
        )
    except planning.PlanningUnavailable:
        messages.error(request, _("Consortia cannot be proposed at the moment."))
        return redirect("supply:demand_consortium", pk=demand.pk)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("supply:demand_consortium", pk=demand.pk)
    messages.success(
        request,
        _("Your inquiry has been sent to the %(count)d partners of the consortium.")
        % {"count": len(sent)},
    )
    return redirect(demand)


@GET
@login_required
def inquiry_list(request: HttpRequest) -> HttpResponse:
    form = InquiryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    inquiries = lists.inquiry_list(
        request.user, box=filters.get("box", ""), status=filters.get("status", "")
    )
    page_obj = Paginator(inquiries, PAGE_SIZE).get_page(request.GET.get("page"))
    contacts = lists.cooperation_contacts(request.user).select_related(
        "offer__organisation", "organisation"
    )[:10]
    return render(
        request,
        "supply/inquiry_list.html",
        {"page_obj": page_obj, "form": form, "box": filters.get("box", ""), "contacts": contacts},
    )


def _allowed_actions(request: HttpRequest, inquiry: Inquiry) -> list[str]:
    """The actions the user may take now (by role and by the inquiry's status)."""
    may = {
        InquirySide.SUPPLIER: request.user.has_perm("supply.respond_inquiry", inquiry),
        InquirySide.BUYER: request.user.has_perm("supply.answer_inquiry", inquiry),
    }
    return [
        action
        for action, (side, allowed, _status) in ACTIONS.items()
        if may[side] and inquiry.status in allowed
    ]


@GET
@inquiry_view
def inquiry_detail(request: HttpRequest, inquiry: Inquiry) -> HttpResponse:
    actions = _allowed_actions(request, inquiry)
    return render(
        request,
        "supply/inquiry_detail.html",
        {
            "inquiry": inquiry,
            "demand": inquiry.demand,
            "history": lists.inquiry_history(inquiry),
            "partners": lists.consortium_partners(inquiry),
            "steps": list(inquiry.steps.select_related("capability").order_by("order")),
            "actions": actions,
            "form": InquiryActionForm(),
        },
    )


@require_POST
@inquiry_view
def inquiry_action(request: HttpRequest, inquiry: Inquiry) -> HttpResponse:
    form = InquiryActionForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(inquiry)
    action = form.cleaned_data["action"]
    side = ACTIONS[action][0]
    perm = "supply.respond_inquiry" if side == InquirySide.SUPPLIER else "supply.answer_inquiry"
    if not request.user.has_perm(perm, inquiry):
        raise PermissionDenied
    try:
        services.do_inquiry_action(
            inquiry,
            request.user,
            action,
            form.cleaned_data["message"],
            list(form.cleaned_data["attachments"]),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(inquiry)
    done = {
        "accept": _("You have accepted the inquiry."),
        "decline": _("You have declined the inquiry."),
        "question": _("Your question has been sent to the buyer."),
        "answer": _("Your answer has been sent to the supplier."),
        "withdraw": _("The inquiry has been withdrawn."),
    }
    messages.success(request, done[action])
    return redirect(inquiry)
