"""Consortia of suppliers for a production chain (FORMATS.md §2). No Django in here.

A demand is a chain of steps; material flows from step 1 to the last step, then to the buyer.
A supplier can do a step if it has the step's capability, or a capability below it in the
taxonomy ("trennen.spanen.fraesen" can do a step asking for "trennen.spanen": a milling shop is
a machining shop; the reverse does not hold: a step asking for milling needs a firm that says it
mills), and all of the step's certifications. Cost, in km:

    sum of great-circle distances between the suppliers of consecutive steps (0 for the same
    supplier) + distance from the last step's supplier to the buyer
    + partner_cost_km x number of distinct suppliers

with an optional `max_partners` (at most that many distinct suppliers).

How the optimum is found (`form_consortium`):

- Without `partner_cost_km` and `max_partners` the problem is a shortest path through a layered
  graph (one layer per step, the capable suppliers as nodes), solved exactly by a dynamic
  programme from the buyer backwards. A layer-to-layer step is a "min-plus distance transform"
  f(s) = min_t d(s, t) + g(t), which naively costs |S| x |T| distances (10^8 for 10,000 x 10,000).
  `_min_plus_distance` cuts that with bounds: targets are put into grid cells with each cell's
  smallest g; sources are processed cell by cell, first against the cells with the best lower
  bound (box distance + smallest g), then against every cell whose lower bound is below the
  worst upper bound found in the source cell. Nothing that could be better is skipped, so the
  result is exact; in practice each source sees a thin ellipse of cells between it and the
  buyer's side.
- With a partner cost or a partner limit, "the same supplier" couples the steps (a firm used at
  steps 1 and 5 is paid for once), which a path cannot see. Then a MILP (HiGHS via highspy):
  x[i, s] (supplier s does step i), flow variables on the arcs between consecutive layers,
  binary y[s] >= x[i, s] (s is a partner, costs partner_cost_km), sum y <= max_partners. Only y
  is integer: with the partners fixed the chain is a network flow with an integral LP optimum,
  read off exactly by the chain DP over the chosen partners (x is integer too when no-good rows
  for alternatives are present, which break that structure). Before it is
  built, every node and arc whose lower bound (the partner-free shortest path through it, plus
  the partner cost of the partners it needs at least) exceeds a known feasible solution is
  dropped, which keeps the model small without losing the optimum. HiGHS gets a time limit; if it
  stops early the answer carries `optimal: false` and the proven relative `gap`.
- Alternatives: the next proposal is the cheapest consortium that differs from each earlier one
  in at least `min_changed` steps (default: a third of the steps, at least one), solved by the
  same MILP with one "no-good" row per earlier proposal. So they are genuinely different chains,
  not the best one with one firm swapped at the end.

`greedy_consortium` is the baseline the benchmarks and tests compare against: the capable
supplier nearest the buyer for step 1, then for each further step the same supplier if it can,
else the capable supplier nearest the previous one.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .geo import EARTH_RADIUS_KM, haversine_km

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

DEFAULT_TIME_LIMIT = 10.0
# Above this many arcs after pruning, the MILP is not built; the best heuristic answer is
# returned with its proven gap instead.
MAX_MILP_ARCS = 2_000_000
# Dense transforms below this many source x target pairs (bounds do not pay off).
_DENSE_PAIRS = 2_000_000
_CHUNK = 2_000_000  # pairs per block of MILP arcs: memory stays around 100 MB
# Pairs per block of the distance transform: small enough that the block's temporaries stay in
# the CPU cache (64k pairs ran twice as fast as 2M on the bench instances).
_BLOCK = 65_536
_TARGETS_PER_CELL = 24
_EPS = 1e-7  # km: slack for rounding in bounds and comparisons


class DemandError(ValueError):
    """A malformed demand: the message names the field and the index ("steps[2].capability")."""


@dataclass(frozen=True)
class Step:
    id: str
    capability: str
    certifications: frozenset[str]


@dataclass(frozen=True)
class Supplier:
    id: str
    lat: float
    lon: float
    capabilities: frozenset[str]
    certifications: frozenset[str]


@dataclass(frozen=True)
class Demand:
    buyer_lat: float
    buyer_lon: float
    steps: tuple[Step, ...]
    suppliers: tuple[Supplier, ...]
    max_partners: int | None = None
    partner_cost_km: float = 0.0


# --- reading a demand ------------------------------------------------------------------------


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return f'a string ("{value[:30]}")'
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _number(value: Any, where: str, low: float | None = None, high: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise DemandError(f"{where}: must be a number, got {_type_name(value)}")
    number = float(value)
    if not math.isfinite(number):
        raise DemandError(f"{where}: must be a finite number")
    if (low is not None and number < low) or (high is not None and number > high):
        raise DemandError(f"{where}: {value} is out of range ({low:g} to {high:g})")
    return number


def _identifier(value: Any, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise DemandError(f"{where}: must be a string, got {_type_name(value)}")
    text = str(value).strip()
    if not text:
        raise DemandError(f"{where}: must not be empty")
    return text


def _strings(value: Any, where: str) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list):
        raise DemandError(f"{where}: must be a list of strings, got {_type_name(value)}")
    out = set()
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise DemandError(f"{where}[{index}]: must be a string, got {_type_name(item)}")
        if item.strip():
            out.add(item.strip())
    return frozenset(out)


def _field(obj: Mapping[str, Any], name: str, where: str) -> Any:
    if name not in obj:
        raise DemandError(f"{where}.{name}: missing" if where else f"{name}: missing")
    return obj[name]


def _object(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise DemandError(f"{where}: must be an object, got {_type_name(value)}")
    return value


def parse_demand(data: Any) -> Demand:
    """A `Demand` from the parsed JSON of FORMATS.md §2; DemandError names what is wrong.

    Unknown extra fields are ignored. Ids may be strings or integers (read as strings).
    """
    if not isinstance(data, dict):
        raise DemandError(f"the file must hold a JSON object, got {_type_name(data)}")
    buyer = _object(_field(data, "buyer", ""), "buyer")
    buyer_lat = _number(_field(buyer, "lat", "buyer"), "buyer.lat", -90.0, 90.0)
    buyer_lon = _number(_field(buyer, "lon", "buyer"), "buyer.lon", -180.0, 180.0)

    raw_steps = _field(data, "steps", "")
    if not isinstance(raw_steps, list):
        raise DemandError(f"steps: must be a list, got {_type_name(raw_steps)}")
    if not raw_steps:
        raise DemandError("steps: must hold at least one step")
    steps: list[Step] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_steps):
        where = f"steps[{index}]"
        step = _object(raw, where)
        step_id = _identifier(_field(step, "id", where), f"{where}.id")
        if step_id in seen:
            raise DemandError(f"{where}.id: {step_id!r} is used twice")
        seen.add(step_id)
        capability = _identifier(_field(step, "capability", where), f"{where}.capability")
        certifications = _strings(step.get("certifications"), f"{where}.certifications")
        steps.append(Step(step_id, capability, certifications))

    raw_suppliers = _field(data, "suppliers", "")
    if not isinstance(raw_suppliers, list):
        raise DemandError(f"suppliers: must be a list, got {_type_name(raw_suppliers)}")
    suppliers: list[Supplier] = []
    seen = set()
    for index, raw in enumerate(raw_suppliers):
        where = f"suppliers[{index}]"
        supplier = _object(raw, where)
        supplier_id = _identifier(_field(supplier, "id", where), f"{where}.id")
        if supplier_id in seen:
            raise DemandError(f"{where}.id: {supplier_id!r} is used twice")
        seen.add(supplier_id)
        lat = _number(_field(supplier, "lat", where), f"{where}.lat", -90.0, 90.0)
        lon = _number(_field(supplier, "lon", where), f"{where}.lon", -180.0, 180.0)
        capabilities = _strings(_field(supplier, "capabilities", where), f"{where}.capabilities")
        certifications = _strings(supplier.get("certifications"), f"{where}.certifications")
        suppliers.append(Supplier(supplier_id, lat, lon, capabilities, certifications))

    max_partners: int | None = None
    raw_max = data.get("max_partners")
    if raw_max is not None:
        if isinstance(raw_max, bool) or not isinstance(raw_max, (int, float)):
            raise DemandError(f"max_partners: must be a whole number, got {_type_name(raw_max)}")
        if not float(raw_max).is_integer() or raw_max < 1:
            raise DemandError(f"max_partners: {raw_max} must be a whole number of at least 1")
        max_partners = int(raw_max)
    partner_cost = data.get("partner_cost_km")
    partner_cost_km = 0.0
    if partner_cost is not None:
        partner_cost_km = _number(partner_cost, "partner_cost_km", 0.0, 1e6)
    return Demand(
        buyer_lat, buyer_lon, tuple(steps), tuple(suppliers), max_partners, partner_cost_km
    )


def _as_demand(demand: Demand | Mapping[str, Any]) -> Demand:
    return demand if isinstance(demand, Demand) else parse_demand(dict(demand))


def can_do(supplier: Supplier, step: Step) -> bool:
    """Whether `supplier` can do `step`: the capability or one below it, all certifications."""
    if not step.certifications <= supplier.certifications:
        return False
    prefix = step.capability + "."
    return any(c == step.capability or c.startswith(prefix) for c in supplier.capabilities)


# --- distances ------------------------------------------------------------------------------


class _Points:
    """Suppliers' coordinates as arrays (radians, cosines) for vectorised haversine."""

    def __init__(self, lats: Sequence[float], lons: Sequence[float]) -> None:
        self.lat_deg = np.asarray(lats, dtype=np.float64)
        self.lon_deg = np.asarray(lons, dtype=np.float64)
        self.phi = np.radians(self.lat_deg)
        self.lam = np.radians(self.lon_deg)
        self.cos = np.cos(self.phi)
        # Unit vectors: chord lengths by one matrix product, a cheap lower bound of the arc.
        self.xyz = np.column_stack(
            [self.cos * np.cos(self.lam), self.cos * np.sin(self.lam), np.sin(self.phi)]
        )

    def to_point(self, idx: IntArray, lat: float, lon: float) -> FloatArray:
        """Distances (km) from the points `idx` to one point."""
        phi, lam = math.radians(lat), math.radians(lon)
        h = np.sin((self.phi[idx] - phi) / 2) ** 2 + self.cos[idx] * math.cos(phi) * (
            np.sin((self.lam[idx] - lam) / 2) ** 2
        )
        return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))

    def pairs(self, a: IntArray, b: IntArray) -> FloatArray:
        """Distances (km) between a[k] and b[k] for each k."""
        h = np.sin((self.phi[a] - self.phi[b]) / 2) ** 2 + self.cos[a] * self.cos[b] * (
            np.sin((self.lam[a] - self.lam[b]) / 2) ** 2
        )
        return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))

    def matrix(self, a: IntArray, b: IntArray) -> FloatArray:
        """Distances (km) between every point of `a` (rows) and of `b` (columns)."""
        pa, pb = self.phi[a][:, None], self.phi[b][None, :]
        h = np.sin((pa - pb) / 2) ** 2 + self.cos[a][:, None] * self.cos[b][None, :] * (
            np.sin((self.lam[a][:, None] - self.lam[b][None, :]) / 2) ** 2
        )
        np.clip(h, 0.0, 1.0, out=h)
        return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h))


