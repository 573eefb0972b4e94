"""Writes and exports for a person's own account: profile, personal data, deletion, API token.

Each `do_*` function makes one change atomically; views call them after their forms validated.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from .models import User


@transaction.atomic
def do_update_profile(user: User, *, name: str, language: str) -> User:
    user.name = name
    user.language = language
    user.save(update_fields=["name", "language"])
    return user


def _privacy_modules() -> list[Any]:
    """The `services/privacy.py` module of each Werkstatt app that has one.

    A domain app that keeps personal data declares there `user_data(user)` (its part of the
    download) and may declare `before_account_deletion(user)` (what must happen while the
    person still exists: free their seats, cancel their meetings, tell others). Accounts
    imports no app above it; this is how they take part."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("werkstatt."):
            continue
        package = importlib.util.find_spec(f"{config.name}.services")
        if package is None or package.submodule_search_locations is None:
            continue
        module_name = f"{config.name}.services.privacy"
        if importlib.util.find_spec(module_name) is None:
            continue
        found.append((config.label, importlib.import_module(module_name)))
    return found


# What the download holds besides the apps' parts (each privacy module's DESCRIPTION).
OWN_DATA = [
    _("Your profile: name, e-mail addresses, language, when you registered and last logged in"),
    _("Your memberships of organisations and your roles in spaces"),
    _("The background jobs you started (imports, reports)"),
    _("The changes you made to organisations, sites and contact people"),
    _("Whether you have an API token (not the token itself)"),
]


def data_download_contents() -> list[Any]:
    """What the personal data download contains, in words for the profile page: our own
    parts, then each app's (its privacy module's DESCRIPTION, else the app's name)."""
    contents = list(OWN_DATA)
    for label, module in _privacy_modules():
        description = getattr(module, "DESCRIPTION", None)
        contents.append(description or apps.get_app_config(label).verbose_name)
    return contents


@transaction.atomic
def do_delete_account(user: User) -> None:
    """Delete the person. First each app settles what the person leaves behind
    (`before_account_deletion`); then memberships, roles, e-mail addresses and the token go with
    them (CASCADE); records that others still need (jobs, change history, votes that results
    counted) keep no link to them (SET_NULL on those relations)."""
    for _label, module in _privacy_modules():
        settle = getattr(module, "before_account_deletion", None)
        if settle is not None:
            settle(user)
    User.objects.filter(pk=user.pk).delete()


@transaction.atomic
def do_regenerate_api_token(user: User) -> Token:
    """Replace the person's API token with a new one; the old one stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _history_models() -> list[type[models.Model]]:
    """Every simple_history model whose entries record who made a change."""
    found = []
    for model in apps.get_models():
        if not model.__name__.startswith("Historical"):
            continue
        try:
            field = model._meta.get_field("history_user")
        except Exception:  # noqa: S112 - not a history model
            continue
        if field.related_model is User:
            found.append(model)
    return found


def export_user_data(user: User) -> dict[str, Any]:
    """Everything Werkstatt stores about this person, as JSON-ready data (DSGVO Art. 15/20).

    Only the person's own rows: never anything about other people.
    """
    from allauth.account.models import EmailAddress

    data: dict[str, Any] = {
        "exported": timezone.now().isoformat(),
        "profile": {
            "email": user.email,
            "name": user.name,
            "language": user.language,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "is_staff": user.is_staff,
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "space_roles": [
            {
                "space": r.space.name,
                "space_kind": r.space.kind,
                "role": r.role,
                "since": _iso(r.created),
            }
            for r in user.space_roles.select_related("space").order_by("space__name", "role")
        ],
        "api_token": {
            "exists": Token.objects.filter(user=user).exists(),
        },
    }
    if apps.is_installed("werkstatt.network"):
        membership = apps.get_model("network", "OrganisationMembership")
        data["organisation_memberships"] = [
            {
                "organisation": m.organisation.name,
                "organisation_slug": m.organisation.slug,
                "role": m.role,
                "status": m.status,
                "since": _iso(m.created),
            }
            for m in membership.objects.filter(user=user)
            .select_related("organisation")
            .order_by("organisation__name")
        ]
    if apps.is_installed("werkstatt.jobs"):
        job = apps.get_model("jobs", "Job")
        data["jobs"] = [
            {"kind": j.kind, "title": j.title, "status": j.status, "created": _iso(j.created)}
            for j in job.objects.filter(created_by=user).order_by("created")
        ]
    changes = []
    for model in _history_models():
        for entry in model.objects.filter(history_user=user).order_by("history_date"):
            changes.append(
                {
                    "what": model._meta.model_name.removeprefix("historical"),
                    "object": str(entry),
                    "type": entry.history_type,
                    "date": _iso(entry.history_date),
                }
            )
    data["changes_made"] = changes
    # Each domain app that keeps personal data contributes it (see _privacy_modules).
    for label, module in _privacy_modules():
        data[label] = module.user_data(user)
    return data
