"""Slots, tables and the schedule of the B2B meetings (engines/scheduling.py does the work)."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from werkstatt.engines.scheduling import InstanceError, Schedule, schedule_meetings
from werkstatt.events.models import Event

from ..models import Meeting, Profile, Setup, Slot
from .matching import setup_of

Progress = Callable[[float, str], None]
logger = logging.getLogger(__name__)
MAX_SLOTS = 64


@transaction.atomic
def do_set_slots(
    event: Event, *, first: datetime.datetime, count: int, minutes: int, pause: int = 0
) -> list[Slot]:
    """Replace the event's slots by `count` slots of `minutes`, `pause` minutes apart. Meetings
    lose their place (the next scheduling places them again); locks are lifted."""
    if not 1 <= count <= MAX_SLOTS:
        raise ValidationError({"count": _("Between 1 and 64 slots.")})
    if not 5 <= minutes <= 120:
        raise ValidationError({"minutes": _("A meeting lasts between 5 and 120 minutes.")})
    if pause < 0 or pause > 120:
        raise ValidationError({"pause": _("The pause is between 0 and 120 minutes.")})
    if timezone.is_naive(first):
        first = timezone.make_aware(first)
    last_end = first + datetime.timedelta(minutes=count * minutes + (count - 1) * pause)
    if first < event.starts_at or last_end > event.ends_at:
        raise ValidationError(
            {
                "first": _("The slots must lie within the event (%(start)s – %(end)s).")
                % {
                    "start": timezone.localtime(event.starts_at).strftime("%d.%m.%Y %H:%M"),
                    "end": timezone.localtime(event.ends_at).strftime("%d.%m.%Y %H:%M"),
                }
            }
        )
    Meeting.objects.filter(event=event).update(slot=None, table=None, locked=False)
    Slot.objects.filter(event=event).delete()
    return Slot.objects.bulk_create(
        Slot(
            event=event,
            starts_at=first + datetime.timedelta(minutes=i * (minutes + pause)),
            minutes=minutes,
        )
        for i in range(count)
    )


def do_set_tables(event: Event, tables: int) -> Setup:
    if not 1 <= tables <= 2000:
        raise ValidationError({"tables": _("Between 1 and 2,000 tables.")})
    setup = setup_of(event)
    used = Meeting.objects.filter(event=event, table__gt=tables).exists()
    if used:
        # Meetings at tables that no longer exist lose their place (and their lock).
        Meeting.objects.filter(event=event, table__gt=tables).update(
            slot=None, table=None, locked=False
        )
    setup.tables = tables
    setup.save(update_fields=["tables"])
    return setup


def do_lock(meeting: Meeting, locked: bool) -> Meeting:
    if locked and meeting.slot_id is None:
        raise ValidationError(_("Only a scheduled meeting can be locked."))
    meeting.locked = locked
    meeting.save(update_fields=["locked"])
    return meeting


def instance_for(event: Event) -> tuple[dict[str, Any], list[tuple[str, str, int]], list[Any]]:
    """The engine's input (FORMATS.md §1), the locks and the previous assignments."""
    setup = setup_of(event)
    slots = list(Slot.objects.filter(event=event))
    unavailable: dict[int, list[str]] = {}
    for profile in Profile.objects.filter(event=event).prefetch_related("unavailable"):
        marked = [f"s{s.pk}" for s in profile.unavailable.all()]
        if marked:
            unavailable[profile.pk] = marked
    meetings = list(Meeting.objects.filter(event=event).select_related("request").order_by("pk"))
    instance = {
        "slots": [
            {"id": f"s{s.pk}", "start": s.starts_at.isoformat(), "minutes": s.minutes}
            for s in slots
        ],
        "tables": setup.tables,
        "participants": [
            {"id": f"p{pk}", "unavailable": marked} for pk, marked in unavailable.items()
        ],
        "meetings": [
            {
                "id": f"m{m.pk}",
                "participants": [f"p{m.request.sender_id}", f"p{m.request.recipient_id}"],
                "weight": 1.0,
            }
            for m in meetings
        ],
    }
    locked = [
        (f"m{m.pk}", f"s{m.slot_id}", m.table)
        for m in meetings
        if m.locked and m.slot_id and m.table
    ]
    previous = [
        (f"m{m.pk}", f"s{m.slot_id}", m.table)
        for m in meetings
        if not m.locked and m.slot_id and m.table
    ]
    return instance, locked, previous


