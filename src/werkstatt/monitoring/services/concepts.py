"""Writing implementation concepts, their results, milestones and updates; and reading the
progress of a process's implementation for the monitoring pages, the API and the reports."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from werkstatt.engines.progress import ProgressNode, ProgressTreeError, weighted_progress
from werkstatt.network.models import Organisation
from werkstatt.strategy.models import Process, Recommendation
from werkstatt.strategy.services.queries import (
    visible_recommendations,
    visible_recommendations_in,
)
from werkstatt.strategy.services.recommendations import set_status

from ..models import (
    ImplementationConcept,
    Milestone,
    ProgressUpdate,
    Responsibility,
    Result,
    Status,
)

CONCEPT_FIELDS = ("summary", "status", "budget_eur", "funding", "start_date", "end_date")
RESULT_FIELDS = (
    "title",
    "description",
    "status",
    "progress",
    "weight",
    "start_date",
    "end_date",
    "order",
)


# --- reading --------------------------------------------------------------------------------


@dataclass
class ResultNode:
    result: Result
    progress: float
    parts: list[ResultNode] = field(default_factory=list)


@dataclass
class ConceptProgress:
    concept: ImplementationConcept
    progress: float  # 0–100
    tree: list[ResultNode]


def _tree(concept: ImplementationConcept) -> ConceptProgress:
    """Progress of a concept whose results are prefetched (concept.results.all())."""
    results = list(concept.results.all())
    nodes = [ProgressNode(r.pk, r.parent_id, float(r.weight), float(r.progress)) for r in results]
    values = weighted_progress(nodes)
    by_parent: dict[int | None, list[Result]] = {}
    for r in results:
        by_parent.setdefault(r.parent_id, []).append(r)

    def build(parent: int | None) -> list[ResultNode]:
        return [
            ResultNode(r, values[r.pk], build(r.pk))
            for r in sorted(by_parent.get(parent, []), key=lambda r: (r.order, r.pk))
        ]

    roots = by_parent.get(None, [])
    total = sum(float(r.weight) for r in roots)
    if total:
        progress = sum(float(r.weight) * values[r.pk] for r in roots) / total
    else:
        # No results yet: a completed concept is done, everything else has not started.
        progress = 100.0 if concept.status == Status.COMPLETED else 0.0
    return ConceptProgress(concept, progress, build(None))


def concepts_queryset() -> QuerySet[ImplementationConcept]:
    return ImplementationConcept.objects.select_related(
        "recommendation", "recommendation__process"
    ).prefetch_related(
        "results",
        "milestones",
        Prefetch(
            "responsibilities",
            queryset=Responsibility.objects.select_related("organisation"),
        ),
        "recommendation__action_fields",
    )


def concept_progress(concept: ImplementationConcept) -> ConceptProgress:
    return _tree(concept)


@dataclass
class TimelineEntry:
    date: datetime.date
    kind: str  # "milestone", "milestone_due", "update"
    title: str
    text: str
    concept: ImplementationConcept
    status: str = ""
    progress: int | None = None


@dataclass
class ProcessMonitoring:
    process: Process
    concepts: list[ConceptProgress]
    progress: float | None
    status_counts: list[tuple[str, str, int]]  # (status, label, count)
    by_action_field: list[tuple[str, float, int]]  # (name, mean progress, concepts)
    timeline: list[TimelineEntry]
    budget_eur: Decimal


def timeline_of(
    concepts: list[ImplementationConcept], *, today: datetime.date
) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for concept in concepts:
        for m in concept.milestones.all():
            if m.reached_date:
                entries.append(
                    TimelineEntry(m.reached_date, "milestone", m.title, m.description, concept)
                )
            elif m.due_date >= today:
                entries.append(
                    TimelineEntry(m.due_date, "milestone_due", m.title, m.description, concept)
                )
        for u in concept.updates.all():
            entries.append(
                TimelineEntry(u.date, "update", str(concept), u.text, concept, u.status, u.progress)
            )
    entries.sort(key=lambda e: (e.date, e.kind), reverse=True)
    return entries


def concept_counts(user: Any, processes: list[Process]) -> dict[int, int]:
    """Process id -> the number of implementation concepts the user may see in it (the rows
    of its monitoring page), for all `processes` in one query."""
    visible = visible_recommendations_in(user, processes).values("pk")
    return dict(
        ImplementationConcept.objects.filter(recommendation__in=visible)
        .values("recommendation__process")
        .annotate(n=Count("pk"))
        .values_list("recommendation__process", "n")
    )


def process_monitoring(
    user: Any, process: Process, *, today: datetime.date | None = None, everything: bool = False
) -> ProcessMonitoring:
    """The implementation of the recommendations of `process` that `user` may see (all of
    them with `everything`, for the moderators' workbook)."""
    today = today or datetime.date.today()
    if everything:
        visible = Recommendation.objects.filter(process=process).values("pk")
    else:
        visible = visible_recommendations(user, process).values("pk")
    concepts = list(
        concepts_queryset()
        .prefetch_related("updates")
        .filter(recommendation__in=visible)
        .order_by("recommendation__title")
    )
    progresses = [_tree(c) for c in concepts]
    counts = Counter(c.status for c in concepts)
    status_counts = [(s.value, str(s.label), counts.get(s.value, 0)) for s in Status]
    fields: dict[str, list[float]] = {}
    for cp in progresses:
        names = [f.name for f in cp.concept.recommendation.action_fields.all()] or [
            _("Without action field")
        ]
        for name in names:
            fields.setdefault(name, []).append(cp.progress)
    by_field = sorted(
        ((name, sum(v) / len(v), len(v)) for name, v in fields.items()), key=lambda t: t[0]
    )
    active = [cp for cp in progresses if cp.concept.status != Status.CANCELLED]
    overall = sum(cp.progress for cp in active) / len(active) if active else None
    budget = sum((c.budget_eur or Decimal(0) for c in concepts), Decimal(0))
    return ProcessMonitoring(
        process,
        progresses,
        overall,
        status_counts,
        by_field,
        timeline_of(concepts, today=today),
        budget,
    )


# --- writing --------------------------------------------------------------------------------


def _check_dates(start: datetime.date | None, end: datetime.date | None) -> None:
    if start and end and end < start:
        raise ValidationError({"end_date": _("The end must not be before the start.")})


def _responsibilities(
    concept: ImplementationConcept, lead: list[Organisation], partners: list[Organisation]
) -> None:
    both = {o.pk for o in lead} & {o.pk for o in partners}
    if both:
        raise ValidationError(
            {"partners": _("An organisation is either lead or partner, not both.")}
        )
    concept.responsibilities.all().delete()
    Responsibility.objects.bulk_create(
        [
            Responsibility(concept=concept, organisation=o, role=Responsibility.Role.LEAD)
            for o in lead
        ]
        + [
            Responsibility(concept=concept, organisation=o, role=Responsibility.Role.PARTNER)
            for o in partners
        ]
    )


@transaction.atomic
def do_save_concept(
    recommendation: Recommendation,
    user: Any,
    data: dict[str, Any],
    *,
    lead: list[Organisation] = (),  # type: ignore[assignment]
    partners: list[Organisation] = (),  # type: ignore[assignment]
) -> ImplementationConcept:
    """Create or change the implementation concept of a recommendation. The recommendation
    moves to "in implementation" (or "implemented" when the concept is completed)."""
    if not recommendation.is_published:
        raise ValidationError(
            _("Only a published recommendation can get an implementation concept.")
        )
    _check_dates(data.get("start_date"), data.get("end_date"))
    if not str(data.get("summary", "")).strip():
        raise ValidationError({"summary": _("Describe the concept.")})
    concept = ImplementationConcept.objects.filter(recommendation=recommendation).first()
    if concept is None:
        concept = ImplementationConcept(recommendation=recommendation)
    for name in CONCEPT_FIELDS:
        if name in data:
            setattr(concept, name, data[name])
    concept.modified_by = user if getattr(user, "is_authenticated", False) else None
    concept.full_clean(exclude=["recommendation"])
    concept.save()
    _responsibilities(concept, list(lead), list(partners))
    wanted = (
        Recommendation.Status.IMPLEMENTED
        if concept.status == Status.COMPLETED
        else Recommendation.Status.IN_IMPLEMENTATION
    )
    if concept.status != Status.CANCELLED and recommendation.status != wanted:
        # Logged in the audit trail and notified to the discussion by strategy.
        set_status(recommendation, user, wanted)
    return concept


def _check_parent(result: Result, parent: Result | None) -> None:
    if parent is None:
        return
    if parent.concept_id != result.concept_id:
        raise ValidationError({"parent": _("The parent result belongs to another concept.")})
    node: Result | None = parent
    while node is not None:
        if result.pk is not None and node.pk == result.pk:
            raise ValidationError({"parent": _("A result cannot be part of itself.")})
        node = node.parent


@transaction.atomic
def do_save_result(
    concept: ImplementationConcept, data: dict[str, Any], *, result: Result | None = None
) -> Result:
    result = result or Result(concept=concept)
    if result.concept_id != concept.pk:
        raise ValidationError(_("The result belongs to another concept."))
    parent = data.get("parent")
    _check_parent(result, parent)
    _check_dates(data.get("start_date"), data.get("end_date"))
    result.parent = parent
    for name in RESULT_FIELDS:
        if name in data and data[name] is not None:
            setattr(result, name, data[name])
    result.full_clean(exclude=["concept", "parent"])
    result.save()
    # The whole tree must stay computable (guards against cycles written elsewhere).
    try:
        weighted_progress(
            ProgressNode(r.pk, r.parent_id, float(r.weight), float(r.progress))
            for r in concept.results.all()
        )
    except ProgressTreeError as error:
        raise ValidationError(str(error)) from error
    return result


def do_delete_result(result: Result) -> None:
    result.delete()  # its parts go with it


def do_save_milestone(
    concept: ImplementationConcept, data: dict[str, Any], *, milestone: Milestone | None = None
) -> Milestone:
    milestone = milestone or Milestone(concept=concept)
    for name in ("title", "description", "due_date", "reached_date"):
        if name in data:
            setattr(milestone, name, data[name])
    if milestone.reached_date and milestone.reached_date > datetime.date.today():
        raise ValidationError({"reached_date": _("A milestone cannot be reached in the future.")})
    milestone.full_clean(exclude=["concept"])
    milestone.save()
    return milestone


def do_delete_milestone(milestone: Milestone) -> None:
    milestone.delete()


@transaction.atomic
def do_add_update(
    concept: ImplementationConcept, user: Any, data: dict[str, Any]
) -> ProgressUpdate:
    """A dated progress report; records the concept's status and progress at that time."""
    if not str(data.get("text", "")).strip():
        raise ValidationError({"text": _("Write what happened.")})
    date = data.get("date") or datetime.date.today()
    if date > datetime.date.today():
        raise ValidationError({"date": _("An update cannot be dated in the future.")})
    fresh = concepts_queryset().get(pk=concept.pk)
    update = ProgressUpdate(
        concept=concept,
        date=date,
        text=data["text"].strip(),
        status=fresh.status,
        progress=round(_tree(fresh).progress),
        author=user if getattr(user, "is_authenticated", False) else None,
    )
    update.full_clean(exclude=["concept", "author"])
    update.save()
    return update
