"""Discussion: threaded comments, reactions, reports, and the moderators' hiding."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from werkstatt.notifications.services import notify

from ..models import Comment, CommentReaction, ModerationAction, Recommendation, Report
from .audit import log_action, moderators_of
from .names import public_name

MAX_COMMENT = 5000
#: Threads have this many levels (a comment, replies, replies to replies); a reply to a comment
#: on the last level joins that comment's thread, one level up.
MAX_DEPTH = 3


def depth_of(comment: Comment) -> int:
    """0 for a comment on the recommendation, 1 for a reply to it, and so on."""
    depth, current = 0, comment
    while current.parent_id is not None:
        depth += 1
        current = current.parent
    return depth


@transaction.atomic
def do_comment(rec: Recommendation, user: Any, text: str, parent: Comment | None = None) -> Comment:
    if not user.has_perm("strategy.comment", rec):
        raise PermissionDenied(_("Comments are not open for this recommendation."))
    text = text.strip()
    if not text:
        raise ValidationError(_("Please write a comment."), code="empty")
    if len(text) > MAX_COMMENT:
        raise ValidationError(
            _("A comment can have at most %(max)d characters.") % {"max": MAX_COMMENT},
            code="too_long",
        )
    replied_to = parent  # told of the reply, even when it joins the thread one level up
    if parent is not None:
        if parent.recommendation_id != rec.pk:
            raise ValidationError(
                _("You can only reply to a comment on this recommendation."), code="parent"
            )
        if parent.is_hidden:
            raise ValidationError(_("You cannot reply to a hidden comment."), code="hidden")
        if depth_of(parent) >= MAX_DEPTH - 1:  # the reply would open a level too many
            parent = parent.parent
    comment = Comment.objects.create(recommendation=rec, parent=parent, author=user, text=text)
    url = comment.get_absolute_url()
    if replied_to is not None and replied_to.author_id:
        notify(
            [replied_to.author],
            verb="strategy.reply",
            title=format_lazy(
                gettext_lazy("{} replied to your comment on “{}”"), public_name(user), rec.title
            ),
            url=url,
            actor=user,
            target=comment,
            body=text,
        )
    recipients = (
        [rec.author]
        if rec.author_id and (not replied_to or replied_to.author_id != rec.author_id)
        else []
    )
    notify(
        recipients,
        verb="strategy.comment",
        title=format_lazy(gettext_lazy("{} commented on “{}”"), public_name(user), rec.title),
        url=url,
        actor=user,
        target=comment,
        body=text,
    )
    return comment


@transaction.atomic
def do_react(comment: Comment, user: Any, kind: str) -> CommentReaction | None:
    """React to a comment; the same reaction again takes it back, another one replaces it."""
    if kind not in CommentReaction.Kind.values:
        raise ValidationError(_("Unknown reaction."), code="kind")
    if not user.has_perm("strategy.react", comment):
        raise PermissionDenied
    existing = (
        CommentReaction.objects.select_for_update().filter(comment=comment, user=user).first()
    )
    if existing is not None:
        if existing.kind == kind:
            existing.delete()
            return None
        existing.kind = kind
        existing.save(update_fields=["kind"])
        return existing
    try:
        with transaction.atomic():
            return CommentReaction.objects.create(comment=comment, user=user, kind=kind)
    except IntegrityError:  # a double click raced us: the reaction is there
        return CommentReaction.objects.get(comment=comment, user=user)


@transaction.atomic
def do_report(target: Comment | Recommendation, user: Any, reason: str, text: str = "") -> Report:
    if not user.has_perm("strategy.report", target):
        raise PermissionDenied
    if reason not in Report.Reason.values:
        raise ValidationError(_("Please choose a reason."), code="reason")
    text = text.strip()
    if reason == Report.Reason.OTHER and not text:
        raise ValidationError(
            _("Please explain what is wrong when you choose “Other”."), code="text_required"
        )
    is_comment = isinstance(target, Comment)
    rec = target.recommendation if is_comment else target
    already = Report.objects.filter(reporter=user, state=Report.State.OPEN)
    already = (
        already.filter(comment=target)
        if is_comment
        else already.filter(recommendation=target, comment__isnull=True)
    )
    if already.exists():
        raise ValidationError(
            _("You have already reported this; the moderators are looking into it."),
            code="duplicate",
        )
    try:
        with transaction.atomic():
            report = Report.objects.create(
                process=rec.process,
                recommendation=rec,
                comment=target if is_comment else None,
                reporter=user,
                reason=reason,
                text=text,
            )
    except IntegrityError as exc:  # the same report at the same moment
        raise ValidationError(
            _("You have already reported this; the moderators are looking into it."),
            code="duplicate",
        ) from exc
    notify(
        moderators_of(rec.process),
        verb="strategy.report",
        title=format_lazy(gettext_lazy("New report on “{}”"), rec.title),
        url=target.get_absolute_url(),
        actor=user,
        target=report,
        body=format_lazy("{}: {}", Report.Reason(reason).label, text) if text else "",
    )
    return report


@transaction.atomic
def do_hide_comment(comment: Comment, user: Any, reason: str) -> Comment:
    process = comment.recommendation.process
    if not user.has_perm("strategy.moderate", process):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            _("Please give a reason: it is shown in place of the comment."), code="reason_required"
        )
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.is_hidden:
        raise ValidationError(_("The comment is already hidden."), code="unchanged")
    comment.is_hidden = True
    comment.hidden_reason = reason
    comment.hidden_by = user
    comment.hidden_at = timezone.now()
    comment.save()
    log_action(process, user, ModerationAction.Kind.HIDE_COMMENT, comment=comment, reason=reason)
    _close_reports(comment, user, Report.State.RESOLVED)
    notify(
        [comment.author],
        verb="strategy.hidden",
        title=format_lazy(
            gettext_lazy("Your comment on “{}” was hidden"), comment.recommendation.title
        ),
        url=comment.get_absolute_url(),
        actor=user,
        target=comment,
        body=reason,
    )
    return comment


@transaction.atomic
def do_show_comment(comment: Comment, user: Any, reason: str = "") -> Comment:
    process = comment.recommendation.process
    if not user.has_perm("strategy.moderate", process):
        raise PermissionDenied
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not comment.is_hidden:
        raise ValidationError(_("The comment is not hidden."), code="unchanged")
    comment.is_hidden = False
    comment.hidden_reason = ""
    comment.hidden_by = None
    comment.hidden_at = None
    comment.save()
    log_action(process, user, ModerationAction.Kind.SHOW_COMMENT, comment=comment, reason=reason)
    return comment


def _close_reports(comment: Comment, user: Any, state: str) -> None:
    Report.objects.filter(comment=comment, state=Report.State.OPEN).update(
        state=state, handled_at=timezone.now()
    )


@transaction.atomic
def do_handle_report(report: Report, user: Any, decision: str, reason: str = "") -> Report:
    """Close a report: "dismiss" keeps the content; "resolve" says it was dealt with
    (hiding the comment or rejecting the recommendation is its own, logged action)."""
    if not user.has_perm("strategy.moderate", report.process):
        raise PermissionDenied
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.state != Report.State.OPEN:
        raise ValidationError(_("This report has already been handled."), code="handled")
    if decision == "dismiss":
        report.state, kind = Report.State.DISMISSED, ModerationAction.Kind.DISMISS_REPORT
    elif decision == "resolve":
        report.state, kind = Report.State.RESOLVED, ModerationAction.Kind.RESOLVE_REPORT
    else:
        raise ValidationError(_("Unknown decision."), code="decision")
    report.handled_at = timezone.now()
    report.save()
    log_action(
        report.process,
        user,
        kind,
        report=report,
        recommendation=report.recommendation,
        comment=report.comment,
        reason=reason.strip(),
    )
    return report
