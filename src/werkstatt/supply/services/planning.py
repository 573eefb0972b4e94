"""The buyer's planning tools for a demand: the supplier ranking and the consortia.

The ranking (services/ranking.py) and the consortium service (services/consortia.py) speak a plain
DemandSpec; `demand_spec_for` converts a Demand into one. The functions here turn their answers
into what the pages, the API and the map show: organisations with their explanation parts, and
consortia with steps, partners, legs (for the map) and the cost breakdown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format

from werkstatt.network.models import Capability, Organisation

from ..models import Demand, DemandStep
from . import consortia, ranking
from .delivery import Reach, reach_of


class PlanningUnavailable(Exception):
    """The demand cannot be planned (e.g. it has no delivery coordinates)."""


def demand_spec_for(demand: Demand, steps: list[DemandStep] | None = None) -> ranking.DemandSpec:
    """The DemandSpec of the ranking and consortium services for `demand`.

    Step ids are the DemandSteps' primary keys, so answers map back to the steps; the buyer is
    excluded; title and description are the text the ranking compares with profiles.
    """
    if steps is None:
        steps = steps_for_planning(demand)
    return ranking.DemandSpec(
        steps=[
            ranking.StepSpec(
                capability=step.capability.key,
                certifications=[c.code for c in step.certifications.all()],
                material=step.material.key if step.material else "",
                quantity=step.quantity,
                id=str(step.pk),
            )
            for step in steps
        ],
        lat=demand.delivery_lat,
        lon=demand.delivery_lon,
        text=f"{demand.title}\n{demand.description}".strip(),
        exclude=[demand.organisation_id],
    )


def steps_for_planning(demand: Demand) -> list[DemandStep]:
    return list(
        demand.steps.select_related("capability", "material")
        .prefetch_related("certifications")
        .order_by("order", "pk")
    )


@dataclass
class RankedRow:
    organisation: Organisation
    score: float
    parts: list[dict[str, Any]] = field(default_factory=list)
    distance_km: float | None = None
    reach: Reach | None = None  # how an inquiry would reach it (services/delivery.py)


def ranking_for(demand: Demand, viewer: Any, *, limit: int = 50) -> list[RankedRow]:
    """Suppliers for `demand`, best first, as `viewer` may see them."""
    rows = ranking.rank_suppliers(demand_spec_for(demand), limit=limit, viewer=viewer)
    reach = reach_of(row.organisation for row in rows)
    return [
        RankedRow(
            organisation=row.organisation,
            score=float(row.score),
            parts=list(row.parts),
            distance_km=row.distance_km,
            reach=reach.get(row.organisation.pk),
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
class Stop:
    """Where a partner takes part (its site nearest the delivery place) and which steps."""

    organisation: Organisation
    lat: float
    lon: float
    steps: list[DemandStep]


@dataclass
class ConsortiumOption:
    assignments: list[tuple[DemandStep, Organisation]]
    legs: list[Leg]
    stops: list[Stop]
    transport_km: float
    partners: int
    partner_cost_km: float
    total_km: float
    optimal: bool
    gap: float | None = None  # proven relative gap in per cent when not optimal
    # Step pk -> the broader capability it was computed with (ConsortiumPlan.widened).
    broader: dict[int, Capability] = field(default_factory=dict)
    # The partners nobody represents on Werkstatt, and how an inquiry would reach them.
    unreached: list[tuple[Organisation, Reach]] = field(default_factory=list)

    @property
    def rows(self) -> list[tuple[DemandStep, Organisation, Capability | None]]:
        """Each step with its partner and the broader capability it was computed with."""
        return [(step, org, self.broader.get(step.pk)) for step, org in self.assignments]


@dataclass
class StepHelp:
    """A step no consortium can do, and what would help: how many offer it without the asked
    certifications, how many the broader process (see consortia.StepCoverage)."""

    step: DemandStep
    able_without_certifications: int
    broader: Capability | None
    broader_able: int
    broader_without_certifications: int

    @property
    def can_widen(self) -> bool:
        """Whether the step widened to the broader process would find suppliers."""
        return self.broader is not None and self.broader_able > 0


@dataclass
class ConsortiumPlan:
    feasible: bool
    options: list[ConsortiumOption] = field(default_factory=list)
    uncovered_steps: list[DemandStep] = field(default_factory=list)
    partner_limit: bool = False
    help: list[StepHelp] = field(default_factory=list)  # one per uncovered step
    # Steps computed with their broader process (widen=True), with that capability.
    widened: list[tuple[DemandStep, Capability]] = field(default_factory=list)

    @property
    def can_widen(self) -> bool:
        return any(h.can_widen for h in self.help)


def _help(
    coverage: list[consortia.StepCoverage], by_id: dict[str, DemandStep], uncovered: list[str]
) -> list[StepHelp]:
    keys = [c.broader for c in coverage if c.broader]
    capabilities = Capability.objects.in_bulk(keys, field_name="key") if keys else {}
    found = {c.step_id: c for c in coverage}
    return [
        StepHelp(
            step=by_id[sid],
            able_without_certifications=found[sid].able_without_certifications,
            broader=capabilities.get(found[sid].broader),
            broader_able=found[sid].broader_able,
            broader_without_certifications=found[sid].broader_without_certifications,
        )
        for sid in uncovered
        if sid in by_id and sid in found
    ]


def consortia_for(
    demand: Demand,
    viewer: Any = None,
    *,
    alternatives: int = 3,
    max_partners: int | None = None,
    partner_cost_km: float = 0.0,
    widen: bool = False,
) -> ConsortiumPlan:
    """The best consortium for `demand` and up to `alternatives` genuinely different ones.

    When no consortium can do a step, the plan says per such step how many suppliers offer it
    without the asked certifications and how many the broader process (`help`). With `widen`,
    each step nobody can do but somebody can do in its broader process is computed with the
    broader capability (marked in `widened`): a preview for the buyer, who may then change the
    step in the demand (services/demands.do_widen_step).
    """
    if demand.delivery_lat is None or demand.delivery_lon is None:
        raise PlanningUnavailable
    steps = steps_for_planning(demand)
    by_id = {str(step.pk): step for step in steps}
    spec = demand_spec_for(demand, steps)
    coverage: list[consortia.StepCoverage] | None = None
    widened: dict[str, str] = {}
    if widen:
        coverage = consortia.step_coverage(spec, viewer=viewer)
        widened = {c.step_id: c.broader for c in coverage if c.able == 0 and c.broader_able > 0}
    proposal = consortia.propose_consortia(
        consortia.widened(spec, widened) if widened else spec,
        alternatives=alternatives,
        max_partners=max_partners,
        partner_cost_km=partner_cost_km,
        viewer=viewer,
    )
    broader = Capability.objects.in_bulk(list(widened.values()), field_name="key")
    marked = [(by_id[sid], broader[key]) for sid, key in widened.items() if key in broader]
    if not proposal.feasible:
        help_ = []
        if proposal.uncovered_steps:
            if coverage is None:
                coverage = consortia.step_coverage(spec, viewer=viewer)
            help_ = _help(coverage, by_id, proposal.uncovered_steps)
        return ConsortiumPlan(
            feasible=False,
            uncovered_steps=[by_id[i] for i in proposal.uncovered_steps if i in by_id],
            partner_limit=proposal.partner_limit,
            help=help_,
            widened=marked,
        )
    options = [_option(demand, by_id, consortium) for consortium in proposal.consortia]
    reach = reach_of({o.pk: o for opt in options for _s, o in opt.assignments}.values())
    for option in options:
        option.broader = {step.pk: capability for step, capability in marked}
        partners = {o.pk: o for _s, o in option.assignments}.values()
        option.unreached = [(o, reach[o.pk]) for o in partners if not reach[o.pk].on_platform]
    return ConsortiumPlan(feasible=True, options=options, widened=marked)


def _option(demand: Demand, by_id: dict[str, DemandStep], consortium: Any) -> ConsortiumOption:
    assignments = [(by_id[m.step_id], m.organisation) for m in consortium.members]
    stops: dict[int, Stop] = {}
    for member in consortium.members:
        stop = stops.setdefault(
            member.organisation.pk, Stop(member.organisation, member.lat, member.lon, [])
        )
        stop.steps.append(by_id[member.step_id])
    legs = [
        Leg(
            from_name=leg.from_organisation.name,
            from_lat=leg.from_point[0],
            from_lon=leg.from_point[1],
            to_name=leg.to_organisation.name if leg.to_organisation else demand.delivery_place,
            to_lat=leg.to_point[0],
            to_lon=leg.to_point[1],
            km=round(leg.km, 1),
        )
        for leg in consortium.legs
    ]
    return ConsortiumOption(
        assignments=assignments,
        legs=legs,
        stops=list(stops.values()),
        transport_km=round(consortium.transport_km, 1),
        partners=consortium.partners,
        partner_cost_km=round(consortium.partner_cost_km, 1),
        total_km=round(consortium.cost_km, 1),
        optimal=bool(consortium.optimal),
        gap=None if consortium.optimal or consortium.gap is None else consortium.gap * 100,
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
                        "lat": stop.lat,
                        "lon": stop.lon,
                        "label": f"{stop.organisation.name}: "
                        + ", ".join(f"{s.order}. {s.capability.name}" for s in stop.steps),
                    }
                    for stop in option.stops
                ],
            }
        )
    return out
