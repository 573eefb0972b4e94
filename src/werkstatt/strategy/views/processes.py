"""Process pages: the list, a process with its timeline and action fields, and the
moderators' forms for the process, its phases and action fields; joining."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from werkstatt.accounts.models import SpaceRole

from ..forms import ActionFieldForm, PhaseDeleteForm, PhaseForm, ProcessForm, RoleForm
from ..models import ActionField, Phase, Process
from ..services import processes as services
from ..services.queries import (
    count_by_action_field,
    prefetch_phases,
    visible_phases,
    visible_processes,
)
from .common import GET, GET_POST, process_view, run

PAGE_SIZE = 20


@GET
def index(request: HttpRequest) -> HttpResponse:
    qs = prefetch_phases(visible_processes(request.user)).order_by("-start_date", "title")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "processes": page.object_list,
        "can_create": request.user.has_perm("strategy.add_process"),
    }
    return render(request, "strategy/index.html", context)


@GET
@process_view()
def process_detail(request: HttpRequest, process: Process) -> HttpResponse:
    user = request.user
    phases = visible_phases(user, process)
    current = process.current_phase()
    counts = count_by_action_field(user, process)  # the numbers the filtered lists show
    fields = list(process.action_fields.all())
    for field in fields:
        field.recommendation_count = counts.get(field.pk, 0)
    context = {
        "process": process,
        "phases": phases,
        "current_phase": current if current in phases else None,
        "action_fields": fields,
        "can_moderate": user.has_perm("strategy.moderate", process),
        "can_join": user.has_perm("strategy.join_process", process),
        "can_propose": user.has_perm("strategy.propose", process),
        "is_member": user.is_authenticated
        and SpaceRole.objects.filter(
            user=user, space=process.space, role=SpaceRole.Role.MEMBER
        ).exists(),
    }
    return render(request, "strategy/process_detail.html", context)


@GET_POST
@login_required
def process_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("strategy.add_process"):
        raise PermissionDenied
    form = ProcessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        process = run(form, services.do_create_process, request.user, form.cleaned_data)
        if process is not None:
            messages.success(request, _("The process has been created. Now add its phases."))
            return redirect("strategy:phase_create", slug=process.slug)
    return render(request, "strategy/process_form.html", {"form": form, "process": None})


@GET_POST
@process_view("strategy.change_process")
def process_edit(request: HttpRequest, process: Process) -> HttpResponse:
    form = ProcessForm(request.POST or None, instance=process)
    if request.method == "POST" and form.is_valid():
        process.refresh_from_db()
        if run(form, services.do_update_process, process, request.user, form.cleaned_data):
            messages.success(request, _("The process has been saved."))
            return redirect(process)
        process.refresh_from_db()
    context = {
        "form": form,
        "process": process,
        "phases": process.timeline(),
        "action_fields": process.action_fields.all(),
    }
    return render(request, "strategy/process_form.html", context)


@GET_POST
@process_view("strategy.change_process")
def phase_form(request: HttpRequest, process: Process, pk: int | None = None) -> HttpResponse:
    phase = get_object_or_404(Phase, pk=pk, process=process) if pk else None
    form = PhaseForm(request.POST or None, instance=phase)
    if request.method == "POST" and form.is_valid():
        if phase is not None:
            phase.refresh_from_db()
        saved = run(form, services.do_save_phase, process, request.user, form.cleaned_data, phase)
        if saved is not None:
            messages.success(request, _("The phase “%(name)s” has been saved.") % {"name": saved})
            return redirect("strategy:process_edit", slug=process.slug)
    context = {"form": form, "process": process, "phase": phase}
    return render(request, "strategy/phase_form.html", context)


@GET_POST
@process_view("strategy.change_process")
def phase_delete(request: HttpRequest, process: Process, pk: int) -> HttpResponse:
    """Confirm the deletion; a phase that holds contributions or conversations moves them to a
    phase visible to the same people or fewer, or stays."""
    phase = get_object_or_404(Phase, pk=pk, process=process)
    contents = services.phase_contents(phase)
    targets = services.move_targets(phase) if contents else []
    data = request.POST if request.method == "POST" else None
    form = PhaseDeleteForm(data, targets=targets, needs_target=bool(contents))
    if request.method == "POST" and form.is_valid():
        try:
            services.do_delete_phase(phase, request.user, form.cleaned_data.get("move_to"))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("The phase “%(name)s” has been deleted.") % {"name": phase.name}
            )
            return redirect("strategy:process_edit", slug=process.slug)
    context = {
        "process": process,
        "phase": phase,
        "contents": contents,
        "targets": targets,
        "form": form,
    }
    return render(request, "strategy/phase_delete.html", context)


@GET_POST
@process_view("strategy.change_process")
def action_field_form(
    request: HttpRequest, process: Process, pk: int | None = None
) -> HttpResponse:
    field = get_object_or_404(ActionField, pk=pk, process=process) if pk else None
    form = ActionFieldForm(request.POST or None, instance=field)
    if request.method == "POST" and form.is_valid():
        if field is not None:
            field.refresh_from_db()
        saved = run(
            form, services.do_save_action_field, process, request.user, form.cleaned_data, field
        )
        if saved is not None:
            messages.success(request, _("The action field has been saved."))
            return redirect("strategy:process_edit", slug=process.slug)
    context = {"form": form, "process": process, "field": field}
    return render(request, "strategy/action_field_form.html", context)


@require_POST
@process_view("strategy.join_process")
def join(request: HttpRequest, process: Process) -> HttpResponse:
    try:
        services.do_join_process(request.user, process)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Welcome! You now take part in this process."))
    return redirect(process)


@require_POST
@process_view()
def leave(request: HttpRequest, process: Process) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if services.do_leave_process(request.user, process):
        messages.success(request, _("You no longer take part in this process."))
    else:
        messages.info(request, _("You were not a member of this process."))
    return redirect(process)


@GET_POST
@process_view("strategy.change_process")
def members(request: HttpRequest, process: Process) -> HttpResponse:
    """The people with a role in the process; moderators add and remove roles."""
    form = RoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        role = run(form, services.do_add_role, process, request.user, data["email"], data["role"])
        if role is not None:
            messages.success(request, _("%(name)s now has the role.") % {"name": role.user})
            return redirect("strategy:members", slug=process.slug)
    roles = SpaceRole.objects.filter(space=process.space).select_related("user")
    page = Paginator(roles.order_by("role", "user__name", "user__email"), 50).get_page(
        request.GET.get("page")
    )
    context = {"process": process, "form": form, "page_obj": page, "roles": page.object_list}
    return render(request, "strategy/members.html", context)


@require_POST
@process_view("strategy.change_process")
def member_remove(request: HttpRequest, process: Process, pk: int) -> HttpResponse:
    space_role = get_object_or_404(SpaceRole, pk=pk, space=process.space)
    try:
        services.do_remove_role(process, request.user, space_role)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The role has been removed."))
    return redirect("strategy:members", slug=process.slug)
