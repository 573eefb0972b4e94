"""Proposing, editing, moderating and answering recommendations and theses."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from werkstatt.network.models import OrganisationMembership
from werkstatt.notifications.services import notify

from ..models import Attachment, ModerationAction, Process, Recommendation
from .attachments import MAX_PER_RECOMMENDATION, check_upload
from .audit import log_action, moderators_of

Moderation = Recommendation.ModerationState


def check_organisation(user: Any, organisation: Any) -> None:
    if organisation is None:
        return
    if not OrganisationMembership.objects.filter(
        user=user, organisation=organisation, status=OrganisationMembership.Status.ACTIVE
    ).exists():
        raise ValidationError(
            _("You can only speak for an organisation you are an active member of."),
            code="not_member",
        )


def check_tags(process: Process, action_fields: Iterable[Any]) -> None:
    for field in action_fields:
        if field.process_id != process.pk:
            raise ValidationError(
                _("The action field “%(name)s” belongs to another process.") % {"name": field.name},
                code="foreign_action_field",
            )


def _save_with_tags(rec: Recommendation, user: Any, data: Mapping[str, Any]) -> None:
    """Save the fields and the tags as one version: simple-history would otherwise record a
    version for the save and another for each changed tag set."""
    rec._history_user = user  # type: ignore[attr-defined]
    rec.skip_history_when_saving = True  # type: ignore[attr-defined]
    try:
        if rec.pk is None:
            rec.save()
        if "action_fields" in data:
            rec.action_fields.set(data["action_fields"])
        if "regions" in data:
            rec.regions.set(data["regions"])
        if "sectors" in data:
            rec.sectors.set(data["sectors"])
    finally:
        del rec.skip_history_when_saving  # type: ignore[attr-defined]
    rec.save()


def _add_attachments(rec: Recommendation, user: Any, files: Iterable[UploadedFile]) -> None:
    files = list(files)
    if rec.attachments.count() + len(files) > MAX_PER_RECOMMENDATION:
        raise ValidationError(
            _("At most %(max)d attachments per recommendation.") % {"max": MAX_PER_RECOMMENDATION},
            code="too_many",
        )
    checked = [(upload, *check_upload(upload)) for upload in files]  # all, before storing any
    for upload, content_type, names in checked:
        shown, stored = names.split("|", 1)
        attachment = Attachment(
            recommendation=rec,
            name=shown,
            content_type=content_type,
            size=upload.size,
            uploaded_by=user,
        )
        attachment.file.save(stored, upload, save=False)
        attachment.save()


@transaction.atomic
def do_propose(
    process: Process,
    user: Any,
    data: Mapping[str, Any],
    files: Iterable[UploadedFile] = (),
) -> Recommendation:
    """A member proposes a recommendation or thesis in the current phase."""
    if not user.has_perm("strategy.propose", process):
        raise PermissionDenied(_("The current phase does not take proposals."))
    check_organisation(user, data.get("author_organisation"))
    check_tags(process, data.get("action_fields", ()))
    pre = process.moderation == Process.Moderation.PRE
    rec = Recommendation(
        process=process,
        phase=process.current_phase(),
        kind=data.get("kind") or Recommendation.Kind.RECOMMENDATION,
        title=data["title"].strip(),
        text=data["text"].strip(),
        author=user,
        author_organisation=data.get("author_organisation"),
        moderation_state=Moderation.PENDING if pre else Moderation.APPROVED,
    )
    _save_with_tags(rec, user, data)
    _add_attachments(rec, user, files)
    if pre:
        title = format_lazy(gettext_lazy("New contribution awaits moderation: {}"), rec.title)
    else:
        title = format_lazy(gettext_lazy("New contribution in {}: {}"), process.title, rec.title)
    notify(
        moderators_of(process),
        verb="strategy.proposed",
        title=title,
        url=rec.get_absolute_url(),
        actor=user,
        target=rec,
    )
    return rec


@transaction.atomic
def do_edit(
    rec: Recommendation,
    user: Any,
    data: Mapping[str, Any],
    files: Iterable[UploadedFile] = (),
) -> Recommendation:
    """Change a recommendation; simple-history keeps every version (see versions page)."""
    if not user.has_perm("strategy.change_recommendation", rec):
        raise PermissionDenied(_("You cannot change this contribution."))
    rec = Recommendation.objects.select_for_update().get(pk=rec.pk)
    check_organisation(user, data.get("author_organisation"))
    check_tags(rec.process, data.get("action_fields", ()))
    for name in ("kind", "title", "text", "author_organisation"):
        if name in data:
            value = data[name].strip() if isinstance(data[name], str) else data[name]
            setattr(rec, name, value)
    _save_with_tags(rec, user, data)
    _add_attachments(rec, user, files)
    if rec.author_id != user.pk:
        log_action(rec.process, user, ModerationAction.Kind.EDIT, recommendation=rec)
        notify(
            [rec.author],
            verb="strategy.edited",
            title=format_lazy(gettext_lazy("The project office edited “{}”"), rec.title),
            url=rec.get_absolute_url(),
            actor=user,
            target=rec,
        )
    return rec


@transaction.atomic
def do_delete_attachment(attachment: Attachment, user: Any) -> None:
    rec = attachment.recommendation
    if not user.has_perm("strategy.change_recommendation", rec):
        raise PermissionDenied
    attachment.file.delete(save=False)
    attachment.delete()


@transaction.atomic
def do_moderate(rec: Recommendation, user: Any, decision: str, reason: str = "") -> Recommendation:
    """Publish or reject a contribution (pre-moderation; or take one down afterwards)."""
    if not user.has_perm("strategy.moderate", rec.process):
        raise PermissionDenied
    rec = Recommendation.objects.select_for_update().get(pk=rec.pk)
    reason = reason.strip()
    if decision == "approve":
        state, kind = Moderation.APPROVED, ModerationAction.Kind.APPROVE
        title = format_lazy(gettext_lazy("Your contribution “{}” has been published"), rec.title)
    elif decision == "reject":
        if not reason:
            raise ValidationError(
                _("Please give a reason: the author will read it."), code="reason_required"
            )
        state, kind = Moderation.REJECTED, ModerationAction.Kind.REJECT
        title = format_lazy(gettext_lazy("Your contribution “{}” was not published"), rec.title)
    else:
        raise ValidationError(_("Unknown moderation decision."), code="decision")
    if rec.moderation_state == state:
        raise ValidationError(_("The contribution already has this state."), code="unchanged")
    rec.moderation_state = state
    rec.moderation_reason = reason
    rec._history_user = user  # type: ignore[attr-defined]
    rec.save(update_fields=["moderation_state", "moderation_reason", "modified"])
    log_action(rec.process, user, kind, recommendation=rec, reason=reason)
    notify(
        [rec.author],
        verb=f"strategy.{decision}",
        title=title,
        url=rec.get_absolute_url(),
        actor=user,
        target=rec,
    )
    return rec


def _discussion(rec: Recommendation) -> list[Any]:
    """The author and everyone who commented: they follow the recommendation."""
    people = [rec.author]
    people += [c.author for c in rec.comments.select_related("author") if c.author_id]
    return people


@transaction.atomic
def do_answer(
    rec: Recommendation, user: Any, answer: str, status: str | None = None
) -> Recommendation:
    """The project office answers a recommendation and/or moves its status."""
    if not user.has_perm("strategy.moderate", rec.process):
        raise PermissionDenied
    rec = Recommendation.objects.select_for_update().get(pk=rec.pk)
    answer = answer.strip()
    if status is not None and status not in Recommendation.Status.values:
        raise ValidationError(_("Unknown status."), code="status")
    new_status = status or rec.status
    if answer == rec.answer and new_status == rec.status:
        raise ValidationError(
            _("Nothing changed: write an answer or choose another status."), code="unchanged"
        )
    old_status = rec.status
    if answer != rec.answer:
        rec.answer = answer
        rec.answered_at = timezone.now()
        rec.answered_by = user
        log_action(
            rec.process, user, ModerationAction.Kind.ANSWER, recommendation=rec, reason=answer
        )
        notify(
            _discussion(rec),
            verb="strategy.answer",
            title=format_lazy(gettext_lazy("The project office answered “{}”"), rec.title),
            url=rec.get_absolute_url(),
            actor=user,
            target=rec,
        )
    if new_status != old_status:
        rec.status = new_status
        log_action(
            rec.process,
            user,
            ModerationAction.Kind.CHANGE_STATUS,
            recommendation=rec,
            details={"from": old_status, "to": new_status},
        )
        notify(
            _discussion(rec),
            verb="strategy.status",
            title=format_lazy(
                gettext_lazy("“{}” is now: {}"), rec.title, Recommendation.Status(new_status).label
            ),
            url=rec.get_absolute_url(),
            actor=user,
            target=rec,
        )
    rec._history_user = user  # type: ignore[attr-defined]
    rec.save()
    return rec


def set_status(rec: Recommendation, user: Any, status: str) -> Recommendation:
    """For the assessment and monitoring apps: move the status (logged and notified)."""
    return do_answer(rec, user, rec.answer, status)
