"""Participants' pages: the list of events, an event with its agenda, registering, tickets."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from ..forms import FeedbackForm, RegistrationForm
from ..models import Event, Feedback, Registration, Session
from ..services import documents, queries
from ..services import registration as services
from .common import GET, GET_POST, event_view, file_response, run

PAGE_SIZE = 20
REGISTERED = gettext_noop(
    "You are registered. Your ticket is below; we have sent you a confirmation by e-mail."
)
WAITING = gettext_noop(
    "The event is full: you are on the waiting list. "
    "You will move up automatically when a seat becomes free."
)


@GET
def index(request: HttpRequest) -> HttpResponse:
    upcoming, past = queries.upcoming_and_past(request.user)
    show_past = request.GET.get("zeit") == "vergangen"
    page = Paginator(past if show_past else upcoming, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/index.html",
        {
            "show_past": show_past,
            "page_obj": page,
            "can_add": request.user.has_perm("events.add_event"),
        },
    )


@GET
@event_view()
def event_detail(request: HttpRequest, event: Event) -> HttpResponse:
    registration = queries.active_registration(event, request.user)
    seats = queries.seats_taken(event)
    context = {
        "event": event,
        "sessions": queries.agenda(event),
        "registration": registration,
        "position": queries.waiting_position(registration) if registration else None,
        "seats_taken": seats,
        "is_full": event.capacity is not None and seats >= event.capacity,
        "window": services.registration_window(event),
        "can_register": request.user.has_perm("events.register", event),
        "can_change": request.user.has_perm("events.change_event", event),
        "can_feedback": request.user.has_perm("events.give_feedback", event)
        and timezone.now() >= event.starts_at,
    }
    return render(request, "events/event_detail.html", context)


@GET
@event_view()
def event_ical(request: HttpRequest, event: Event) -> HttpResponse:
    return file_response(
        documents.event_ical(event), "text/calendar; charset=utf-8", f"{event.slug}.ics"
    )


@GET
@event_view()
def session_ical(request: HttpRequest, event: Event, pk: int) -> HttpResponse:
    session = get_object_or_404(Session.objects.select_related("room", "event"), pk=pk, event=event)
    return file_response(
        documents.session_ical(session), "text/calendar; charset=utf-8", f"{event.slug}-{pk}.ics"
    )


@GET_POST
@event_view("events.register")
def register(request: HttpRequest, event: Event) -> HttpResponse:
    existing = queries.active_registration(event, request.user)
    if existing is not None:
        messages.info(request, _("You are registered for this event already."))
        return redirect("events:registration", pk=existing.pk)
    form = RegistrationForm(request.POST or None, event=event, user=request.user)
    window = services.registration_window(event)
    seats = queries.seats_taken(event)
    is_full = event.capacity is not None and seats >= event.capacity
    if request.method == "POST" and form.is_valid():
        registration = run(
            form,
            services.do_register,
            event,
            request.user,
            answers=form.answers(),
            name=form.cleaned_data["name"],
            organisation=form.cleaned_data["organisation"],
        )
        if registration is not None:
            if registration.status == Registration.Status.CONFIRMED:
                messages.success(
                    request,
                    _(REGISTERED),
                )
            else:
                messages.info(
                    request,
                    _(WAITING),
                )
            return redirect("events:registration", pk=registration.pk)
    return render(
        request,
        "events/register.html",
        {"event": event, "form": form, "window": window, "is_full": is_full},
    )


@GET
@login_required
def my_registrations(request: HttpRequest) -> HttpResponse:
    page = Paginator(queries.my_registrations(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "events/my_registrations.html", {"page_obj": page, "now": timezone.now()}
    )


def _registration(request: HttpRequest, pk: int, perm: str) -> Registration:
    registration = get_object_or_404(
        Registration.objects.select_related("event", "user", "organisation"), pk=pk
    )
    if not request.user.has_perm("events.view_registration", registration):
        raise Http404
    if not request.user.has_perm(perm, registration):
        raise PermissionDenied
    return registration


@GET
@login_required
def registration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request, pk, "events.view_registration")
    return render(
        request,
        "events/registration_detail.html",
        {
            "registration": registration,
            "event": registration.event,
            "position": queries.waiting_position(registration),
            "answers": registration.answers.select_related("question").order_by(
                "question__position", "question__pk"
            ),
            "can_cancel": registration.is_active and registration.checked_in_at is None,
        },
    )


@require_POST
@login_required
def registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request, pk, "events.cancel_registration")
    try:
        services.do_cancel_registration(registration, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The registration is cancelled."))
    if registration.user_id != request.user.pk:
        return redirect("events:registrations", slug=registration.event.slug)
    return redirect("events:registration", pk=registration.pk)


@GET
@login_required
def ticket_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request, pk, "events.view_registration")
    if registration.status != Registration.Status.CONFIRMED:
        raise Http404
    return file_response(
        documents.ticket_pdf(registration),
        "application/pdf",
        f"ticket-{registration.event.slug}.pdf",
    )


@GET_POST
@event_view("events.give_feedback")
def feedback(request: HttpRequest, event: Event) -> HttpResponse:
    existing = Feedback.objects.filter(event=event, user=request.user).first()
    initial = {"rating": existing.rating, "comment": existing.comment} if existing else None
    form = FeedbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run(
            form,
            services.do_give_feedback,
            event,
            request.user,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        )
        if saved is not None:
            messages.success(request, _("Thank you for your feedback."))
            return redirect(event)
    return render(
        request,
        "events/feedback.html",
        {"event": event, "form": form, "too_early": timezone.now() < event.starts_at},
    )
