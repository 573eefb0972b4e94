"""The local search of the meeting scheduler (see `scheduling`). No Django.

State: the slot of every meeting (-1 = unscheduled), per participant the meeting in each slot and
the bit mask of busy slots, per slot the number of meetings and their set. Every change goes
through `_set`, which records it on a trail so that a failed chain of moves is undone exactly.

- `construct`: locked meetings, then previous ones in their slot, then the rest in priority order
  (the LP solution of the bound, then weight), each into the feasible slot that adds the fewest
  idle slots.
- `improve_weight`: for each unscheduled meeting, heaviest first: insertion into a slot whose
  blocking meetings (sharing a participant, or one meeting if the slot is full) are relocated by
  a depth-limited chain of moves; failing that, an eviction of lighter blockers when the net
  weight grows. Meetings kept from `previous` are frozen in a first round.
- `improve_idle`: Kempe-chain swaps: take a meeting in slot a and a slot b, close the set of
  meetings in a and b that share participants, swap the whole set between a and b. The swap is
  always conflict-free; it is made when availability and table counts allow it (a full slot is
  balanced by a filler meeting moving the other way) and the summed idle slots fall. When no swap
  improves, perturbation rounds (swaps that keep the sum) and descent again, the best kept. It
  never changes which meetings are scheduled, nor moves locked or kept ones.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Mapping, Sequence

from werkstatt.engines.scheduling import Instance


def _idle(mask: int) -> int:
    if not mask:
        return 0
    return mask.bit_length() - (mask & -mask).bit_length() + 1 - mask.bit_count()


def _bits(mask: int) -> list[int]:
    result = []
    while mask:
        low = mask & -mask
        result.append(low.bit_length() - 1)
        mask ^= low
    return result


class Search:
    """Local search over slot assignments for one instance (tables are numbered afterwards)."""

    def __init__(
        self,
        inst: Instance,
        lock_slot: Mapping[int, int],
        prev_slot: Mapping[int, int],
        *,
        seed: int = 0,
    ) -> None:
        self.inst = inst
        self.parts = inst.meeting_participants
        self.w = inst.weights
        self.allowed = inst.allowed
        self.T = inst.tables
        self.S = inst.n_slots
        self.lock_slot = dict(lock_slot)
        self.prev_slot = dict(prev_slot)
        self.fixed = [False] * inst.n_meetings
        for m in lock_slot:
            self.fixed[m] = True
        self.frozen = list(self.fixed)  # fixed, plus kept previous meetings while frozen
        self.rng = random.Random(seed)
        self._slot = [-1] * inst.n_meetings
        self.occ = [[-1] * self.S for _ in range(inst.n_participants)]
        self.busy = [0] * inst.n_participants
        self.count = [0] * self.S
        self.members: list[set[int]] = [set() for _ in range(self.S)]
        # The same as lists, for cheap random picks; position[m] is m's index in its list.
        self.member_list: list[list[int]] = [[] for _ in range(self.S)]
        self.position = [-1] * inst.n_meetings
        self.trail: list[tuple[int, int]] = []
        self.total = 0.0
        self.budget = 0
        # Idle slots of a busy mask: a lookup table when there are few slots.
        self._idle_of: Callable[[int], int] = _idle
        if self.S <= 16:
            self._idle_of = [_idle(mask) for mask in range(1 << self.S)].__getitem__
        # Called every few hundred steps of a long phase (progress for the background job).
        self.tick: Callable[[], None] | None = None
        self._steps = 0
        self._lightest = [math.inf] * self.S
        self._dirty: set[int] = set(range(self.S))
        self.passes: list[tuple[int, float, float]] = []  # (depth, weight, time) per pass
        degree = [0] * inst.n_participants
        for parts in self.parts:
            for p in parts:
                degree[p] += 1
        self.degree = degree

    def _step(self) -> None:
        self._steps += 1
        if self.tick is not None and self._steps % 256 == 0:
            self.tick()

    # -- state ----------------------------------------------------------------------------------

    def _set(self, m: int, s: int) -> None:
        old = self._slot[m]
        if old == s:
            return
        parts = self.parts[m]
        if old >= 0:
            bit = 1 << old
            for p in parts:
                self.occ[p][old] = -1
                self.busy[p] &= ~bit
            self.count[old] -= 1
            self.members[old].discard(m)
            # Remove from the slot's list by swapping with its last element.
            listed = self.member_list[old]
            i = self.position[m]
            last = listed.pop()
            if last != m:
                listed[i] = last
                self.position[last] = i
            self.total -= self.w[m]
        if s >= 0:
            bit = 1 << s
            for p in parts:
                self.occ[p][s] = m
                self.busy[p] |= bit
            self.count[s] += 1
            self.members[s].add(m)
            self.position[m] = len(self.member_list[s])
            self.member_list[s].append(m)
            self.total += self.w[m]
        self._slot[m] = s
        self._dirty.add(old)
        self._dirty.add(s)
        self.trail.append((m, old))

    def _undo(self, mark: int) -> None:
        while len(self.trail) > mark:
            m, old = self.trail.pop()
            self._set(m, old)
            self.trail.pop()

    def slot_of(self) -> list[int]:
        """The slot of every meeting, -1 for unscheduled."""
        return list(self._slot)

    def weight(self) -> float:
        """Total weight of the scheduled meetings (summed afresh, without drift)."""
        return sum(self.w[m] for m, s in enumerate(self._slot) if s >= 0)

    def load(self, slot_of: Sequence[int]) -> None:
        """Replace the state by `slot_of` (e.g. a MILP solution)."""
        for m in range(len(self._slot)):
            self._set(m, -1)
        for m, s in enumerate(slot_of):
            if s >= 0:
                self._set(m, s)
        self.trail.clear()

    def _free(self, m: int) -> int:
        """Slots where m fits now: allowed, its participants free, a table free."""
        mask = self.allowed[m]
        for p in self.parts[m]:
            mask &= ~self.busy[p]
        for s in _bits(mask):
            if self.count[s] >= self.T:
                mask &= ~(1 << s)
        return mask

    def _idle_delta(self, m: int, s: int) -> int:
        bit = 1 << s
        delta = 0
        for p in self.parts[m]:
            mask = self.busy[p]
            delta += _idle(mask | bit) - _idle(mask)
        return delta

    def _least_idle(self, m: int, mask: int) -> int:
        """The slot of `mask` (not empty) that adds the fewest idle slots for m."""
        best, best_delta = -1, 0
        for s in _bits(mask):
            delta = self._idle_delta(m, s)
            if best < 0 or delta < best_delta:
                best, best_delta = s, delta
        return best

    def _best_free_slot(self, m: int) -> int:
        best = -1
        best_key: tuple[int, int] = (0, 0)
        for s in _bits(self._free(m)):
            key = (self._idle_delta(m, s), self.count[s])
            if best < 0 or key < best_key:
                best, best_key = s, key
        return best

    # -- construction -----------------------------------------------------------------------------

    def construct(self, priority: Sequence[float] | None = None) -> None:
        """Locked meetings, then kept previous ones, then the others in priority order."""
        for m, s in self.lock_slot.items():
            self._set(m, s)
        for m, s in self.prev_slot.items():
            if self._slot[m] < 0 and (self._free(m) >> s) & 1:
                self._set(m, s)
        load = [0.0] * self.inst.n_participants
        for p, d in enumerate(self.degree):
            load[p] = d / max(1, self.inst.available[p].bit_count())
        rest = [m for m in range(self.inst.n_meetings) if self._slot[m] < 0]

        def key(m: int) -> tuple[float, float, float, int]:
            y = round(priority[m], 3) if priority is not None else 0.0
            return (-y, -self.w[m], sum(load[p] for p in self.parts[m]), m)

        rest.sort(key=key)
        for m in rest:
            s = self._best_free_slot(m)
            if s >= 0:
                self._set(m, s)
        self.trail.clear()

    # -- weight -----------------------------------------------------------------------------------

    def _relocate(self, b: int, depth: int, chain: set[int], exclude: int) -> bool:
        """Put unscheduled b into a slot other than `exclude`, directly or by a chain."""
        free = self._free(b) & ~(1 << exclude)
        if free:
            self._set(b, self._least_idle(b, free))
            return True
        if depth <= 0:
            return False
        slots = _bits(self.allowed[b] & ~(1 << exclude))
        self.rng.shuffle(slots)
        chain.add(b)
        try:
            for s in slots:
                if self._insert(b, s, depth, chain):
                    return True
        finally:
            chain.discard(b)
        return False

    def _insert(self, m: int, s: int, depth: int, chain: set[int]) -> bool:
        """Put unscheduled m into slot s, relocating what blocks it (depth-limited)."""
        if not (self.allowed[m] >> s) & 1:
            return False
        self.budget -= 1
        if self.budget < 0:
            return False
        blockers: list[int] = []
        for p in self.parts[m]:
            b = self.occ[p][s]
            if b >= 0 and b not in blockers:
                if self.frozen[b] or b in chain:
                    return False
                blockers.append(b)
        if blockers and depth <= 0:
            return False
        mark = len(self.trail)
        for b in blockers:
            self._set(b, -1)
        if self.count[s] >= self.T:
            if depth <= 0:
                self._undo(mark)
                return False
            listed = self.member_list[s]
            picks = {listed[self.rng.randrange(len(listed))] for _ in range(min(6, len(listed)))}
            candidates = [c for c in sorted(picks) if not self.frozen[c] and c not in chain]
            moved = False
            for c in candidates:
                self._set(c, -1)
                free = self._free(c) & ~(1 << s)
                if free:
                    self._set(c, self._least_idle(c, free))
                    moved = True
                    break
                self._set(c, s)
            if not moved:
                self._undo(mark)
                return False
        self._set(m, s)
        chain.add(m)
        try:
            for b in blockers:
                if not self._relocate(b, depth - 1, chain, s):
                    self._undo(mark)
                    return False
        finally:
            chain.discard(m)
        return True

    def _try_insert(self, m: int, depth: int, budget: int) -> bool:
        self.budget = budget
        free = self._free(m)
        if free:
            self._set(m, self._best_free_slot(m))
            return True
        if all(c >= self.T for c in self.count):
            # Every table of every slot is taken: only an eviction can make room.
            return False
        for p in self.parts[m]:
            if not self.inst.available[p] & ~self.busy[p]:
                # p is busy in every slot it has: no chain of moves can make room for m
                # without leaving one of p's meetings out (that is `_try_evict`'s job).
                return False
        slots = _bits(self.allowed[m])
        self.rng.shuffle(slots)
        for d in range(1, depth + 1):
            for s in slots:
                mark = len(self.trail)
                if self._insert(m, s, d, set()):
                    return True
                self._undo(mark)
                if self.budget < 0:
                    return False
        return False

    def _lightest_weight(self, s: int) -> float:
        """The smallest weight of a movable meeting in slot s (cached until s changes)."""
        if s in self._dirty:
            self._lightest[s] = min(
                (self.w[c] for c in self.members[s] if not self.frozen[c]), default=math.inf
            )
            self._dirty.discard(s)
        return self._lightest[s]

    def _try_evict(self, m: int) -> list[int] | None:
        """Insert m by evicting lighter meetings when the net weight grows; the evicted ones."""
        best: tuple[float, int, list[int]] | None = None
        for s in _bits(self.allowed[m]):
            if self.count[s] >= self.T and self._lightest_weight(s) >= self.w[m]:
                continue  # the slot is full and m is not heavier than anything in it
            mark = len(self.trail)
            evicted: list[int] = []
            ok = True
            for p in self.parts[m]:
                b = self.occ[p][s]
                if b < 0:
                    continue
                if self.frozen[b]:
                    ok = False
                    break
                self._set(b, -1)
                free = self._free(b) & ~(1 << s)
                if free:
                    self._set(b, self._least_idle(b, free))
                else:
                    evicted.append(b)
            if ok and self.count[s] >= self.T:
                lightest = min(
                    (c for c in self.members[s] if not self.frozen[c]),
                    key=lambda c: self.w[c],
                    default=-1,
                )
                if lightest < 0:
                    ok = False
                else:
                    self._set(lightest, -1)
                    evicted.append(lightest)
            loss = sum(self.w[b] for b in evicted)
            self._undo(mark)
            if ok and loss < self.w[m] - 1e-9 * self.w[m] and (best is None or loss < best[0]):
                best = (loss, s, evicted)
        if best is None:
            return None
        _, s, _ = best
        # Replay the chosen eviction.
        evicted = []
        for p in self.parts[m]:
            b = self.occ[p][s]
            if b < 0:
                continue
            self._set(b, -1)
            free = self._free(b) & ~(1 << s)
            if free:
                self._set(b, self._least_idle(b, free))
            else:
                evicted.append(b)
        if self.count[s] >= self.T:
            lightest = min(
                (c for c in self.members[s] if not self.frozen[c]), key=lambda c: self.w[c]
            )
            self._set(lightest, -1)
            evicted.append(lightest)
        self._set(m, s)
        return evicted

    def improve_weight(self, deadline: float, target: float | None = None) -> None:
        """Insert unscheduled meetings (heaviest first) until none fits, the weight reaches
        `target` (a proven bound) or the deadline passes."""
        rounds = [True, False] if self.prev_slot else [False]
        for freeze_kept in rounds:
            self.frozen = list(self.fixed)
            self._dirty = set(range(self.S))
            if freeze_kept:
                for m, s in self.prev_slot.items():
                    if self._slot[m] == s:
                        self.frozen[m] = True
            for depth, budget in ((1, 40), (2, 300), (3, 1500)):
                improved = True
                while improved:
                    improved = False
                    if target is not None and self.total >= target - 1e-9 * max(1.0, target):
                        break
                    pending = [m for m, s in enumerate(self._slot) if s < 0]
                    pending.sort(key=lambda m: -self.w[m])
                    queue = list(pending)
                    while queue:
                        if time.perf_counter() > deadline:
                            self.trail.clear()
                            return
                        m = queue.pop(0)
                        self._step()
                        if self._slot[m] >= 0:
                            continue
                        if self._try_insert(m, depth, budget):
                            improved = True
                        else:
                            evicted = self._try_evict(m)
                            if evicted is not None:
                                improved = True
                                queue.extend(evicted)
                        self.trail.clear()
                    self.passes.append((depth, self.total, time.perf_counter()))
        self.frozen = list(self.fixed)

    # -- idle -------------------------------------------------------------------------------------

    def _kempe(self, m: int, b: int, movable: list[bool]) -> int | None:
        """The idle-slot change of swapping m's Kempe chain between its slot and slot b, or None
        if the swap is not allowed. Leaves the chain in self._chain."""
        a = self._slot[m]
        occ, parts, allowed = self.occ, self.parts, self.allowed
        in_a = [m]
        in_b: list[int] = []
        seen = {m}
        stack = [(m, b)]
        while stack:
            x, other = stack.pop()
            for p in parts[x]:
                y = occ[p][other]
                if y >= 0 and y not in seen:
                    if not movable[y]:
                        return None
                    seen.add(y)
                    if other == b:
                        in_b.append(y)
                        if not (allowed[y] >> a) & 1:
                            return None
                        stack.append((y, a))
                    else:
                        in_a.append(y)
                        if not (allowed[y] >> b) & 1:
                            return None
                        stack.append((y, b))
            if len(seen) > 60:
                return None
        excess_b = self.count[b] - len(in_b) + len(in_a) - self.T
        excess_a = self.count[a] - len(in_a) + len(in_b) - self.T
        if excess_a > 1 or excess_b > 1:
            return None
        bit_a, bit_b = 1 << a, 1 << b
        both = bit_a | bit_b
        touched: set[int] = set()
        for y in seen:
            touched.update(parts[y])
        delta = 0
        busy, idle = self.busy, self._idle_of
        for p in touched:
            mask = busy[p]
            if mask & both == both:
                continue  # busy in both slots: the swap leaves p as it is
            delta += idle(mask ^ both) - idle(mask)
        if excess_a == 1 or excess_b == 1:
            # The chain is one meeting heavier on one side and that slot is full: a filler,
            # an unrelated meeting moving the other way, balances the tables.
            if delta >= 0:
                return None
            source, target = (b, a) if excess_b == 1 else (a, b)
            filler = self._filler(source, target, seen, movable)
            if filler is None:
                return None
            c, filler_delta = filler
            delta += filler_delta
            (in_b if source == b else in_a).append(c)
        self._chain = (in_a, in_b, a, b)
        return delta

    def _filler(
        self, source: int, target: int, seen: set[int], movable: list[bool]
    ) -> tuple[int, int] | None:
        """A meeting of slot `source` outside the chain that can move to `target` on its own
        (allowed, participants free there): the first of a small random sample that adds no
        idle slots, else the one adding the fewest; with that change."""
        bit_t = 1 << target
        best: tuple[int, int] | None = None
        listed = self.member_list[source]
        if not listed:
            return None
        for _ in range(min(16, len(listed))):
            c = listed[self.rng.randrange(len(listed))]
            if c in seen or not movable[c] or not self.allowed[c] & bit_t:
                continue
            if any(self.busy[p] & bit_t for p in self.parts[c]):
                continue
            change = 0
            for p in self.parts[c]:
                mask = self.busy[p]
                change += _idle(mask ^ (1 << source) ^ bit_t) - _idle(mask)
            if best is None or change < best[1]:
                best = (c, change)
                if change <= 0:
                    break
        return best

    def improve_idle(self, deadline: float, *, perturb: bool = True) -> None:
        """Kempe-chain swaps between slots while the summed idle slots fall; then, while time
        remains, perturbation rounds (random swaps that do not add idle slots, then descent
        again), keeping the best schedule seen."""
        movable = [
            not self.fixed[m] and not (m in self.prev_slot and self._slot[m] == self.prev_slot[m])
            for m in range(self.inst.n_meetings)
        ]
        scheduled = [m for m, s in enumerate(self._slot) if s >= 0 and movable[m]]
        if not self._descent(deadline, movable, scheduled) or not perturb:
            self.trail.clear()
            return
        best_idle = sum(_idle(mask) for mask in self.busy)
        best_state = list(self._slot)
        stale = 0
        while stale < 30 and time.perf_counter() < deadline:
            self._pass(deadline, movable, scheduled, focused=False, plateau=True)
            self._descent(deadline, movable, scheduled)
            idle = sum(_idle(mask) for mask in self.busy)
            if idle < best_idle:
                best_idle, best_state, stale = idle, list(self._slot), 0
            else:
                stale += 1
        if sum(_idle(mask) for mask in self.busy) > best_idle:
            self.load(best_state)
        self.trail.clear()

    def _descent(self, deadline: float, movable: list[bool], scheduled: list[int]) -> bool:
        """Improving passes until they gain little; False if the deadline stopped it."""
        # Focused passes first (only into a gap of one of the meeting's participants: that is
        # where its own participants can gain), then a full pass over every slot; repeat
        # while a pass gains at least 0.5 % of the idle slots (at scale, passes that gain a
        # handful each are better spent on full passes and perturbation rounds).
        focused = True
        while True:
            gain = self._pass(deadline, movable, scheduled, focused=focused, plateau=False)
            if time.perf_counter() > deadline:
                return False
            threshold = max(1, sum(self._idle_of(mask) for mask in self.busy) // 200)
            if gain >= threshold:
                focused = True
            elif focused:
                focused = False
            else:
                return True

    def _pass(
        self,
        deadline: float,
        movable: list[bool],
        scheduled: list[int],
        *,
        focused: bool,
        plateau: bool,
    ) -> int:
        """One pass of Kempe-chain swaps over the scheduled meetings in random order; with
        `plateau`, a random share of swaps that keep the idle slots equal is made too.
        Returns by how much the idle slots fell."""
        gain = 0
        self.rng.shuffle(scheduled)
        for m in scheduled:
            if time.perf_counter() > deadline:
                break
            self._step()
            gaps = 0
            for p in self.parts[m]:
                mask = self.busy[p]
                if _idle(mask):
                    low = mask & -mask
                    gaps |= ((1 << mask.bit_length()) - low) & ~mask
            if not gaps and not plateau:
                # m's participants have no gaps; a swap could still help others in the
                # chain, but most gains come from meetings next to a gap.
                continue
            if plateau and self.rng.random() > 0.2:
                continue
            a = self._slot[m]
            candidates = self.allowed[m] & ~(1 << a)
            if focused:
                candidates &= gaps
            best: tuple[int, tuple[list[int], list[int], int, int]] | None = None
            limit = 0 if plateau else -1
            for b in _bits(candidates):
                delta = self._kempe(m, b, movable)
                if delta is not None and delta <= limit and (best is None or delta < best[0]):
                    best = (delta, self._chain)
            if best is not None:
                in_a, in_b, a, b = best[1]
                for y in in_a + in_b:
                    self._set(y, -1)
                for y in in_a:
                    self._set(y, b)
                for y in in_b:
                    self._set(y, a)
                gain -= best[0]
        self.trail.clear()
        return gain
