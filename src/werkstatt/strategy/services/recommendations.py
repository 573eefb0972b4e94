"""Proposing, editing, moderating and answering recommendations and theses."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from werkstatt.network.models import OrganisationMembership
from werkstatt.notifications.services import notify

from ..models import Attachment, ModerationAction, Process, Recommendation, RecommendationEdit
from .attachments import MAX_PER_RECOMMENDATION, check_upload
from .audit import log_action, moderators_of
from .names import public_name

Moderation = Recommendation.ModerationState


def check_organisation(user: Any, organisation: Any) -> None:
    if organisation is None:
        return
    if not OrganisationMembership.objects.filter(
        user=user, organisation=organisation, status=OrganisationMembership.Status.ACTIVE
    ).exists():
        raise ValidationError(
            {
                "author_organisation": ValidationError(
                    _("You can only speak for an organisation you are an active member of."),
                    code="not_member",
                )
            }
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


def _add_attachments(
    rec: Recommendation,
    user: Any,
    files: Iterable[UploadedFile],
    edit: RecommendationEdit | None = None,
) -> None:
    files = list(files)
    if not files:
        return
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
            edit=edit,
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
        body=rec.text,
    )
    return rec


EDIT_FIELDS = ("kind", "title", "text", "author_organisation")
TAG_FIELDS = ("action_fields", "regions", "sectors")


def _clean(name: str, value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def needs_edit_moderation(rec: Recommendation, user: Any) -> bool:
    """An edit of a published contribution in a pre-moderated process waits for the
    moderators, unless a moderator makes it."""
    return (
        rec.process.moderation == Process.Moderation.PRE
        and rec.is_published
        and not user.has_perm("strategy.moderate", rec.process)
    )


def pending_edit(rec: Recommendation) -> RecommendationEdit | None:
    return rec.edits.filter(state=RecommendationEdit.State.PENDING).first()


@transaction.atomic
def do_edit(
    rec: Recommendation,
    user: Any,
    data: Mapping[str, Any],
    files: Iterable[UploadedFile] = (),
) -> Recommendation:
    """Change a recommendation; simple-history keeps every version (see versions page).

    In a pre-moderated process, the author's edit of a published contribution is kept as a
    RecommendationEdit for the moderators (who are told); everyone else keeps seeing the
    published version until they approve it. In a post-moderated process the edit is published
    at once and the moderators are told."""
    if not user.has_perm("strategy.change_recommendation", rec):
        raise PermissionDenied(_("You cannot change this contribution."))
    rec = Recommendation.objects.select_for_update().select_related("process").get(pk=rec.pk)
    check_organisation(user, data.get("author_organisation"))
    check_tags(rec.process, data.get("action_fields", ()))
    if needs_edit_moderation(rec, user):
        _propose_edit(rec, user, data, files)
        return rec
    was_published = rec.is_published
    for name in EDIT_FIELDS:
        if name in data:
            setattr(rec, name, _clean(name, data[name]))
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
    elif was_published and not user.has_perm("strategy.moderate", rec.process):
        # Post-moderation: published at once, and the moderators look at it afterwards.
        notify(
            moderators_of(rec.process),
            verb="strategy.edited_by_author",
            title=format_lazy(
                gettext_lazy("{} edited the published contribution “{}”"),
                public_name(user),
                rec.title,
            ),
            url=reverse("strategy:recommendation_versions", args=[rec.process.slug, rec.pk]),
            actor=user,
            target=rec,
            body=rec.text,
        )
    return rec


def _propose_edit(
    rec: Recommendation, user: Any, data: Mapping[str, Any], files: Iterable[UploadedFile]
) -> RecommendationEdit:
    """Keep the edit for the moderators (one pending edit per recommendation: editing again
    changes it)."""
    edit = (
        RecommendationEdit.objects.select_for_update()
        .filter(recommendation=rec, state=RecommendationEdit.State.PENDING)
        .first()
    )
    if edit is None:
        edit = RecommendationEdit(
            recommendation=rec,
            author=user,
            kind=rec.kind,
            title=rec.title,
            text=rec.text,
            author_organisation=rec.author_organisation,
            tags={},
        )
    for name in EDIT_FIELDS:
        if name in data:
            setattr(edit, name, _clean(name, data[name]))
    tags = dict(edit.tags)
    for name in TAG_FIELDS:
        if name in data:
            tags[name] = sorted(obj.pk for obj in data[name])
    edit.tags = tags
    edit.author = user
    edit.save()
    _add_attachments(rec, user, files, edit=edit)
    notify(
        moderators_of(rec.process),
        verb="strategy.edit_pending",
        title=format_lazy(gettext_lazy("An edit of “{}” awaits moderation"), rec.title),
        url=reverse("strategy:moderation", args=[rec.process.slug]) + f"#edit-{edit.pk}",
        actor=user,
        target=rec,
        body=edit.text,
    )
    return edit


@transaction.atomic
def do_moderate_edit(
    edit: RecommendationEdit, user: Any, decision: str, reason: str = ""
) -> RecommendationEdit:
    """Publish a pending edit as the next version of the recommendation, or reject it (with a
    reason for its author); the published version stays as it was."""
    rec = edit.recommendation
    if not user.has_perm("strategy.moderate", rec.process):
        raise PermissionDenied
    edit = RecommendationEdit.objects.select_for_update().get(pk=edit.pk)
    if edit.state != RecommendationEdit.State.PENDING:
        raise ValidationError(_("This edit has already been decided."), code="decided")
    reason = reason.strip()
    rec = Recommendation.objects.select_for_update().select_related("process").get(pk=rec.pk)
    if decision == "approve":
        for name in EDIT_FIELDS:
            setattr(rec, name, getattr(edit, name))
        tags: dict[str, Any] = {}
        for name in TAG_FIELDS:
            if name in edit.tags:
                model = Recommendation._meta.get_field(name).related_model
                found = model.objects.filter(pk__in=edit.tags[name])
                if name == "action_fields":
                    found = found.filter(process=rec.process)
                tags[name] = list(found)
        # The version is the author's text; the audit trail says who published it.
        _save_with_tags(rec, edit.author, tags)
        edit.attachments.update(edit=None)
        edit.state = RecommendationEdit.State.APPROVED
        kind = ModerationAction.Kind.APPROVE_EDIT
        title = format_lazy(gettext_lazy("Your edit of “{}” has been published"), rec.title)
    elif decision == "reject":
        if not reason:
            raise ValidationError(
                _("Please give a reason: the author will read it."), code="reason_required"
            )
        for attachment in edit.attachments.all():
            attachment.file.delete(save=False)
            attachment.delete()
        edit.state = RecommendationEdit.State.REJECTED
        kind = ModerationAction.Kind.REJECT_EDIT
        title = format_lazy(gettext_lazy("Your edit of “{}” was not published"), rec.title)
    else:
        raise ValidationError(_("Unknown moderation decision."), code="decision")
    edit.reason = reason
    edit.decided_by = user
    edit.decided_at = timezone.now()
    edit.save()
    log_action(rec.process, user, kind, recommendation=rec, reason=reason)
    notify(
        [edit.author],
        verb=f"strategy.edit_{decision}",
        title=title,
        url=rec.get_absolute_url(),
        actor=user,
        target=rec,
        body=reason,  # why it was not published (empty when it was)
    )
    return edit


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
        body=reason,  # the moderator's reason, quoted in the e-mail
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
    answered = answer != rec.answer
    if answered:
        rec.answer = answer
        rec.answered_at = timezone.now()
        rec.answered_by = user
        log_action(
            rec.process, user, ModerationAction.Kind.ANSWER, recommendation=rec, reason=answer
        )
    moved = new_status != old_status
    if moved:
        rec.status = new_status
        log_action(
            rec.process,
            user,
            ModerationAction.Kind.CHANGE_STATUS,
            recommendation=rec,
            details={"from": old_status, "to": new_status},
        )
    # One notification (and e-mail) for an answer and a status change made together.
    label = Recommendation.Status(new_status).label
    if answered and moved:
        verb = "strategy.answer"
        title = format_lazy(
            gettext_lazy("The project office answered “{}”; it is now: {}"), rec.title, label
        )
    elif answered:
        verb = "strategy.answer"
        title = format_lazy(gettext_lazy("The project office answered “{}”"), rec.title)
    else:
        verb = "strategy.status"
        title = format_lazy(gettext_lazy("“{}” is now: {}"), rec.title, label)
    notify(
        _discussion(rec),
        verb=verb,
        title=title,
        url=rec.get_absolute_url(),
        actor=user,
        target=rec,
        body=answer if answered else "",
    )
    rec._history_user = user  # type: ignore[attr-defined]
    rec.save()
    return rec


def set_status(rec: Recommendation, user: Any, status: str) -> Recommendation:
    """For the assessment and monitoring apps: move the status (logged and notified)."""
    return do_answer(rec, user, rec.answer, status)
