"""Template helpers of the strategy workshop."""

from __future__ import annotations

from typing import Any

from django import template

from ..services.names import public_name as _public_name

register = template.Library()


@register.filter
def public_name(user: Any) -> str:
    """The name a person shows others; never their e-mail address."""
    return _public_name(user)
