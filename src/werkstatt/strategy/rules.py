"""Who may do what in the strategy workshop. Pages, the API and templates all ask these.

Roles live in the process's own space (accounts.SpaceRole): moderators run the process, members
take part, board members of the process's space or of its advisory board (Process.board_space)
see the phases visible to the board. Superusers pass every rule.

Visibility, per object:
- a process in draft: its moderators only; a public process: everyone; a non-public one: the
  people with a role in it (and its board);
- a phase: "public" as its process; "members": people with a role in the process and the board;
  "board": board members and moderators;
- a recommendation: visible phase (the one it was proposed in), and published, or its author's,
  or the viewer moderates. services.queries.visible_recommendations() is the same rule as a
  queryset filter, so lists never show what the detail page would refuse.
"""

from __future__ import annotations

from typing import Any

import rules

from werkstatt.accounts.models import SpaceRole

from .models import Comment, Phase, Process, Recommendation

Role = SpaceRole.Role
MODERATOR, MEMBER, BOARD = "moderator", "member", "board"


def process_of(obj: Any) -> Process | None:
    if obj is None:
        return None
    if isinstance(obj, Process):
        return obj
    if isinstance(obj, Comment):
        return obj.recommendation.process
    return obj.process


def roles_in(user: Any, process: Process | None) -> frozenset[str]:
    """The user's roles in a process: a subset of {moderator, member, board}. Cached on the
    user object for the request (services that change roles clear it)."""
    if process is None or not user.is_authenticated:
        return frozenset()
    cache = user.__dict__.setdefault("_strategy_roles", {})
    if process.pk not in cache:
        space_ids = [process.space_id]
        if process.board_space_id:
            space_ids.append(process.board_space_id)
        found: set[str] = set()
        for space_id, role in SpaceRole.objects.filter(
            user=user, space_id__in=space_ids
        ).values_list("space_id", "role"):
            if space_id == process.space_id:
                if role == Role.MODERATOR:
                    found.add(MODERATOR)
                elif role == Role.BOARD_MEMBER:
                    found |= {BOARD, MEMBER}
                else:
                    found.add(MEMBER)
            elif role == Role.BOARD_MEMBER:
                found.add(BOARD)
        cache[process.pk] = frozenset(found)
    return cache[process.pk]


def remember_roles(user: Any, processes: Any) -> None:
    """Look up the user's roles in many processes with one query (for lists of processes);
    roles_in() then answers from the cache."""
    if not user.is_authenticated:
        return
    cache = user.__dict__.setdefault("_strategy_roles", {})
    todo = [p for p in processes if p.pk not in cache]
    if not todo:
        return
    space_ids = {p.space_id for p in todo} | {p.board_space_id for p in todo if p.board_space_id}
    held: dict[int, set[str]] = {}
    for space_id, role in SpaceRole.objects.filter(user=user, space_id__in=space_ids).values_list(
        "space_id", "role"
    ):
        held.setdefault(space_id, set()).add(role)
    for process in todo:
        found: set[str] = set()
        for role in held.get(process.space_id, ()):
            if role == Role.MODERATOR:
                found.add(MODERATOR)
            elif role == Role.BOARD_MEMBER:
                found |= {BOARD, MEMBER}
            else:
                found.add(MEMBER)
        if process.board_space_id and Role.BOARD_MEMBER in held.get(process.board_space_id, ()):
            found.add(BOARD)
        cache[process.pk] = frozenset(found)


def forget_roles(user: Any) -> None:
    user.__dict__.pop("_strategy_roles", None)


def moderates(user: Any, process: Process | None) -> bool:
    if not user.is_authenticated or process is None:
        return False
    return user.is_superuser or MODERATOR in roles_in(user, process)


def takes_part(user: Any, process: Process | None) -> bool:
    """A participant: any role in the process (or board membership of its board)."""
    return moderates(user, process) or bool(roles_in(user, process))


def sees_process(user: Any, process: Process | None) -> bool:
    if process is None:
        return False
    if moderates(user, process):
        return True
    if process.status == Process.Status.DRAFT:
        return False
    return process.is_public or bool(roles_in(user, process))


