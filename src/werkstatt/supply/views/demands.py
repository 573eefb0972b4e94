"""Demand pages: the start page of the supply network, create, edit, detail, status,
the supplier ranking and the consortium map."""

from __future__ import annotations

from django.conf import settings
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
    AttachmentForm,
    ConsortiumOptionsForm,
    DeadlineForm,
    DemandFilterForm,
    DemandForm,
    DemandStatusForm,
    DemandStepFormSet,
    admin_organisations,
    step_initial,
)
from ..models import Demand, DemandStep
from ..services import demands as services
from ..services import lists, planning
from ..services import matching as matching_service
from .common import GET, GET_POST, PAGE_SIZE, object_view, run

demand_view = object_view(Demand, "supply.view_demand")
demand_admin_view = object_view(Demand, "supply.view_demand", "supply.change_demand")
demand_planning_view = object_view(Demand, "supply.view_demand", "supply.plan_demand")


@GET
def index(request: HttpRequest) -> HttpResponse:
    filter_form = DemandFilterForm(request.GET or None)
    page_obj = Paginator(
        lists.open_demands(request.user, filter_form.filters()), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {
        "page_obj": page_obj,
        "filter_form": filter_form,
        "own_demands": lists.own_demands(request.user)[:10],
        "offers": lists.latest_offers(request.user)[:6],
        "can_add": request.user.has_perm("supply.add_demand"),
    }
    return render(request, "supply/index.html", context)


@GET
@login_required
def matching(request: HttpRequest) -> HttpResponse:
    """Passende Bedarfe: the demands one of the user's organisations can serve, best first."""
    if not request.user.has_perm("supply.add_demand"):
        raise PermissionDenied
    organisations = list(admin_organisations(request.user))
    slug = request.GET.get("organisation") or ""
    organisation = next((o for o in organisations if o.slug == slug), None)
    if organisation is None and slug and request.user.is_superuser:
        organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None and not slug and organisations:
        organisation = organisations[0]
    if slug and organisation is None:
        raise Http404
    filter_form = DemandFilterForm(request.GET or None)
    found = (
        matching_service.matching_demands(
            organisation,
            request.user,
            page=request.GET.get("page"),
            per_page=PAGE_SIZE,
            filters=filter_form.filters(),
        )
        if organisation is not None
        else None
    )
    return render(
        request,
        "supply/matching.html",
        {
            "organisation": organisation,
            "organisations": organisations,
            "filter_form": filter_form,
            "page_obj": found.page if found else None,
        },
    )


def _steps_formset(request: HttpRequest, initial: list | None = None):
    """The steps formset; "Add a step" re-renders it with one more empty row (no JS needed)."""
    if request.method != "POST":
        return DemandStepFormSet(initial=initial or [{}], prefix="steps"), False
    data = request.POST.copy()
    adding = "add_step" in data
    if adding:
        total = int(data.get("steps-TOTAL_FORMS") or 0)
        data["steps-TOTAL_FORMS"] = str(min(total + 1, services.MAX_STEPS))
    return DemandStepFormSet(data, prefix="steps"), adding


@GET_POST
@login_required
def demand_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("supply.add_demand"):
        raise PermissionDenied
    form = DemandForm(request.POST or None, request.FILES or None, user=request.user)
    formset, adding = _steps_formset(request)
    if request.method == "POST" and not adding and form.is_valid() & formset.is_valid():
        organisation = form.cleaned_data["organisation"]
        if not request.user.has_perm("supply.add_demand_for", organisation):
            raise PermissionDenied
        demand = run(
            form,
            services.do_create_demand,
            organisation,
            request.user,
            form.service_data(),
            formset.steps(),
            form.uploaded(),
        )
        if demand is not None:
            messages.success(request, _("The demand has been posted."))
            return redirect(demand)
    return render(
        request,
        "supply/demand_form.html",
        {"form": form, "formset": formset, "demand": None},
    )


@GET_POST
@demand_admin_view
def demand_edit(request: HttpRequest, demand: Demand) -> HttpResponse:
    form = DemandForm(request.POST or None, request.FILES or None, user=request.user, demand=demand)
    formset, adding = _steps_formset(request, step_initial(demand))
    if request.method == "POST" and not adding and form.is_valid() & formset.is_valid():
        saved = run(
            form,
            services.do_update_demand,
            demand,
            request.user,
            form.service_data(),
            formset.steps(),
            form.uploaded(),
        )
        if saved is not None:
            messages.success(request, _("The demand has been saved."))
            return redirect(saved)
    return render(
        request,
        "supply/demand_form.html",
        {"form": form, "formset": formset, "demand": demand},
    )


@GET
@demand_view
def demand_detail(request: HttpRequest, demand: Demand) -> HttpResponse:
    user = request.user
    context = {
        "demand": demand,
        "steps": lists.steps_of(demand),
        "can_change": user.has_perm("supply.change_demand", demand),
        "can_plan": user.has_perm("supply.plan_demand", demand),
        "inquiries": lists.inquiries_of(demand, user),
        "my_organisations": admin_organisations(user) if user.is_authenticated else [],
        "deadline_form": DeadlineForm(),
        "attachments": lists.demand_attachments(demand),
        "can_remove_files": demand.is_open and user.has_perm("supply.delete_attachment", demand),
        "attachment_form": AttachmentForm(),
    }
    return render(request, "supply/demand_detail.html", context)


@require_POST
@demand_admin_view
def demand_status(request: HttpRequest, demand: Demand) -> HttpResponse:
    form = DemandStatusForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["status"])
        services.do_set_demand_status(demand, request.user, form.cleaned_data["status"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if form.cleaned_data["status"] == Demand.Status.FULFILLED:
            messages.success(request, _("The demand is marked as fulfilled."))
        else:
            messages.success(request, _("The demand has been withdrawn."))
    return redirect(demand)


@require_POST
@demand_admin_view
def demand_deadline(request: HttpRequest, demand: Demand) -> HttpResponse:
    """Extend the deadline of an open (typically expired) demand."""
    form = DeadlineForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["deadline"])
        services.do_extend_deadline(demand, request.user, form.cleaned_data["deadline"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The deadline has been extended."))
    return redirect(demand)


@GET
@demand_planning_view
def demand_ranking(request: HttpRequest, demand: Demand) -> HttpResponse:
    try:
        rows = planning.ranking_for(demand, request.user)
        unavailable = False
    except planning.PlanningUnavailable:
        rows, unavailable = [], True
    return render(
        request,
        "supply/demand_ranking.html",
        {
            "demand": demand,
            "rows": rows,
            "unavailable": unavailable,
            "can_send": request.user.has_perm("supply.send_inquiry", demand),
        },
    )


@GET
@demand_planning_view
def demand_consortium(request: HttpRequest, demand: Demand) -> HttpResponse:
    options_form = ConsortiumOptionsForm(request.GET or None)
    try:
        plan = planning.consortia_for(demand, request.user, **options_form.options())
        unavailable = False
    except planning.PlanningUnavailable:
        plan, unavailable = None, True
    return render(
        request,
        "supply/demand_consortium.html",
        {
            "demand": demand,
            "plan": plan,
            "map_data": planning.map_data(demand, plan) if plan else None,
            "unavailable": unavailable,
            "options_form": options_form,
            "options": options_form.options(),
            "can_send": request.user.has_perm("supply.send_inquiry", demand),
            "can_change": request.user.has_perm("supply.change_demand", demand),
            "map_tile_url": settings.MAP_TILE_URL,
            "map_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    )


@require_POST
@demand_admin_view
def demand_widen_step(request: HttpRequest, demand: Demand, step: int) -> HttpResponse:
    """One click: the step nobody offers becomes its broader process in the demand."""
    found = DemandStep.objects.filter(pk=step, demand=demand).select_related("capability").first()
    if found is None:
        raise Http404
    narrower = found.capability.name
    try:
        changed = services.do_widen_step(demand, request.user, found)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Step %(number)d now asks for %(broader)s instead of %(narrower)s.")
            % {"number": changed.order, "broader": changed.capability.name, "narrower": narrower},
        )
    return redirect("supply:demand_consortium", pk=demand.pk)
