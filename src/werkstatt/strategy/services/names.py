"""How people appear to others: by their name, never by their e-mail address (which is what
User.__str__ falls back to)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


def public_name(user: Any) -> str:
    if user is None:
        return _("deleted account")
    return user.name or _("Participant")
