"""Reads: which events a person sees, the agenda, counts. The rules' twins for querysets."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from werkstatt.accounts.models import SpaceRole
from werkstatt.network.models import OrganisationMembership

from ..models import Event, Registration, Session, Speaker

Status = Registration.Status


def visible_events(user: Any) -> QuerySet[Event]:
    """The events `user` may see: the list form of the rule `events.view_event` (rules.py)."""
    events = Event.objects.all()
    if not user.is_authenticated:
        return events.filter(visibility=Event.Visibility.PUBLIC)
    if user.is_superuser:
        return events
    in_space = Exists(SpaceRole.objects.filter(user=user, space_id=OuterRef("space_id")))
    registered = Exists(
        Registration.objects.filter(event_id=OuterRef("pk"), user=user).exclude(
            status=Status.CANCELLED
        )
    )
    condition = Q(visibility=Event.Visibility.PUBLIC) | in_space | registered
    if OrganisationMembership.objects.filter(
        user=user, status=OrganisationMembership.Status.ACTIVE
    ).exists():
        condition |= Q(visibility=Event.Visibility.MEMBERS)
    return events.filter(condition)


def with_counts(events: QuerySet[Event]) -> QuerySet[Event]:
    """Annotate `confirmed_count` and `waiting_count` (one query for any number of events)."""
    return events.annotate(
        confirmed_count=Count("registrations", filter=Q(registrations__status=Status.CONFIRMED)),
        waiting_count=Count("registrations", filter=Q(registrations__status=Status.WAITING)),
    )


def upcoming_and_past(user: Any, now=None) -> tuple[QuerySet[Event], QuerySet[Event]]:
    now = now or timezone.now()
    events = with_counts(visible_events(user)).select_related("organiser")
    upcoming = events.filter(ends_at__gte=now).order_by("starts_at", "pk")
    past = events.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    return upcoming, past


def agenda(event: Event) -> list[Session]:
    """The sessions with room and speakers (with their organisations) in three queries."""
    return list(
        event.sessions.select_related("room").prefetch_related(
            Prefetch("speakers", queryset=Speaker.objects.select_related("organisation"))
        )
    )


def seats_taken(event: Event) -> int:
    return event.registrations.filter(status=Status.CONFIRMED).count()


def in_list_order(registrations: QuerySet[Registration]) -> QuerySet[Registration]:
    """Confirmed first (by name), then the waiting list in its order, then the cancelled."""
    rank = Case(
        When(status=Status.CONFIRMED, then=Value(0)),
        When(status=Status.WAITING, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return registrations.alias(status_rank=rank).order_by(
        "status_rank", "waiting_since", "name", "pk"
    )


def waiting_list(event: Event) -> QuerySet[Registration]:
    return event.registrations.filter(status=Status.WAITING).order_by("waiting_since", "pk")


def waiting_position(registration: Registration) -> int | None:
    """1 for the first on the waiting list; None if not waiting."""
    if registration.status != Status.WAITING:
        return None
    before = (
        Registration.objects.filter(event_id=registration.event_id, status=Status.WAITING)
        .filter(
            Q(waiting_since__lt=registration.waiting_since)
            | Q(waiting_since=registration.waiting_since, pk__lt=registration.pk)
        )
        .count()
    )
    return before + 1


def active_registration(event: Event, user: Any) -> Registration | None:
    if not user.is_authenticated:
        return None
    return event.registrations.filter(user=user).exclude(status=Status.CANCELLED).first()


def my_registrations(user: Any, now=None) -> QuerySet[Registration]:
    """The person's registrations: events to come first, the soonest first; then past ones,
    the latest first."""
    now = now or timezone.now()
    past = Q(event__ends_at__lt=now)
    return (
        Registration.objects.filter(user=user)
        .select_related("event")
        .alias(
            is_past=Case(When(past, then=Value(1)), default=Value(0), output_field=IntegerField()),
            coming_start=Case(When(~past, then=F("event__starts_at"))),
            past_start=Case(When(past, then=F("event__starts_at"))),
        )
        .order_by(
            "is_past",
            F("coming_start").asc(nulls_last=True),
            F("past_start").desc(nulls_last=True),
            "-pk",
        )
    )
