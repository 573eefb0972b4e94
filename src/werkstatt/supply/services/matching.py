"""For a supplier: the demands it can serve ("Passende Bedarfe"), and the demand list's filters.

`matching_demands(organisation, viewer)` takes the open demands `viewer` may see (not the
organisation's own, not expired) with at least one step the organisation covers by capability
(the step's capability or one below it: the ranking's and the consortia's rule), and ranks
them: most steps covered with their certifications too, then most steps covered by capability,
then the shortest distance from the organisation's nearest site to the delivery place, then the
nearest deadline. Each row says why, as the ranking's explanation parts.

Speed (thousands of open demands, 50,000 organisations): the steps are found in the database by
the capability ids the organisation covers (its keys and those above them), one aggregate per
query, distances in NumPy over the matching demands only; the page's demands are loaded last.
A list of a few thousand (id, sort key) pairs is the most that is held in memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet

from werkstatt.engines.geo import EARTH_RADIUS_KM
from werkstatt.network.models import Capability, Organisation, Site

from ..models import Demand, DemandStep
from .lists import active_demands
from .visibility import visible_demands


def filter_demands(queryset: QuerySet[Demand], filters: Mapping[str, Any]) -> QuerySet[Demand]:
    """The demand list's filters: `capability` (a step with it or one below it), `region`
    (the delivery district), `deadline_from`/`deadline_to`, `certification` (a step asking
    for it)."""
    capability = filters.get("capability")
    if capability is not None:
        keys = Q(capability__key=capability.key) | Q(
            capability__key__startswith=capability.key + "."
        )
        queryset = queryset.filter(pk__in=DemandStep.objects.filter(keys).values("demand_id"))
    region = filters.get("region")
    if region is not None:
        queryset = queryset.filter(delivery_region=region)
    if filters.get("deadline_from"):
        queryset = queryset.filter(deadline__gte=filters["deadline_from"])
    if filters.get("deadline_to"):
        queryset = queryset.filter(deadline__lte=filters["deadline_to"])
    certification = filters.get("certification")
    if certification is not None:
        asking = DemandStep.certifications.through.objects.filter(certification=certification)
        queryset = queryset.filter(
            pk__in=DemandStep.objects.filter(pk__in=asking.values("demandstep_id")).values(
                "demand_id"
            )
        )
    return queryset


@dataclass
class MatchingDemand:
    demand: Demand
    covered: int  # steps with capability and certifications
    by_capability: int  # steps with the capability (certifications or not)
    total: int
    distance_km: float | None
    parts: list[dict[str, Any]] = field(default_factory=list)  # the ranking's explanation parts


def covered_capability_ids(organisation: Organisation) -> list[int]:
    """Capabilities of steps the organisation covers: its own and every one above them."""
    keys = list(organisation.capabilities.values_list("key", flat=True))
    wanted = {".".join(key.split(".")[:k]) for key in keys for k in range(1, key.count(".") + 2)}
    return list(Capability.objects.filter(key__in=wanted).values_list("pk", flat=True))


def _nearest_km(organisation: Organisation, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Per delivery place: km from the organisation's nearest located site (or its position)."""
    points = list(
        Site.objects.filter(
            organisation=organisation, lat__isnull=False, lon__isnull=False
        ).values_list("lat", "lon")
    )
    if not points and organisation.lat is not None and organisation.lon is not None:
        points = [(organisation.lat, organisation.lon)]
    if not points or len(lat) == 0:
        return np.full(len(lat), np.inf)
    site = np.radians(np.array(points, dtype=np.float64))
    phi, lam = np.radians(lat)[:, None], np.radians(lon)[:, None]
    h = (
        np.sin((site[None, :, 0] - phi) / 2) ** 2
        + np.cos(phi) * np.cos(site[None, :, 0]) * np.sin((site[None, :, 1] - lam) / 2) ** 2
    )
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    km = np.where(np.isnan(km), np.inf, km)
    return km.min(axis=1)


@dataclass
class MatchingPage:
    """A Paginator page of MatchingDemand rows (`page.object_list`), and how many there are."""

    page: Any
    count: int


