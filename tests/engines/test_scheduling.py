"""The meeting scheduler (engines/scheduling.py): rules, optimality, locks, re-scheduling."""

import random
import time

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from werkstatt.engines import scheduling, scheduling_milp
from werkstatt.engines.scheduling import (
    Assignment,
    InstanceError,
    Schedule,
    check_schedule,
    greedy_first_fit,
    idle_slots,
    parse_instance,
    schedule_meetings,
)

# ---------------------------------------------------------------------------------------------
# Helpers


def brute_force(data, locked=(), previous=None):
    """The best (weight, kept, -idle) over every schedule, by exhaustive search (tiny only)."""
    inst = parse_instance(data)
    S, T = inst.n_slots, inst.tables
    slot_index = {sid: s for s, sid in enumerate(inst.slot_ids)}
    meeting_index = {mid: m for m, mid in enumerate(inst.meeting_ids)}
    fixed = {meeting_index[m]: slot_index[s] for m, s, _ in locked}
    prev = {}
    if previous is not None:
        for a in previous.assignments:
            if a.meeting in meeting_index:
                prev[meeting_index[a.meeting]] = slot_index[a.slot]
    best = None
    slot_of = [-1] * inst.n_meetings
    busy = [0] * inst.n_participants
    count = [0] * S

    def visit(m):
        nonlocal best
        if m == inst.n_meetings:
            weight = round(sum(inst.weights[k] for k, s in enumerate(slot_of) if s >= 0), 9)
            kept = sum(1 for k, s in prev.items() if slot_of[k] == s)
            key = (weight, kept, -idle_slots(busy))
            if best is None or key > best:
                best = key
            return
        choices = [fixed[m]] if m in fixed else [-1, *range(S)]
        for s in choices:
            if s >= 0:
                bit = 1 << s
                if not inst.allowed[m] & bit or count[s] >= T:
                    continue
                if any(busy[p] & bit for p in inst.meeting_participants[m]):
                    continue
                for p in inst.meeting_participants[m]:
                    busy[p] |= bit
                count[s] += 1
            slot_of[m] = s
            visit(m + 1)
            slot_of[m] = -1
            if s >= 0:
                for p in inst.meeting_participants[m]:
                    busy[p] &= ~(1 << s)
                count[s] -= 1

    visit(0)
    return best


def slot_map(schedule):
    return {a.meeting: a.slot for a in schedule.assignments}


@st.composite
def instances(draw, max_meetings=6, max_slots=4, max_people=5, integral=True):
    n_slots = draw(st.integers(1, max_slots))
    n_people = draw(st.integers(2, max_people))
    tables = draw(st.integers(1, 3))
    slots = [{"id": f"s{i}"} for i in range(n_slots)]
    people = []
    for i in range(n_people):
        unavailable = [f"s{k}" for k in range(n_slots) if draw(st.integers(0, 4)) == 0]
        people.append({"id": f"p{i}", "unavailable": unavailable})
    n_meetings = draw(st.integers(0, max_meetings))
    meetings = []
    for j in range(n_meetings):
        size = draw(st.sampled_from([2, 2, 2, 3]))
        size = min(size, n_people)
        members = draw(st.permutations(range(n_people)))[:size]
        if integral:
            weight = draw(st.sampled_from([1.0, 1.0, 2.0, 3.0]))
        else:
            weight = draw(st.floats(0.1, 5.0, allow_nan=False))
        meetings.append(
            {"id": f"m{j}", "participants": [f"p{k}" for k in members], "weight": weight}
        )
    return {"slots": slots, "tables": tables, "participants": people, "meetings": meetings}


def medium_instance(seed, people=60, meetings=300, slots=8, tables=14):
    rng = random.Random(seed)
    data = {
        "slots": [{"id": f"s{i}"} for i in range(slots)],
        "tables": tables,
        "participants": [
            {"id": f"p{i}", "unavailable": [f"s{k}" for k in range(slots) if rng.random() < 0.1]}
            for i in range(people)
        ],
        "meetings": [],
    }
    pairs = set()
    while len(data["meetings"]) < meetings:
        a = int(rng.paretovariate(1.2)) % people
        b = rng.randrange(people)
        if a == b or (min(a, b), max(a, b)) in pairs:
            continue
        pairs.add((min(a, b), max(a, b)))
        data["meetings"].append(
            {
                "id": f"m{len(data['meetings'])}",
                "participants": [f"p{a}", f"p{b}"],
                "weight": rng.choice([1.0, 1.0, 2.0, 3.0]),
            }
        )
    return data


# ---------------------------------------------------------------------------------------------
# Examples


