"""The moderation audit trail: every moderation action writes one row here."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from werkstatt.accounts.models import SpaceRole

from ..models import Comment, ModerationAction, Process, Recommendation, Report


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