def matching_demands(
    organisation: Organisation,
    viewer: Any,
    *,
    page: Any = 1,
    per_page: int = 25,
    filters: Mapping[str, Any] | None = None,
) -> MatchingPage:
    """One page of the demands `organisation` can serve, best first (see the docstring)."""
    demands = active_demands(visible_demands(viewer)).exclude(organisation=organisation)
    if filters:
        demands = filter_demands(demands, filters)
    capability_ids = covered_capability_ids(organisation)
    matched = DemandStep.objects.filter(
        demand__in=demands.values("pk"), capability_id__in=capability_ids
    ).values_list("pk", "demand_id", "order")
    by_demand: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for step_id, demand_id, order in matched.iterator(chunk_size=5000):
        by_demand[demand_id].append((step_id, order))
    ids = list(by_demand)
    held = set(organisation.certifications.values_list("pk", flat=True))
    rows: list[tuple[Any, ...]] = []
    if ids:
        step_ids = [s for steps in by_demand.values() for s, _o in steps]
        asks: dict[int, set[int]] = defaultdict(set)
        through = DemandStep.certifications.through.objects.filter(demandstep_id__in=step_ids)
        for step_id, cert_id in through.values_list("demandstep_id", "certification_id"):
            asks[step_id].add(cert_id)
        info = {
            pk: (total, lat, lon, deadline)
            for pk, total, lat, lon, deadline in Demand.objects.filter(pk__in=ids)
            .annotate(total=Count("steps"))
            .values_list("pk", "total", "delivery_lat", "delivery_lon", "deadline")
        }
        lat = np.array([info[i][1] if info[i][1] is not None else np.nan for i in ids])
        lon = np.array([info[i][2] if info[i][2] is not None else np.nan for i in ids])
        km = _nearest_km(organisation, lat, lon)
        for k, demand_id in enumerate(ids):
            steps = by_demand[demand_id]
            covered = sum(1 for s, _o in steps if asks[s] <= held)
            total, _lat, _lon, deadline = info[demand_id]
            distance = float(km[k]) if np.isfinite(km[k]) else None
            key = (
                -covered / total,
                -len(steps) / total,
                distance if distance is not None else float("inf"),
                deadline,
                -demand_id,
            )
            rows.append((key, demand_id, covered, len(steps), total, distance, steps))
        rows.sort(key=lambda row: row[0])
    paginator = Paginator(rows, per_page)
    page_obj = paginator.get_page(page)
    wanted = [r[1] for r in page_obj.object_list]
    steps_query = (
        DemandStep.objects.select_related("capability", "material")
        .prefetch_related("certifications")
        .order_by("order", "pk")
    )
    loaded = (
        Demand.objects.filter(pk__in=wanted)
        .select_related("organisation")
        .prefetch_related(Prefetch("steps", queryset=steps_query), "invited_organisations")
        .in_bulk()
        if wanted
        else {}
    )
    page_obj.object_list = [
        _row(loaded[r[1]], r, held) for r in page_obj.object_list if r[1] in loaded
    ]
    return MatchingPage(page_obj, paginator.count)


def _row(demand: Demand, row: tuple[Any, ...], held: set[int]) -> MatchingDemand:
    _key, _pk, covered, by_capability, total, distance, steps = row
    matched = {order for _s, order in steps}
    all_steps = list(demand.steps.all())
    parts: list[dict[str, Any]] = [
        {"kind": "coverage", "covered": covered, "total": total, "steps": []}
    ]
    uncovered = [s.order for s in all_steps if s.order not in matched]
    if uncovered:
        parts.append({"kind": "uncovered", "steps": [], "numbers": uncovered})
    if distance is not None:
        parts.append({"kind": "distance", "km": int(round(distance))})
    missing: dict[str, list[int]] = defaultdict(list)
    for step in all_steps:
        if step.order in matched:
            for cert in step.certifications.all():
                if cert.pk not in held:
                    missing[cert.code].append(step.order)
    for code, numbers in sorted(missing.items()):
        parts.append(
            {"kind": "missing_certification", "code": code, "steps": [], "numbers": numbers}
        )
    return MatchingDemand(demand, covered, by_capability, total, distance, parts)
