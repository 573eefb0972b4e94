"""Propose consortia of the network's suppliers for a multi-step demand.

`propose_consortia(DemandSpec(...), alternatives=3, max_partners=None, partner_cost_km=0)`
builds the engine's input (engines/consortium.py, FORMATS.md §2) from the directory and returns
the best consortium and up to `alternatives` genuinely different ones, with organisation objects,
each step's supplier and the legs of the route for the map.

Candidates are the same as for the ranking (services/ranking.py: supplying kinds, public unless
the viewer is a superuser, not the buyer), restricted to those that can fully do at least one
step (the step's capability or one below it, and all its certifications: the engine's rule).

Sites: capabilities belong to an organisation, not to one of its sites, so we cannot tell which
site does a step. Each organisation takes part at its site nearest the delivery place (where it
would most likely ship from; the headquarters or the organisation's own position if no site is
located). Organisations without any position cannot be placed on a route and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from werkstatt.engines.consortium import Demand, Step, Supplier, form_consortium
from werkstatt.engines.geo import haversine_km
from werkstatt.engines.supplier_ranking import able_to_do
from werkstatt.network.models import Organisation

from .ranking import DemandSpec, StepSpec, candidate_directory, visible_positions

# Seconds per proposal: a page waits for the best and the alternatives.
DEFAULT_TIME_LIMIT = 2.0


@dataclass
class ConsortiumMember:
    step_id: str
    capability: str
    organisation: Organisation
    lat: float
    lon: float


@dataclass
class Leg:
    """One transport of the route: from a step's supplier to the next one's, or to the buyer
    (`to_organisation` None)."""

    from_step: str
    from_organisation: Organisation
    to_step: str | None
    to_organisation: Organisation | None
    km: float
    from_point: tuple[float, float]
    to_point: tuple[float, float]


@dataclass
class Consortium:
    members: list[ConsortiumMember]
    cost_km: float
    transport_km: float
    partner_cost_km: float
    partners: int
    optimal: bool
    gap: float
    legs: list[Leg]

    @property
    def organisations(self) -> list[Organisation]:
        """The distinct partners, in the order of their first step."""
        seen: dict[int, Organisation] = {}
        for m in self.members:
            seen.setdefault(m.organisation.pk, m.organisation)
        return list(seen.values())


@dataclass
class ConsortiumProposal:
    feasible: bool
    consortia: list[Consortium] = field(default_factory=list)  # the best first
    uncovered_steps: list[str] = field(default_factory=list)
    reason: str = ""  # the engine's reason when infeasible (English, for logs; see below)
    partner_limit: bool = False  # infeasible only because of max_partners
    buyer: tuple[float, float] | None = None
    seconds: float = 0.0

    @property
    def best(self) -> Consortium | None:
        return self.consortia[0] if self.consortia else None


@dataclass
class StepCoverage:
    """How many candidate suppliers can do one step, and how many the broader process.

    `able`: can do the step (its capability or one below, and its certifications: the engine's
    rule); `able_without_certifications`: have the capability but not all certifications.
    `broader`: the step's parent in the taxonomy (never a DIN 8580 main group such as
    "fuegen": too broad to stand for a step), or "" if there is none; `broader_able`: can do
    the step widened to it (the broader capability or one below it, with the step's
    certifications); `broader_without_certifications`: the same without the certifications."""

    step_id: str
    capability: str
    able: int
    able_without_certifications: int
    broader: str = ""
    broader_able: int = 0
    broader_without_certifications: int = 0


def broader_key(capability: str) -> str:
    """The step's parent capability when widening makes sense ("" for a main group's child)."""
    parent = capability.rsplit(".", 1)[0] if "." in capability else ""
    return parent if "." in parent else ""


def step_coverage(demand_spec: DemandSpec, *, viewer: Any = None) -> list[StepCoverage]:
    """Per step of the demand: who can do it, and who the broader process (vectorised over the
    directory's copy, the same candidates as the ranking and the consortia)."""
    directory = candidate_directory(demand_spec.steps)
    table = directory.table
    visible = np.zeros(len(directory.pks), dtype=bool)
    visible[visible_positions(directory, demand_spec, viewer)] = True
    located = table.site_start[1:] > table.site_start[:-1]  # the engine needs a position
    visible &= located

    def count(capability: str, certifications: list[str]) -> int:
        return int((able_to_do(table, capability, certifications) & visible).sum())

    out = []
    for step, sid in zip(demand_spec.steps, demand_spec.step_ids(), strict=True):
        broader = broader_key(step.capability)
        out.append(
            StepCoverage(
                step_id=sid,
                capability=step.capability,
                able=count(step.capability, step.certifications),
                able_without_certifications=count(step.capability, []),
                broader=broader,
                broader_able=count(broader, step.certifications) if broader else 0,
                broader_without_certifications=count(broader, []) if broader else 0,
            )
        )
    return out


def widened(demand_spec: DemandSpec, steps: dict[str, str]) -> DemandSpec:
    """The demand with the capability of some steps (step id -> broader key) widened."""
    return DemandSpec(
        steps=[
            StepSpec(
                capability=steps.get(sid, s.capability),
                certifications=list(s.certifications),
                material=s.material,
                quantity=s.quantity,
                id=s.id,
            )
            for s, sid in zip(demand_spec.steps, demand_spec.step_ids(), strict=True)
        ],
        lat=demand_spec.lat,
        lon=demand_spec.lon,
        text=demand_spec.text,
        exclude=list(demand_spec.exclude),
    )


def engine_input(
    demand_spec: DemandSpec,
    *,
    max_partners: int | None = None,
    partner_cost_km: float = 0.0,
    viewer: Any = None,
) -> tuple[Demand, dict[str, int]]:
    """The engine's Demand for `demand_spec`, and supplier id -> organisation pk."""
    if demand_spec.lat is None or demand_spec.lon is None:
        raise ValueError("a consortium needs the delivery place (lat/lon)")
    directory = candidate_directory(demand_spec.steps)
    table = directory.table
    steps = tuple(
        Step(sid, s.capability, frozenset(s.certifications))
        for s, sid in zip(demand_spec.steps, demand_spec.step_ids(), strict=True)
    )
    suppliers: list[Supplier] = []
    ids: dict[str, int] = {}
    lat0, lon0 = demand_spec.lat, demand_spec.lon
    # Candidates with a capability key that serves some step (vectorised over the copy).
    serving = np.array(
        [
            any(k == st.capability or k.startswith(st.capability + ".") for st in steps)
            for k in table.cap_keys
        ],
        dtype=bool,
    )
    hits = np.concatenate([[0], np.cumsum(serving[table.cap_codes])]) if len(serving) else None
    positions = visible_positions(directory, demand_spec, viewer)
    if hits is None:
        positions = positions[:0]
    else:
        serves = hits[table.cap_start[1:]] - hits[table.cap_start[:-1]] > 0
        positions = positions[serves[positions]]
    for position in positions.tolist():
        caps = frozenset(
            table.cap_keys[c]
            for c in table.cap_codes[table.cap_start[position] : table.cap_start[position + 1]]
        )
        s0, s1 = table.site_start[position], table.site_start[position + 1]
        if s1 == s0:
            continue
        lats, lons = table.site_lat[s0:s1], table.site_lon[s0:s1]
        nearest = int(
            np.argmin([haversine_km(lat0, lon0, a, b) for a, b in zip(lats, lons, strict=True)])
        )
        certs = frozenset(
            table.cert_keys[c]
            for c in table.cert_codes[table.cert_start[position] : table.cert_start[position + 1]]
        )
        pk = directory.pks[position]
        sid = str(pk)
        ids[sid] = pk
        suppliers.append(Supplier(sid, float(lats[nearest]), float(lons[nearest]), caps, certs))
    demand = Demand(lat0, lon0, steps, tuple(suppliers), max_partners, float(partner_cost_km))
    return demand, ids


def propose_consortia(
    demand_spec: DemandSpec,
    *,
    alternatives: int = 3,
    max_partners: int | None = None,
    partner_cost_km: float = 0.0,
    viewer: Any = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> ConsortiumProposal:
    """The best consortium for the demand and up to `alternatives` genuinely different ones."""
    demand, ids = engine_input(
        demand_spec, max_partners=max_partners, partner_cost_km=partner_cost_km, viewer=viewer
    )
    result = form_consortium(demand, alternatives=alternatives, time_limit=time_limit)
    buyer = (demand.buyer_lat, demand.buyer_lon)
    if not result["feasible"]:
        return ConsortiumProposal(
            feasible=False,
            uncovered_steps=list(result["uncovered_steps"]),
            reason=result["reason"],
            partner_limit=not result["uncovered_steps"],
            buyer=buyer,
            seconds=result["seconds"],
        )
    answers = [result, *result.get("alternatives", [])]
    pks = {ids[a["supplier"]] for answer in answers for a in answer["assignments"]}
    organisations = Organisation.objects.select_related("region").in_bulk(list(pks))
    where = {s.id: (s.lat, s.lon) for s in demand.suppliers}
    capability = {s.id: s.capability for s in demand.steps}
    consortia = []
    for answer in answers:
        members = [
            ConsortiumMember(
                step_id=a["step"],
                capability=capability[a["step"]],
                organisation=organisations[ids[a["supplier"]]],
                lat=where[a["supplier"]][0],
                lon=where[a["supplier"]][1],
            )
            for a in answer["assignments"]
        ]
        legs = []
        for leg in answer["breakdown"]["legs"]:
            source = leg["from"]["supplier"]
            target = leg["to"].get("supplier")
            legs.append(
                Leg(
                    from_step=leg["from"]["step"],
                    from_organisation=organisations[ids[source]],
                    to_step=leg["to"].get("step"),
                    to_organisation=organisations[ids[target]] if target else None,
                    km=leg["km"],
                    from_point=where[source],
                    to_point=where[target] if target else buyer,
                )
            )
        consortia.append(
            Consortium(
                members=members,
                cost_km=answer["cost_km"],
                transport_km=answer["breakdown"]["transport_km"],
                partner_cost_km=answer["breakdown"]["partner_cost_km"],
                partners=answer["partners"],
                optimal=answer["optimal"],
                gap=answer["gap"],
                legs=legs,
            )
        )
    return ConsortiumProposal(
        feasible=True, consortia=consortia, buyer=buyer, seconds=result["seconds"]
    )
