"""Scheduling of B2B meetings into time slots and tables (FORMATS.md §1). No Django.

The problem: accepted meetings (two or more participants, a weight > 0) go into slots and tables.
Hard rules: a meeting takes one slot and one table; a participant is in at most one meeting per
slot; a meeting is only placed in a slot where all of its participants are available; at most
`tables` meetings per slot; tables are numbered 1..`tables`. Slots are taken in the order they are
listed (the input lists them in time order); "idle" means a slot without a meeting between a
participant's first and last meeting.

The goal of `schedule_meetings`, in this exact order:

1. the largest total weight of scheduled meetings (locked meetings always count: they are fixed);
2. when a `previous` schedule is given: the most meetings of that schedule kept in their slot
   (each previous meeting placed elsewhere or left out counts as one move; a kept meeting also
   keeps its table whenever that table is free, which it is unless a locked meeting claims it);
3. the fewest idle slots, summed over participants.

How (see `scheduling_search` and `scheduling_milp`):

- an upper bound: the LP relaxation of an aggregated model (each participant attends at most as
  many meetings as it can fit into distinct slots, at most `tables` meetings per slot, at most one
  meeting per pair of available participants and slot), solved with HiGHS; the bound we report is
  recomputed by weak duality from the solver's duals in our own arithmetic, so solver tolerances
  cannot make it too small;
- a schedule: a greedy in the order of that LP's solution, then insertion by depth-limited chains of
  relocations (ejection chains) and weight-improving evictions, then idle-slot compaction by
  Kempe-chain swaps between pairs of slots with perturbation rounds while time remains, which
  never change the set of scheduled meetings;
- on instances small enough (by default up to 60,000 meeting-slot variables; 300 participants with
  a few meetings each are well within), the exact MILP with HiGHS for the weight (warm-started
  with the heuristic's schedule); up to 6,000 variables also the exact MILP for moves and idle
  slots with the weight held; both within the time limit. `upper_bound == scheduled_weight`
  exactly when the weight is proven optimal.

`greedy_first_fit` is the baseline: what simple tools do.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Assignment",
    "Instance",
    "InstanceError",
    "Schedule",
    "check_schedule",
    "greedy_first_fit",
    "idle_slots",
    "parse_instance",
    "schedule_meetings",
]

Progress = Callable[[float, str], None]


class InstanceError(ValueError):
    """The instance (or a lock, or a previous schedule) is not valid; the message says where."""


@dataclass(frozen=True)
class Assignment:
    """One scheduled meeting: its id, its slot id and its table number (1-based)."""

    meeting: str
    slot: str
    table: int


@dataclass
class Instance:
    """A validated instance with everything numbered from 0.

    `slot_ids[s]`, `participant_ids[p]` (listed participants first, then the ones that only
    appear in meetings), `available[p]` a bit mask over slots, `meeting_ids[m]`,
    `meeting_participants[m]` (participant numbers), `weights[m]`, and `allowed[m]` the bit mask
    of slots where all of the meeting's participants are available.
    """

    slot_ids: list[str]
    tables: int
    participant_ids: list[str]
    available: list[int]
    meeting_ids: list[str]
    meeting_participants: list[tuple[int, ...]]
    weights: list[float]
    allowed: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.allowed:
            self.allowed = [
                _and_all(self.available[p] for p in parts) for parts in self.meeting_participants
            ]

    @property
    def n_slots(self) -> int:
        """Number of slots."""
        return len(self.slot_ids)

    @property
    def n_meetings(self) -> int:
        """Number of meetings."""
        return len(self.meeting_ids)

    @property
    def n_participants(self) -> int:
        """Number of participants (listed or named in a meeting)."""
        return len(self.participant_ids)


@dataclass
class Schedule:
    """The answer of `schedule_meetings` (and of `greedy_first_fit`).

    `to_json()` gives the output of FORMATS.md §1. Beyond it: `optimal` (the weight is proven
    optimal), `idle_optimal` (with that weight, moves and idle slots are proven minimal too),
    `moved` (meetings of `previous` not kept in their slot), `method` (what produced it),
    `idle_lower_bound` (a proven lower bound on the idle slots of any schedule of this weight,
    from the exact model, when it ran without a previous schedule; else None).
    """

    assignments: list[Assignment]
    unscheduled: list[str]
    scheduled_weight: float
    idle_slots: int
    upper_bound: float | None
    seconds: float
    optimal: bool = False
    idle_optimal: bool = False
    moved: int = 0
    method: str = ""
    idle_lower_bound: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The output object of FORMATS.md §1."""
        return {
            "assignments": [
                {"meeting": a.meeting, "slot": a.slot, "table": a.table} for a in self.assignments
            ],
            "unscheduled": list(self.unscheduled),
            "scheduled_weight": _round_weight(self.scheduled_weight),
            "idle_slots": self.idle_slots,
            "upper_bound": None if self.upper_bound is None else _round_weight(self.upper_bound),
            "seconds": round(self.seconds, 3),
        }


