"""A person's own data in the events app (accounts' DSGVO download and account deletion, see
accounts.services._privacy_modules)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from ..models import Answer, Feedback, Registration
from .registration import forget_person

#: What this part of the DSGVO download holds (listed on the profile page).
DESCRIPTION = _("Your event registrations with your answers and tickets, and your feedback")


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def user_data(user: Any) -> dict[str, list[dict[str, Any]]]:
    """The person's registrations (with their answers and tickets) and their feedback."""
    registrations = (
        Registration.objects.filter(user=user)
        .select_related("event")
        .prefetch_related(
            Prefetch("answers", queryset=Answer.objects.select_related("question").order_by("pk"))
        )
        .order_by("event__starts_at", "pk")
    )
    return {
        "registrations": [
            {
                "event": r.event.title,
                "event_starts": _iso(r.event.starts_at),
                "status": r.status,
                "name": r.name,
                "organisation": r.organisation_name,
                "registered": _iso(r.created),
                "confirmed": _iso(r.confirmed_at),
                "waiting_since": _iso(r.waiting_since),
                "cancelled": _iso(r.cancelled_at),
                "checked_in": _iso(r.checked_in_at),
                "ticket_code": r.ticket_code_display if r.status == r.Status.CONFIRMED else None,
                "answers": [
                    {"question": a.question.text, "kind": a.question.kind, "answer": a.value}
                    for a in r.answers.all()
                ],
            }
            for r in registrations
        ],
        "feedback": [
            {
                "event": f.event.title,
                "rating": f.rating,
                "comment": f.comment,
                "given": _iso(f.created),
            }
            for f in Feedback.objects.filter(user=user).select_related("event").order_by("created")
        ],
    }


def before_account_deletion(user: Any) -> None:
    """Seats for events to come are given up (the waiting list moves up, B2B meetings are
    cancelled through the registration_cancelled signal); the rest is anonymised."""
    forget_person(user)