def _box_lower_bound(
    lat0: float, lat1: float, lon0: float, lon1: float, boxes: FloatArray
) -> FloatArray:
    """A lower bound (km) on the distance between any point of the box (degrees) and any point
    of each of `boxes` (rows lat0, lat1, lon0, lon1). Valid when no box wraps the antimeridian:
    haversine's h >= sin²(Δφ_min/2) + cos²(φ_max)·sin²(Δλ_min/2)."""
    dlat = np.maximum(0.0, np.maximum(boxes[:, 0] - lat1, lat0 - boxes[:, 1]))
    dlon = np.maximum(0.0, np.maximum(boxes[:, 2] - lon1, lon0 - boxes[:, 3]))
    dlon = np.minimum(dlon, 180.0)
    phimax = np.radians(
        np.maximum(max(abs(lat0), abs(lat1)), np.maximum(np.abs(boxes[:, 0]), np.abs(boxes[:, 1])))
    )
    h = np.sin(np.radians(dlat) / 2) ** 2 + np.cos(phimax) ** 2 * np.sin(np.radians(dlon) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))) * (1 - 1e-9) - _EPS


# A chord computed as sqrt(2 - 2 p.q) is off by at most ~1e-4 km near zero; bounds get this slack.
_CHORD_SLACK_KM = 1e-3