def _round_weight(value: float) -> float:
    # Sums of decimal weights carry binary noise (0.1 + 0.2); twelve digits hide it.
    return round(value, 9)


def _and_all(masks: Iterable[int]) -> int:
    result = -1
    for mask in masks:
        result &= mask
    return result


# ---------------------------------------------------------------------------------------------
# Input


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _list_field(data: Mapping[str, Any], name: str, *, required: bool) -> list[Any]:
    if name not in data or data[name] is None:
        if required:
            raise InstanceError(f"{name}: missing (a list is required)")
        return []
    value = data[name]
    if not isinstance(value, list):
        raise InstanceError(f"{name}: must be a list, not {type(value).__name__}")
    return value


def _id_field(item: Any, where: str) -> str:
    if not isinstance(item, dict):
        raise InstanceError(f"{where}: must be an object, not {type(item).__name__}")
    if "id" not in item:
        raise InstanceError(f"{where}.id: missing")
    value = item["id"]
    if not isinstance(value, str) or not value:
        raise InstanceError(f"{where}.id: must be a non-empty string, not {value!r}")
    return value


def parse_instance(data: Any) -> Instance:
    """Validate an instance in the JSON shape of FORMATS.md §1 and number everything.

    Raises `InstanceError` with one line naming the field, the index and the problem: not an
    object, missing or mistyped fields, duplicate ids, unknown slot ids in `unavailable`,
    `tables` not a whole number ≥ 1, a weight that is not a number > 0, a meeting with fewer than
    two participants or the same participant twice. Participants that are not listed are
    available in every slot. Unknown extra fields are ignored.
    """
    if not isinstance(data, dict):
        raise InstanceError(f"the instance must be a JSON object, not {type(data).__name__}")
    slot_items = _list_field(data, "slots", required=True)
    slot_ids: list[str] = []
    slot_index: dict[str, int] = {}
    for i, item in enumerate(slot_items):
        slot_id = _id_field(item, f"slots[{i}]")
        if slot_id in slot_index:
            raise InstanceError(f"slots[{i}].id: duplicate id {slot_id!r}")
        if "minutes" in item and item["minutes"] is not None:
            minutes = item["minutes"]
            if not _is_number(minutes) or not math.isfinite(minutes) or minutes <= 0:
                raise InstanceError(f"slots[{i}].minutes: must be a number > 0, not {minutes!r}")
        if "start" in item and item["start"] is not None and not isinstance(item["start"], str):
            raise InstanceError(f"slots[{i}].start: must be a string, not {item['start']!r}")
        slot_index[slot_id] = len(slot_ids)
        slot_ids.append(slot_id)

    if "tables" not in data:
        raise InstanceError("tables: missing (a whole number ≥ 1 is required)")
    tables = data["tables"]
    if isinstance(tables, float) and tables.is_integer():
        tables = int(tables)
    if not isinstance(tables, int) or isinstance(tables, bool) or tables < 1:
        raise InstanceError(f"tables: must be a whole number ≥ 1, not {data['tables']!r}")

    all_slots = (1 << len(slot_ids)) - 1
    participant_ids: list[str] = []
    participant_index: dict[str, int] = {}
    available: list[int] = []
    for i, item in enumerate(_list_field(data, "participants", required=False)):
        pid = _id_field(item, f"participants[{i}]")
        if pid in participant_index:
            raise InstanceError(f"participants[{i}].id: duplicate id {pid!r}")
        unavailable = item.get("unavailable")
        mask = all_slots
        if unavailable is not None:
            if not isinstance(unavailable, list):
                raise InstanceError(f"participants[{i}].unavailable: must be a list of slot ids")
            for j, slot_id in enumerate(unavailable):
                if not isinstance(slot_id, str):
                    raise InstanceError(
                        f"participants[{i}].unavailable[{j}]: must be a slot id (string), "
                        f"not {slot_id!r}"
                    )
                if slot_id not in slot_index:
                    raise InstanceError(
                        f"participants[{i}].unavailable[{j}]: unknown slot id {slot_id!r}"
                    )
                mask &= ~(1 << slot_index[slot_id])
        participant_index[pid] = len(participant_ids)
        participant_ids.append(pid)
        available.append(mask)

    meeting_ids: list[str] = []
    meeting_index: dict[str, int] = {}
    meeting_participants: list[tuple[int, ...]] = []
    weights: list[float] = []
    for i, item in enumerate(_list_field(data, "meetings", required=True)):
        mid = _id_field(item, f"meetings[{i}]")
        if mid in meeting_index:
            raise InstanceError(f"meetings[{i}].id: duplicate id {mid!r}")
        names = item.get("participants")
        if not isinstance(names, list):
            raise InstanceError(f"meetings[{i}].participants: must be a list of participant ids")
        if len(names) < 2:
            raise InstanceError(
                f"meetings[{i}].participants: a meeting needs at least 2 participants, "
                f"has {len(names)}"
            )
        parts: list[int] = []
        for j, name in enumerate(names):
            if not isinstance(name, str) or not name:
                raise InstanceError(
                    f"meetings[{i}].participants[{j}]: must be a participant id (string), "
                    f"not {name!r}"
                )
            if name not in participant_index:
                participant_index[name] = len(participant_ids)
                participant_ids.append(name)
                available.append(all_slots)
            p = participant_index[name]
            if p in parts:
                raise InstanceError(f"meetings[{i}].participants: {name!r} is listed twice")
            parts.append(p)
        weight = item.get("weight", 1.0)
        if weight is None:
            weight = 1.0
        if not _is_number(weight) or not math.isfinite(weight) or weight <= 0:
            raise InstanceError(f"meetings[{i}].weight: must be a number > 0, not {weight!r}")
        meeting_index[mid] = len(meeting_ids)
        meeting_ids.append(mid)
        meeting_participants.append(tuple(parts))
        weights.append(float(weight))
    return Instance(
        slot_ids=slot_ids,
        tables=tables,
        participant_ids=participant_ids,
        available=available,
        meeting_ids=meeting_ids,
        meeting_participants=meeting_participants,
        weights=weights,
    )


