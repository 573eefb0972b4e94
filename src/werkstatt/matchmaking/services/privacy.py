"""A person's own data in the B2B matchmaking (accounts' DSGVO download and account deletion,
see accounts.services._privacy_modules).

Others appear only by their organisation: the download holds what the person wrote and where
they meet, not other people's names or messages.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Meeting, MeetingRequest, Profile
from .matching import do_leave

#: What this part of the DSGVO download holds (listed on the profile page).
DESCRIPTION = _("Your B2B matchmaking profiles, meeting requests and meetings")


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def _organisation(profile: Profile) -> str:
    return profile.registration.organisation_name


def user_data(user: Any) -> list[dict[str, Any]]:
    """Per event: the profile, the requests sent and received, the meetings."""
    out = []
    profiles = (
        Profile.objects.filter(registration__user=user)
        .select_related("event", "registration")
        .prefetch_related("offered", "sought", "unavailable")
        .order_by("event__starts_at", "pk")
    )
    for profile in profiles:
        requests = (
            MeetingRequest.objects.filter(Q(sender=profile) | Q(recipient=profile))
            .select_related("sender__registration", "recipient__registration")
            .order_by("created", "pk")
        )
        meetings = (
            Meeting.objects.filter(Q(request__sender=profile) | Q(request__recipient=profile))
            .select_related(
                "slot", "request__sender__registration", "request__recipient__registration"
            )
            .order_by("pk")
        )
        out.append(
            {
                "event": profile.event.title,
                "profile": {
                    "offer": profile.offer,
                    "seek": profile.seek,
                    "capabilities_offered": sorted(c.key for c in profile.offered.all()),
                    "capabilities_sought": sorted(c.key for c in profile.sought.all()),
                    "unavailable": [_iso(s.starts_at) for s in profile.unavailable.all()],
                    "visible": profile.is_visible,
                    "updated": _iso(profile.updated),
                },
                "requests": [
                    {
                        "direction": "sent" if r.sender_id == profile.pk else "received",
                        "with_organisation": _organisation(
                            r.recipient if r.sender_id == profile.pk else r.sender
                        ),
                        "status": r.status,
                        "sent": _iso(r.created),
                        "answered": _iso(r.answered_at),
                        # Only the person's own words.
                        "message": r.message if r.sender_id == profile.pk else None,
                        "answer": r.answer if r.recipient_id == profile.pk else None,
                    }
                    for r in requests
                ],
                "meetings": [
                    {
                        "with_organisation": _organisation(
                            m.request.recipient
                            if m.request.sender_id == profile.pk
                            else m.request.sender
                        ),
                        "starts": _iso(m.slot.starts_at) if m.slot else None,
                        "table": m.table,
                    }
                    for m in meetings
                ],
            }
        )
    return out


def before_account_deletion(user: Any) -> None:
    """Open requests are withdrawn and meetings still to come cancelled, the partners told.
    (Cancelling the person's registrations does the same through the events app's signal;
    whichever comes first, nothing happens twice.) Past meetings stay, the person shown as a
    former participant once the registration is anonymised."""
    now = timezone.now()
    for profile in Profile.objects.filter(
        registration__user=user, event__ends_at__gt=now
    ).select_related("registration", "event"):
        do_leave(profile, account_deleted=True)