def check_locks(event: Event) -> None:
    """A locked meeting whose participant has since marked its slot unavailable cannot stay:
    say which one, by name and time, before the engine refuses the whole instance."""
    locked = Meeting.objects.filter(event=event, locked=True, slot__isnull=False).select_related(
        "slot", "request__sender__registration", "request__recipient__registration"
    )
    for meeting in locked:
        for profile in (meeting.request.sender, meeting.request.recipient):
            if profile.unavailable.filter(pk=meeting.slot_id).exists():
                raise ValidationError(
                    _(
                        "The locked meeting of %(a)s and %(b)s at %(time)s cannot stay there: "
                        "%(name)s is not available then. Unlock the meeting and schedule again."
                    )
                    % {
                        "a": meeting.request.sender.display_name,
                        "b": meeting.request.recipient.display_name,
                        "time": timezone.localtime(meeting.slot.starts_at).strftime("%H:%M"),
                        "name": profile.display_name,
                    }
                )


@dataclass
class Outcome:
    scheduled: int
    unscheduled: int
    upper_bound: float | None
    idle_slots: int
    moved: int
    seconds: float


@transaction.atomic
def do_schedule(
    event: Event, *, time_limit: float = 20.0, progress: Progress | None = None
) -> Outcome:
    """Schedule all accepted meetings of `event` at once, keeping locked meetings in place
    and the others where they were whenever that costs no meeting."""
    if not Slot.objects.filter(event=event).exists():
        raise ValidationError(_("Set the meeting slots first."))
    check_locks(event)
    instance, locked, previous = instance_for(event)
    try:
        result: Schedule = schedule_meetings(
            instance, time_limit=time_limit, locked=locked, previous=previous, progress=progress
        )
    except InstanceError as error:
        # check_locks explains the cases that happen here; the engine's own (English, by id)
        # reason is for developers and goes to the log, not to the organiser.
        logger.warning("scheduling %s: %s", event.slug, error)
        raise ValidationError(
            _("The locked meetings cannot all stay where they are. Unlock them and schedule again.")
        ) from error
    placed = {a.meeting: (int(a.slot[1:]), a.table) for a in result.assignments}
    meetings = list(Meeting.objects.select_for_update().filter(event=event).order_by("pk"))
    # Clear first, so that swapped tables never meet the one-meeting-per-table constraint.
    Meeting.objects.filter(event=event).update(slot=None, table=None)
    changed = []
    for m in meetings:
        m.slot_id, m.table = placed.get(f"m{m.pk}", (None, None))
        if m.slot_id is None:
            m.locked = False
        changed.append(m)
    Meeting.objects.bulk_update(changed, ["slot", "table", "locked"])
    setup = setup_of(event)
    setup.scheduled_at = timezone.now()
    setup.scheduled_weight = result.scheduled_weight
    setup.upper_bound = result.upper_bound
    setup.unscheduled = len(result.unscheduled)
    setup.idle_slots = result.idle_slots
    setup.save()
    return Outcome(
        len(result.assignments),
        len(result.unscheduled),
        result.upper_bound,
        result.idle_slots,
        result.moved,
        result.seconds,
    )


# --- reading --------------------------------------------------------------------------------


@dataclass
class PersonalMeeting:
    meeting: Meeting
    partner: Profile
    slot: Slot | None
    table: int | None
    reason: str | None = None  # why it is not placed (services/diagnosis.py), if asked


def personal_schedule(profile: Profile) -> list[PersonalMeeting]:
    """The participant's meetings, scheduled ones by time first, then those without a place."""
    rows = (
        Meeting.objects.filter(event=profile.event)
        .filter(Q(request__sender=profile) | Q(request__recipient=profile))
        .select_related(
            "slot",
            "request__sender__registration",
            "request__recipient__registration",
        )
    )
    out = []
    for m in rows:
        partner = m.request.recipient if m.request.sender_id == profile.pk else m.request.sender
        out.append(PersonalMeeting(m, partner, m.slot, m.table))
    out.sort(
        key=lambda pm: (
            pm.slot is None,
            pm.slot.starts_at.timestamp() if pm.slot else 0.0,
            pm.meeting.pk,
        )
    )
    return out


def table_plan(event: Event) -> tuple[list[Slot], list[int], dict[tuple[int, int], Meeting]]:
    setup = setup_of(event)
    slots = list(Slot.objects.filter(event=event))
    grid = {
        (m.slot_id, m.table): m
        for m in Meeting.objects.filter(event=event, slot__isnull=False).select_related(
            "request__sender__registration", "request__recipient__registration"
        )
    }
    used_tables = sorted({table for (_slot, table) in grid}) or list(range(1, setup.tables + 1))
    return slots, used_tables, grid