EXAMPLE = {
    "slots": [{"id": "s1"}, {"id": "s2"}, {"id": "s3"}],
    "tables": 1,
    "participants": [{"id": "a", "unavailable": ["s1"]}],
    "meetings": [
        {"id": "m1", "participants": ["a", "b"]},
        {"id": "m2", "participants": ["b", "c"], "weight": 2},
        {"id": "m3", "participants": ["a", "c"]},
        {"id": "m4", "participants": ["a", "d"]},
    ],
}


def test_example_is_optimal_and_obeys_the_rules():
    schedule = schedule_meetings(EXAMPLE, time_limit=10)
    assert check_schedule(EXAMPLE, schedule) == []
    # One table and three slots: three meetings at most; m2 (weight 2) must be in s1 because a is
    # away in s1, so the best is m2 + two of a's meetings.
    assert schedule.scheduled_weight == 4.0
    assert schedule.upper_bound == 4.0
    assert schedule.optimal
    assert slot_map(schedule)["m2"] == "s1"
    assert len(schedule.unscheduled) == 1
    assert schedule.to_json()["upper_bound"] == 4.0


def test_output_has_exactly_the_documented_fields():
    output = schedule_meetings(EXAMPLE, time_limit=10).to_json()
    assert set(output) == {
        "assignments",
        "unscheduled",
        "scheduled_weight",
        "idle_slots",
        "upper_bound",
        "seconds",
    }
    assert set(output["assignments"][0]) == {"meeting", "slot", "table"}


def test_idle_slots_are_minimised_with_the_weight_kept():
    # b meets a and c; with three slots and plenty of tables any two slots work for the
    # weight, only adjacent ones give b no idle slot.
    data = {
        "slots": [{"id": "s1"}, {"id": "s2"}, {"id": "s3"}],
        "tables": 5,
        "participants": [{"id": "a", "unavailable": ["s2", "s3"]}],
        "meetings": [
            {"id": "m1", "participants": ["a", "b"]},
            {"id": "m2", "participants": ["b", "c"]},
        ],
    }
    schedule = schedule_meetings(data, time_limit=10)
    assert schedule.scheduled_weight == 2.0
    assert schedule.idle_slots == 0
    assert slot_map(schedule) == {"m1": "s1", "m2": "s2"}


def test_idle_slots_counts_gaps_between_first_and_last():
    assert idle_slots([0b0, 0b1, 0b101, 0b1001, 0b111, 0b10110]) == 0 + 0 + 1 + 2 + 0 + 1


def test_unlisted_participants_are_available_everywhere():
    data = {
        "slots": [{"id": "s1"}],
        "tables": 1,
        "meetings": [{"id": "m", "participants": ["x", "y"]}],
    }
    schedule = schedule_meetings(data, time_limit=5)
    assert slot_map(schedule) == {"m": "s1"}


def test_a_meeting_nobody_can_attend_stays_unscheduled():
    data = {
        "slots": [{"id": "s1"}, {"id": "s2"}],
        "tables": 3,
        "participants": [{"id": "a", "unavailable": ["s1"]}, {"id": "b", "unavailable": ["s2"]}],
        "meetings": [{"id": "m", "participants": ["a", "b"], "weight": 5}],
    }
    schedule = schedule_meetings(data, time_limit=5)
    assert schedule.unscheduled == ["m"]
    assert schedule.scheduled_weight == 0
    assert schedule.upper_bound == 0


def test_greedy_first_fit_takes_input_order_and_first_slot():
    schedule = greedy_first_fit(EXAMPLE)
    # m1 (a, b): a is away in s1 -> s2. m2 (b, c) -> s1. m3 (a, c): s2 is full (1 table) -> s3.
    # m4: s2 and s3 full, s1 a away -> unscheduled.
    assert slot_map(schedule) == {"m1": "s2", "m2": "s1", "m3": "s3"}
    assert schedule.unscheduled == ["m4"]
    assert schedule.upper_bound is None
    assert check_schedule(EXAMPLE, schedule) == []


def test_check_schedule_finds_broken_rules():
    bad = Schedule(
        assignments=[Assignment("m1", "s1", 1), Assignment("m3", "s1", 1)],
        unscheduled=["m2", "m4"],
        scheduled_weight=2.0,
        idle_slots=0,
        upper_bound=1.0,
        seconds=0.0,
    )
    errors = check_schedule(EXAMPLE, bad)
    assert any("unavailable" in e for e in errors)
    assert any("two meetings" in e for e in errors)
    assert any("upper_bound" in e for e in errors)


