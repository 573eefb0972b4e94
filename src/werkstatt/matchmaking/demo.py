"""Demo data of the B2B matchmaking at the IMPRO supplier conference (after events' demo).

Every confirmed participant gets a profile (what their organisation offers; what they seek,
drawn from the capability taxonomy), the afternoon gets 12 meeting slots of 15 minutes and 50
tables, participants ask each other for meetings (mostly where one seeks what the other
offers), most requests are accepted, and the meetings are scheduled by the engine.
Reproducible for a seed.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from werkstatt.events.demo import SLUGS
from werkstatt.events.models import Event, Registration
from werkstatt.network.models import Capability, Organisation

from .models import Meeting, MeetingRequest, Profile, Setup
from .services.scheduling import do_schedule, do_set_slots

Report = Callable[[str], None]
SEEK_TEXTS = [
    "Wir suchen regionale Partner für Kleinserien mit kurzen Lieferwegen.",
    "Gesucht: zertifizierte Zulieferer für Baugruppen (ISO 9001).",
    "Wir suchen Kapazitäten für Lohnfertigung im Zwei-Schicht-Betrieb.",
    "Suchen Entwicklungspartner für Leichtbau-Komponenten.",
    "Gesucht: Oberflächenveredelung und Montage aus einer Hand.",
]
MESSAGES = [
    "Wir haben einen konkreten Bedarf und würden gern über Ihre Kapazitäten sprechen.",
    "Ihr Profil passt zu unserem Projekt – haben Sie 20 Minuten?",
    "Wir suchen einen zweiten Lieferanten in der Region und möchten Sie kennenlernen.",
    "Könnten wir über eine Kooperation im Verbund sprechen?",
]


def _event() -> Event | None:
    return Event.objects.filter(slug=SLUGS[0], has_matchmaking=True).first()


@transaction.atomic
def build_demo(seed: int, report: Report) -> None:
    event = _event()
    if event is None:
        report("Matchmaking: no demo supplier conference, nothing to do.")
        return
    rng = random.Random(seed * 104729 + 11)
    Setup.objects.update_or_create(event=event, defaults={"tables": 50, "max_requests": 12})
    day = timezone.localtime(event.starts_at).date()
    first = timezone.make_aware(datetime.datetime.combine(day, datetime.time(13, 30)))
    do_set_slots(event, first=first, count=12, minutes=15, pause=0)
    leaves = list(Capability.objects.filter(children__isnull=True).order_by("key"))
    registrations = list(
        Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED)
        .select_related("organisation")
        .order_by("pk")
    )
    # In bulk: three hundred profiles one by one take seconds.
    Profile.objects.bulk_create(
        [
            Profile(
                registration=r,
                event=event,
                offer=(r.organisation.description if r.organisation else "")[:1000],
                seek=rng.choice(SEEK_TEXTS),
            )
            for r in registrations
        ]
    )
    profiles = list(
        Profile.objects.filter(event=event).select_related("registration").order_by("pk")
    )
    capabilities: dict[int, list[int]] = {}
    for org_id, cap_id in Organisation.capabilities.through.objects.filter(
        organisation__event_registrations__event=event
    ).values_list("organisation_id", "capability_id"):
        capabilities.setdefault(org_id, []).append(cap_id)
    offered_rows, sought_rows = [], []
    for profile in profiles:
        for cap_id in sorted(set(capabilities.get(profile.registration.organisation_id, []))):
            offered_rows.append(
                Profile.offered.through(profile_id=profile.pk, capability_id=cap_id)
            )
        if leaves:
            for cap in rng.sample(leaves, k=min(len(leaves), rng.randint(1, 4))):
                sought_rows.append(
                    Profile.sought.through(profile_id=profile.pk, capability_id=cap.pk)
                )
    Profile.offered.through.objects.bulk_create(offered_rows)
    Profile.sought.through.objects.bulk_create(sought_rows)
    offered: dict[int, set[int]] = {p.pk: set() for p in profiles}
    sought: dict[int, set[int]] = {p.pk: set() for p in profiles}
    for row in offered_rows:
        offered[row.profile_id].add(row.capability_id)
    for row in sought_rows:
        sought[row.profile_id].add(row.capability_id)
    requests = []
    pairs: set[frozenset[int]] = set()
    for profile in profiles:
        wanted = [
            other
            for other in profiles
            if other.pk != profile.pk
            and other.registration.organisation_id != profile.registration.organisation_id
            and (sought[profile.pk] & offered[other.pk] or sought[other.pk] & offered[profile.pk])
        ]
        rng.shuffle(wanted)
        extra = rng.sample(profiles, k=min(len(profiles), 2))
        for other in (wanted[: rng.randint(1, 4)] + extra[:1])[:5]:
            pair = frozenset((profile.pk, other.pk))
            if other.pk == profile.pk or pair in pairs:
                continue
            pairs.add(pair)
            status = rng.choices(["accepted", "declined", "pending"], weights=[6, 2, 2])[0]
            requests.append(
                MeetingRequest(
                    event=event,
                    sender=profile,
                    recipient=other,
                    message=rng.choice(MESSAGES),
                    status=status,
                    answered_at=timezone.now() if status != "pending" else None,
                )
            )
    MeetingRequest.objects.bulk_create(requests)
    Meeting.objects.bulk_create(
        Meeting(request=r, event=event)
        for r in MeetingRequest.objects.filter(event=event, status="accepted")
    )
    outcome = do_schedule(event, time_limit=3.0)
    report(
        f"Matchmaking: {len(profiles)} profiles, {len(requests)} requests, "
        f"{outcome.scheduled} meetings scheduled ({outcome.unscheduled} not placed) "
        f"in {outcome.seconds:.1f} s."
    )


def delete_demo(report: Report) -> None:
    event = _event()
    if event is None:
        return
    Setup.objects.filter(event=event).delete()
    deleted, _ = Profile.objects.filter(event=event).delete()
    report(f"Matchmaking: deleted {deleted} objects.")