def sees_phase(user: Any, phase: Phase | None) -> bool:
    if phase is None:
        return True
    process = phase.process
    if not sees_process(user, process):
        return False
    if moderates(user, process):
        return True
    if phase.visibility == Phase.Visibility.PUBLIC:
        return True
    roles = roles_in(user, process)
    if phase.visibility == Phase.Visibility.MEMBERS:
        return bool(roles)
    return BOARD in roles


def sees_recommendation(user: Any, rec: Recommendation | None) -> bool:
    if rec is None or not sees_process(user, rec.process):
        return False
    if moderates(user, rec.process):
        return True
    if rec.phase_id is not None and not sees_phase(user, rec.phase):
        return False
    if rec.is_published:
        return True
    return bool(user.is_authenticated and rec.author_id == user.pk)


def current_phase_allows(process: Process, action: str) -> bool:
    if process.status != Process.Status.ACTIVE:
        return False
    phase = process.current_phase()
    return phase is not None and phase.allows(action)


def may_act_in_current_phase(user: Any, process: Process, action: str) -> bool:
    """Take part, the current phase allows `action`, and the user can see that phase."""
    if not takes_part(user, process) or not current_phase_allows(process, action):
        return False
    return sees_phase(user, process.current_phase())


@rules.predicate
def can_view_process(user, process) -> bool:
    return sees_process(user, process_of(process))


@rules.predicate
def can_moderate(user, obj) -> bool:
    return moderates(user, process_of(obj))


@rules.predicate
def can_view_phase(user, phase) -> bool:
    return sees_phase(user, phase)


@rules.predicate
def can_view_recommendation(user, rec) -> bool:
    return sees_recommendation(user, rec)


@rules.predicate
def can_join(user, process) -> bool:
    if not user.is_authenticated or process is None:
        return False
    return (
        process.open_to_join
        and process.status == Process.Status.ACTIVE
        and sees_process(user, process)
        and not roles_in(user, process)
        and not moderates(user, process)
    )


@rules.predicate
def can_propose(user, process) -> bool:
    return process is not None and may_act_in_current_phase(user, process, Phase.Action.PROPOSE)


@rules.predicate
def can_edit_recommendation(user, rec) -> bool:
    if rec is None or not user.is_authenticated:
        return False
    if moderates(user, rec.process):
        return True
    return (
        rec.author_id == user.pk
        and rec.moderation_state != Recommendation.ModerationState.REJECTED
        and may_act_in_current_phase(user, rec.process, Phase.Action.PROPOSE)
    )


@rules.predicate
def can_comment(user, rec) -> bool:
    if rec is None or not rec.is_published or not sees_recommendation(user, rec):
        return False
    return may_act_in_current_phase(user, rec.process, Phase.Action.COMMENT)


@rules.predicate
def can_react(user, comment) -> bool:
    if comment is None or comment.is_hidden or not user.is_authenticated:
        return False
    rec = comment.recommendation
    return takes_part(user, rec.process) and sees_recommendation(user, rec)


@rules.predicate
def can_report(user, obj) -> bool:
    if obj is None or not user.is_authenticated:
        return False
    rec = obj.recommendation if isinstance(obj, Comment) else obj
    return sees_recommendation(user, rec)


@rules.predicate
def can_create_process(user) -> bool:
    """Superusers, and the moderators of any process (the project offices)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return SpaceRole.objects.filter(user=user, role=Role.MODERATOR, space__kind="process").exists()


rules.add_perm("strategy.add_process", can_create_process)
rules.add_perm("strategy.view_process", can_view_process)
rules.add_perm("strategy.change_process", can_moderate)
rules.add_perm("strategy.moderate", can_moderate)
rules.add_perm("strategy.join_process", can_join)
rules.add_perm("strategy.view_phase", can_view_phase)
rules.add_perm("strategy.propose", can_propose)
rules.add_perm("strategy.view_recommendation", can_view_recommendation)
rules.add_perm("strategy.change_recommendation", can_edit_recommendation)
rules.add_perm("strategy.comment", can_comment)
rules.add_perm("strategy.react", can_react)
rules.add_perm("strategy.report", can_report)
