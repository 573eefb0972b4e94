"""The organisers' area: create and edit events, agenda, questions, invitations,
registrations with the waiting list, check-in, exports."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from werkstatt.jobs.models import Job
from werkstatt.jobs.services import enqueue

from ..forms import (
    AttendeeSearchForm,
    CheckInForm,
    EventForm,
    InviteForm,
    QuestionForm,
    RegistrationFilterForm,
    RoomForm,
    SessionForm,
    SpeakerForm,
)
from ..models import Answer, Event, Question, Registration, Room, Session, Speaker
from ..services import documents, queries
from ..services import events as services
from ..services import registration as registration_services
from .common import GET, GET_POST, event_view, file_response, run

PAGE_SIZE = 50
MANAGE = "events.change_event"
REGISTRATIONS = "events.manage_registrations"

# kind in the URL -> model, form, save service
ITEMS: dict[str, tuple[Any, Any, Any]] = {
    "raum": (Room, RoomForm, services.do_save_room),
    "person": (Speaker, SpeakerForm, services.do_save_speaker),
    "programmpunkt": (Session, SessionForm, services.do_save_session),
    "frage": (Question, QuestionForm, services.do_save_question),
}


def _form(
    kind: str, event: Event, data: Any = None, instance: Any = None, prefix: str | None = None
) -> Any:
    form_class = ITEMS[kind][1]
    if form_class is SessionForm:
        return form_class(data, instance=instance, event=event, prefix=prefix)
    return form_class(data, instance=instance, prefix=prefix)


def _service_data(form: Any) -> dict[str, Any]:
    return form.service_data() if hasattr(form, "service_data") else dict(form.cleaned_data)


def _back(kind: str) -> str:
    return "events:questions" if kind == "frage" else "events:agenda"


# --- events ------------------------------------------------------------------------------------


@GET_POST
@login_required
def event_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("events.add_event"):
        raise PermissionDenied
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        event = run(form, services.do_create_event, request.user, form.cleaned_data)
        if event is not None:
            messages.success(request, _("The event has been created. Now add its agenda."))
            return redirect("events:agenda", slug=event.slug)
    return render(request, "events/event_form.html", {"form": form, "event": None})


@GET_POST
@event_view(MANAGE)
def event_edit(request: HttpRequest, event: Event) -> HttpResponse:
    form = EventForm(request.POST or None, instance=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        event.refresh_from_db()  # the form wrote onto the instance; the service applies `data`
        if run(form, services.do_update_event, event, data) is not None:
            messages.success(request, _("The event has been saved."))
            return redirect("events:manage", slug=event.slug)
    return render(request, "events/event_form.html", {"form": form, "event": event})


@GET
@event_view(MANAGE)
def manage(request: HttpRequest, event: Event) -> HttpResponse:
    feedback = event.feedback.aggregate(count=Count("pk"), average=Avg("rating"))
    comments = event.feedback.exclude(comment="").order_by("-created")[:20]
    return render(
        request,
        "events/manage.html",
        {
            "event": event,
            "counts": registration_services.registration_counts(event),
            "feedback": feedback,
            "comments": comments,
        },
    )


# --- agenda and questions ----------------------------------------------------------------------


@GET_POST
@event_view(MANAGE)
def agenda(request: HttpRequest, event: Event) -> HttpResponse:
    posted = request.POST.get("form") if request.method == "POST" else None
    forms = {}
    for kind in ("programmpunkt", "raum", "person"):
        data = request.POST if posted == kind else None
        # Three forms on one page: prefixes keep their fields' ids apart (each label its field).
        forms[kind] = _form(kind, event, data, prefix=kind)
    if posted in forms:
        form = forms[posted]
        if form.is_valid() and run(form, ITEMS[posted][2], event, _service_data(form)):
            messages.success(request, _("Saved."))
            return redirect("events:agenda", slug=event.slug)
    return render(
        request,
        "events/agenda.html",
        {
            "event": event,
            "sessions": queries.agenda(event),
            "rooms": event.rooms.all(),
            "speakers": event.speakers.select_related("organisation"),
            "session_form": forms["programmpunkt"],
            "room_form": forms["raum"],
            "speaker_form": forms["person"],
        },
    )


@GET_POST
@event_view(MANAGE)
def questions(request: HttpRequest, event: Event) -> HttpResponse:
    form = QuestionForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run(form, services.do_save_question, event, form.cleaned_data)
    ):
        messages.success(request, _("The question has been added."))
        return redirect("events:questions", slug=event.slug)
    return render(
        request,
        "events/questions.html",
        {"event": event, "questions": event.questions.all(), "form": form},
    )


def _item(event: Event, kind: str, pk: int) -> Any:
    if kind not in ITEMS:
        raise Http404
    return get_object_or_404(ITEMS[kind][0], pk=pk, event=event)


@GET_POST
@event_view(MANAGE)
def item_edit(request: HttpRequest, event: Event, kind: str, pk: int) -> HttpResponse:
    item = _item(event, kind, pk)
    form = _form(kind, event, request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        data = _service_data(form)
        item.refresh_from_db()
        if run(form, ITEMS[kind][2], event, data, item):
            messages.success(request, _("Saved."))
            return redirect(_back(kind), slug=event.slug)
    return render(
        request,
        "events/item_form.html",
        {"event": event, "item": item, "form": form, "back": _back(kind)},
    )


@GET_POST
@event_view(MANAGE)
def item_delete(request: HttpRequest, event: Event, kind: str, pk: int) -> HttpResponse:
    item = _item(event, kind, pk)
    if request.method == "POST":
        services.do_delete(item)
        messages.success(request, _("Deleted."))
        return redirect(_back(kind), slug=event.slug)
    return render(
        request,
        "events/item_confirm_delete.html",
        {"event": event, "item": item, "back": _back(kind)},
    )


# --- invitations ---------------------------------------------------------------------------------


@GET_POST
@event_view(MANAGE)
def invitations(request: HttpRequest, event: Event) -> HttpResponse:
    form = InviteForm(request.POST if "emails" in request.POST else None)
    if request.method == "POST" and "remove" in request.POST:
        user = get_object_or_404(get_user_model(), pk=request.POST.get("remove") or 0)
        services.do_remove_guest(event, user)
        messages.success(request, _("The invitation has been withdrawn."))
        return redirect("events:invitations", slug=event.slug)
    if request.method == "POST" and form.is_valid():
        invited = run(form, services.do_invite, event, form.cleaned_data["emails"])
        if invited is not None:
            messages.success(request, _("%(count)d people invited.") % {"count": len(invited)})
            return redirect("events:invitations", slug=event.slug)
    return render(
        request,
        "events/invitations.html",
        {"event": event, "form": form, "guests": services.guests(event)},
    )


# --- registrations, check-in, exports ------------------------------------------------------------


def _registrations(event: Event, status: str = "", q: str = ""):
    registrations = event.registrations.select_related("user", "checked_in_by")
    if status:
        registrations = registrations.filter(status=status)
    if q:
        registrations = registrations.filter(
            Q(name__icontains=q) | Q(user__email__icontains=q) | Q(organisation_name__icontains=q)
        )
    return registrations


@GET
@event_view(REGISTRATIONS)
def registrations(request: HttpRequest, event: Event) -> HttpResponse:
    filters = RegistrationFilterForm(request.GET or None)
    status = q = ""
    if filters.is_valid():
        status, q = filters.cleaned_data["status"], filters.cleaned_data["q"].strip()
    rows = queries.in_list_order(_registrations(event, status, q))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    waiting = list(queries.waiting_list(event).values_list("pk", flat=True))
    positions = {pk: i + 1 for i, pk in enumerate(waiting)}
    for registration in page.object_list:
        registration.position = positions.get(registration.pk)
    return render(
        request,
        "events/registrations.html",
        {
            "event": event,
            "page_obj": page,
            "filters": filters,
            "counts": registration_services.registration_counts(event),
        },
    )


@GET_POST
@event_view(REGISTRATIONS)
def checkin(request: HttpRequest, event: Event) -> HttpResponse:
    by_name = request.method == "POST" and "registration" in request.POST
    form = CheckInForm(request.POST if request.method == "POST" and not by_name else None)
    search = AttendeeSearchForm(request.GET if "q" in request.GET else None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    result = None
    status = 200
    by_name_errors = forms.Form({})  # the service's refusal for a check-in by name
    by_name_errors.is_valid()
    if by_name:
        result = run(
            by_name_errors,
            registration_services.do_check_in_registration,
            event,
            request.POST.get("registration"),
            request.user,
        )
    elif request.method == "POST" and form.is_valid():
        result = run(
            form, registration_services.do_check_in, event, form.cleaned_data["code"], request.user
        )
    if request.method == "POST":
        if result is None:
            status = 400
        else:
            form = CheckInForm()  # empty for the next ticket
    return render(
        request,
        "events/checkin.html",
        {
            "event": event,
            "form": form,
            "search": search,
            "query": query,
            "found": registration_services.find_attendees(event, query) if query else None,
            "by_name_errors": by_name_errors.non_field_errors(),
            "result": result,
            "counts": registration_services.registration_counts(event),
        },
        status=status,
    )


@GET
@event_view(REGISTRATIONS)
def export_xlsx(request: HttpRequest, event: Event) -> HttpResponse:
    rows = queries.in_list_order(
        event.registrations.select_related("user").prefetch_related(
            Prefetch(
                "answers", queryset=Answer.objects.only("registration_id", "question_id", "value")
            )
        )
    )
    content = documents.attendees_xlsx(event, rows, list(event.questions.all()))
    return file_response(
        content,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"teilnehmende-{event.slug}.xlsx",
    )


@GET_POST
@event_view(REGISTRATIONS)
def badges_pdf(request: HttpRequest, event: Event) -> HttpResponse:
    """Small events get their badges at once; larger ones (POST) in a job with progress."""
    confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED)
    if request.method == "POST":
        job = enqueue(
            "events.badges",
            {"event": event.pk},
            user=request.user,
            title=_("Name badges: %(event)s") % {"event": event.title},
        )
        return redirect(job)
    count = confirmed.count()
    if count > documents.BADGES_INLINE:
        return render(request, "events/badges.html", {"event": event, "count": count})
    return file_response(
        documents.badges_pdf(event, list(confirmed.order_by("name", "pk"))),
        "application/pdf",
        f"namensschilder-{event.slug}.pdf",
    )


@GET
@event_view(REGISTRATIONS)
def badges_download(request: HttpRequest, event: Event, job: int) -> HttpResponse:
    """The PDF a badges job made (any organiser of the event may fetch it)."""
    found = get_object_or_404(Job, pk=job, kind="events.badges", payload__event=event.pk)
    path = documents.badges_storage_path(event, found.pk)
    if found.status != Job.Status.SUCCEEDED or not default_storage.exists(path):
        raise Http404
    with default_storage.open(path, "rb") as handle:
        content = handle.read()
    return file_response(content, "application/pdf", f"namensschilder-{event.slug}.pdf")