def _block_min(
    points: _Points, block: IntArray, targets: IntArray, g: FloatArray
) -> tuple[FloatArray, IntArray]:
    """For each source in `block`: min over `targets` of d(s, t) + g, and the position of t.

    Exact, without a haversine per pair: the chord length c (one matrix product) gives
    R * c <= d = 2R asin(c / 2), a lower bound within 0.01 % at regional distances. The pair
    with the least bound gives an upper bound (exact haversine); only pairs whose lower bound is
    below it (near-ties) are evaluated exactly.
    """
    rows = np.arange(len(block))
    low = points.xyz[block] @ points.xyz[targets].T
    np.multiply(low, -2.0, out=low)
    low += 2.0
    np.maximum(low, 0.0, out=low)
    np.sqrt(low, out=low)
    low *= EARTH_RADIUS_KM
    low += g[None, :]
    j = np.argmin(low, axis=1)
    upper = points.pairs(block, targets[j]) + g[j]
    r, c = np.nonzero(low < (upper + _CHORD_SLACK_KM)[:, None])
    if len(r) == len(block):  # only the argmin of each row
        return upper, j
    exact = points.pairs(block[r], targets[c]) + g[c]
    order = np.lexsort((c, exact, r))
    first = np.searchsorted(r[order], rows)
    pick = order[first]
    return exact[pick], c[pick]


