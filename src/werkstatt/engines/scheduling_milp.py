"""Bounds and exact models of the meeting scheduler (see `scheduling`), solved with HiGHS.

- `aggregated_bound`: the LP relaxation of a model without slots: y_m in [0, 1] per meeting
  (1 for locked ones), for each participant the meetings it attends are at most r_p, the largest
  number of its meetings that fit into distinct slots where they are allowed (a bipartite
  matching, Hall's condition), and in total at most the sum over slots of
  min(tables, meetings allowed there, participants available there // 2). The bound reported is
  not the solver's objective but the weak-duality value of its duals, clipped to >= 0 and
  evaluated by us; any non-negative duals give a valid bound, so solver tolerances cannot make it
  too small (with whole-number weights it is rounded down to a whole number). Cheap (one
  variable per meeting) and, at scale, tight when tables or popular participants are the
  scarce resource.
- `solve_weight`: the exact MILP, x[m, s] binary for each meeting and allowed slot; per
  participant and slot at most one meeting, per meeting at most one slot, per slot at most the
  free tables. Warm-started with the heuristic's schedule. HiGHS's dual bound is a proven bound
  (within its tolerances: with integral weights the gap is closed below 1, so "optimal" is
  exact; otherwise within an absolute 1e-6).
- `solve_idle`: the same model with the weight held at least at the given value (its `bound` is
  a proven lower bound on the idle slots when there is no previous schedule), minimising
  K * (previous meetings not in their previous slot) + idle slots (K exceeds any possible idle
  sum, so this is lexicographic). Idle slots per participant p and slot s: b[p,s] >= busy in
  some slot <= s (monotone), e[p,s] >= busy in some slot >= s, g[p,s] >= b[p,s-1] + e[p,s+1]
  - 1 - busy[p,s], g >= 0; minimisation makes sum(g) the idle count exactly.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

from werkstatt.engines.scheduling import Instance


@dataclass
class Bound:
    """A proven upper bound on the scheduled weight, and the LP's y (None if not solved)."""

    value: float
    solution: list[float] | None


@dataclass
class MilpResult:
    """A MILP's schedule (None if none found), its proven bound and whether it is optimal."""

    slot_of: list[int] | None
    bound: float | None
    optimal: bool


def _bits(mask: int) -> list[int]:
    result = []
    while mask:
        low = mask & -mask
        result.append(low.bit_length() - 1)
        mask ^= low
    return result


def _matching_size(masks: Sequence[int]) -> int:
    """The largest number of items that get distinct slots, item i only in slots of masks[i]."""
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for s in _bits(masks[i]):
            if s in seen:
                continue
            seen.add(s)
            if s not in owner or augment(owner[s], seen):
                owner[s] = i
                return True
        return False

    return sum(1 for i in range(len(masks)) if augment(i, set()))


def _highs(deadline: float | None) -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 0)
    if deadline is not None:
        # HiGHS's own time limit starts with its run and can overrun on a busy machine: the
        # interrupt callbacks stop the simplex and the branch and bound at our deadline too.
        h.setOptionValue("time_limit", max(0.05, 0.95 * (deadline - time.perf_counter())))

        def stop(event: highspy.HighsCallbackEvent) -> None:
            if time.perf_counter() > deadline:
                event.interrupt()

        h.cbSimplexInterrupt.subscribe(stop)
        h.cbMipInterrupt.subscribe(stop)
    return h


def _lp(
    n_rows: int,
    rows: Sequence[int],
    cols: Sequence[int],
    values: Sequence[float],
    cost: np.ndarray,
    col_lower: np.ndarray,
    col_upper: np.ndarray,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    *,
    maximize: bool,
    integer_cols: int = 0,
) -> highspy.HighsLp:
    n_cols = len(cost)
    matrix = sp.csc_matrix(
        (np.asarray(values, dtype=float), (np.asarray(rows), np.asarray(cols))),
        shape=(n_rows, n_cols),
    )
    matrix.sum_duplicates()
    lp = highspy.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = n_rows
    lp.col_cost_ = cost
    lp.col_lower_ = col_lower
    lp.col_upper_ = col_upper
    lp.row_lower_ = row_lower
    lp.row_upper_ = row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data
    lp.a_matrix_.num_col_ = n_cols
    lp.a_matrix_.num_row_ = n_rows
    lp.sense_ = highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize
    if integer_cols:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * integer_cols + [
            highspy.HighsVarType.kContinuous
        ] * (n_cols - integer_cols)
    return lp


