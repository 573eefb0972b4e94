"""Creating and changing processes, their phases and action fields; joining a process."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from werkstatt.accounts.models import Space, SpaceRole

from .. import rules as r
from ..models import ActionField, ModerationAction, Phase, Process
from .audit import log_action

PROCESS_FIELDS = (
    "title",
    "summary",
    "description",
    "organiser",
    "start_date",
    "end_date",
    "status",
    "moderation",
    "is_public",
    "open_to_join",
    "board_space",
)
PHASE_FIELDS = (
    "name",
    "description",
    "start_date",
    "end_date",
    "allows_propose",
    "allows_comment",
    "allows_rate",
    "allows_prioritise",
    "visibility",
    "order",
)


def check_dates(start: datetime.date | None, end: datetime.date | None) -> None:
    if start and end and end < start:
        raise ValidationError(
            _("The end (%(end)s) lies before the start (%(start)s).")
            % {"end": end.strftime("%d.%m.%Y"), "start": start.strftime("%d.%m.%Y")},
            code="end_before_start",
        )


def check_phase(
    process: Process,
    start: datetime.date,
    end: datetime.date,
    *,
    exclude: int | None = None,
) -> None:
    """A phase ends after it starts, lies within the process and overlaps no other phase."""
    check_dates(start, end)
    if start < process.start_date or (process.end_date and end > process.end_date):
        period = process.start_date.strftime("%d.%m.%Y")
        if process.end_date:
            period += " – " + process.end_date.strftime("%d.%m.%Y")
        raise ValidationError(
            _("A phase must lie within the process (%(period)s).") % {"period": period},
            code="outside_process",
        )
    others = process.phases.filter(start_date__lte=end, end_date__gte=start)
    if exclude:
        others = others.exclude(pk=exclude)
    other = others.order_by("start_date").first()
    if other is not None:
        raise ValidationError(
            _("The dates overlap the phase “%(name)s” (%(start)s – %(end)s).")
            % {
                "name": other.name,
                "start": other.start_date.strftime("%d.%m.%Y"),
                "end": other.end_date.strftime("%d.%m.%Y"),
            },
            code="overlap",
        )


#: Path segments of strategy/urls.py that a process slug must not shadow.
RESERVED_SLUGS = {"neu"}


def unique_slug(title: str) -> str:
    base = slugify(title)[:70] or "prozess"
    slug, n = base, 2
    if slug in RESERVED_SLUGS:
        slug = base = f"{base}-prozess"
    while Process.objects.filter(slug=slug).exists() or Space.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


@transaction.atomic
def do_create_process(user: Any, data: Mapping[str, Any]) -> Process:
    """Create a process with its own space; the creator moderates it."""
    check_dates(data.get("start_date"), data.get("end_date"))
    slug = data.get("slug") or unique_slug(data["title"])
    if (
        slug in RESERVED_SLUGS
        or Process.objects.filter(slug=slug).exists()
        or Space.objects.filter(slug=slug).exists()
    ):
        raise ValidationError(_("This short name is already taken."), code="slug_taken")
    space = Space.objects.create(kind=Space.Kind.PROCESS, slug=slug, name=data["title"][:200])
    process = Process(space=space, slug=slug)
    for name in PROCESS_FIELDS:
        if name in data:
            setattr(process, name, data[name])
    process.save()
    SpaceRole.objects.get_or_create(user=user, space=space, role=SpaceRole.Role.MODERATOR)
    r.forget_roles(user)
    return process


@transaction.atomic
def do_update_process(process: Process, user: Any, data: Mapping[str, Any]) -> Process:
    check_dates(data.get("start_date"), data.get("end_date"))
    process = Process.objects.select_for_update().get(pk=process.pk)
    changed = {}
    for name in PROCESS_FIELDS:
        if name in data and getattr(process, name) != data[name]:
            changed[name] = str(data[name])
            setattr(process, name, data[name])
    # Phases must still lie within the process.
    start, end = process.start_date, process.end_date
    outside = process.phases.filter(start_date__lt=start)
    if end:
        outside = outside | process.phases.filter(end_date__gt=end)
    first = outside.first()
    if first is not None:
        raise ValidationError(
            _("The phase “%(name)s” would lie outside the process. Change its dates first.")
            % {"name": first.name},
            code="phase_outside",
        )
    process.save()
    if process.space.name != process.title:
        Space.objects.filter(pk=process.space_id).update(name=process.title[:200])
    if changed:
        log_action(
            process, user, ModerationAction.Kind.CHANGE_PROCESS, details={"changed": changed}
        )
    return process


@transaction.atomic
def do_save_phase(
    process: Process, user: Any, data: Mapping[str, Any], phase: Phase | None = None
) -> Phase:
    Process.objects.select_for_update().get(pk=process.pk)  # one phase change at a time
    check_phase(process, data["start_date"], data["end_date"], exclude=phase.pk if phase else None)
    phase = phase or Phase(process=process)
    for name in PHASE_FIELDS:
        if name in data:
            setattr(phase, name, data[name])
    phase.order = phase.order or 0
    phase.save()
    log_action(
        process,
        user,
        ModerationAction.Kind.CHANGE_PROCESS,
        details={"phase": phase.name, "start": str(phase.start_date), "end": str(phase.end_date)},
    )
    return phase


#: How far a phase's visibility reaches: contents may only move to a phase that reaches as far
#: or less (never a wider audience).
VISIBILITY_RANK = {
    Phase.Visibility.PUBLIC.value: 0,
    Phase.Visibility.MEMBERS.value: 1,
    Phase.Visibility.BOARD.value: 2,
}


@dataclass
class PhaseContent:
    """What refers to a phase, counted per kind of thing (any app's model pointing at Phase)."""

    model: str  # "app_label.model_name"
    label: str
    count: int


def _phase_references() -> list[tuple[Any, str]]:
    """(model, field name) of every foreign key to Phase, of this app and of the apps built on
    it (opinion conversations, ...), found through Django's registry so that strategy names
    none of them."""
    return [
        (rel.related_model, rel.field.name)
        for rel in Phase._meta.related_objects
        if rel.field.many_to_one or rel.field.one_to_one
    ]


def phase_contents(phase: Phase) -> list[PhaseContent]:
    """What the phase holds: the contributions proposed in it, the conversations of other apps
    in it. A phase holding anything is not simply deleted (see do_delete_phase)."""
    found = []
    for model, name in _phase_references():
        count = model._base_manager.filter(**{name: phase}).count()
        if count:
            found.append(
                PhaseContent(model._meta.label_lower, str(model._meta.verbose_name_plural), count)
            )
    return found


def move_targets(phase: Phase) -> list[Phase]:
    """The phases of the same process that may take over `phase`'s contents: visible to the
    same people or fewer."""
    rank = VISIBILITY_RANK[phase.visibility]
    return [
        p
        for p in phase.process.timeline()
        if p.pk != phase.pk and VISIBILITY_RANK[p.visibility] >= rank
    ]


@transaction.atomic
def do_delete_phase(phase: Phase, user: Any, move_to: Phase | None = None) -> None:
    """Delete a phase. A phase that holds contributions or conversations is deleted only with
    `move_to`, a phase of the same process whose visibility reaches as far or less: everything
    moves there first. Nothing is ever deleted with the phase, and nothing becomes visible to
    more people (a recommendation without a phase would fall back to the process's
    visibility; a conversation would be deleted with its statements and votes)."""
    process = Process.objects.select_for_update().get(pk=phase.process_id)
    phase = Phase.objects.select_for_update().get(pk=phase.pk)
    contents = phase_contents(phase)
    moved: dict[str, int] = {}
    if contents:
        if move_to is None:
            raise ValidationError(
                _(
                    "The phase “%(name)s” still holds %(contents)s. Choose a phase to move them "
                    "to, or move or delete them first."
                )
                % {
                    "name": phase.name,
                    "contents": ", ".join(f"{c.count} {c.label}" for c in contents),
                },
                code="phase_not_empty",
            )
        if move_to.pk not in {p.pk for p in move_targets(phase)}:
            raise ValidationError(
                _(
                    "The contents can only move to another phase of this process that is "
                    "visible to the same people or fewer."
                ),
                code="wider_visibility",
            )
        for model, name in _phase_references():
            n = model._base_manager.filter(**{name: phase}).update(**{name: move_to})
            if n:
                moved[model._meta.label_lower] = n
    details: dict[str, Any] = {"deleted phase": phase.name}
    if move_to is not None and moved:
        details["moved to"] = move_to.name
        details["moved"] = moved
    log_action(process, user, ModerationAction.Kind.CHANGE_PROCESS, details=details)
    phase.delete()


@transaction.atomic
def do_save_action_field(
    process: Process, user: Any, data: Mapping[str, Any], field: ActionField | None = None
) -> ActionField:
    name = data["name"].strip()
    clash = process.action_fields.filter(name__iexact=name)
    if field is not None:
        clash = clash.exclude(pk=field.pk)
    if clash.exists():
        raise ValidationError(
            _("The process already has an action field “%(name)s”.") % {"name": name},
            code="duplicate",
        )
    field = field or ActionField(process=process)
    field.name = name
    field.description = data.get("description", "")
    field.order = data.get("order") or 0
    try:
        with transaction.atomic():
            field.save()
    except IntegrityError as exc:  # a concurrent save with the same name
        raise ValidationError(
            _("The process already has an action field “%(name)s”.") % {"name": name},
            code="duplicate",
        ) from exc
    return field


@transaction.atomic
def do_join_process(user: Any, process: Process) -> SpaceRole:
    """A signed-in person joins an open, active process as a member."""
    if not user.has_perm("strategy.join_process", process):
        raise ValidationError(_("You cannot join this process."), code="cannot_join")
    role, _created = SpaceRole.objects.get_or_create(
        user=user, space=process.space, role=SpaceRole.Role.MEMBER
    )
    r.forget_roles(user)
    return role


@transaction.atomic
def do_add_role(process: Process, actor: Any, email: str, role: str) -> SpaceRole:
    """A moderator gives a registered person a role in the process (closed processes)."""
    from django.contrib.auth import get_user_model

    if role not in SpaceRole.Role.values:
        raise ValidationError(_("Unknown role."), code="role")
    user = get_user_model().objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise ValidationError(
            _("Nobody is registered with the e-mail address %(email)s.") % {"email": email},
            code="unknown_user",
        )
    if SpaceRole.objects.filter(user=user, space=process.space, role=role).exists():
        raise ValidationError(
            _("%(name)s already has this role.") % {"name": user}, code="duplicate"
        )
    space_role = SpaceRole.objects.create(user=user, space=process.space, role=role)
    r.forget_roles(user)
    log_action(
        process, actor, ModerationAction.Kind.CHANGE_PROCESS,
        details={"role added": role, "person": str(user)},
    )  # fmt: skip
    return space_role


@transaction.atomic
def do_remove_role(process: Process, actor: Any, space_role: SpaceRole) -> None:
    if space_role.space_id != process.space_id:
        raise ValidationError(_("This role belongs to another process."), code="foreign")
    if (
        space_role.role == SpaceRole.Role.MODERATOR
        and not SpaceRole.objects.filter(space=process.space, role=SpaceRole.Role.MODERATOR)
        .exclude(pk=space_role.pk)
        .exists()
    ):
        raise ValidationError(
            _("A process needs at least one moderator. Add another one first."),
            code="last_moderator",
        )
    log_action(
        process, actor, ModerationAction.Kind.CHANGE_PROCESS,
        details={"role removed": space_role.role, "person": str(space_role.user)},
    )  # fmt: skip
    space_role.delete()


@transaction.atomic
def do_leave_process(user: Any, process: Process) -> int:
    deleted, _ = SpaceRole.objects.filter(
        user=user, space=process.space, role=SpaceRole.Role.MEMBER
    ).delete()
    r.forget_roles(user)
    return deleted


def phases_overlapping(phases: Iterable[Phase]) -> list[tuple[Phase, Phase]]:
    ordered = sorted(phases, key=lambda p: p.start_date)
    return [(a, b) for a, b in zip(ordered, ordered[1:]) if b.start_date <= a.end_date]
