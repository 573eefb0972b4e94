"""Why accepted meetings stay unplaced after scheduling, and what would help.

Computed from the data of the last schedule, not guessed. For each meeting without a slot:

- "new": accepted after the last scheduling (the next run places it if it can);
- "availability": the two have no common free slot: every slot is marked unavailable by one of
  them, or one of them meets someone else then;
- "tables": there are slots in which both are free, but in each of them every table is taken.

What would help the organiser: how many more tables would place every meeting blocked by tables
(placed one by one into the common free slot with the fewest extra tables so far, never two
meetings of one person in the same slot: a number that is enough, shown by construction), and
how many of the others one further slot could take (one meeting per person in it, within the
tables).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..models import Meeting, Profile, Slot
from .matching import setup_of

NEW, AVAILABILITY, TABLES = "new", "availability", "tables"


@dataclass
class Diagnosis:
    reasons: dict[int, str] = field(default_factory=dict)  # meeting pk -> NEW/AVAILABILITY/TABLES
    more_tables: int = 0  # this many more tables place every meeting blocked by tables
    further_slot: int = 0  # of those without a common free slot, one more slot takes this many

    def count(self, reason: str) -> int:
        return sum(1 for r in self.reasons.values() if r == reason)

    @property
    def by_tables(self) -> int:
        return self.count(TABLES)

    @property
    def by_availability(self) -> int:
        return self.count(AVAILABILITY)

    @property
    def new(self) -> int:
        return self.count(NEW)


def diagnose(event, only: Iterable[int] | None = None) -> Diagnosis:
    """The reasons for the unplaced meetings of `event` (only those of `only`, meeting pks, if
    given; the suggestions then cover those). Four queries whatever the size."""
    setup = setup_of(event)
    slots = list(Slot.objects.filter(event=event).values_list("pk", flat=True))
    rows = list(
        Meeting.objects.filter(event=event).values_list(
            "pk", "slot_id", "request__sender_id", "request__recipient_id", "created"
        )
    )
    unavailable: dict[int, set[int]] = defaultdict(set)
    for profile_id, slot_id in Profile.unavailable.through.objects.filter(
        profile__event=event
    ).values_list("profile_id", "slot_id"):
        unavailable[profile_id].add(slot_id)
    busy: dict[int, set[int]] = defaultdict(set)  # participant -> slots with a placed meeting
    used: Counter[int] = Counter()  # slot -> tables taken
    for _pk, slot_id, a, b, _created in rows:
        if slot_id is not None:
            busy[a].add(slot_id)
            busy[b].add(slot_id)
            used[slot_id] += 1
    wanted = set(only) if only is not None else None
    diagnosis = Diagnosis()
    if not slots:
        return diagnosis
    free_slots: dict[int, list[int]] = {}
    people: dict[int, tuple[int, int]] = {}
    for pk, slot_id, a, b, created in rows:
        if slot_id is not None or (wanted is not None and pk not in wanted):
            continue
        if setup.scheduled_at is None or created > setup.scheduled_at:
            diagnosis.reasons[pk] = NEW
            continue
        common = [
            s
            for s in slots
            if s not in unavailable[a]
            and s not in unavailable[b]
            and s not in busy[a]
            and s not in busy[b]
        ]
        if common:
            diagnosis.reasons[pk] = TABLES
            free_slots[pk] = common
        else:
            diagnosis.reasons[pk] = AVAILABILITY
        people[pk] = (a, b)
    # More tables: each blocked meeting into its common free slot that needs the fewest extra.
    extra: Counter[int] = Counter()
    taken: dict[int, set[int]] = defaultdict(set)  # slot -> participants placed there now
    for pk, common in sorted(free_slots.items(), key=lambda item: (len(item[1]), item[0])):
        a, b = people[pk]
        choices = [s for s in common if a not in taken[s] and b not in taken[s]]
        if not choices:
            continue  # two of one person's blocked meetings want the same single slot
        best = min(choices, key=lambda s: (max(0, used[s] + extra[s] + 1 - setup.tables), extra[s]))
        extra[best] += 1
        taken[best].update((a, b))
    diagnosis.more_tables = max(
        (max(0, used[s] + extra[s] - setup.tables) for s in extra), default=0
    )
    # A further slot: one meeting per person, at most `tables` meetings.
    in_new_slot: set[int] = set()
    for pk in sorted(pk for pk, reason in diagnosis.reasons.items() if reason == AVAILABILITY):
        if diagnosis.further_slot >= setup.tables:
            break
        a, b = people[pk]
        if a not in in_new_slot and b not in in_new_slot:
            in_new_slot.update((a, b))
            diagnosis.further_slot += 1
    return diagnosis
