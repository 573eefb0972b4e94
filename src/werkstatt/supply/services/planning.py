"""The buyer's planning tools for a demand: the supplier ranking and the consortia.

The ranking (services/ranking.py) and the consortium engine (services/consortia.py) speak a plain
DemandSpec; `demand_spec_for` converts a Demand into one. The functions here turn their answers
into what the pages, the API and the map show: organisations with their explanation parts, and
consortia with steps, partners, legs (for the map) and the cost breakdown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format

from werkstatt.engines.geo import haversine_km
from werkstatt.network.models import Organisation

from ..models import Demand, DemandStep


class PlanningUnavailable(Exception):
    """The ranking or consortium service is not installed in this build."""


def _ranking_module() -> Any:
    try:
        from . import ranking
    except ImportError as error:
        raise PlanningUnavailable from error
    return ranking


def _consortia_module() -> Any:
    try:
        from . import consortia
    except ImportError as error:
        raise PlanningUnavailable from error
    return consortia


def demand_spec_for(demand: Demand) -> Any:
    """The DemandSpec of the ranking and consortium services for `demand`."""
    raise PlanningUnavailable  # written once the services' DemandSpec is known


@dataclass
class RankedRow:
    organisation: Organisation
    score: float
    parts: list[dict[str, Any]] = field(default_factory=list)


def ranking_for(demand: Demand, viewer: Any, *, limit: int = 50) -> list[RankedRow]:
    """Suppliers for `demand`, best first, as `viewer` may see them."""
    ranking = _ranking_module()
    spec = demand_spec_for(demand)
    rows = ranking.rank_suppliers(spec, limit=limit, viewer=viewer)
    return [
        RankedRow(
            organisation=row.organisation,
            score=float(row.score),
            parts=list(getattr(row, "explanation", None) or getattr(row, "parts", []) or []),
        )
        for row in rows
    ]


@dataclass
class Leg:
    from_name: str
    from_lat: float
    from_lon: float
    to_name: str
    to_lat: float
    to_lon: float
    km: float


@dataclass
class ConsortiumOption:
    assignments: list[tuple[DemandStep, Organisation]]
    legs: list[Leg]
    transport_km: float
    partners: int
    partner_cost_km: float
    total_km: float
    optimal: bool
    gap: float | None = None


@dataclass
class ConsortiumPlan:
    feasible: bool
    options: list[ConsortiumOption] = field(default_factory=list)
    uncovered_steps: list[DemandStep] = field(default_factory=list)
    reason: str = ""


def build_option(
    demand: Demand,
    assignments: list[tuple[DemandStep, Organisation]],
    *,
    optimal: bool,
    gap: float | None = None,
    partner_cost_km: float = 0.0,
) -> ConsortiumOption:
    """A consortium's legs and cost, as FORMATS.md §2 counts it.

    Material goes from each step's partner to the next one (no leg when the same firm does both)
    and from the last partner to the delivery place; each distinct partner adds
    `partner_cost_km`. Partners without coordinates add no leg (the engine does not choose them).
    """
    legs: list[Leg] = []
    previous: Organisation | None = None
    for _step, organisation in assignments:
        if previous is not None and previous.pk != organisation.pk:
            legs.append(_leg(previous.name, previous, organisation.name, organisation))
        previous = organisation
    if previous is not None and demand.delivery_lat is not None:
        buyer = _Point(demand.delivery_lat, demand.delivery_lon)
        legs.append(_leg(previous.name, previous, demand.delivery_place, buyer))
    legs = [leg for leg in legs if leg is not None]
    partners = len({organisation.pk for _step, organisation in assignments})
    transport = sum(leg.km for leg in legs)
    coordination = partner_cost_km * partners
    return ConsortiumOption(
        assignments=assignments,
        legs=legs,
        transport_km=round(transport, 1),
        partners=partners,
        partner_cost_km=round(coordination, 1),
        total_km=round(transport + coordination, 1),
        optimal=optimal,
        gap=gap,
    )


@dataclass
class _Point:
    lat: float | None
    lon: float | None


def _leg(from_name: str, a: Any, to_name: str, b: Any) -> Any:
    if None in (a.lat, a.lon, b.lat, b.lon):
        return None
    return Leg(
        from_name=from_name,
        from_lat=a.lat,
        from_lon=a.lon,
        to_name=to_name,
        to_lat=b.lat,
        to_lon=b.lon,
        km=round(haversine_km(a.lat, a.lon, b.lat, b.lon), 1),
    )


def map_data(demand: Demand, plan: ConsortiumPlan | None) -> dict[str, Any]:
    """What the consortium map draws (json_script): the delivery place, and per option its
    legs and partners. Texts are formatted here so the script needs no translations."""
    out: dict[str, Any] = {"buyer": None, "options": []}
    if demand.delivery_lat is not None and demand.delivery_lon is not None:
        out["buyer"] = {
            "lat": demand.delivery_lat,
            "lon": demand.delivery_lon,
            "label": demand.delivery_place,
        }
    for option in plan.options if plan else []:
        points: dict[int, dict[str, Any]] = {}
        for step, organisation in option.assignments:
            if organisation.lat is None or organisation.lon is None:
                continue
            point = points.setdefault(
                organisation.pk,
                {"lat": organisation.lat, "lon": organisation.lon, "steps": []},
            )
            point["steps"].append(f"{step.order}. {step.capability.name}")
        named = {o.pk: o.name for _s, o in option.assignments}
        out["options"].append(
            {
                "legs": [
                    {
                        "from": [leg.from_lat, leg.from_lon],
                        "to": [leg.to_lat, leg.to_lon],
                        "km": leg.km,
                        "km_text": number_format(leg.km, decimal_pos=1, use_l10n=True),
                        "label": f"{leg.from_name} → {leg.to_name}",
                    }
                    for leg in option.legs
                ],
                "points": [
                    {
                        "lat": p["lat"],
                        "lon": p["lon"],
                        "label": f"{named[pk]}: " + ", ".join(p["steps"]),
                    }
                    for pk, p in points.items()
                ],
            }
        )
    return out


def consortia_for(
    demand: Demand, *, alternatives: int = 3, max_partners: int | None = None
) -> ConsortiumPlan:
    """The best consortium for `demand` and up to `alternatives` genuinely different ones."""
    consortia = _consortia_module()
    spec = demand_spec_for(demand)
    proposal = consortia.propose_consortia(
        spec, alternatives=alternatives, max_partners=max_partners
    )
    return _plan_from(demand, proposal)


def _plan_from(demand: Demand, proposal: Any) -> ConsortiumPlan:  # pragma: no cover - adapter
    raise PlanningUnavailable
