"""/bewertung/: rating fit, comparing pairs, the prioritised lists and the district results.

Thin views: load the process (404 for those who may not see it), ask the rules
(assessment/rules.py; 403, or the login for anonymous visitors of pages that need one), call
one service, render.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from werkstatt.strategy import rules as sr
from werkstatt.strategy.models import Phase, Process, Recommendation
from werkstatt.strategy.services.queries import prefetch_phases

from .. import rules
from ..forms import ComparisonForm, CriterionForm, RatingForm
from ..models import Criterion, Rating, StakeholderGroup
from ..services import comparisons, ratings, results
from ..services import criteria as criteria_service
from ..services.criteria import active_criteria

GET = require_http_methods(["GET", "HEAD"])
GET_POST = require_http_methods(["GET", "HEAD", "POST"])
POST = require_http_methods(["POST"])
PAGE_SIZE = 25
RANKING_PAGE_SIZE = 50


def process_view(perm: str, *, login: bool = False) -> Callable:
    """Load the process of `slug`: 404 if the person may not see it, the login for anonymous
    visitors of pages that need one, 403 without `perm` (asked on the process)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            if login and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            process = get_object_or_404(
                prefetch_phases(Process.objects.select_related("space")), slug=slug
            )
            if not request.user.has_perm("strategy.view_process", process):
                raise Http404
            if not request.user.has_perm(perm, process):
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                raise PermissionDenied
            return view(request, process, *args, **kwargs)

        return wrapper

    return decorator


def _recommendation(request: HttpRequest, process: Process, pk: int) -> Recommendation:
    rec = get_object_or_404(
        Recommendation.objects.select_related("process", "phase", "author_organisation"),
        pk=pk,
        process=process,
    )
    if not request.user.has_perm("strategy.view_recommendation", rec) or not rules.is_candidate(
        rec
    ):
        raise Http404
    rec.process = process  # the one with the prefetched phases
    return rec


def _context(request: HttpRequest, process: Process, **extra: Any) -> dict[str, Any]:
    user = request.user
    return {
        "process": process,
        "phase": process.current_phase(),
        "can_rate": sr.may_act_in_current_phase(user, process, Phase.Action.RATE),
        "can_compare": user.has_perm("assessment.compare", process),
        "can_manage_criteria": user.has_perm("assessment.manage_criteria", process),
        **extra,
    }


# --- start page and the process's overview ------------------------------------------------------


@GET
def index(request: HttpRequest) -> HttpResponse:
    processes = prefetch_phases(results.assessment_processes(request.user))
    page = Paginator(processes, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "assessment/index.html", {"page_obj": page})


@GET
@process_view("assessment.view_results")
def process_overview(request: HttpRequest, process: Process) -> HttpResponse:
    titles = results.candidates(request.user, process)
    recs = (
        Recommendation.objects.filter(pk__in=list(titles))
        .select_related("process", "author_organisation")
        .prefetch_related("action_fields")
        .order_by("title", "pk")
    )
    page = Paginator(recs, PAGE_SIZE).get_page(request.GET.get("page"))
    mine: set[int] = set()
    if request.user.is_authenticated:
        mine = set(
            Rating.objects.filter(
                user=request.user, recommendation__in=[r.pk for r in page.object_list]
            ).values_list("recommendation_id", flat=True)
        )
    return render(
        request,
        "assessment/process.html",
        _context(request, process, page_obj=page, rated=mine, total=len(titles)),
    )


# --- rating -------------------------------------------------------------------------------------