def _as_instance(instance: Instance | Mapping[str, Any]) -> Instance:
    if isinstance(instance, Instance):
        return instance
    return parse_instance(dict(instance))


def _triples(items: Any, what: str) -> list[tuple[str, str, int | None]]:
    """(meeting, slot, table) from tuples, Assignments, mappings or a Schedule / output dict."""
    if items is None:
        return []
    if isinstance(items, Schedule):
        items = items.assignments
    elif isinstance(items, Mapping):
        items = items.get("assignments", [])
    result: list[tuple[str, str, int | None]] = []
    for i, item in enumerate(items):
        if isinstance(item, Assignment):
            result.append((item.meeting, item.slot, item.table))
        elif isinstance(item, Mapping):
            result.append((item.get("meeting"), item.get("slot"), item.get("table")))  # type: ignore[arg-type]
        elif isinstance(item, Sequence) and not isinstance(item, str) and len(item) in (2, 3):
            table = item[2] if len(item) == 3 else None
            result.append((item[0], item[1], table))
        else:
            raise InstanceError(f"{what}[{i}]: must be (meeting, slot, table)")
    return result


# ---------------------------------------------------------------------------------------------
# Measures and checks


def idle_slots(masks: Iterable[int]) -> int:
    """Idle slots summed over participants, each given as the bit mask of its busy slots."""
    total = 0
    for mask in masks:
        if mask:
            total += mask.bit_length() - (mask & -mask).bit_length() + 1 - mask.bit_count()
    return total


