"""B2B matchmaking pages: thin views over services/matching.py and services/scheduling.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from werkstatt.events.models import Event
from werkstatt.events.views.common import GET, GET_POST, event_view, file_response, run
from werkstatt.jobs.services import enqueue

from .forms import AnswerForm, ProfileForm, RequestForm, SetupForm, SlotsForm
from .models import Meeting, MeetingRequest, Profile, Slot
from .rules import registration_of
from .services import diagnosis, documents, scheduling
from .services import matching as services


def _participant(request: HttpRequest, event: Event) -> Profile:
    # Superusers pass every rule but have no seat (and so no profile) unless they registered.
    registration = registration_of(request.user, event)
    if registration is None or not request.user.has_perm("matchmaking.take_part", event):
        raise PermissionDenied
    return services.profile_for(registration)


def _matchmaking(event: Event) -> None:
    if not event.has_matchmaking:
        raise Http404


@GET
def index(request: HttpRequest) -> HttpResponse:
    events = [
        e
        for e in Event.objects.filter(has_matchmaking=True).order_by("-starts_at")
        if request.user.has_perm("events.view_event", e)
    ]
    return render(request, "matchmaking/index.html", {"events": events})


@GET
@event_view("events.view_event")
def event_page(request: HttpRequest, event: Event) -> HttpResponse:
    _matchmaking(event)
    if registration_of(request.user, event) is None:
        if request.user.has_perm("matchmaking.organise", event):
            return redirect("matchmaking:plan", slug=event.slug)
        raise PermissionDenied
    profile = _participant(request, event)
    services.ensure_profiles(event)
    schedule = scheduling.personal_schedule(profile)
    reasons = diagnosis.diagnose(
        event, only=[item.meeting.pk for item in schedule if item.slot is None]
    ).reasons
    for item in schedule:
        item.reason = reasons.get(item.meeting.pk)
    incoming = (
        MeetingRequest.objects.filter(recipient=profile, status=MeetingRequest.Status.PENDING)
        .select_related("sender__registration")
        .order_by("created")
    )
    outgoing = (
        MeetingRequest.objects.filter(sender=profile)
        .exclude(status=MeetingRequest.Status.WITHDRAWN)
        .select_related("recipient__registration")
        .order_by("-created")
    )
    return render(
        request,
        "matchmaking/event.html",
        {
            "event": event,
            "profile": profile,
            "setup": services.setup_of(event),
            "suggestions": services.suggestions(profile, limit=8),
            "incoming": incoming,
            "outgoing": outgoing,
            "schedule": schedule,
            "request_form": RequestForm(),
        },
    )


@GET_POST
@event_view("matchmaking.take_part")
def profile_edit(request: HttpRequest, event: Event) -> HttpResponse:
    profile = _participant(request, event)
    form = ProfileForm(request.POST or None, instance=profile)
    if (
        request.method == "POST"
        and form.is_valid()
        and run(form, services.do_save_profile, profile, form.cleaned_data) is not None
    ):
        messages.success(request, _("Your matchmaking profile is saved."))
        return redirect("matchmaking:event", slug=event.slug)
    return render(request, "matchmaking/profile_form.html", {"event": event, "form": form})


@GET
@event_view("matchmaking.take_part")
def participants(request: HttpRequest, event: Event) -> HttpResponse:
    profile = _participant(request, event)
    services.ensure_profiles(event)
    query = request.GET.get("q", "").strip()[:100]
    qs = services.profiles(event).filter(is_visible=True).exclude(pk=profile.pk)
    if query:
        qs = qs.filter(
            Q(offer__icontains=query)
            | Q(seek__icontains=query)
            | Q(registration__organisation_name__icontains=query)
            | Q(offered__name_de__icontains=query)
        ).distinct()
    page = Paginator(qs.order_by("registration__organisation_name", "pk"), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "matchmaking/participants.html",
        {
            "event": event,
            "page_obj": page,
            "query": query,
            "request_form": RequestForm(),
        },
    )


@require_POST
@event_view("matchmaking.take_part")
def request_create(request: HttpRequest, event: Event, pk: int) -> HttpResponse:
    sender = _participant(request, event)
    recipient = get_object_or_404(
        Profile.objects.select_related("registration"), pk=pk, event=event
    )
    if not request.user.has_perm("matchmaking.view_profile", recipient):
        raise Http404
    form = RequestForm(request.POST)
    if form.is_valid() and run(
        form, services.do_send_request, sender, recipient, form.cleaned_data["message"]
    ):
        messages.success(
            request, _("Your request to %(name)s is sent.") % {"name": recipient.display_name}
        )
    else:
        for error in form.non_field_errors() + form.errors.get("message", []):
            messages.error(request, error)
    return redirect("matchmaking:event", slug=event.slug)


def _request(request: HttpRequest, pk: int, perm: str) -> MeetingRequest:
    meeting_request = get_object_or_404(
        MeetingRequest.objects.select_related(
            "event", "sender__registration", "recipient__registration"
        ),
        pk=pk,
    )
    if not request.user.has_perm("matchmaking.view_request", meeting_request):
        raise Http404
    if not request.user.has_perm(perm, meeting_request):
        raise PermissionDenied
    return meeting_request


@require_POST
@login_required
def request_answer(request: HttpRequest, pk: int) -> HttpResponse:
    meeting_request = _request(request, pk, "matchmaking.answer_request")
    form = AnswerForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        if run(
            form,
            services.do_answer_request,
            meeting_request,
            accept=accept,
            answer=form.cleaned_data["answer"],
        ):
            messages.success(
                request, _("The meeting is accepted.") if accept else _("The request is declined.")
            )
    for error in form.non_field_errors():
        messages.error(request, error)
    return redirect("matchmaking:event", slug=meeting_request.event.slug)


@require_POST
@login_required
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    meeting_request = _request(request, pk, "matchmaking.withdraw_request")
    form = AnswerForm()
    if run(form, services.do_withdraw_request, meeting_request):
        messages.success(request, _("The request is withdrawn."))
    for error in form.non_field_errors():
        messages.error(request, error)
    return redirect("matchmaking:event", slug=meeting_request.event.slug)


@GET
@event_view("matchmaking.take_part")
def schedule_ical(request: HttpRequest, event: Event) -> HttpResponse:
    profile = _participant(request, event)
    return file_response(documents.schedule_ical(profile), "text/calendar", f"{event.slug}-b2b.ics")


@GET
@event_view("matchmaking.take_part")
def schedule_pdf(request: HttpRequest, event: Event) -> HttpResponse:
    profile = _participant(request, event)
    return file_response(
        documents.schedule_pdf(profile), "application/pdf", f"{event.slug}-b2b.pdf"
    )


# --- organisers -----------------------------------------------------------------------------


@GET_POST
@event_view("matchmaking.organise")
def setup(request: HttpRequest, event: Event) -> HttpResponse:
    setup_obj = services.setup_of(event)
    setup_form = SetupForm(
        request.POST if "save_setup" in request.POST else None, instance=setup_obj
    )
    slots_form = SlotsForm(request.POST if "save_slots" in request.POST else None)
    if request.method == "POST":
        if "save_setup" in request.POST and setup_form.is_valid():
            if run(setup_form, scheduling.do_set_tables, event, setup_form.cleaned_data["tables"]):
                setup_form.save()
                messages.success(request, _("The settings are saved."))
                return redirect("matchmaking:setup", slug=event.slug)
        elif "save_slots" in request.POST and slots_form.is_valid():
            data = slots_form.cleaned_data
            if run(
                slots_form,
                scheduling.do_set_slots,
                event,
                first=data["first"],
                count=data["count"],
                minutes=data["minutes"],
                pause=data["pause"],
            ):
                messages.success(request, _("The slots are set. Schedule the meetings again."))
                return redirect("matchmaking:setup", slug=event.slug)
    return render(
        request,
        "matchmaking/setup.html",
        {
            "event": event,
            "setup_form": setup_form,
            "slots_form": slots_form,
            "slots": Slot.objects.filter(event=event),
        },
    )


@GET_POST
@event_view("matchmaking.organise")
def plan(request: HttpRequest, event: Event) -> HttpResponse:
    if request.method == "POST":
        job = enqueue(
            "matchmaking.schedule",
            {"event": event.pk, "time_limit": 20.0},
            user=request.user,
            title=_("Schedule the B2B meetings: %(event)s") % {"event": event.title},
        )
        return redirect(job)
    slots, tables, grid = scheduling.table_plan(event)
    rows = [(table, [grid.get((slot.pk, table)) for slot in slots]) for table in tables]
    why = diagnosis.diagnose(event)
    unplaced = list(
        Meeting.objects.filter(event=event, slot__isnull=True)
        .select_related("request__sender__registration", "request__recipient__registration")
        .order_by("pk")[:100]
    )
    for m in unplaced:
        m.reason = why.reasons.get(m.pk)
    counts: dict[str, Any] = {
        "accepted": Meeting.objects.filter(event=event).count(),
        "placed": len(grid),
        "pending": MeetingRequest.objects.filter(
            event=event, status=MeetingRequest.Status.PENDING
        ).count(),
        "profiles": Profile.objects.filter(event=event).count(),
    }
    return render(
        request,
        "matchmaking/plan.html",
        {
            "event": event,
            "setup": services.setup_of(event),
            "slots": slots,
            "rows": rows,
            "counts": counts,
            "diagnosis": why,
            "unplaced": unplaced,
            "unplaced_count": len(why.reasons),
        },
    )


@GET
@event_view("matchmaking.organise")
def plan_xlsx(request: HttpRequest, event: Event) -> HttpResponse:
    return file_response(
        documents.table_plan_xlsx(event),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"{event.slug}-tischplan.xlsx",
    )


@require_POST
@login_required
def meeting_lock(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("event"), pk=pk)
    if not request.user.has_perm("events.view_event", meeting.event):
        raise Http404
    if not request.user.has_perm("matchmaking.organise", meeting.event):
        raise PermissionDenied
    form = AnswerForm()
    if run(form, scheduling.do_lock, meeting, request.POST.get("locked") == "1"):
        messages.success(request, _("Saved."))
    for error in form.non_field_errors():
        messages.error(request, error)
    return redirect("matchmaking:plan", slug=meeting.event.slug)