def test_progress_is_reported_from_zero_to_one():
    calls = []
    schedule_meetings(EXAMPLE, time_limit=10, progress=lambda f, msg: calls.append((f, msg)))
    fractions = [f for f, _ in calls]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0
    assert all(isinstance(msg, str) and msg for _, msg in calls)


def test_progress_ticks_during_the_long_phases():
    calls = []
    data = medium_instance(4, people=200, meetings=1200, slots=12, tables=40)
    schedule_meetings(
        data, time_limit=6, exact=False, progress=lambda f, msg: calls.append((f, msg))
    )
    fractions = [f for f, _ in calls]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0
    assert {msg for _, msg in calls} >= {
        "upper bound",
        "inserting the unscheduled meetings",
        "compacting idle slots",
        "done",
    }
    assert sum(1 for _, msg in calls if msg == "compacting idle slots") > 1


def test_same_seed_same_schedule():
    # Small enough for the search to end long before the time limit.
    data = medium_instance(3, people=20, meetings=60, slots=6, tables=6)
    first = schedule_meetings(data, time_limit=60, exact=False, seed=7)
    second = schedule_meetings(data, time_limit=60, exact=False, seed=7)
    assert first.assignments == second.assignments


# ---------------------------------------------------------------------------------------------
# Locks and re-scheduling


def test_locked_meetings_stay_exactly_even_against_the_weight():
    # Locking m1 into s2 blocks a and b there; m2 (weight 2) then must use another slot.
    data = {
        "slots": [{"id": "s1"}, {"id": "s2"}],
        "tables": 2,
        "meetings": [
            {"id": "m1", "participants": ["a", "b"]},
            {"id": "m2", "participants": ["a", "c"], "weight": 2},
            {"id": "m3", "participants": ["a", "d"], "weight": 2},
        ],
    }
    schedule = schedule_meetings(data, time_limit=10, locked=[("m1", "s2", 2)])
    assert Assignment("m1", "s2", 2) in schedule.assignments
    assert schedule.scheduled_weight == 3.0  # without the lock it would be 4 (m2 and m3)
    assert schedule.optimal


LOCK_DATA = {
    "slots": [{"id": "s1"}, {"id": "s2"}, {"id": "s3"}],
    "tables": 2,
    "participants": [{"id": "a", "unavailable": ["s1"]}],
    "meetings": [
        {"id": "m1", "participants": ["a", "b"]},
        {"id": "m2", "participants": ["b", "c"]},
        {"id": "m3", "participants": ["c", "d"]},
        {"id": "m4", "participants": ["a", "d"]},
    ],
}


@pytest.mark.parametrize(
    ("locked", "message"),
    [
        ([("nope", "s1", 1)], "unknown meeting"),
        ([("m1", "s9", 1)], "unknown slot"),
        ([("m2", "s1", 0)], "table must be"),
        ([("m2", "s1", 3)], "table must be"),
        ([("m1", "s1", 1)], "unavailable"),
        ([("m2", "s2", 1), ("m3", "s2", 2)], "'c' is already locked in slot"),
        ([("m2", "s2", 1), ("m4", "s2", 1)], "table 1 is already locked for 'm2'"),
        ([("m2", "s2", 1), ("m2", "s3", 1)], "locked twice"),
        (["m2"], "must be \\(meeting, slot, table\\)"),
    ],
)
def test_impossible_locks_are_refused(locked, message):
    with pytest.raises(InstanceError, match=message):
        schedule_meetings(LOCK_DATA, time_limit=5, locked=locked)


def test_locks_as_mappings_and_assignments_work():
    locked = [{"meeting": "m2", "slot": "s3", "table": 2}, Assignment("m4", "s3", 1)]
    schedule = schedule_meetings(LOCK_DATA, time_limit=5, locked=locked)
    assert Assignment("m2", "s3", 2) in schedule.assignments
    assert Assignment("m4", "s3", 1) in schedule.assignments


def test_after_a_cancellation_nothing_else_moves():
    data = medium_instance(11, people=40, meetings=160, slots=6, tables=10)
    first = schedule_meetings(data, time_limit=10, exact=False)
    cancelled = first.assignments[5].meeting
    data2 = {**data, "meetings": [m for m in data["meetings"] if m["id"] != cancelled]}
    second = schedule_meetings(data2, time_limit=10, exact=False, previous=first)
    kept = {(a.meeting, a.slot, a.table) for a in first.assignments if a.meeting != cancelled}
    now = {(a.meeting, a.slot, a.table) for a in second.assignments}
    assert kept <= now
    assert second.moved == 0
    assert second.scheduled_weight >= first.scheduled_weight - 3.0
    assert check_schedule(data2, second) == []