def check_schedule(instance: Instance | Mapping[str, Any], schedule: Schedule) -> list[str]:
    """Every broken rule of `schedule` for `instance`, as messages; empty when all hold.

    Checks: known meetings, each scheduled at most once and listed exactly once as scheduled or
    unscheduled; known slots; tables 1..tables and one meeting per slot and table; participants
    available and in at most one meeting per slot; the reported weight and idle slots; the
    upper bound not below the weight.
    """
    inst = _as_instance(instance)
    errors: list[str] = []
    meeting_index = {mid: m for m, mid in enumerate(inst.meeting_ids)}
    slot_index = {sid: s for s, sid in enumerate(inst.slot_ids)}
    busy = [0] * inst.n_participants
    seen: set[str] = set()
    tables_used: set[tuple[int, int]] = set()
    weight = 0.0
    for a in schedule.assignments:
        if a.meeting not in meeting_index:
            errors.append(f"unknown meeting {a.meeting!r}")
            continue
        if a.meeting in seen:
            errors.append(f"meeting {a.meeting!r} scheduled twice")
            continue
        seen.add(a.meeting)
        if a.slot not in slot_index:
            errors.append(f"meeting {a.meeting!r}: unknown slot {a.slot!r}")
            continue
        m, s = meeting_index[a.meeting], slot_index[a.slot]
        if not 1 <= a.table <= inst.tables:
            errors.append(f"meeting {a.meeting!r}: table {a.table} outside 1..{inst.tables}")
        if (s, a.table) in tables_used:
            errors.append(f"slot {a.slot!r} table {a.table}: two meetings")
        tables_used.add((s, a.table))
        for p in inst.meeting_participants[m]:
            if not (inst.available[p] >> s) & 1:
                errors.append(
                    f"meeting {a.meeting!r}: {inst.participant_ids[p]!r} unavailable in {a.slot!r}"
                )
            if (busy[p] >> s) & 1:
                errors.append(f"{inst.participant_ids[p]!r} in two meetings in {a.slot!r}")
            busy[p] |= 1 << s
        weight += inst.weights[m]
    counts: dict[str, int] = {}
    for a in schedule.assignments:
        counts[a.slot] = counts.get(a.slot, 0) + 1
    for sid, n in counts.items():
        if n > inst.tables:
            errors.append(f"slot {sid!r}: {n} meetings for {inst.tables} tables")
    unscheduled = set(schedule.unscheduled)
    if unscheduled & seen:
        errors.append("a meeting is both scheduled and unscheduled")
    if len(unscheduled) != len(schedule.unscheduled):
        errors.append("a meeting is listed twice as unscheduled")
    if unscheduled | seen != set(inst.meeting_ids):
        errors.append("scheduled and unscheduled meetings do not cover all meetings")
    if abs(weight - schedule.scheduled_weight) > 1e-6 * max(1.0, weight):
        errors.append(f"scheduled_weight {schedule.scheduled_weight} but the meetings sum {weight}")
    if idle_slots(busy) != schedule.idle_slots:
        errors.append(f"idle_slots {schedule.idle_slots} but the schedule has {idle_slots(busy)}")
    if schedule.upper_bound is not None and schedule.upper_bound < weight - 1e-6 * max(1, weight):
        errors.append(f"upper_bound {schedule.upper_bound} below the weight {weight}")
    return errors


# ---------------------------------------------------------------------------------------------
# Baseline


def greedy_first_fit(instance: Instance | Mapping[str, Any]) -> Schedule:
    """The baseline simple tools use: meetings in input order, each into the first slot (in slot
    order) where all of its participants are available and free and a table is free; the first
    free table. No upper bound."""
    started = time.perf_counter()
    inst = _as_instance(instance)
    return _build_schedule(
        inst,
        _first_fit(inst, {}),
        {},
        {},
        upper_bound=None,
        started=started,
        method="greedy first fit",
    )


def _first_fit(inst: Instance, lock_slot: Mapping[int, int]) -> list[int]:
    """First fit in input order after the locked meetings (a slot per meeting, -1 if none)."""
    busy = [0] * inst.n_participants
    count = [0] * inst.n_slots
    slot_of = [-1] * inst.n_meetings
    for m, s in lock_slot.items():
        slot_of[m] = s
        count[s] += 1
        for p in inst.meeting_participants[m]:
            busy[p] |= 1 << s
    for m, parts in enumerate(inst.meeting_participants):
        if m in lock_slot:
            continue
        free = inst.allowed[m]
        for p in parts:
            free &= ~busy[p]
        while free:
            low = free & -free
            s = low.bit_length() - 1
            if count[s] < inst.tables:
                slot_of[m] = s
                count[s] += 1
                for p in parts:
                    busy[p] |= low
                break
            free ^= low
    return slot_of


