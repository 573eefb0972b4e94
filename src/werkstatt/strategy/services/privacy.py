"""A person's own data in the strategy workshop, for the DSGVO download (accounts'
export_user_data puts it under data["strategy"]), and what deleting their account leaves.

What they published stays, without their name ("deleted account"): recommendations, their
versions, comments; their reactions keep counting without a link to them, so that discussions
and results keep their totals. What nobody but the moderators has seen goes with them: their
contributions and edits that await moderation or were rejected, with their attachments.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from werkstatt.accounts.models import SpaceRole

from ..models import (
    Attachment,
    Comment,
    CommentReaction,
    Recommendation,
    RecommendationEdit,
    Report,
)


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def user_data(user: Any) -> dict[str, Any]:
    """The person's contributions, their versions and edits, comments, reactions, reports,
    attachments and roles in processes; never other people's data."""
    recs = (
        Recommendation.objects.filter(author=user)
        .select_related("process", "author_organisation")
        .order_by("created", "pk")
    )
    versions = (
        Recommendation.history.filter(history_user=user)  # type: ignore[attr-defined]
        .order_by("history_date", "history_id")
        .values("id", "history_date", "title", "text", "kind")
    )
    return {
        "recommendations": [
            {
                "process": r.process.title,
                "kind": r.kind,
                "title": r.title,
                "text": r.text,
                "on_behalf_of": r.author_organisation.name if r.author_organisation else None,
                "status": r.status,
                "moderation": r.moderation_state,
                "moderation_reason": r.moderation_reason,
                "created": _iso(r.created),
                "url": r.get_absolute_url(),
            }
            for r in recs
        ],
        "versions": [
            {
                "recommendation": v["id"],
                "saved": _iso(v["history_date"]),
                "kind": v["kind"],
                "title": v["title"],
                "text": v["text"],
            }
            for v in versions
        ],
        "edits": [
            {
                "recommendation": e.recommendation.title,
                "title": e.title,
                "text": e.text,
                "state": e.state,
                "reason": e.reason,
                "created": _iso(e.created),
            }
            for e in RecommendationEdit.objects.filter(author=user)
            .select_related("recommendation")
            .order_by("created", "pk")
        ],
        "comments": [
            {
                "recommendation": c.recommendation.title,
                "reply_to": c.parent_id,
                "text": c.text,
                "hidden": c.is_hidden,
                "hidden_reason": c.hidden_reason,
                "created": _iso(c.created),
            }
            for c in Comment.objects.filter(author=user)
            .select_related("recommendation")
            .order_by("created", "pk")
        ],
        "reactions": [
            {"comment": r.comment_id, "reaction": r.kind, "created": _iso(r.created)}
            for r in CommentReaction.objects.filter(user=user).order_by("created", "pk")
        ],
        "reports": [
            {
                # What it was about by reference: the comment is someone else's text.
                "recommendation": r.recommendation.title if r.recommendation else None,
                "comment": r.comment_id,
                "reason": r.reason,
                "text": r.text,
                "state": r.state,
                "created": _iso(r.created),
            }
            for r in Report.objects.filter(reporter=user)
            .select_related("recommendation")
            .order_by("created", "pk")
        ],
        "attachments": [
            {"recommendation": a.recommendation.title, "name": a.name, "size": a.size}
            for a in Attachment.objects.filter(uploaded_by=user)
            .select_related("recommendation")
            .order_by("created", "pk")
        ],
        "process_roles": [
            {
                "process": role.space.name,
                "role": role.role,
                "since": _iso(role.created),
            }
            for role in SpaceRole.objects.filter(user=user, space__kind__in=["process", "board"])
            .select_related("space")
            .order_by("space__name", "role")
        ],
    }


def _delete_with_files(attachments: Any) -> None:
    for attachment in attachments:
        attachment.file.delete(save=False)
        attachment.delete()


def before_account_deletion(user: Any) -> None:
    """Remove what only the moderators have seen of the person: their edits and contributions
    that await moderation or were rejected (with the files); the rest stays without them."""
    unpublished = Q(state=RecommendationEdit.State.PENDING) | Q(
        state=RecommendationEdit.State.REJECTED
    )
    edits = RecommendationEdit.objects.filter(unpublished, author=user)
    _delete_with_files(Attachment.objects.filter(edit__in=edits))
    edits.delete()
    hidden = Recommendation.objects.filter(author=user).exclude(
        moderation_state=Recommendation.ModerationState.APPROVED
    )
    _delete_with_files(Attachment.objects.filter(recommendation__in=hidden))
    for rec in hidden:
        Recommendation.history.filter(id=rec.pk).delete()  # type: ignore[attr-defined]
        rec.delete()