def test_a_late_acceptance_keeps_the_others_where_they_are():
    data = {
        "slots": [{"id": "s1"}, {"id": "s2"}, {"id": "s3"}],
        "tables": 2,
        "meetings": [
            {"id": "m1", "participants": ["a", "b"]},
            {"id": "m2", "participants": ["c", "d"]},
            {"id": "m3", "participants": ["a", "c"]},
        ],
    }
    first = schedule_meetings(data, time_limit=10)
    late = {**data, "meetings": [*data["meetings"], {"id": "m4", "participants": ["b", "d"]}]}
    second = schedule_meetings(late, time_limit=10, previous=first)
    assert second.scheduled_weight == 4.0
    assert second.moved == 0
    for a in first.assignments:
        assert a in second.assignments


def test_previous_gives_way_when_weight_needs_it():
    # Previously m1 sat in s1; now m2 (weight 5) can only be in s1 and shares participant a.
    data = {
        "slots": [{"id": "s1"}, {"id": "s2"}],
        "tables": 1,
        "participants": [{"id": "c", "unavailable": ["s2"]}],
        "meetings": [
            {"id": "m1", "participants": ["a", "b"]},
            {"id": "m2", "participants": ["a", "c"], "weight": 5},
        ],
    }
    previous = [("m1", "s1", 1)]
    schedule = schedule_meetings(data, time_limit=10, previous=previous)
    assert slot_map(schedule) == {"m2": "s1", "m1": "s2"}
    assert schedule.moved == 1


# ---------------------------------------------------------------------------------------------
# Properties


SMALL = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SMALL
@given(instances())
def test_schedule_obeys_every_rule_and_is_optimal(data):
    schedule = schedule_meetings(data, time_limit=20)
    assert check_schedule(data, schedule) == []
    best_weight, _, best_idle = brute_force(data)
    assert schedule.scheduled_weight == pytest.approx(best_weight)
    assert schedule.optimal
    assert schedule.upper_bound == pytest.approx(schedule.scheduled_weight)
    if schedule.idle_optimal:
        assert schedule.idle_slots == -best_idle
    if schedule.idle_lower_bound is not None:
        assert schedule.idle_lower_bound <= -best_idle <= schedule.idle_slots


@SMALL
@given(instances(integral=False))
def test_fractional_weights_reach_the_optimum(data):
    schedule = schedule_meetings(data, time_limit=20)
    assert check_schedule(data, schedule) == []
    assert schedule.scheduled_weight == pytest.approx(brute_force(data)[0], rel=1e-6)


@SMALL
@given(instances(max_meetings=7))
def test_heuristic_alone_obeys_the_rules_and_its_bound_is_proven(data):
    schedule = schedule_meetings(data, time_limit=10, exact=False)
    assert check_schedule(data, schedule) == []
    best_weight = brute_force(data)[0]
    assert schedule.upper_bound is not None
    assert schedule.upper_bound >= best_weight - 1e-9
    assert schedule.scheduled_weight <= best_weight + 1e-9
    assert schedule.scheduled_weight >= greedy_first_fit(data).scheduled_weight - 1e-9


@SMALL
@given(instances(max_meetings=7))
def test_aggregated_bound_is_never_below_the_optimum(data):
    inst = parse_instance(data)
    bound = scheduling_milp.aggregated_bound(inst, {})
    assert bound.value >= brute_force(data)[0] - 1e-9


@SMALL
@given(instances(), st.randoms(use_true_random=False))
def test_locked_meetings_never_move(data, rnd):
    base = greedy_first_fit(data)
    assume(base.assignments)
    locked = [(a.meeting, a.slot, a.table) for a in base.assignments if rnd.random() < 0.5] or [
        (base.assignments[0].meeting, base.assignments[0].slot, base.assignments[0].table)
    ]
    for exact in (True, False):
        schedule = schedule_meetings(data, time_limit=10, locked=locked, exact=exact)
        assert check_schedule(data, schedule) == []
        for meeting, slot, table in locked:
            assert Assignment(meeting, slot, table) in schedule.assignments
        if exact:
            assert schedule.scheduled_weight == pytest.approx(brute_force(data, locked)[0])
        # Never worse than first fit after the same locks.
        inst = parse_instance(data)
        lock_slot = {inst.meeting_ids.index(m): inst.slot_ids.index(s) for m, s, _ in locked}
        first_fit = scheduling._first_fit(inst, lock_slot)
        first_fit_weight = sum(inst.weights[m] for m, s in enumerate(first_fit) if s >= 0)
        assert schedule.scheduled_weight >= first_fit_weight - 1e-9