def _build_schedule(
    inst: Instance,
    slot_of: Sequence[int],
    locked_table: Mapping[int, int],
    previous: Mapping[int, tuple[int, int | None]],
    *,
    upper_bound: float | None,
    started: float,
    method: str,
    optimal: bool = False,
    idle_optimal: bool = False,
) -> Schedule:
    """Number the tables (locked ones fixed, previous ones kept where free, then the lowest free
    numbers) and assemble the answer."""
    by_slot: list[list[int]] = [[] for _ in range(inst.n_slots)]
    for m, s in enumerate(slot_of):
        if s >= 0:
            by_slot[s].append(m)
    table_of: dict[int, int] = {}
    for s, meetings in enumerate(by_slot):
        used: set[int] = set()
        for m in meetings:
            if m in locked_table:
                table_of[m] = locked_table[m]
                used.add(locked_table[m])
        for m in meetings:
            if m in table_of or m not in previous:
                continue
            prev_slot, prev_table = previous[m]
            if (
                prev_slot == s
                and prev_table is not None
                and 1 <= prev_table <= inst.tables
                and prev_table not in used
            ):
                table_of[m] = prev_table
                used.add(prev_table)
        next_table = 1
        for m in meetings:
            if m in table_of:
                continue
            while next_table in used:
                next_table += 1
            table_of[m] = next_table
            used.add(next_table)
    assignments = [
        Assignment(inst.meeting_ids[m], inst.slot_ids[slot_of[m]], table_of[m])
        for m in sorted(table_of, key=lambda m: (slot_of[m], table_of[m]))
    ]
    busy = [0] * inst.n_participants
    weight = 0.0
    for m, s in enumerate(slot_of):
        if s >= 0:
            weight += inst.weights[m]
            for p in inst.meeting_participants[m]:
                busy[p] |= 1 << s
    moved = sum(1 for m, (s, _) in previous.items() if slot_of[m] != s)
    bound = upper_bound
    if bound is not None:
        bound = weight if optimal else max(bound, weight)
    return Schedule(
        assignments=assignments,
        unscheduled=[inst.meeting_ids[m] for m, s in enumerate(slot_of) if s < 0],
        scheduled_weight=weight,
        idle_slots=idle_slots(busy),
        upper_bound=bound,
        seconds=time.perf_counter() - started,
        optimal=optimal,
        idle_optimal=idle_optimal,
        moved=moved,
        method=method,
    )


# ---------------------------------------------------------------------------------------------
# The scheduler


def _resolve_locks(inst: Instance, locked: Any) -> tuple[dict[int, int], dict[int, int]]:
    """(meeting -> slot, meeting -> table) of the locks, validated."""
    meeting_index = {mid: m for m, mid in enumerate(inst.meeting_ids)}
    slot_index = {sid: s for s, sid in enumerate(inst.slot_ids)}
    lock_slot: dict[int, int] = {}
    lock_table: dict[int, int] = {}
    taken: dict[tuple[int, int], str] = {}
    busy: dict[tuple[int, int], str] = {}
    for i, (mid, sid, table) in enumerate(_triples(locked, "locked")):
        if mid not in meeting_index:
            raise InstanceError(f"locked[{i}]: unknown meeting {mid!r}")
        if sid not in slot_index:
            raise InstanceError(f"locked[{i}]: unknown slot {sid!r}")
        if not isinstance(table, int) or isinstance(table, bool) or not 1 <= table <= inst.tables:
            raise InstanceError(f"locked[{i}]: table must be a number in 1..{inst.tables}")
        m, s = meeting_index[mid], slot_index[sid]
        if m in lock_slot:
            raise InstanceError(f"locked[{i}]: meeting {mid!r} is locked twice")
        if not (inst.allowed[m] >> s) & 1:
            raise InstanceError(
                f"locked[{i}]: a participant of meeting {mid!r} is unavailable in slot {sid!r}"
            )
        if (s, table) in taken:
            raise InstanceError(
                f"locked[{i}]: slot {sid!r} table {table} is already locked for {taken[s, table]!r}"
            )
        for p in inst.meeting_participants[m]:
            if (p, s) in busy:
                raise InstanceError(
                    f"locked[{i}]: {inst.participant_ids[p]!r} is already locked in slot {sid!r} "
                    f"(meeting {busy[p, s]!r})"
                )
            busy[p, s] = mid
        taken[s, table] = mid
        lock_slot[m] = s
        lock_table[m] = table
    return lock_slot, lock_table


