"""The moderation audit trail: every moderation action writes one row here."""

from __future__ import annotations

import datetime
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _

from werkstatt.accounts.models import SpaceRole

from ..models import Comment, ModerationAction, Phase, Process, Recommendation, Report


def log_action(
    process: Process,
    actor: Any,
    kind: str,
    *,
    recommendation: Recommendation | None = None,
    comment: Comment | None = None,
    report: Report | None = None,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> ModerationAction:
    target = comment or recommendation or (report.target if report else None) or process
    label = str(getattr(target, "title", None) or target)[:200]
    return ModerationAction.objects.create(
        process=process,
        actor=actor if actor is not None and actor.is_authenticated else None,
        kind=kind,
        recommendation=recommendation or (comment.recommendation if comment else None),
        comment=comment,
        report=report,
        target_label=label,
        reason=reason,
        details=details or {},
    )


def moderators_of(process: Process) -> list[Any]:
    """The people notified of what needs moderation: the process's moderators."""
    user_model = get_user_model()
    return list(
        user_model.objects.filter(
            space_roles__space_id=process.space_id,
            space_roles__role=SpaceRole.Role.MODERATOR,
            is_active=True,
        ).distinct()
    )


def _date(value: Any) -> str:
    try:
        return datetime.date.fromisoformat(str(value)).strftime("%d.%m.%Y")
    except ValueError:
        return str(value)


def _choice(model: Any, name: str, value: Any) -> str:
    """The label of a stored field value in the reader's language."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return str(value)
    if field.choices:
        return str(dict(field.choices).get(value, value))
    if isinstance(field, models.BooleanField):
        return str(_("yes") if str(value) in ("True", "true", "1") else _("no"))
    if isinstance(field, models.DateField):
        return _date(value)
    return str(value)


def _label(model: Any, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def detail_lines(action: ModerationAction) -> list[tuple[str, str]]:
    """What an audit-trail row's details say, as (label, value) in the reader's language: the
    trail stores values ("prioritised"), the page shows labels ("Priorisiert")."""
    details = action.details or {}
    lines: list[tuple[str, str]] = []
    status = Recommendation.Status
    for key, value in details.items():
        if key in ("from", "to") and action.kind == ModerationAction.Kind.CHANGE_STATUS:
            label = _("from") if key == "from" else _("to")
            lines.append((str(label), str(dict(status.choices).get(value, value))))
        elif key == "changed" and isinstance(value, dict):
            for name, new in value.items():
                lines.append((_label(Process, name), _choice(Process, name, new)))
        elif key == "phase":
            lines.append((str(_("phase")), str(value)))
        elif key in ("start", "end"):
            lines.append((_label(Phase, f"{key}_date"), _date(value)))
        elif key == "deleted phase":
            lines.append((str(_("deleted phase")), str(value)))
        elif key == "moved to":
            lines.append((str(_("its contents moved to")), str(value)))
        elif key == "moved" and isinstance(value, dict):
            moved = []
            for label, count in value.items():
                try:
                    plural = str(apps.get_model(label)._meta.verbose_name_plural)
                except (LookupError, ValueError):
                    plural = label
                moved.append(f"{count} {plural}")
            lines.append((str(_("moved")), ", ".join(moved)))
        elif key in ("role added", "role removed"):
            label = _("role added") if key == "role added" else _("role removed")
            lines.append((str(label), str(dict(SpaceRole.Role.choices).get(value, value))))
        elif key == "person":
            lines.append((str(_("person")), str(value)))
        else:
            lines.append((key, str(value)))
    return lines
