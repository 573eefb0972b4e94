"""Registrations: register, wait, move up, cancel, check in, remind, feedback, forget.

Seats are never overbooked, whoever registers at the same time: every write that changes who
holds a seat first locks the event's row (SELECT … FOR UPDATE on PostgreSQL; SQLite has one
writer at a time anyway), then counts the confirmed registrations, then writes. Moving up from
the waiting list happens in the same transaction as the cancellation that freed the seat.

Check-in is one conditional UPDATE (… WHERE checked_in_at IS NULL), so two staff scanning the
same ticket at the same moment record one check-in; the second is told when and by whom.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from werkstatt.engines.text import fold
from werkstatt.network.models import Organisation, OrganisationMembership

from ..models import (
    Answer,
    Event,
    Feedback,
    Question,
    Registration,
    new_ticket_code,
    normalise_ticket_code,
)
from ..signals import registration_cancelled
from .mail import send, send_on_commit
from .queries import seats_taken

Status = Registration.Status
#: Reminders go out this long before an event begins.
REMINDER_BEFORE = timedelta(hours=48)


# --- checks -----------------------------------------------------------------------------------


def registration_window(event: Event, now: datetime | None = None) -> str:
    """ "open", "not_yet" (before registration opens), or "closed" (closed, or event over)."""
    now = now or timezone.now()
    if event.registration_opens_at and now < event.registration_opens_at:
        return "not_yet"
    if event.registration_closes_at and now >= event.registration_closes_at:
        return "closed"
    if now >= event.ends_at:
        return "closed"
    return "open"


def check_window(event: Event, now: datetime | None = None) -> None:
    state = registration_window(event, now)
    if state == "not_yet":
        raise ValidationError(_("Registration has not opened yet."), code="not_yet")
    if state == "closed":
        raise ValidationError(_("Registration for this event is closed."), code="closed")


def check_answers(event: Event, raw: Mapping[Any, Any]) -> dict[Question, str]:
    """Validate answers given by question pk (int or str key). Returns question -> stored value.

    Text: stripped, at most 2,000 characters. Choice: one of the options. Consent: true/"yes"
    (required consent must be given). Raises a ValidationError with one message per question.
    """
    by_pk = {str(k): v for k, v in raw.items()}
    errors: dict[str, list[Any]] = {}
    answers: dict[Question, str] = {}
    for question in event.questions.all():
        key = f"question_{question.pk}"
        value = by_pk.get(str(question.pk))
        if question.kind == Question.Kind.CONSENT:
            given = value in (True, "true", "True", "yes", "on", "1", 1)
            if question.required and not given:
                errors[key] = [_("Please give your consent to register.")]
            elif given:
                answers[question] = "yes"
            continue
        text = "" if value is None else str(value).strip()
        if not text:
            if question.required:
                errors[key] = [_("Please answer this question.")]
            continue
        if question.kind == Question.Kind.CHOICE and text not in question.options:
            errors[key] = [_("Please choose one of the options.")]
            continue
        if len(text) > 2000:
            errors[key] = [_("Please answer in at most 2,000 characters.")]
            continue
        answers[question] = text
    if errors:
        raise ValidationError(errors)
    return answers


def _lock(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def _free_seats(event: Event) -> int | None:
    if event.capacity is None:
        return None
    return max(event.capacity - seats_taken(event), 0)


# --- register, cancel, move up -----------------------------------------------------------------


def do_register(
    event: Event,
    user: Any,
    *,
    answers: Mapping[Any, Any] | None = None,
    name: str = "",
    organisation: Organisation | None = None,
    now: datetime | None = None,
) -> Registration:
    """Register `user`: a seat if one is free, else a place on the waiting list.

    Raises ValidationError (nothing written) if registration is not open, the person is
    registered already, an answer is missing or invalid, or the organisation is not theirs.
    """
    check_window(event, now)
    checked = check_answers(event, answers or {})
    if (
        organisation is not None
        and not OrganisationMembership.objects.filter(
            user=user, organisation=organisation, status=OrganisationMembership.Status.ACTIVE
        ).exists()
    ):
        raise ValidationError(
            {"organisation": [_("You can only register for an organisation you belong to.")]}
        )
    name = (name or "").strip() or user.get_full_name()
    try:
        with transaction.atomic():
            locked = _lock(event)
            if locked.registrations.filter(user=user).exclude(status=Status.CANCELLED).exists():
                raise ValidationError(
                    _("You are registered for this event already."), code="exists"
                )
            free = _free_seats(locked)
            stamp = timezone.now()
            confirmed = free is None or free > 0
            registration = Registration.objects.create(
                event=locked,
                user=user,
                status=Status.CONFIRMED if confirmed else Status.WAITING,
                name=name[:200],
                organisation=organisation,
                organisation_name=organisation.name if organisation else "",
                confirmed_at=stamp if confirmed else None,
                waiting_since=None if confirmed else stamp,
            )
            Answer.objects.bulk_create(
                Answer(registration=registration, question=q, value=v) for q, v in checked.items()
            )
            send_on_commit("confirmed" if confirmed else "waiting", registration)
    except IntegrityError as error:  # the partial unique constraint: a parallel double submit
        raise ValidationError(
            _("You are registered for this event already."), code="exists"
        ) from error
    return registration


def fill_free_seats(event: Event) -> list[Registration]:
    """Move the first on the waiting list up while seats are free. Call inside a transaction
    holding the event's lock (do_cancel_registration and do_update_event do)."""
    free = _free_seats(event)
    waiting = event.registrations.filter(status=Status.WAITING).order_by("waiting_since", "pk")
    if free is not None:
        waiting = waiting[:free]
    promoted = list(waiting.select_related("user", "event"))
    stamp = timezone.now()
    for registration in promoted:
        registration.status = Status.CONFIRMED
        registration.confirmed_at = stamp
        registration.save(update_fields=["status", "confirmed_at"])
        send_on_commit("moved_up", registration)
    return promoted