# ---------------------------------------------------------------------------------------------
# The aggregated bound


def aggregated_bound(
    inst: Instance, lock_slot: Mapping[int, int], *, deadline: float | None = None
) -> Bound:
    """A proven upper bound on the scheduled weight (see the module's docstring)."""
    n = inst.n_meetings
    w = np.asarray(inst.weights, dtype=float)
    upper = np.array([1.0 if inst.allowed[m] else 0.0 for m in range(n)])
    lower = np.zeros(n)
    for m in lock_slot:
        lower[m] = 1.0
    by_participant: list[list[int]] = [[] for _ in range(inst.n_participants)]
    for m, parts in enumerate(inst.meeting_participants):
        if inst.allowed[m]:
            for p in parts:
                by_participant[p].append(m)
    rows: list[int] = []
    cols: list[int] = []
    rhs: list[float] = []
    for meetings in by_participant:
        if len(meetings) < 2:
            continue
        limit = _matching_size([inst.allowed[m] for m in meetings])
        if limit >= len(meetings):
            continue
        r = len(rhs)
        rows.extend([r] * len(meetings))
        cols.extend(meetings)
        rhs.append(float(limit))
    capacity = 0
    for s in range(inst.n_slots):
        bit = 1 << s
        here = sum(1 for m in range(n) if inst.allowed[m] & bit)
        people = sum(1 for p, ms in enumerate(by_participant) if ms and inst.available[p] & bit)
        capacity += min(inst.tables, here, people // 2)
    r = len(rhs)
    all_cols = [m for m in range(n) if upper[m] > 0]
    rows.extend([r] * len(all_cols))
    cols.extend(all_cols)
    rhs.append(float(capacity))

    # The bound without an LP: the `capacity` heaviest schedulable meetings.
    schedulable = np.sort(w[upper > 0])[::-1]
    trivial = float(schedulable[:capacity].sum())
    best = min(trivial, float(w[upper > 0].sum()))
    if n == 0:
        return Bound(0.0, [])
    b = np.asarray(rhs)
    h = _highs(deadline)
    lp = _lp(
        len(rhs),
        rows,
        cols,
        [1.0] * len(rows),
        w,
        lower,
        upper,
        np.full(len(rhs), -highspy.kHighsInf),
        b,
        maximize=True,
    )
    h.passModel(lp)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return Bound(best, None)
    solution = h.getSolution()
    duals = np.asarray(solution.row_dual, dtype=float)
    matrix = sp.csr_matrix(
        (np.ones(len(rows)), (np.asarray(rows), np.asarray(cols))), shape=(len(rhs), n)
    )
    for candidate in (np.maximum(duals, 0.0), np.maximum(-duals, 0.0)):
        reduced = w - matrix.T @ candidate
        value = float(candidate @ b + np.where(reduced > 0, reduced * upper, reduced * lower).sum())
        best = min(best, value)
    if _integral(inst.weights):
        # Whole-number weights have a whole-number optimum (the small slack covers rounding).
        best = float(math.floor(best + 1e-6))
    return Bound(best, [float(v) for v in solution.col_value])


# ---------------------------------------------------------------------------------------------
# The exact models


@dataclass
class _Model:
    var_meeting: list[int]
    var_slot: list[int]
    rows: list[int]
    cols: list[int]
    values: list[float]
    row_upper: list[float]
    locked_weight: float
    locked_busy: list[int]


def variable_count(inst: Instance, lock_slot: Mapping[int, int]) -> int:
    """Number of meeting-slot variables of the exact model."""
    return sum(inst.allowed[m].bit_count() for m in range(inst.n_meetings) if m not in lock_slot)


def _model(inst: Instance, lock_slot: Mapping[int, int]) -> _Model:
    locked_busy = [0] * inst.n_participants
    locked_count = [0] * inst.n_slots
    for m, s in lock_slot.items():
        locked_count[s] += 1
        for p in inst.meeting_participants[m]:
            locked_busy[p] |= 1 << s
    var_meeting: list[int] = []
    var_slot: list[int] = []
    for m in range(inst.n_meetings):
        if m in lock_slot:
            continue
        mask = inst.allowed[m]
        for p in inst.meeting_participants[m]:
            mask &= ~locked_busy[p]
        for s in _bits(mask):
            if locked_count[s] < inst.tables:
                var_meeting.append(m)
                var_slot.append(s)
    rows: list[int] = []
    cols: list[int] = []
    row_upper: list[float] = []
    by_meeting: dict[int, list[int]] = {}
    by_person_slot: dict[tuple[int, int], list[int]] = {}
    by_slot: dict[int, list[int]] = {}
    for j, (m, s) in enumerate(zip(var_meeting, var_slot)):
        by_meeting.setdefault(m, []).append(j)
        by_slot.setdefault(s, []).append(j)
        for p in inst.meeting_participants[m]:
            by_person_slot.setdefault((p, s), []).append(j)
    groups: list[tuple[list[int], float]] = []
    groups.extend((js, 1.0) for js in by_meeting.values() if len(js) > 1)
    groups.extend((js, 1.0) for js in by_person_slot.values() if len(js) > 1)
    for s, js in by_slot.items():
        free = inst.tables - locked_count[s]
        if len(js) > free:
            groups.append((js, float(free)))
    for js, limit in groups:
        r = len(row_upper)
        rows.extend([r] * len(js))
        cols.extend(js)
        row_upper.append(limit)
    return _Model(
        var_meeting=var_meeting,
        var_slot=var_slot,
        rows=rows,
        cols=cols,
        values=[1.0] * len(rows),
        row_upper=row_upper,
        locked_weight=sum(inst.weights[m] for m in lock_slot),
        locked_busy=locked_busy,
    )


def _integral(weights: Sequence[float]) -> bool:
    return all(float(x).is_integer() for x in weights)


def _start(model: _Model, slot_of: Sequence[int], n_cols: int) -> highspy.HighsSolution:
    values = np.zeros(n_cols)
    for j, (m, s) in enumerate(zip(model.var_meeting, model.var_slot)):
        if slot_of[m] == s:
            values[j] = 1.0
    solution = highspy.HighsSolution()
    solution.col_value = values
    return solution


def _read(
    inst: Instance, lock_slot: Mapping[int, int], model: _Model, values: Sequence[float]
) -> list[int] | None:
    """The schedule of a MILP solution, or None if it breaks a rule (it should not)."""
    slot_of = [-1] * inst.n_meetings
    for m, s in lock_slot.items():
        slot_of[m] = s
    for j, (m, s) in enumerate(zip(model.var_meeting, model.var_slot)):
        if values[j] > 0.5:
            if slot_of[m] >= 0:
                return None
            slot_of[m] = s
    busy = [0] * inst.n_participants
    count = [0] * inst.n_slots
    for m, s in enumerate(slot_of):
        if s < 0:
            continue
        count[s] += 1
        if count[s] > inst.tables or not (inst.allowed[m] >> s) & 1:
            return None
        for p in inst.meeting_participants[m]:
            if (busy[p] >> s) & 1:
                return None
            busy[p] |= 1 << s
    return slot_of


def solve_weight(
    inst: Instance,
    lock_slot: Mapping[int, int],
    start: Sequence[int],
    *,
    deadline: float,
    prev_slot: Mapping[int, int] | None = None,
) -> MilpResult:
    """The exact MILP for the weight, warm-started with `start` (a slot per meeting).

    With integral weights and `prev_slot`, each meeting kept in its previous slot earns a bonus
    of 0.5 / (number of previous meetings + 1): all bonuses together stay below 0.5, so the
    weight still comes first, and the solver stops when its bound is less than 0.499 above
    the incumbent, which proves the weight optimal (bound < weight + 1) while keeping as many
    previous meetings as it found. The reported bound is the floor of the solver's bound.
    """
    model = _model(inst, lock_slot)
    integral = _integral(inst.weights)
    bonus = 0.5 / (len(prev_slot) + 1) if integral and prev_slot else 0.0
    n_cols = len(model.var_meeting)
    if n_cols == 0:
        slot_of = [-1] * inst.n_meetings
        for m, s in lock_slot.items():
            slot_of[m] = s
        return MilpResult(slot_of, model.locked_weight, True)
    cost = np.asarray([inst.weights[m] for m in model.var_meeting], dtype=float)
    if bonus and prev_slot:
        for j, (m, s) in enumerate(zip(model.var_meeting, model.var_slot)):
            if prev_slot.get(m) == s:
                cost[j] += bonus
    lp = _lp(
        len(model.row_upper),
        model.rows,
        model.cols,
        model.values,
        cost,
        np.zeros(n_cols),
        np.ones(n_cols),
        np.full(len(model.row_upper), -highspy.kHighsInf),
        np.asarray(model.row_upper, dtype=float),
        maximize=True,
        integer_cols=n_cols,
    )
    h = _highs(deadline)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.499 if bonus else 0.999 if integral else 1e-6)
    h.passModel(lp)
    h.setSolution(_start(model, start, n_cols))
    h.run()
    info = h.getInfo()
    status = h.getModelStatus()
    bound = info.mip_dual_bound
    proven: float | None = None
    if bound is not None and math.isfinite(bound):
        proven = float(bound) + model.locked_weight
        if integral:
            # Weights are whole numbers (and bonuses only raise the bound): so is the optimum.
            proven = float(math.floor(proven + 1e-6))
    found: list[int] | None = None
    if info.primal_solution_status == 2:  # feasible
        found = _read(inst, lock_slot, model, h.getSolution().col_value)
    optimal = status == highspy.HighsModelStatus.kOptimal
    if found is not None and proven is not None and integral:
        optimal = optimal or sum(inst.weights[m] for m, s in enumerate(found) if s >= 0) >= proven
    return MilpResult(found, proven, optimal)