def _resolve_previous(inst: Instance, previous: Any) -> dict[int, tuple[int, int | None]]:
    """meeting -> (slot, table) of an earlier schedule, for meetings and slots that still exist
    and where the meeting is still allowed (a participant may have become unavailable)."""
    meeting_index = {mid: m for m, mid in enumerate(inst.meeting_ids)}
    slot_index = {sid: s for s, sid in enumerate(inst.slot_ids)}
    result: dict[int, tuple[int, int | None]] = {}
    for mid, sid, table in _triples(previous, "previous"):
        m = meeting_index.get(mid)
        s = slot_index.get(sid)
        if m is None or s is None or m in result or not (inst.allowed[m] >> s) & 1:
            continue
        result[m] = (s, table if isinstance(table, int) and not isinstance(table, bool) else None)
    return result


def schedule_meetings(
    instance: Instance | Mapping[str, Any],
    *,
    time_limit: float = 30.0,
    locked: Iterable[Any] = (),
    previous: Schedule | Mapping[str, Any] | Iterable[Any] | None = None,
    progress: Progress | None = None,
    exact: bool | None = None,
    seed: int = 0,
) -> Schedule:
    """Schedule the meetings of `instance` (a FORMATS.md §1 dict or an `Instance`).

    - `time_limit`: seconds for the whole run (a small instance that is solved sooner returns
      sooner; the limit is kept within a fraction of a second plus the last solver step).
    - `locked`: (meeting id, slot id, table) triples (or `Assignment`s, or mappings with those
      keys) that stay exactly as they are. Raises `InstanceError` if a lock is impossible
      (unknown ids, table outside 1..tables, a participant unavailable, two locks clash).
    - `previous`: an earlier `Schedule`, its `to_json()` output, or triples. Re-scheduling after
      a cancellation or a late acceptance keeps those meetings in their slot (and table) wherever
      that does not cost weight: objectives in order are weight, then meetings kept, then idle.
    - `progress(fraction, message)`: called now and then with a fraction in [0, 1].
    - `exact`: True forces the MILPs (within the time limit), False skips them, None decides
      by size (weight: at most 60,000 meeting-slot variables; moves and idle slots: at most
      6,000).
    - `seed`: the local search's random choices; the same seed gives the same schedule
      unless the time limit cuts the search short (it then depends on the speed of the machine).

    Returns a `Schedule` whose `upper_bound` is a proven upper bound on the scheduled weight
    (equal to it when the weight is proven optimal).
    """
    # Imported here: the search and the MILP import this module's types.
    from werkstatt.engines import scheduling_milp, scheduling_search

    started = time.perf_counter()
    deadline = started + max(0.0, float(time_limit))

    def report(fraction: float, message: str) -> None:
        if progress is not None:
            progress(min(1.0, max(0.0, fraction)), message)

    inst = _as_instance(instance)
    lock_slot, lock_table = _resolve_locks(inst, locked)
    prev = _resolve_previous(inst, previous)
    prev_slot = {m: s for m, (s, _) in prev.items() if m not in lock_slot}

    report(0.02, "upper bound")
    bound = scheduling_milp.aggregated_bound(inst, lock_slot, deadline=deadline)
    upper = bound.value

    report(0.1, "first schedule")
    search = scheduling_search.Search(inst, lock_slot, prev_slot, seed=seed)
    search.construct(priority=bound.solution)
    weight_deadline = started + 0.55 * (deadline - started)

    def phase(low: float, high: float, until: float, message: str) -> None:
        # Progress inside a long phase: the share of its time used so far.
        begin = time.perf_counter()
        report(low, message)

        def tick() -> None:
            share = (time.perf_counter() - begin) / max(1e-9, until - begin)
            report(low + (high - low) * min(1.0, share), message)

        search.tick = tick

    phase(0.2, 0.35, weight_deadline, "inserting the unscheduled meetings")
    search.improve_weight(weight_deadline, target=upper)
    slot_of = search.slot_of()
    weight = search.weight()
    # A safety net that makes "never worse than first fit" a guarantee, not just an observation.
    baseline = _first_fit(inst, lock_slot)
    if _weight_of(inst, baseline) > weight + 1e-9 * max(1.0, weight):
        slot_of, weight = baseline, _weight_of(inst, baseline)
        search.load(slot_of)
    method = "heuristic"
    optimal = upper is not None and weight >= upper - 1e-9 * max(1.0, upper)

    n_vars = scheduling_milp.variable_count(inst, lock_slot)
    use_milp = exact if exact is not None else n_vars <= 60_000
    idle_optimal = False
    idle_lower_bound: int | None = None
    if use_milp and not optimal and time.perf_counter() < deadline:
        report(0.35, "exact weight (MILP)")
        result = scheduling_milp.solve_weight(
            inst,
            lock_slot,
            slot_of,
            deadline=started + 0.7 * (deadline - started),
            prev_slot=prev_slot,
        )
        if result.bound is not None:
            upper = result.bound if upper is None else min(upper, result.bound)
        if result.slot_of is not None:
            candidate_weight = _weight_of(inst, result.slot_of)
            if candidate_weight > weight + 1e-9 * max(1.0, weight):
                slot_of, weight = result.slot_of, candidate_weight
                search.load(slot_of)
                method = "MILP"
        optimal = result.optimal or (upper is not None and weight >= upper - 1e-9 * max(1.0, upper))
        if optimal:
            upper = weight

    # The exact model of moves and idle slots is only worth its time on small instances: at
    # 300 participants HiGHS does not even finish its root LP in seconds, while the local search
    # keeps improving. HiGHS can overrun its limit a little; it gets a margin.
    exact_idle = exact if exact is not None else n_vars <= 6_000
    solver_end = deadline - min(1.0, 0.05 * (deadline - started))
    idle_deadline = started + 0.85 * (deadline - started) if exact_idle else deadline
    phase(0.6, 0.85 if exact_idle else 0.99, idle_deadline, "compacting idle slots")
    search.improve_idle(idle_deadline)
    slot_of = search.slot_of()
    if exact_idle and time.perf_counter() < solver_end - 0.2:
        report(0.85, "exact moves and idle slots (MILP)")
        second = scheduling_milp.solve_idle(
            inst, lock_slot, prev_slot, slot_of, weight, deadline=solver_end
        )
        if second.slot_of is not None and _better(inst, second.slot_of, slot_of, prev_slot):
            slot_of = second.slot_of
            method = "MILP"
        idle_optimal = optimal and second.optimal
        if optimal and second.bound is not None:
            idle_lower_bound = int(second.bound)
    report(1.0, "done")
    schedule = _build_schedule(
        inst,
        slot_of,
        lock_table,
        {m: prev[m] for m in prev if m not in lock_slot},
        upper_bound=upper,
        started=started,
        method=method,
        optimal=optimal,
        idle_optimal=idle_optimal,
    )
    if idle_lower_bound is not None:
        schedule.idle_lower_bound = idle_lower_bound
    if schedule.idle_optimal:
        schedule.idle_lower_bound = schedule.idle_slots
    return schedule


def _weight_of(inst: Instance, slot_of: Sequence[int]) -> float:
    return sum(inst.weights[m] for m, s in enumerate(slot_of) if s >= 0)


def _key(
    inst: Instance, slot_of: Sequence[int], prev_slot: Mapping[int, int]
) -> tuple[float, int, int]:
    busy = [0] * inst.n_participants
    for m, s in enumerate(slot_of):
        if s >= 0:
            for p in inst.meeting_participants[m]:
                busy[p] |= 1 << s
    kept = sum(1 for m, s in prev_slot.items() if slot_of[m] == s)
    return (_weight_of(inst, slot_of), kept, -idle_slots(busy))


def _better(
    inst: Instance, a: Sequence[int], b: Sequence[int], prev_slot: Mapping[int, int]
) -> bool:
    """Is schedule `a` lexicographically better than `b` (weight up to noise, kept, idle)?"""
    wa, ka, ia = _key(inst, a, prev_slot)
    wb, kb, ib = _key(inst, b, prev_slot)
    tol = 1e-9 * max(1.0, wb)
    if wa > wb + tol:
        return True
    if wa < wb - tol:
        return False
    return (ka, ia) > (kb, ib)