@transaction.atomic
def do_cancel_registration(
    registration: Registration, by: Any = None, *, notify: bool = True
) -> list[Registration]:
    """Cancel; if it held a seat, the first on the waiting list moves up at once.

    Returns the registrations that moved up. Cancelling twice, or after check-in, is refused.
    `notify=False` sends the person no cancellation mail (their account is being deleted).
    """
    event = _lock(registration.event)
    current = Registration.objects.select_for_update().get(pk=registration.pk)
    if current.status == Status.CANCELLED:
        raise ValidationError(_("This registration is cancelled already."), code="cancelled")
    if current.checked_in_at is not None:
        raise ValidationError(
            _(
                "This participant has checked in already; "
                "the registration can no longer be cancelled."
            ),
            code="checked_in",
        )
    had_seat = current.status == Status.CONFIRMED
    current.status = Status.CANCELLED
    current.cancelled_at = timezone.now()
    current.save(update_fields=["status", "cancelled_at"])
    registration.status, registration.cancelled_at = current.status, current.cancelled_at
    if notify:
        send_on_commit("cancelled", current)
    registration_cancelled.send(
        sender=Registration, registration=current, account_deleted=not notify
    )
    return fill_free_seats(event) if had_seat else []


@transaction.atomic
def forget_person(user: Any) -> None:
    """Before an account is deleted: registrations for events still to come (or running, not
    checked in) are cancelled as on a cancellation (the waiting list moves up, what hangs on the
    seat goes with it); all the person's registrations are then anonymised as the retention job
    does (no account, name, organisation, answers; a new ticket code). Feedback stays without
    the person. Counts stay."""
    now = timezone.now()
    active = Registration.objects.filter(user=user).exclude(status=Status.CANCELLED)
    for registration in active.filter(checked_in_at__isnull=True, event__ends_at__gt=now):
        do_cancel_registration(registration, user, notify=False)
    Answer.objects.filter(registration__user=user).delete()
    for pk in Registration.objects.filter(user=user).values_list("pk", flat=True):
        Registration.objects.filter(pk=pk).update(ticket_code=new_ticket_code())
    Registration.objects.filter(user=user).update(
        user=None,
        name="",
        organisation=None,
        organisation_name="",
        checked_in_by=None,
        anonymised=True,
    )
    Feedback.objects.filter(user=user).update(user=None)


# --- check-in -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckIn:
    registration: Registration
    first: bool  # False: checked in before (by someone else, or a second scan)


def do_check_in(event: Event, code: str, staff: Any) -> CheckIn:
    """Check in the ticket `code` (as typed or scanned) for `event`.

    Exactly one of any number of simultaneous calls for the same ticket records the check-in:
    the UPDATE only matches while checked_in_at is empty. Unknown codes, tickets of other
    events, cancelled registrations and places on the waiting list are refused.
    """
    normalised = normalise_ticket_code(code)
    if not normalised:
        raise ValidationError(_("Please enter a ticket code."), code="empty")
    registration = (
        Registration.objects.filter(event=event, ticket_code=normalised)
        .select_related("user", "checked_in_by")
        .first()
    )
    if registration is None:
        raise ValidationError(
            _("There is no ticket with this code for this event."), code="unknown"
        )
    return _check_in(registration, staff)


