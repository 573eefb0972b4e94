"""Reading: the querysets behind the lists, with the same visibility as strategy/rules.py.

A list must never show what the detail page would refuse, so the rules' per-object visibility
is written here once more as queryset filters; tests check both against each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from werkstatt.accounts.models import SpaceRole

from .. import rules as r
from ..models import Comment, CommentReaction, Phase, Process, Recommendation


def visible_processes(user: Any) -> QuerySet[Process]:
    qs = Process.objects.select_related("space")
    if user.is_authenticated and user.is_superuser:
        return qs
    shown = Q(is_public=True) & ~Q(status=Process.Status.DRAFT)
    if user.is_authenticated:
        space_ids = SpaceRole.objects.filter(user=user).values("space_id")
        moderated = SpaceRole.objects.filter(user=user, role=SpaceRole.Role.MODERATOR).values(
            "space_id"
        )
        board = SpaceRole.objects.filter(user=user, role=SpaceRole.Role.BOARD_MEMBER).values(
            "space_id"
        )
        shown |= ~Q(status=Process.Status.DRAFT) & (
            Q(space_id__in=space_ids) | Q(board_space_id__in=board)
        )
        shown |= Q(space_id__in=moderated)
    return qs.filter(shown)


def visible_phases(user: Any, process: Process) -> list[Phase]:
    return [p for p in process.timeline() if r.sees_phase(user, p)]


def _visible_in(user: Any, process: Process) -> Q:
    """The rule of strategy.rules.sees_recommendation for the recommendations of one process
    (whose visibility the caller has checked), as a filter."""
    mine = Q(process=process.pk)
    if r.moderates(user, process):
        return mine
    roles = r.roles_in(user, process)
    phase_ok = Q(phase__isnull=True) | Q(phase__visibility=Phase.Visibility.PUBLIC)
    if roles:
        phase_ok |= Q(phase__visibility=Phase.Visibility.MEMBERS)
    if r.BOARD in roles:
        phase_ok |= Q(phase__visibility=Phase.Visibility.BOARD)
    published = Q(moderation_state=Recommendation.ModerationState.APPROVED)
    if user.is_authenticated:
        published |= Q(author=user)
    return mine & phase_ok & published


def visible_recommendations(user: Any, process: Process) -> QuerySet[Recommendation]:
    """The recommendations of `process` the user may see (the process itself is checked by the
    caller)."""
    return Recommendation.objects.filter(_visible_in(user, process))


def visible_recommendations_in(user: Any, processes: Iterable[Process]) -> QuerySet[Recommendation]:
    """The recommendations the user may see in each of `processes` (which the caller has
    checked), in one queryset: for the counts on lists of processes."""
    processes = list(processes)
    r.remember_roles(user, processes)
    rule = Q(pk__in=[])
    for process in processes:
        rule |= _visible_in(user, process)
    return Recommendation.objects.filter(rule)


def count_by_action_field(user: Any, process: Process) -> dict[int, int]:
    """Action field id -> number of recommendations the user sees in it: the same number as
    the list filtered by that action field shows."""
    return dict(
        visible_recommendations(user, process)
        .filter(action_fields__isnull=False)
        .values("action_fields")
        .annotate(n=Count("pk", distinct=True))
        .values_list("action_fields", "n")
    )


def visible_attachments(user: Any, rec: Recommendation) -> QuerySet[Any]:
    """The attachments of a recommendation the user may see: the published ones; those added
    with an edit awaiting moderation only for its author and the moderators."""
    qs = rec.attachments.all()
    if r.moderates(user, rec.process):
        return qs
    published = Q(edit__isnull=True)
    if user.is_authenticated:
        published |= Q(edit__author=user)
    return qs.filter(published)


@dataclass
class RecommendationFilter:
    action_field: int | None = None
    region: int | None = None
    sector: int | None = None
    status: str = ""
    kind: str = ""
    query: str = ""


def filtered_recommendations(
    user: Any, process: Process, filters: RecommendationFilter
) -> QuerySet[Recommendation]:
    qs = visible_recommendations(user, process)
    if filters.action_field:
        qs = qs.filter(action_fields=filters.action_field)
    if filters.region:
        qs = qs.filter(regions=filters.region)
    if filters.sector:
        qs = qs.filter(sectors=filters.sector)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.query:
        from .search import matching

        qs = matching(qs, filters.query)
    return list_ready(qs)


def list_ready(qs: QuerySet[Recommendation]) -> QuerySet[Recommendation]:
    """What a list row shows, in a constant number of queries."""
    visible_comments = Q(comments__is_hidden=False)
    return (
        qs.select_related("process", "author", "author_organisation", "phase")
        .prefetch_related("action_fields", "regions")
        .annotate(comment_count=Count("comments", filter=visible_comments, distinct=True))
        .order_by("-created", "-pk")
    )


@dataclass
class CommentNode:
    comment: Comment
    replies: list[CommentNode] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    mine: str = ""

    @property
    def reactions(self) -> list[tuple[str, str, int]]:
        """(kind, label, count) for every kind of reaction."""
        return [(v, str(label), self.counts.get(v, 0)) for v, label in CommentReaction.Kind.choices]


def comment_tree(user: Any, rec: Recommendation) -> list[CommentNode]:
    """All comments of a recommendation as a tree, with reaction counts and the user's own
    reaction, in three queries whatever the size of the discussion."""
    comments = list(rec.comments.select_related("author", "hidden_by").order_by("created", "pk"))
    counts: dict[int, dict[str, int]] = {}
    for row in (
        CommentReaction.objects.filter(comment__recommendation=rec)
        .values("comment_id", "kind")
        .annotate(n=Count("pk"))
    ):
        counts.setdefault(row["comment_id"], {})[row["kind"]] = row["n"]
    mine: dict[int, str] = {}
    if user.is_authenticated:
        mine = dict(
            CommentReaction.objects.filter(comment__recommendation=rec, user=user).values_list(
                "comment_id", "kind"
            )
        )
    nodes = {
        c.pk: CommentNode(c, counts=counts.get(c.pk, {}), mine=mine.get(c.pk, "")) for c in comments
    }
    roots = []
    for c in comments:
        node = nodes[c.pk]
        if c.parent_id and c.parent_id in nodes:
            nodes[c.parent_id].replies.append(node)
        else:
            roots.append(node)
    return roots


def comment_node(user: Any, comment: Comment) -> CommentNode:
    """One comment with its reaction counts and the user's own reaction (no replies)."""
    counts = dict(
        CommentReaction.objects.filter(comment=comment)
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    mine = ""
    if user.is_authenticated:
        mine = (
            CommentReaction.objects.filter(comment=comment, user=user)
            .values_list("kind", flat=True)
            .first()
            or ""
        )
    return CommentNode(comment, counts=counts, mine=mine)


@dataclass
class EditReview:
    """A pending edit as the moderators see it: what it changes against the published
    version."""

    edit: Any
    changes: list[Any]
    attachments: list[Any]


def edit_review(edit: Any, tag_names: dict[str, dict[int, str]] | None = None) -> EditReview:
    """The changes of a pending edit; `tag_names` ({"regions": {pk: name}, ...}) are the names
    of the tags it sets, loaded for a whole queue at once (else here)."""
    from .history import Change, word_diff

    if tag_names is None:
        tag_names = _tag_names([edit])

    rec = edit.recommendation
    changes = []
    for name in ("kind", "title", "text"):
        old, new = getattr(rec, name), getattr(edit, name)
        if old == new:
            continue
        label = str(Recommendation._meta.get_field(name).verbose_name)
        if name == "kind":
            changes.append(
                Change(
                    label, str(Recommendation.Kind(old).label), str(Recommendation.Kind(new).label)
                )
            )
        else:
            changes.append(Change(label, old, new, word_diff(old, new)))
    if edit.author_organisation_id != rec.author_organisation_id:
        changes.append(
            Change(
                str(Recommendation._meta.get_field("author_organisation").verbose_name),
                str(rec.author_organisation or "–"),
                str(edit.author_organisation or "–"),
            )
        )
    for name, ids in sorted(edit.tags.items()):
        field_ = Recommendation._meta.get_field(name)
        old_tags = sorted(str(t) for t in getattr(rec, name).all())
        known = tag_names.get(name, {})
        new_tags = sorted(known[pk] for pk in ids if pk in known)
        if old_tags != new_tags:
            changes.append(
                Change(str(field_.verbose_name), ", ".join(old_tags), ", ".join(new_tags))
            )
    return EditReview(edit, changes, list(edit.attachments.all()))


def _tag_names(edits: list[Any]) -> dict[str, dict[int, str]]:
    wanted: dict[str, set[int]] = {}
    for edit in edits:
        for name, ids in edit.tags.items():
            wanted.setdefault(name, set()).update(ids)
    return {
        name: {
            obj.pk: str(obj)
            for obj in Recommendation._meta.get_field(name).related_model.objects.filter(pk__in=ids)
        }
        for name, ids in wanted.items()
    }


def moderation_queue(process: Process) -> dict[str, Any]:
    from ..models import ModerationAction, RecommendationEdit, Report

    edits = (
        RecommendationEdit.objects.filter(
            recommendation__process=process, state=RecommendationEdit.State.PENDING
        )
        .select_related(
            "author", "author_organisation", "recommendation__process",
            "recommendation__author_organisation",
        )
        .prefetch_related(
            "attachments", "recommendation__action_fields", "recommendation__regions",
            "recommendation__sectors",
        )
        .order_by("modified", "pk")
    )  # fmt: skip
    edits = list(edits)
    names = _tag_names(edits)
    return {
        "pending": list(
            process.recommendations.filter(moderation_state=Recommendation.ModerationState.PENDING)
            .select_related("process", "author", "author_organisation")
            .prefetch_related("attachments")
            .order_by("created", "pk")
        ),
        "edits": [edit_review(edit, names) for edit in edits],
        "reports": list(
            Report.objects.filter(process=process, state=Report.State.OPEN)
            .select_related(
                "reporter", "recommendation__process", "comment__recommendation__process"
            )
            .order_by("created", "pk")
        ),
        "unanswered": process.recommendations.filter(
            moderation_state=Recommendation.ModerationState.APPROVED, answer=""
        ).count(),
        "recent_actions": list(
            ModerationAction.objects.filter(process=process).select_related("actor")[:10]
        ),
    }


def prefetch_phases(qs: QuerySet[Process]) -> QuerySet[Process]:
    return qs.prefetch_related(Prefetch("phases", queryset=Phase.objects.order_by("start_date")))