@GET_POST
@process_view("assessment.view_results", login=True)
def rate(request: HttpRequest, process: Process, pk: int) -> HttpResponse:
    rec = _recommendation(request, process, pk)
    if not request.user.has_perm("assessment.rate", rec):
        raise PermissionDenied
    criteria = active_criteria(process)
    existing = ratings.my_ratings(request.user, rec)
    data = request.POST if request.method == "POST" else None
    form = RatingForm(data, criteria=criteria, existing=existing)
    if request.method == "POST" and form.is_valid():
        try:
            ratings.do_rate(
                request.user, rec, form.values(), region=form.cleaned_data.get("region")
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Thank you: your rating has been saved."))
            return redirect("assessment:process", slug=process.slug)
    return render(
        request,
        "assessment/rate.html",
        _context(request, process, rec=rec, form=form, existing=existing),
        status=400 if form.errors else 200,
    )


@GET
@process_view("assessment.view_results")
def recommendation_results(request: HttpRequest, process: Process, pk: int) -> HttpResponse:
    rec = _recommendation(request, process, pk)
    data = results.recommendation_results(process, rec)
    return render(
        request,
        "assessment/recommendation_results.html",
        _context(request, process, rec=rec, data=data),
    )


# --- comparing pairs ----------------------------------------------------------------------------


def saved_announcement(pair: comparisons.Pair | None) -> str:
    """What the live region says after an answer: short, and naming the next pair (the focus
    goes to its heading), instead of the whole new pair read out again."""
    if pair is None:
        return _("Saved. There is no further pair.")
    return _("Saved. Next pair: “%(first)s” or “%(second)s”.") % {
        "first": pair.first.title,
        "second": pair.second.title,
    }


@GET_POST
@process_view("assessment.compare", login=True)
def compare(request: HttpRequest, process: Process) -> HttpResponse:
    htmx = request.headers.get("HX-Request") == "true"
    form = ComparisonForm(request.POST if request.method == "POST" else None, process=process)
    if request.method == "POST" and form.is_valid():
        try:
            comparisons.do_compare(
                request.user,
                process,
                form.cleaned_data["first"],
                form.cleaned_data["second"],
                form.cleaned_data["choice"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if not htmx:
                messages.success(request, _("Thank you: your answer has been saved."))
                return redirect("assessment:compare", slug=process.slug)
            pair = comparisons.next_pair_for(request.user, process)
            context = _context(
                request,
                process,
                pair=pair,
                form=ComparisonForm(process=process),
                saved=True,
                announcement=saved_announcement(pair),
            )
            return render(request, "assessment/_pair.html", context)
    pair = comparisons.next_pair_for(request.user, process)
    context = _context(request, process, pair=pair, form=form, saved=False)
    template = "assessment/_pair.html" if htmx else "assessment/compare.html"
    return render(request, template, context, status=400 if form.errors else 200)


# --- results ------------------------------------------------------------------------------------


@GET
@process_view("assessment.view_results")
def ranking(request: HttpRequest, process: Process) -> HttpResponse:
    method = "pairwise" if request.GET.get("method") == "pairwise" else "ratings"
    if method == "pairwise":
        data: Any = results.pairwise_ranking(request.user, process)
    else:
        data = results.rating_ranking(request.user, process)
    page = Paginator(data.summaries, RANKING_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessment/ranking.html",
        _context(request, process, method=method, data=data, page_obj=page),
    )


@GET
@process_view("assessment.view_results")
def groups(request: HttpRequest, process: Process) -> HttpResponse:
    method = "pairwise" if request.GET.get("method") == "pairwise" else "ratings"
    data = results.group_comparison(request.user, process, method)
    page = Paginator(data.rows, RANKING_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessment/groups.html",
        _context(
            request,
            process,
            method=method,
            data=data,
            page_obj=page,
            all_groups=StakeholderGroup.choices,
        ),
    )


@GET
@process_view("assessment.view_results")
def districts(request: HttpRequest, process: Process) -> HttpResponse:
    data = results.district_results(request.user, process)
    region = None
    ranked: list[Any] = []
    slug = request.GET.get("bezirk")
    if slug:
        region = next((row.region for row in data.rows if row.region.slug == slug), None)
        if region is None:
            messages.error(request, _("There is no such district: showing all districts."))
            return redirect(reverse("assessment:districts", kwargs={"slug": process.slug}))
        ranked = results.district_ranking(request.user, process, region)
    page = Paginator(ranked, PAGE_SIZE).get_page(request.GET.get("page"))
    titles = (
        results.candidates(request.user, process, ids=[row.item for row in page.object_list])
        if region
        else {}
    )
    return render(
        request,
        "assessment/districts.html",
        _context(request, process, data=data, region=region, page_obj=page, titles=titles),
    )


# --- criteria (the process's moderators) -------------------------------------------------------


def _criterion(process: Process, pk: int) -> Criterion:
    return get_object_or_404(Criterion, pk=pk, process=process)


def _criteria_page(
    request: HttpRequest, process: Process, form: CriterionForm, status: int = 200
) -> HttpResponse:
    counts = criteria_service.rating_counts(process)
    rows = [(c, counts.get(c.pk, 0)) for c in criteria_service.criteria_of(process)]
    return render(
        request,
        "assessment/criteria.html",
        _context(request, process, rows=rows, form=form),
        status=status,
    )


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@GET_POST
@process_view("assessment.manage_criteria", login=True)
def criteria(request: HttpRequest, process: Process) -> HttpResponse:
    """The criteria of the process, with the form to add one."""
    form = CriterionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            added = criteria_service.do_add_criterion(process, request.user, form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("The criterion “%(name)s” has been added.") % {"name": added.label}
            )
            return redirect("assessment:criteria", slug=process.slug)
    return _criteria_page(request, process, form, status=400 if form.errors else 200)


@GET_POST
@process_view("assessment.manage_criteria", login=True)
def criterion_edit(request: HttpRequest, process: Process, pk: int) -> HttpResponse:
    criterion = _criterion(process, pk)
    rated = criteria_service.rating_counts(process).get(criterion.pk, 0)
    data = request.POST if request.method == "POST" else None
    form = CriterionForm(data, criterion=criterion, rated=rated)
    if request.method == "POST" and form.is_valid():
        try:
            criteria_service.do_edit_criterion(criterion, request.user, form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The criterion has been saved."))
            return redirect("assessment:criteria", slug=process.slug)
    return render(
        request,
        "assessment/criterion_form.html",
        _context(request, process, criterion=criterion, rated=rated, form=form),
        status=400 if form.errors else 200,
    )


@POST
@process_view("assessment.manage_criteria", login=True)
def criterion_move(request: HttpRequest, process: Process, pk: int) -> HttpResponse:
    try:
        criteria_service.do_move_criterion(
            _criterion(process, pk), request.user, request.POST.get("direction", "")
        )
    except ValidationError as exc:
        _refused(request, exc)
    return redirect(reverse("assessment:criteria", kwargs={"slug": process.slug}) + f"#k{pk}")


@POST
@process_view("assessment.manage_criteria", login=True)
def criterion_active(request: HttpRequest, process: Process, pk: int) -> HttpResponse:
    criterion = _criterion(process, pk)
    active = request.POST.get("asked") == "1"
    try:
        criteria_service.do_set_criterion_active(criterion, request.user, active)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        text = (
            _("“%(name)s” is asked again.")
            if active
            else _("“%(name)s” is no longer asked; its ratings stay in the results.")
        )
        messages.success(request, text % {"name": criterion.label})
    return redirect(reverse("assessment:criteria", kwargs={"slug": process.slug}) + f"#k{pk}")


@POST
@process_view("assessment.manage_criteria", login=True)
def criterion_delete(request: HttpRequest, process: Process, pk: int) -> HttpResponse:
    criterion = _criterion(process, pk)
    label = criterion.label
    try:
        criteria_service.do_delete_criterion(criterion, request.user)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The criterion “%(name)s” has been deleted.") % {"name": label})
    return redirect("assessment:criteria", slug=process.slug)