@SMALL
@given(instances(), st.randoms(use_true_random=False))
def test_rescheduling_keeps_the_most_meetings_without_losing_weight(data, rnd):
    assume(len(data["meetings"]) >= 2)
    first = schedule_meetings(data, time_limit=10)
    # A change: one meeting cancelled and another one's weight raised (a late priority).
    meetings = [dict(m) for m in data["meetings"]]
    meetings.pop(rnd.randrange(len(meetings)))
    meetings[rnd.randrange(len(meetings))]["weight"] = 4.0
    changed = {**data, "meetings": meetings}
    second = schedule_meetings(changed, time_limit=20, previous=first)
    assert check_schedule(changed, second) == []
    best_weight, best_kept, best_idle = brute_force(changed, previous=first)
    assert second.scheduled_weight == pytest.approx(best_weight)
    surviving = {m["id"] for m in meetings}
    kept = sum(1 for a in first.assignments if a.meeting in surviving and a in second.assignments)
    assert kept == best_kept
    if second.idle_optimal:
        assert second.idle_slots == -best_idle


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000))
def test_never_worse_than_greedy_on_medium_instances(seed):
    data = medium_instance(seed, people=30, meetings=120, slots=6, tables=6)
    schedule = schedule_meetings(data, time_limit=10, exact=False, seed=seed)
    assert check_schedule(data, schedule) == []
    assert schedule.scheduled_weight >= greedy_first_fit(data).scheduled_weight
    assert schedule.upper_bound >= schedule.scheduled_weight


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 6))
def test_full_tables_stay_within_their_count_while_idle_slots_are_compacted(seed, tables):
    # Far more meetings than table-slots: the idle phase must balance every swap.
    data = medium_instance(seed, people=40, meetings=200, slots=8, tables=tables)
    schedule = schedule_meetings(data, time_limit=3, exact=False, seed=seed)
    assert check_schedule(data, schedule) == []
    assert len(schedule.assignments) == 8 * tables


def test_exact_weight_model_keeps_previous_meetings_in_their_slot():
    # The previous schedule is weight-optimal, so keeping all of it is optimal, and the MILP
    # must find that among the many optimal schedules even without a warm start.
    data = medium_instance(8, people=40, meetings=120, slots=8, tables=40)
    inst = parse_instance(data)
    first = schedule_meetings(data, time_limit=4)
    assert first.optimal
    slot_index = {sid: s for s, sid in enumerate(inst.slot_ids)}
    prev_slot = {inst.meeting_ids.index(a.meeting): slot_index[a.slot] for a in first.assignments}
    result = scheduling_milp.solve_weight(
        inst, {}, [-1] * inst.n_meetings, deadline=1e18, prev_slot=prev_slot
    )
    assert result.optimal
    assert result.bound == first.scheduled_weight
    assert all(result.slot_of[m] == s for m, s in prev_slot.items())


@pytest.mark.parametrize(
    ("people", "meetings", "tables", "exact"),
    [(400, 2400, 120, False), (120, 700, 30, True)],
)
def test_the_time_limit_is_kept(people, meetings, tables, exact):
    data = medium_instance(6, people=people, meetings=meetings, slots=16, tables=tables)
    started = time.perf_counter()
    schedule = schedule_meetings(data, time_limit=3, exact=exact)
    elapsed = time.perf_counter() - started
    # A margin for parsing, the final table numbering and a busy machine.
    assert elapsed < 3 + 1.5
    assert schedule.seconds <= elapsed
    assert check_schedule(data, schedule) == []


def test_equal_to_the_milp_optimum_on_a_larger_instance():
    data = medium_instance(5, people=80, meetings=400, slots=8, tables=20)
    schedule = schedule_meetings(data, time_limit=12)
    inst = parse_instance(data)
    reference = scheduling_milp.solve_weight(inst, {}, [-1] * inst.n_meetings, deadline=1e18)
    assert reference.optimal
    assert schedule.optimal
    assert schedule.scheduled_weight == pytest.approx(reference.bound)
    assert check_schedule(data, schedule) == []


def test_heuristic_reaches_99_percent_of_its_bound_at_moderate_scale():
    data = medium_instance(2, people=400, meetings=2400, slots=16, tables=120)
    schedule = schedule_meetings(data, time_limit=20, exact=False)
    assert check_schedule(data, schedule) == []
    assert schedule.scheduled_weight >= 0.99 * schedule.upper_bound
    assert schedule.scheduled_weight > greedy_first_fit(data).scheduled_weight
    assert schedule.idle_slots < greedy_first_fit(data).idle_slots
