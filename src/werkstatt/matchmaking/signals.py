"""What the B2B matchmaking does when the events app cancels a registration."""

from __future__ import annotations

from typing import Any

from .models import Profile
from .services.matching import do_leave


def registration_cancelled(sender: Any, registration: Any, account_deleted: bool, **kwargs: Any):
    """A cancelled seat takes its B2B meetings and open requests with it (partners are told)."""
    profile = Profile.objects.filter(registration_id=registration.pk).first()
    if profile is not None:
        do_leave(profile, account_deleted=account_deleted)