def _dense_min_plus(
    points: _Points, sources: IntArray, targets: IntArray, g: FloatArray
) -> tuple[FloatArray, IntArray]:
    best = np.full(len(sources), np.inf)
    arg = np.zeros(len(sources), dtype=np.intp)
    rows = max(1, _BLOCK // max(1, len(targets)))
    for start in range(0, len(sources), rows):
        block = sources[start : start + rows]
        best[start : start + rows], arg[start : start + rows] = _block_min(
            points, block, targets, g
        )
    return best, arg


def _min_plus_distance(
    points: _Points,
    sources: IntArray,
    targets: IntArray,
    g: FloatArray,
    *,
    lipschitz: bool = False,
) -> tuple[FloatArray, IntArray]:
    """For each source s: min over targets t of d(s, t) + g[t], and the position of the best t.

    Exact. Large layers use grid cells and lower bounds (see the module docstring).
    `lipschitz`: g is 1-Lipschitz in the distance (|g(t) - g(u)| <= d(t, u)), as every
    cost-to-go of the chain DP is (an inf-convolution with the distance, or the distance to the
    buyer). Then a source that is itself a target needs no search: d(s, t) + g(t) >= g(s) for
    every t, so staying with the same supplier is optimal.
    """
    if len(sources) == 0 or len(targets) == 0:
        return np.full(len(sources), np.inf), np.zeros(len(sources), dtype=np.intp)
    if lipschitz:
        sorter = np.argsort(targets, kind="stable")
        found = np.searchsorted(targets[sorter], sources)
        found = np.minimum(found, len(targets) - 1)
        same = targets[sorter][found] == sources
        best = np.empty(len(sources))
        arg = np.empty(len(sources), dtype=np.intp)
        best[same] = g[sorter[found[same]]]
        arg[same] = sorter[found[same]]
        other = ~same
        if other.any():
            best[other], arg[other] = _min_plus_distance(points, sources[other], targets, g)
        return best, arg
    lon_all = np.concatenate([points.lon_deg[sources], points.lon_deg[targets]])
    if len(sources) * len(targets) <= _DENSE_PAIRS or lon_all.max() - lon_all.min() > 180.0:
        return _dense_min_plus(points, sources, targets, g)

    tlat, tlon = points.lat_deg[targets], points.lon_deg[targets]
    slat, slon = points.lat_deg[sources], points.lon_deg[sources]
    lat_lo = min(tlat.min(), slat.min())
    lon_lo = min(tlon.min(), slon.min())
    lat_span = max(tlat.max(), slat.max()) - lat_lo + 1e-9
    lon_span = max(tlon.max(), slon.max()) - lon_lo + 1e-9
    squash = max(0.05, math.cos(math.radians(lat_lo + lat_span / 2)))
    cells = max(1.0, len(targets) / _TARGETS_PER_CELL)
    size = math.sqrt(lat_span * lon_span * squash / cells)  # latitude degrees per cell
    size_lon = size / squash
    ncol = max(1, math.ceil(lon_span / size_lon))

    def cell_of(lat: FloatArray, lon: FloatArray) -> IntArray:
        r = np.floor((lat - lat_lo) / size).astype(np.intp)
        c = np.floor((lon - lon_lo) / size_lon).astype(np.intp)
        return r * ncol + c

    # Targets grouped by cell: contiguous runs in `order`.
    tcell = cell_of(tlat, tlon)
    order = np.argsort(tcell, kind="stable")
    sorted_cells = tcell[order]
    keys, starts, counts = np.unique(sorted_cells, return_index=True, return_counts=True)
    ends = starts + counts
    ot = targets[order]
    og = g[order]
    olat, olon = tlat[order], tlon[order]
    ncell = len(keys)
    boxes = np.empty((ncell, 4))
    boxes[:, 0] = np.minimum.reduceat(olat, starts)
    boxes[:, 1] = np.maximum.reduceat(olat, starts)
    boxes[:, 2] = np.minimum.reduceat(olon, starts)
    boxes[:, 3] = np.maximum.reduceat(olon, starts)
    gmin = np.minimum.reduceat(og, starts)

    best = np.full(len(sources), np.inf)
    arg = np.zeros(len(sources), dtype=np.intp)
    scell = cell_of(slat, slon)
    sorder = np.argsort(scell, kind="stable")
    s_keys, s_starts, s_counts = np.unique(scell[sorder], return_index=True, return_counts=True)
    del s_keys
    first_targets = 4 * _TARGETS_PER_CELL
    for s0, sn in zip(s_starts.tolist(), s_counts.tolist(), strict=True):
        members = sorder[s0 : s0 + sn]
        block = sources[members]
        blat, blon = slat[members], slon[members]
        lb = _box_lower_bound(blat.min(), blat.max(), blon.min(), blon.max(), boxes) + gmin
        by_bound = np.argsort(lb, kind="stable")
        # First pass: the most promising cells, to get upper bounds.
        taken = np.searchsorted(np.cumsum(counts[by_bound]), first_targets) + 1
        first = by_bound[:taken]
        cand = np.concatenate([np.arange(starts[c], ends[c]) for c in first.tolist()])
        b, j = _block_min(points, block, ot[cand], og[cand])
        a = cand[j]
        # Second pass: every other cell that could still beat the worst of this cell's sources.
        ub = float(b.max())
        rest = by_bound[taken:]
        rest = rest[lb[rest] < ub]
        if len(rest):
            cand = np.concatenate([np.arange(starts[c], ends[c]) for c in rest.tolist()])
            step = max(1, _BLOCK // len(block))
            for c0 in range(0, len(cand), step):
                part = cand[c0 : c0 + step]
                v, j = _block_min(points, block, ot[part], og[part])
                better = v < b
                b = np.where(better, v, b)
                a = np.where(better, part[j], a)
        best[members] = b
        arg[members] = order[a]
    return best, arg


# --- the instance ---------------------------------------------------------------------------


@dataclass
class _Instance:
    demand: Demand
    points: _Points
    capable: list[IntArray]  # per step: indices of suppliers that can do it
    to_buyer: FloatArray  # per supplier

    @classmethod
    def build(cls, demand: Demand) -> _Instance:
        suppliers = demand.suppliers
        points = _Points([s.lat for s in suppliers], [s.lon for s in suppliers])
        # Which capability keys serve each step (the key or one below it), then each distinct
        # (capabilities, certifications) pair once: many suppliers share them.
        keys: set[str] = set()
        for s in suppliers:
            keys |= s.capabilities
        serving = [
            frozenset(k for k in keys if k == st.capability or k.startswith(st.capability + "."))
            for st in demand.steps
        ]
        rows: dict[tuple[frozenset[str], frozenset[str]], tuple[int, ...]] = {}
        members: list[list[int]] = [[] for _ in demand.steps]
        for index, s in enumerate(suppliers):
            signature = (s.capabilities, s.certifications)
            row = rows.get(signature)
            if row is None:
                row = tuple(
                    j
                    for j, (st, keys_j) in enumerate(zip(demand.steps, serving, strict=True))
                    if not keys_j.isdisjoint(s.capabilities)
                    and st.certifications <= s.certifications
                )
                rows[signature] = row
            for j in row:
                members[j].append(index)
        capable = [np.array(m, dtype=np.intp) for m in members]
        to_buyer = points.to_point(
            np.arange(len(suppliers), dtype=np.intp), demand.buyer_lat, demand.buyer_lon
        )
        return cls(demand, points, capable, to_buyer)

    def cost(self, path: Sequence[int]) -> float:
        """The exact cost of an assignment (supplier index per step)."""
        d = self.demand
        total = 0.0
        for a, b in itertools.pairwise(path):
            if a != b:
                sa, sb = d.suppliers[a], d.suppliers[b]
                total += haversine_km(sa.lat, sa.lon, sb.lat, sb.lon)
        last = d.suppliers[path[-1]]
        total += haversine_km(last.lat, last.lon, d.buyer_lat, d.buyer_lon)
        return total + d.partner_cost_km * len(set(path))


@dataclass
class _Solution:
    path: tuple[int, ...]
    cost: float
    optimal: bool
    lower_bound: float


# --- exact methods --------------------------------------------------------------------------


def _backward(inst: _Instance) -> tuple[list[FloatArray], list[IntArray]]:
    """Cost-to-go per layer (partner-free shortest path to the buyer) and the argmins."""
    steps = len(inst.capable)
    go: list[FloatArray] = [np.empty(0)] * steps
    nxt: list[IntArray] = [np.empty(0, dtype=np.intp)] * steps
    go[-1] = inst.to_buyer[inst.capable[-1]]
    for i in range(steps - 2, -1, -1):
        targets = inst.capable[i + 1]
        useful = np.arange(len(targets))
        if i + 2 < steps:
            # A target whose best next supplier is another supplier of the same step is
            # dominated by that supplier for every source (g(t) = d(t, u) + g(u), and
            # d(s, u) <= d(s, t) + d(t, u)): leave it out of the search.
            following = inst.capable[i + 2][nxt[i + 1]]
            sorter = np.argsort(targets, kind="stable")
            where = np.minimum(np.searchsorted(targets[sorter], following), len(targets) - 1)
            also_here = targets[sorter][where] == following
            useful = np.flatnonzero((following == targets) | ~also_here)
        value, position = _min_plus_distance(
            inst.points, inst.capable[i], targets[useful], go[i + 1][useful], lipschitz=True
        )
        go[i], nxt[i] = value, useful[position]
    return go, nxt


def _forward(inst: _Instance) -> list[FloatArray]:
    """Cost-from-start per layer (partner-free shortest path from step 1 to each node)."""
    steps = len(inst.capable)
    come: list[FloatArray] = [np.zeros(len(inst.capable[0]))]
    for i in range(1, steps):
        value, _ = _min_plus_distance(
            inst.points, inst.capable[i], inst.capable[i - 1], come[-1], lipschitz=True
        )
        come.append(value)
    return come


_MAX_COVER_STEPS = 14


@dataclass
class _Partners:
    """Lower bounds on the number of distinct partners: the fewest suppliers that together can
    do a set of steps (a set cover over the suppliers' step masks, exact by a DP over subsets;
    for chains longer than _MAX_COVER_STEPS only 1 or 2)."""

    mask: npt.NDArray[np.int64]  # per supplier: bit i set if it can do step i
    cover: npt.NDArray[np.int64] | None  # per subset of steps: fewest suppliers covering it
    full: int

    @classmethod
    def build(cls, inst: _Instance) -> _Partners:
        steps = len(inst.capable)
        mask = np.zeros(len(inst.demand.suppliers), dtype=np.int64)
        for i, layer in enumerate(inst.capable):
            mask[layer] |= 1 << i
        full = (1 << steps) - 1
        if steps > _MAX_COVER_STEPS:
            return cls(mask, None, full)
        masks = np.unique(mask[mask > 0])
        big = steps + 1
        cover = np.full(1 << steps, big, dtype=np.int64)
        cover[0] = 0
        for m in range(1, 1 << steps):  # subsets in increasing order: m & ~a < m
            useful = masks[(masks & m) != 0]
            if len(useful):
                cover[m] = 1 + int(cover[m & ~useful].min())
        return cls(mask, cover, full)

    def rest(self, used: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Fewest further suppliers for the steps that suppliers with masks `used` cannot do."""
        if self.cover is None:
            return np.where((used & self.full) == self.full, 0, 1)
        return self.cover[self.full & ~used]

    def total(self) -> int:
        """Fewest partners of any consortium."""
        if self.cover is None:
            return 1 if (self.mask == self.full).any() else 2
        return int(self.cover[self.full])


def _milp(
    inst: _Instance,
    *,
    upper: float,
    start: Sequence[int] | None,
    nogoods: Sequence[tuple[int, ...]],
    min_changed: int,
    come: list[FloatArray],
    go: list[FloatArray],
    time_limit: float,
) -> tuple[_Solution | None, bool]:
    """The MILP of the module docstring over nodes and arcs whose lower bound is <= `upper`.

    Returns (solution or None, proven_infeasible). `upper` must be the cost of a feasible
    solution of this very problem (or inf): pruning keeps everything that could be as good.
    """
    import highspy  # noqa: PLC0415 - only when needed: the pure chain needs no solver

    d = inst.demand
    steps = len(inst.capable)
    pc = d.partner_cost_km
    cover = _Partners.build(inst)
    most = d.max_partners if d.max_partners is not None else steps
    limit = upper + _EPS + 1e-9 * abs(upper) if math.isfinite(upper) else math.inf

    # Nodes: (step, supplier) with come + go + pc * (partners it needs at least) <= upper.
    node_sup: list[IntArray] = []
    for i in range(steps):
        layer = inst.capable[i]
        need = 1 + cover.rest(cover.mask[layer])
        keep = (come[i] + go[i] + pc * need <= limit) & (need <= most)
        node_sup.append(layer[keep])
    node_come = []
    node_go = []
    for i in range(steps):
        pos = {int(s): k for k, s in enumerate(inst.capable[i].tolist())}
        sel = np.array([pos[int(s)] for s in node_sup[i]], dtype=np.intp)
        node_come.append(come[i][sel] if len(sel) else np.empty(0))
        node_go.append(go[i][sel] if len(sel) else np.empty(0))
    if any(len(n) == 0 for n in node_sup):
        return None, not math.isfinite(upper)

    # Arcs between consecutive layers.
    arcs: list[tuple[IntArray, IntArray, FloatArray]] = []  # per layer: (from pos, to pos, km)
    total_arcs = 0
    for i in range(steps - 1):
        a, b = node_sup[i], node_sup[i + 1]
        froms, tos, kms = [], [], []
        rows = max(1, _CHUNK // max(1, len(b)))
        for r0 in range(0, len(a), rows):
            block = a[r0 : r0 + rows]
            dist = inst.points.matrix(block, b)
            same = block[:, None] == b[None, :]
            dist[same] = 0.0
            both = cover.mask[block][:, None] | cover.mask[b][None, :]
            partners = np.where(same, 1, 2) + cover.rest(both)
            bound = node_come[i][r0 : r0 + rows][:, None] + dist + node_go[i + 1][None, :]
            keep = (bound + pc * partners <= limit) & (partners <= most)
            fi, ti = np.nonzero(keep)
            froms.append(fi + r0)
            tos.append(ti)
            kms.append(dist[fi, ti])
            total_arcs += len(fi)
            if total_arcs > MAX_MILP_ARCS:
                return None, False
        arcs.append((np.concatenate(froms), np.concatenate(tos), np.concatenate(kms)))

    # Columns: x per node, then arcs per layer, then y per partner candidate.
    x_offset = np.cumsum([0] + [len(n) for n in node_sup])
    n_x = int(x_offset[-1])
    arc_offset = [n_x]
    for f, _, _ in arcs:
        arc_offset.append(arc_offset[-1] + len(f))
    n_arc = arc_offset[-1] - n_x
    partners = np.unique(np.concatenate(node_sup))
    y_of = {int(s): k for k, s in enumerate(partners.tolist())}
    y0 = n_x + n_arc
    n_col = y0 + len(partners)

    cost = np.zeros(n_col)
    cost[x_offset[-2] : x_offset[-1]] = inst.to_buyer[node_sup[-1]]
    for i, (_, _, km) in enumerate(arcs):
        cost[arc_offset[i] : arc_offset[i + 1]] = km
    cost[y0:] = pc

    # Rows as coordinate triplets.
    r_idx: list[IntArray] = []
    c_idx: list[IntArray] = []
    vals: list[FloatArray] = []
    lower: list[float] = []
    upper_rows: list[float] = []
    row = 0

    def add(rows: IntArray, cols: IntArray, values: FloatArray) -> None:
        r_idx.append(rows.astype(np.intp))
        c_idx.append(cols.astype(np.intp))
        vals.append(values.astype(np.float64))

    for i in range(steps):  # one supplier per step
        n = len(node_sup[i])
        add(np.full(n, row), np.arange(x_offset[i], x_offset[i + 1]), np.ones(n))
        lower.append(1.0)
        upper_rows.append(1.0)
        row += 1
    for i, (f, t, _) in enumerate(arcs):  # flow out of layer i, into layer i + 1
        na, nb = len(node_sup[i]), len(node_sup[i + 1])
        arc_cols = np.arange(arc_offset[i], arc_offset[i + 1])
        add(row + f, arc_cols, np.ones(len(f)))
        add(row + np.arange(na), x_offset[i] + np.arange(na), -np.ones(na))
        lower += [0.0] * na
        upper_rows += [0.0] * na
        row += na
        add(row + t, arc_cols, np.ones(len(t)))
        add(row + np.arange(nb), x_offset[i + 1] + np.arange(nb), -np.ones(nb))
        lower += [0.0] * nb
        upper_rows += [0.0] * nb
        row += nb
    for i in range(steps):  # x[i, s] <= y[s]
        n = len(node_sup[i])
        ys = np.array([y0 + y_of[int(s)] for s in node_sup[i]], dtype=np.intp)
        row_ids = row + np.arange(n)
        add(row_ids, x_offset[i] + np.arange(n), np.ones(n))
        add(row_ids, ys, -np.ones(n))
        lower += [-math.inf] * n
        upper_rows += [0.0] * n
        row += n
    # At least the fewest partners any consortium needs (a set cover bound, which the LP
    # relaxation does not see by itself), at most max_partners.
    add(np.full(len(partners), row), y0 + np.arange(len(partners)), np.ones(len(partners)))
    lower.append(float(cover.total()))
    upper_rows.append(float(d.max_partners) if d.max_partners is not None else math.inf)
    row += 1
    for previous in nogoods:  # differ in at least min_changed steps
        cols = []
        for i, s in enumerate(previous):
            hits = np.nonzero(node_sup[i] == s)[0]
            if len(hits):
                cols.append(x_offset[i] + int(hits[0]))
        if len(cols) > steps - min_changed:
            add(np.full(len(cols), row), np.array(cols), np.ones(len(cols)))
            lower.append(-math.inf)
            upper_rows.append(float(steps - min_changed))
            row += 1

    rows_all = np.concatenate(r_idx)
    cols_all = np.concatenate(c_idx)
    vals_all = np.concatenate(vals)
    order = np.lexsort((rows_all, cols_all))
    rows_all, cols_all, vals_all = rows_all[order], cols_all[order], vals_all[order]
    starts = np.searchsorted(cols_all, np.arange(n_col + 1))

    lp = highspy.HighsLp()
    lp.num_col_ = n_col
    lp.num_row_ = row
    lp.col_cost_ = cost
    lp.col_lower_ = np.zeros(n_col)
    lp.col_upper_ = np.ones(n_col)
    lp.row_lower_ = np.array(lower)
    lp.row_upper_ = np.array(upper_rows)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = starts.astype(np.int32)
    lp.a_matrix_.index_ = rows_all.astype(np.int32)
    lp.a_matrix_.value_ = vals_all
    # With the partners y fixed to 0/1 the rest is a path in a layered graph with node bounds 0
    # or 1: a network flow, whose LP optimum is integral. So only y need be integer (branching
    # on who takes part is also what closes the gap fastest). No-good rows break that structure:
    # then x is integer too.
    integrality = [highspy.HighsVarType.kContinuous] * n_col
    for k in range(y0, n_col):
        integrality[k] = highspy.HighsVarType.kInteger
    if nogoods:
        for k in range(n_x):
            integrality[k] = highspy.HighsVarType.kInteger
    lp.integrality_ = integrality

    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    solver.setOptionValue("time_limit", max(0.05, float(time_limit)))
    solver.setOptionValue("threads", 1)
    solver.setOptionValue("mip_rel_gap", 1e-9)
    solver.setOptionValue("mip_abs_gap", 1e-6)
    solver.passModel(lp)
    if start is not None:
        values = np.zeros(n_col)
        ok = True
        for i, s in enumerate(start):
            hits = np.nonzero(node_sup[i] == s)[0]
            if not len(hits):
                ok = False
                break
            values[x_offset[i] + int(hits[0])] = 1.0
            values[y0 + y_of[int(s)]] = 1.0
        if ok:
            for i, (f, t, _) in enumerate(arcs):
                fa = np.nonzero(node_sup[i] == start[i])[0][0]
                tb = np.nonzero(node_sup[i + 1] == start[i + 1])[0][0]
                hit = np.nonzero((f == fa) & (t == tb))[0]
                if not len(hit):
                    ok = False
                    break
                values[arc_offset[i] + int(hit[0])] = 1.0
        if ok:
            solution = highspy.HighsSolution()
            solution.col_value = values.tolist()
            solution.value_valid = True
            solver.setSolution(solution)
    solver.run()
    status = solver.getModelStatus()
    info = solver.getInfo()
    if status == highspy.HighsModelStatus.kInfeasible:
        return None, True
    if info.primal_solution_status != 2:  # no feasible point found in time
        return None, False
    values = np.asarray(solver.getSolution().col_value)
    x = values[:n_x]
    path = []
    for i in range(steps):
        k = int(np.argmax(x[x_offset[i] : x_offset[i + 1]]))
        path.append(int(node_sup[i][k]))
    if not nogoods:
        # x was continuous: read the chain off the chosen partners exactly (the shortest chain
        # through them, which is what the LP found for these y, now surely integral).
        chosen = partners[values[y0:] > 0.5]
        capable = [layer[np.isin(layer, chosen)] for layer in inst.capable]
        if all(len(layer) for layer in capable):
            sub = _Instance(inst.demand, inst.points, capable, inst.to_buyer)
            sub_go, sub_nxt = _backward(sub)
            candidate = _shortest_chain_from(sub, sub_go, sub_nxt)[0]
            if inst.cost(candidate) <= inst.cost(path) + _EPS:
                path = list(candidate)
    optimal = status == highspy.HighsModelStatus.kOptimal
    exact_cost = inst.cost(path)
    # HiGHS's bound is -inf if it stopped before its first relaxation: then the simple one
    # (the partner-free chain plus the fewest partners) still holds.
    simple = float(np.min(go[0])) + pc * cover.total()
    dual = float(info.mip_dual_bound)
    proven = exact_cost if optimal else max(simple, dual if math.isfinite(dual) else simple)
    return _Solution(tuple(path), exact_cost, optimal, min(proven, exact_cost)), False


# --- heuristics -----------------------------------------------------------------------------


def _greedy_path(inst: _Instance) -> tuple[int, ...] | None:
    d = inst.demand
    path: list[int] = []
    used: set[int] = set()
    for i, layer in enumerate(inst.capable):
        if not len(layer):
            return None
        allowed = layer
        if d.max_partners is not None and len(used) >= d.max_partners:
            allowed = np.array([s for s in layer.tolist() if s in used], dtype=np.intp)
            if not len(allowed):
                return None
        if i == 0:
            dist = inst.to_buyer[allowed]
        else:
            prev = path[-1]
            if prev in set(allowed.tolist()):
                path.append(prev)
                continue
            p = d.suppliers[prev]
            dist = inst.points.to_point(allowed, p.lat, p.lon)
        choice = int(allowed[int(np.argmin(dist))])
        path.append(choice)
        used.add(choice)
    return tuple(path)


def _run_chain(inst: _Instance) -> tuple[int, ...] | None:
    """A good feasible chain when partners cost or are limited: a DP that counts runs (maximal
    blocks of steps done by one supplier) as partners, with at most `max_partners` runs and
    `partner_cost_km` per run. Every chain it finds is feasible (distinct partners <= runs) and
    costs at most its DP value; it misses only chains that come back to an earlier partner."""
    d = inst.demand
    steps = len(inst.capable)
    runs = min(steps, d.max_partners if d.max_partners is not None else steps)
    # value[r][k]: least cost of steps 0..i with supplier capable[i][k] at step i, r + 1 runs.
    value = np.full((runs, len(inst.capable[0])), np.inf)
    value[0] = 0.0
    back: list[npt.NDArray[np.intp]] = []  # per layer: (runs, n_i, 2) -> (previous run, k)
    for i in range(1, steps):
        src, dst = inst.capable[i - 1], inst.capable[i]
        new = np.full((runs, len(dst)), np.inf)
        choice = np.zeros((runs, len(dst), 2), dtype=np.intp)
        same = {int(s): k for k, s in enumerate(src.tolist())}
        stay = np.array([same.get(int(t), -1) for t in dst.tolist()], dtype=np.intp)
        has = stay >= 0
        for r in range(runs):
            # Stay with the same supplier: no new run, no distance.
            cand = np.full(len(dst), np.inf)
            cand[has] = value[r][stay[has]]
            new[r] = cand
            choice[r, has, 0] = r
            choice[r, has, 1] = stay[has]
            if r == 0:
                continue
            prev = value[r - 1]
            finite = np.isfinite(prev)
            if not finite.any():
                continue
            moved, arg = _min_plus_distance(inst.points, dst, src[finite], prev[finite])
            positions = np.nonzero(finite)[0][arg]
            better = moved < new[r]
            new[r] = np.where(better, moved, new[r])
            choice[r, better, 0] = r - 1
            choice[r, better, 1] = positions[better]
        value = new
        back.append(choice)
    last = inst.to_buyer[inst.capable[-1]]
    total = value + last[None, :] + d.partner_cost_km * (np.arange(runs) + 1)[:, None]
    if not np.isfinite(total).any():
        return None
    r, k = (int(v) for v in np.unravel_index(int(np.argmin(total)), total.shape))
    path = [int(inst.capable[-1][k])]
    for i in range(steps - 1, 0, -1):
        r, k = (int(v) for v in back[i - 1][r, k])
        path.append(int(inst.capable[i - 1][k]))
    return tuple(reversed(path))


def _banned_chains(
    inst: _Instance, previous: list[tuple[int, ...]]
) -> list[tuple[int, ...] | None]:
    """Partner-free shortest chains without some earlier partners: without every partner of
    every earlier proposal, and without each partner of the latest one. Starting points (and
    upper bounds) for an alternative."""
    bans = [set(itertools.chain.from_iterable(previous))]
    bans += [{s} for s in sorted(set(previous[-1]))]
    out: list[tuple[int, ...] | None] = []
    for banned in bans:
        ban = np.array(sorted(banned), dtype=np.intp)
        capable = [layer[~np.isin(layer, ban)] for layer in inst.capable]
        if any(len(layer) == 0 for layer in capable):
            continue
        sub = _Instance(inst.demand, inst.points, capable, inst.to_buyer)
        go, nxt = _backward(sub)
        out.append(_shortest_chain_from(sub, go, nxt)[0])
        if inst.demand.partner_cost_km > 0 or inst.demand.max_partners is not None:
            out.append(_run_chain(sub))
    return out


def _differs(a: Sequence[int], b: Sequence[int]) -> int:
    return sum(1 for x, y in zip(a, b, strict=True) if x != y)


# --- output ---------------------------------------------------------------------------------


def _describe(inst: _Instance, sol: _Solution) -> dict[str, Any]:
    d = inst.demand
    legs: list[dict[str, Any]] = []
    transport = 0.0
    path = sol.path
    for i in range(len(path)):
        a = d.suppliers[path[i]]
        if i + 1 < len(path):
            if path[i + 1] == path[i]:
                continue
            b = d.suppliers[path[i + 1]]
            km = haversine_km(a.lat, a.lon, b.lat, b.lon)
            to: dict[str, Any] = {"step": d.steps[i + 1].id, "supplier": b.id}
        else:
            km = haversine_km(a.lat, a.lon, d.buyer_lat, d.buyer_lon)
            to = {"buyer": True}
        transport += km
        legs.append(
            {"from": {"step": d.steps[i].id, "supplier": a.id}, "to": to, "km": round(km, 3)}
        )
    partners = len(set(path))
    gap = 0.0 if sol.optimal or sol.cost <= 0 else max(0.0, (sol.cost - sol.lower_bound) / sol.cost)
    return {
        "feasible": True,
        "assignments": [
            {"step": step.id, "supplier": d.suppliers[s].id}
            for step, s in zip(d.steps, path, strict=True)
        ],
        "cost_km": round(sol.cost, 3),
        "partners": partners,
        "optimal": sol.optimal,
        "gap": round(gap, 6),
        "lower_bound_km": round(sol.lower_bound, 3),
        "breakdown": {
            "transport_km": round(transport, 3),
            "partner_cost_km": round(d.partner_cost_km * partners, 3),
            "legs": legs,
        },
    }


def _infeasible(inst: _Instance, started: float) -> dict[str, Any] | None:
    uncovered = [
        step.id
        for step, layer in zip(inst.demand.steps, inst.capable, strict=True)
        if not len(layer)
    ]
    if uncovered:
        return {
            "feasible": False,
            "uncovered_steps": uncovered,
            "reason": "no supplier can do these steps (capability and all certifications)",
            "seconds": round(time.perf_counter() - started, 4),
        }
    return None


def _partner_limit_infeasible(inst: _Instance, started: float) -> dict[str, Any]:
    return {
        "feasible": False,
        "uncovered_steps": [],
        "reason": (
            f"every step has capable suppliers, but no {inst.demand.max_partners} of them "
            "(max_partners) can do all steps together"
        ),
        "seconds": round(time.perf_counter() - started, 4),
    }


# --- the public functions -------------------------------------------------------------------


def form_consortium(
    demand: Demand | Mapping[str, Any],
    *,
    alternatives: int = 0,
    time_limit: float = DEFAULT_TIME_LIMIT,
    min_changed: int | None = None,
) -> dict[str, Any]:
    """The least-cost consortium for `demand` (a `Demand` or the JSON of FORMATS.md §2).

    Returns the output of FORMATS.md §2 (`feasible`, `assignments`, `cost_km`, `partners`,
    `optimal`, `seconds`) plus `gap` (proven relative gap, 0 when optimal), `lower_bound_km`,
    `breakdown` (transport km, partner cost, the legs with their km, for the map) and, if
    `alternatives` > 0, `alternatives`: up to that many further consortia, each the cheapest
    that differs from every earlier proposal in at least `min_changed` steps (default: a third
    of the steps, at least one), with the same fields. `time_limit` (seconds) bounds the solver
    for each proposal; an answer found when it runs out has `optimal: false`.
    Infeasible: `{"feasible": false, "uncovered_steps": [...], "reason": ...}`.
    """
    started = time.perf_counter()
    d = _as_demand(demand)
    inst = _Instance.build(d)
    missing = _infeasible(inst, started)
    if missing:
        return missing
    steps = len(d.steps)
    changed = max(1, min(steps, min_changed if min_changed else math.ceil(steps / 3)))
    coupled = d.partner_cost_km > 0 or d.max_partners is not None

    proposals: list[_Solution] = []
    go, nxt = _backward(inst)
    come: list[FloatArray] | None = None
    chain, chain_cost = _shortest_chain_from(inst, go, nxt)
    if not coupled:
        proposals.append(_Solution(chain, chain_cost, True, chain_cost))
    else:
        come = _forward(inst)
        best = _coupled(inst, go, come, [], changed, time_limit, chain)
        if best is None:
            return _partner_limit_infeasible(inst, started)
        proposals.append(best)

    for _ in range(max(0, alternatives)):
        if come is None:
            come = _forward(inst)
        previous = [p.path for p in proposals]
        sol = _coupled(inst, go, come, previous, changed, time_limit, None)
        if sol is None:
            break
        proposals.append(sol)

    result = _describe(inst, proposals[0])
    if alternatives > 0:
        result["alternatives"] = [_describe(inst, p) for p in proposals[1:]]
    result["seconds"] = round(time.perf_counter() - started, 4)
    return result


def _shortest_chain_from(
    inst: _Instance, go: list[FloatArray], nxt: list[IntArray]
) -> tuple[tuple[int, ...], float]:
    j = int(np.argmin(go[0]))
    path = []
    for i in range(len(inst.capable)):
        path.append(int(inst.capable[i][j]))
        if i < len(inst.capable) - 1:
            j = int(nxt[i][j])
    return tuple(path), inst.cost(path)


def _coupled(
    inst: _Instance,
    go: list[FloatArray],
    come: list[FloatArray],
    previous: list[tuple[int, ...]],
    changed: int,
    time_limit: float,
    chain: tuple[int, ...] | None,
) -> _Solution | None:
    """The best solution differing from each of `previous` in >= `changed` steps (MILP), or
    the best heuristic one with its proven bound, or None if there is none."""
    d = inst.demand

    def allowed(path: Sequence[int]) -> bool:
        if d.max_partners is not None and len(set(path)) > d.max_partners:
            return False
        return all(_differs(path, p) >= changed for p in previous)

    candidates = [chain, _greedy_path(inst)]
    if not previous:
        candidates.append(_run_chain(inst))
    else:
        candidates += _banned_chains(inst, previous)
    starts = [p for p in candidates if p is not None and allowed(p)]
    start = min(starts, key=inst.cost) if starts else None
    upper = inst.cost(start) if start is not None else math.inf
    sol, infeasible = _milp(
        inst,
        upper=upper,
        start=start,
        nogoods=previous,
        min_changed=changed,
        come=come,
        go=go,
        time_limit=time_limit,
    )
    if sol is not None:
        return sol
    if infeasible or start is None:
        return None
    # The model was too large or found nothing better in time: the start, with a proven bound
    # (the partner-free chain plus the fewest partners any consortium needs).
    bound = float(np.min(go[0])) + d.partner_cost_km * _Partners.build(inst).total()
    return _Solution(tuple(start), upper, upper <= bound + _EPS, min(bound, upper))


def greedy_consortium(demand: Demand | Mapping[str, Any]) -> dict[str, Any]:
    """The baseline: step 1 by the capable supplier nearest the buyer, then each step by the
    same supplier if it can, else by the capable supplier nearest the previous one (only
    suppliers already chosen once `max_partners` are used up). Same output as
    `form_consortium` (`optimal` is false); infeasible if the greedy walk gets stuck."""
    started = time.perf_counter()
    d = _as_demand(demand)
    inst = _Instance.build(d)
    missing = _infeasible(inst, started)
    if missing:
        return missing
    path = _greedy_path(inst)
    if path is None:
        return {
            "feasible": False,
            "uncovered_steps": [],
            "reason": "the greedy walk used up max_partners",
            "seconds": round(time.perf_counter() - started, 4),
        }
    cost = inst.cost(path)
    result = _describe(inst, _Solution(path, cost, False, 0.0))
    result["gap"] = None
    result["lower_bound_km"] = None
    result["seconds"] = round(time.perf_counter() - started, 4)
    return result


def consortium_cost(demand: Demand | Mapping[str, Any], assignment: Sequence[str]) -> float:
    """The cost (km) of assigning supplier ids `assignment` to the steps in order.

    Raises ValueError if a supplier cannot do its step or `max_partners` is exceeded."""
    d = _as_demand(demand)
    index = {s.id: i for i, s in enumerate(d.suppliers)}
    path = [index[s] for s in assignment]
    if len(path) != len(d.steps):
        raise ValueError("one supplier per step")
    for step, s in zip(d.steps, path, strict=True):
        if not can_do(d.suppliers[s], step):
            raise ValueError(f"{d.suppliers[s].id} cannot do step {step.id}")
    if d.max_partners is not None and len(set(path)) > d.max_partners:
        raise ValueError("more partners than max_partners")
    points = _Points([s.lat for s in d.suppliers], [s.lon for s in d.suppliers])
    inst = _Instance(d, points, [], np.empty(0))
    return inst.cost(path)


def brute_force_consortium(demand: Demand | Mapping[str, Any]) -> tuple[float, list[str]] | None:
    """The optimum by trying every assignment (small instances only: for tests and benches).

    Returns (cost_km, supplier ids per step) or None if no consortium exists."""
    d = _as_demand(demand)
    points = _Points([s.lat for s in d.suppliers], [s.lon for s in d.suppliers])
    inst = _Instance(d, points, [], np.empty(0))
    options = [[i for i, s in enumerate(d.suppliers) if can_do(s, step)] for step in d.steps]
    best: tuple[float, list[str]] | None = None
    for path in itertools.product(*options):
        if d.max_partners is not None and len(set(path)) > d.max_partners:
            continue
        cost = inst.cost(path)
        if best is None or cost < best[0]:
            best = (cost, [d.suppliers[i].id for i in path])
    return best
