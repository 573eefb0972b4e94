"""System checks for Werkstatt's own settings (`werkstatt check`, and before migrate and serve)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.compatibility)
def site_url_in_production(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """Links in notification and event e-mails start with WERKSTATT_SITE_URL (no request tells
    the address when a job or a command sends them); in production the default
    http://127.0.0.1:8000 would send people to their own machine."""
    if getattr(settings, "SECURE_PRODUCTION", False) and not getattr(
        settings, "SITE_URL_CONFIGURED", True
    ):
        return [
            Warning(
                "WERKSTATT_PRODUCTION=1 without WERKSTATT_SITE_URL: links in e-mails point to "
                f"{settings.SITE_URL}.",
                hint="Set WERKSTATT_SITE_URL to the public address, e.g. "
                "https://werkstatt.example.org.",
                id="werkstatt.W001",
            )
        ]
    return []