def solve_idle(
    inst: Instance,
    lock_slot: Mapping[int, int],
    prev_slot: Mapping[int, int],
    start: Sequence[int],
    weight: float,
    *,
    deadline: float,
) -> MilpResult:
    """The exact MILP for moves, then idle slots, with the weight held at least at `weight`."""
    model = _model(inst, lock_slot)
    n_x = len(model.var_meeting)
    S = inst.n_slots
    if n_x == 0 or S < 3 and not prev_slot:
        return MilpResult(None, None, n_x == 0 or S < 3)
    degree = [0] * inst.n_participants
    has_var = [False] * inst.n_participants
    for parts in inst.meeting_participants:
        for p in parts:
            degree[p] += 1
    for m in model.var_meeting:
        for p in inst.meeting_participants[m]:
            has_var[p] = True
    people = [p for p in range(inst.n_participants) if degree[p] >= 2 and has_var[p]]
    x_by_person_slot: dict[tuple[int, int], list[int]] = {}
    for j, (m, s) in enumerate(zip(model.var_meeting, model.var_slot)):
        for p in inst.meeting_participants[m]:
            x_by_person_slot.setdefault((p, s), []).append(j)

    rows, cols, values = list(model.rows), list(model.cols), list(model.values)
    row_lower = [-highspy.kHighsInf] * len(model.row_upper)
    row_upper = list(model.row_upper)
    n_cols = n_x
    cost: list[float] = [0.0] * n_x
    col_upper: list[float] = [1.0] * n_x

    def new_col(c: float) -> int:
        nonlocal n_cols
        cost.append(c)
        col_upper.append(1.0)
        n_cols += 1
        return n_cols - 1

    def add_row(entries: list[tuple[int, float]], low: float) -> None:
        r = len(row_upper)
        for j, v in entries:
            rows.append(r)
            cols.append(j)
            values.append(v)
        row_lower.append(low)
        row_upper.append(highspy.kHighsInf)

    for p in people:
        b = [new_col(0.0) for _ in range(S)]
        e = [new_col(0.0) for _ in range(S)]
        locked = model.locked_busy[p]
        for s in range(S):
            xs = [(j, -1.0) for j in x_by_person_slot.get((p, s), [])]
            constant = float((locked >> s) & 1)
            add_row([(b[s], 1.0), *xs], constant)
            add_row([(e[s], 1.0), *xs], constant)
            if s >= 1:
                add_row([(b[s], 1.0), (b[s - 1], -1.0)], 0.0)
            if s <= S - 2:
                add_row([(e[s], 1.0), (e[s + 1], -1.0)], 0.0)
        for s in range(1, S - 1):
            g = new_col(1.0)
            xs = [(j, 1.0) for j in x_by_person_slot.get((p, s), [])]
            constant = float((locked >> s) & 1)
            add_row([(g, 1.0), (b[s - 1], -1.0), (e[s + 1], -1.0), *xs], -1.0 - constant)
    big = float(S * max(1, len(people)) + 1)
    for j, (m, s) in enumerate(zip(model.var_meeting, model.var_slot)):
        if prev_slot.get(m) == s:
            cost[j] -= big
    tolerance = 0.5 if _integral(inst.weights) else 1e-7 * max(1.0, weight)
    add_row(
        [(j, inst.weights[m]) for j, m in enumerate(model.var_meeting)],
        weight - model.locked_weight - tolerance,
    )
    lp = _lp(
        len(row_upper),
        rows,
        cols,
        values,
        np.asarray(cost, dtype=float),
        np.zeros(n_cols),
        np.asarray(col_upper, dtype=float),
        np.asarray(row_lower, dtype=float),
        np.asarray(row_upper, dtype=float),
        maximize=False,
        integer_cols=n_x,
    )
    h = _highs(deadline)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.999)
    h.passModel(lp)
    start_x = _start(model, start, n_x).col_value
    # Start values of b, e, g follow from x; HiGHS completes them from the fixed integers.
    solution = highspy.HighsSolution()
    solution.col_value = np.concatenate([np.asarray(start_x), np.zeros(n_cols - n_x)])
    _fill_start(inst, model, people, S, start, solution)
    h.setSolution(solution)
    h.run()
    info = h.getInfo()
    slot_of = None
    if info.primal_solution_status == 2:
        slot_of = _read(inst, lock_slot, model, h.getSolution().col_value)
    # Without a previous schedule the objective is the idle count itself, so HiGHS's dual
    # bound is a proven lower bound on the idle slots at this weight (they are whole numbers).
    lower = None
    if not prev_slot and info.mip_dual_bound is not None and math.isfinite(info.mip_dual_bound):
        lower = float(max(0, math.ceil(info.mip_dual_bound - 1e-6)))
    return MilpResult(slot_of, lower, h.getModelStatus() == highspy.HighsModelStatus.kOptimal)


def _fill_start(
    inst: Instance,
    model: _Model,
    people: Sequence[int],
    S: int,
    start: Sequence[int],
    solution: highspy.HighsSolution,
) -> None:
    """Complete the warm start with the b, e, g values of the `start` schedule."""
    busy = [0] * inst.n_participants
    for m, s in enumerate(start):
        if s >= 0:
            for p in inst.meeting_participants[m]:
                busy[p] |= 1 << s
    values = np.asarray(solution.col_value, dtype=float)
    j = len(model.var_meeting)
    for p in people:
        mask = busy[p]
        first = (mask & -mask).bit_length() - 1 if mask else S
        last = mask.bit_length() - 1 if mask else -1
        for s in range(S):
            values[j + s] = 1.0 if s >= first else 0.0
            values[j + S + s] = 1.0 if s <= last else 0.0
        j += 2 * S
        for s in range(1, S - 1):
            values[j] = 1.0 if first < s < last and not (mask >> s) & 1 else 0.0
            j += 1
    solution.col_value = values