def do_check_in_registration(event: Event, registration_id: Any, staff: Any) -> CheckIn:
    """Check in a registration found by name at the door: the same rules and the same single
    conditional UPDATE as a scanned ticket, so two staff still record one check-in."""
    registration = (
        Registration.objects.filter(event=event, pk=_int(registration_id))
        .select_related("user", "checked_in_by")
        .first()
    )
    if registration is None:
        raise ValidationError(_("This registration does not belong to this event."), code="unknown")
    return _check_in(registration, staff)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _check_in(registration: Registration, staff: Any) -> CheckIn:
    if registration.status == Status.CANCELLED:
        raise ValidationError(_("This registration was cancelled."), code="cancelled")
    if registration.status == Status.WAITING:
        raise ValidationError(
            _("This person is on the waiting list and has no seat."), code="waiting"
        )
    stamp = timezone.now()
    updated = Registration.objects.filter(
        pk=registration.pk, status=Status.CONFIRMED, checked_in_at__isnull=True
    ).update(checked_in_at=stamp, checked_in_by=staff)
    registration.refresh_from_db()
    return CheckIn(registration=registration, first=updated == 1)


#: At most this many people are listed for a name typed at the door.
FIND_LIMIT = 20


def find_attendees(event: Event, query: str, limit: int = FIND_LIMIT) -> list[Registration]:
    """Registrations (confirmed or waiting) whose name or organisation holds every word of
    `query`, umlauts folded ("groessel" finds "Größel"): for staff at the door without a code."""
    words = fold(query).split()
    if not words:
        return []
    candidates = event.registrations.exclude(status=Status.CANCELLED).values_list(
        "pk", "name", "organisation_name"
    )
    found = [
        pk
        for pk, name, organisation in candidates
        if all(word in fold(f"{name} {organisation}") for word in words)
    ]
    return list(
        Registration.objects.filter(pk__in=found[:limit])
        .select_related("checked_in_by")
        .order_by("name", "pk")
    )


# --- reminders, feedback, retention ---------------------------------------------------------------


def send_reminders(now: datetime | None = None) -> int:
    """E-mail each confirmed participant once, within REMINDER_BEFORE of the event's start.

    Each registration is claimed by a conditional UPDATE before its mail goes out, so two runs
    at the same time (or a run repeated) never send a reminder twice. Returns how many were sent.
    """
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=Status.CONFIRMED,
        reminded_at__isnull=True,
        user__isnull=False,
        event__starts_at__gt=now,
        event__starts_at__lte=now + REMINDER_BEFORE,
    ).select_related("event", "user")
    sent = 0
    for registration in due:
        claimed = Registration.objects.filter(pk=registration.pk, reminded_at__isnull=True).update(
            reminded_at=now
        )
        if claimed:
            send("reminder", registration.event, registration.user, registration)
            sent += 1
    return sent


@transaction.atomic
def do_give_feedback(
    event: Event, user: Any, *, rating: int, comment: str = "", now: datetime | None = None
) -> Feedback:
    now = now or timezone.now()
    if now < event.starts_at:
        raise ValidationError(_("Feedback opens when the event has begun."), code="too_early")
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": [_("Please rate from 1 to 5.")]})
    feedback, _created = Feedback.objects.update_or_create(
        event=event, user=user, defaults={"rating": rating, "comment": (comment or "").strip()}
    )
    return feedback


def anonymise_registrations(now: datetime | None = None) -> list[Event]:
    """Forget who registered for events whose retention period is over.

    Kept: how many registered, waited, cancelled and came (status and times), feedback ratings
    and comments. Gone: the link to the account, name, organisation, answers, who checked them
    in; ticket codes are replaced. Returns the events anonymised now.
    """
    now = now or timezone.now()
    done = []
    candidates = Event.objects.filter(anonymised_at__isnull=True, ends_at__lt=now)
    for event in candidates:
        if event.ends_at + timedelta(days=event.retention_days) > now:
            continue
        with transaction.atomic():
            registrations = event.registrations.all()
            Answer.objects.filter(registration__event=event).delete()
            for registration in registrations.filter(anonymised=False).only("pk"):
                Registration.objects.filter(pk=registration.pk).update(
                    ticket_code=new_ticket_code()
                )
            registrations.update(
                user=None,
                name="",
                organisation=None,
                organisation_name="",
                checked_in_by=None,
                anonymised=True,
            )
            event.feedback.update(user=None)
            Event.objects.filter(pk=event.pk).update(anonymised_at=now)
            event.anonymised_at = now
        done.append(event)
    return done


def registration_counts(event: Event) -> dict[str, int]:
    return event.registrations.aggregate(
        confirmed=Count("pk", filter=Q(status=Status.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=Status.WAITING)),
        cancelled=Count("pk", filter=Q(status=Status.CANCELLED)),
        checked_in=Count("pk", filter=Q(status=Status.CONFIRMED, checked_in_at__isnull=False)),
    )


__all__ = [
    "CheckIn",
    "anonymise_registrations",
    "check_answers",
    "do_cancel_registration",
    "do_check_in",
    "do_check_in_registration",
    "find_attendees",
    "do_give_feedback",
    "do_register",
    "fill_free_seats",
    "forget_person",
    "registration_counts",
    "registration_window",
    "send_reminders",
]
