"""Demo data of the monitoring: the implementation of both demo processes.

Runs after strategy's demo (`werkstatt demo`). The completed StrategieWerkstatt gets
implementation concepts for about four fifths of its published recommendations, from 2019 on;
the ZukunftsWerkstatt INDUSTRIE, whose job is writing them, for the recommendations its first
round put into implementation, from the second half of 2020 on. Each has lead and partner
organisations from the demo network (public bodies, chambers, associations, research), a
budget, results made of parts, milestones and progress reports until now; nothing is dated in
the future except the milestones still due. Reproducible for a seed.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction

from werkstatt.network.demo import demo_organisations
from werkstatt.network.models import Organisation
from werkstatt.strategy.models import Process, Recommendation

from .models import (
    ImplementationConcept,
    Milestone,
    ProgressUpdate,
    Responsibility,
    Result,
    Status,
)

Report = Callable[[str], None]

# Measures by the action field's theme (matched on words of its name).
MEASURES = {
    "digital": [
        ("Digitalisierungslotsen für KMU", ["Lotsen ausgebildet", "Betriebe beraten"]),
        (
            "Plattform für Industrie-4.0-Pilotprojekte",
            ["Pilotbetriebe gewonnen", "Ergebnisse veröffentlicht"],
        ),
        ("Förderaufruf digitale Geschäftsmodelle", ["Aufruf veröffentlicht", "Projekte bewilligt"]),
    ],
    "kooperation": [
        ("Netzwerk Kreativwirtschaft trifft Industrie", ["Matching-Workshops", "Tandem-Projekte"]),
        ("FabLabs an Hochschulstandorten", ["Räume und Geräte", "Offene Werkstatt-Tage"]),
    ],
    "ausbildung": [
        ("Ausbildungsverbünde kleiner Betriebe", ["Verbundverträge", "Azubis im Verbund"]),
        (
            "Weiterbildung Industrie 4.0 für Beschäftigte",
            ["Module entwickelt", "Teilnehmende geschult"],
        ),
    ],
    "infrastruktur": [
        ("Gigabit-Anschluss der Gewerbegebiete", ["Bedarfsanalyse", "Ausbau abgeschlossen"]),
        ("Schienenanbindung für Industriestandorte", ["Machbarkeitsstudie", "Planungsrecht"]),
    ],
    "demograf": [
        ("Fachkräftesicherung durch Rückkehrerprogramme", ["Kampagne", "Rückkehrer vermittelt"]),
        ("Unternehmensnachfolge sichern", ["Nachfolgebörse", "Übergaben begleitet"]),
    ],
    "standort": [
        ("Willkommenskultur für Fachkräfte", ["Welcome Center", "Familienservice"]),
        ("Kita- und Schulangebote in Industriestandorten", ["Bedarfsplanung", "Plätze geschaffen"]),
    ],
    "innovation": [
        ("Transferstellen an Hochschulen stärken", ["Transferscouts", "Kooperationsprojekte"]),
        ("Innovationsgutscheine für kleine Unternehmen", ["Richtlinie", "Gutscheine ausgegeben"]),
    ],
}
FUNDING = [
    "Landeshaushalt (SMWA)",
    "EFRE 2021–2027",
    "ESF Plus",
    "Eigenmittel der Partner",
    "GRW-Infrastruktur",
]
LEAD_KINDS = ("public", "chamber", "association", "research", "union")


def _theme(rec: Recommendation) -> str:
    names = " ".join(f.name.lower() for f in rec.action_fields.all()) + " " + rec.title.lower()
    for key in MEASURES:
        if key in names:
            return key
    return "innovation"


def demo_processes():
    """The demo processes (strategy's demo), never a real one."""
    from werkstatt.strategy.demo import FUTURE_SLUG, STRATEGY_SLUG

    return Process.objects.filter(slug__in=[STRATEGY_SLUG, FUTURE_SLUG])


IMPLEMENTING = (Recommendation.Status.IN_IMPLEMENTATION, Recommendation.Status.IMPLEMENTED)


@transaction.atomic
def build_demo(seed: int, report: Report) -> None:
    rng = random.Random(seed * 7919 + 5)
    organisations = list(
        demo_organisations().filter(kind__in=LEAD_KINDS).order_by("pk")[:400]
    ) or list(Organisation.objects.order_by("pk")[:100])
    if not organisations:
        report("Monitoring: no organisations, no implementation concepts.")
        return
    today = datetime.date.today()
    made = 0
    for process in demo_processes().order_by("pk"):
        recs = list(
            Recommendation.objects.filter(
                process=process, moderation_state=Recommendation.ModerationState.APPROVED
            )
            .prefetch_related("action_fields")
            .order_by("pk")
        )
        if process.status == Process.Status.COMPLETED:
            # The StrategieWerkstatt's recommendations were implemented after it ended.
            start = process.end_date or today
            for rec in recs:
                if rng.random() > 0.8:
                    continue
                made += _concept(rng, rec, organisations, start, today)
        else:
            # The ZukunftsWerkstatt wrote concepts for what its first round prioritised.
            start = datetime.date(2020, 6, 1)
            for rec in recs:
                if rec.status in IMPLEMENTING:
                    completed = rec.status == Recommendation.Status.IMPLEMENTED
                    made += _concept(
                        rng,
                        rec,
                        organisations,
                        start,
                        today,
                        status=Status.COMPLETED if completed else Status.IN_PROGRESS,
                    )
    report(f"Monitoring: {made} implementation concepts.")


def _concept(
    rng: random.Random,
    rec: Recommendation,
    organisations: list[Organisation],
    start: datetime.date,
    today: datetime.date,
    status: str | None = None,
) -> int:
    title, parts = rng.choice(MEASURES[_theme(rec)])
    status = (
        status
        or rng.choices(
            [Status.COMPLETED, Status.IN_PROGRESS, Status.PLANNED, Status.PAUSED],
            weights=[3, 5, 1, 1],
        )[0]
    )
    begin = start + datetime.timedelta(days=rng.randint(30, 400))
    end = begin + datetime.timedelta(days=rng.randint(500, 1800))
    if status == Status.COMPLETED:
        # Completed: it ended before today, however long it was planned to take.
        end = min(end, today - datetime.timedelta(days=rng.randint(30, 300)))
        begin = min(begin, end - datetime.timedelta(days=300))
    concept = ImplementationConcept.objects.create(
        recommendation=rec,
        summary=f"{title}: Umsetzung der Empfehlung „{rec.title}“ mit den Partnern aus der Region.",
        status=status,
        budget_eur=Decimal(rng.randrange(50, 4000) * 1000),
        funding=rng.choice(FUNDING),
        start_date=begin,
        end_date=end,
    )
    chosen = rng.sample(organisations, k=min(len(organisations), rng.randint(1, 4)))
    Responsibility.objects.bulk_create(
        Responsibility(
            concept=concept,
            organisation=org,
            role=Responsibility.Role.LEAD if i == 0 else Responsibility.Role.PARTNER,
        )
        for i, org in enumerate(chosen)
    )
    top = Result.objects.create(concept=concept, title=title, weight=2, order=0)
    for i, part in enumerate(parts):
        progress = 100 if status == Status.COMPLETED else rng.choice([0, 20, 40, 60, 80, 100])
        Result.objects.create(
            concept=concept,
            parent=top,
            title=part,
            progress=progress,
            status=Status.COMPLETED if progress == 100 else Status.IN_PROGRESS,
            order=i,
        )
    Result.objects.create(
        concept=concept,
        title="Evaluation und Bericht an das Begleitgremium",
        progress=100 if status == Status.COMPLETED else rng.choice([0, 10, 30]),
        order=1,
    )
    step = max(60, min(200, (end - begin).days // (len(parts) + 1)))
    for i, part in enumerate(parts):
        due = begin + datetime.timedelta(days=step * (i + 1))
        reached = due + datetime.timedelta(days=rng.randint(-30, 60))
        if status == Status.COMPLETED:
            reached = min(reached, end)
        Milestone.objects.create(
            concept=concept,
            title=part,
            due_date=due,
            reached_date=reached if reached <= today and status != Status.PLANNED else None,
        )
    if status != Status.PLANNED:
        _updates(rng, concept, begin, min(today, end), status)
    wanted = (
        Recommendation.Status.IMPLEMENTED
        if status == Status.COMPLETED
        else Recommendation.Status.IN_IMPLEMENTATION
    )
    Recommendation.objects.filter(pk=rec.pk).update(status=wanted)
    return 1


UPDATES = [
    "Erste Betriebe haben sich beteiligt; die Rückmeldungen sind positiv.",
    "Förderbescheid eingegangen, die Ausschreibung läuft.",
    "Zwischenbericht im Begleitgremium vorgestellt.",
    "Verzögerung durch Lieferengpässe; der Zeitplan ist angepasst.",
    "Zwei weitere Partner aus der Region sind dazugekommen.",
    "Die Hälfte der geplanten Termine hat stattgefunden.",
]


def _updates(
    rng: random.Random,
    concept: ImplementationConcept,
    begin: datetime.date,
    until: datetime.date,
    status: str,
) -> None:
    """Progress reports in the order things happen: the start, what came next, and for a
    completed concept its final report; never after `until`."""
    dates = []
    date = begin
    while date < until:
        dates.append(date)
        date += datetime.timedelta(days=rng.randint(120, 300))
    if not dates:
        return
    dates = dates[: 1 + len(UPDATES)]  # one text each, none twice
    texts = ["Auftaktveranstaltung mit den Partnern durchgeführt."]
    texts += rng.sample(UPDATES, k=min(len(UPDATES), max(0, len(dates) - 1)))
    completed = status == Status.COMPLETED
    if completed:
        dates.append(until)
        texts.append("Abschlussbericht vorgelegt; die Maßnahme ist abgeschlossen.")
    progress = 0
    for n, (day, text) in enumerate(zip(dates, texts, strict=True)):
        last = n == len(dates) - 1
        progress = 100 if completed and last else min(95, progress + rng.randint(5, 25))
        ProgressUpdate.objects.create(
            concept=concept,
            date=day,
            text=text,
            status=Status.COMPLETED if completed and last else Status.IN_PROGRESS,
            progress=progress,
        )


def delete_demo(report: Report) -> None:
    deleted, _ = ImplementationConcept.objects.filter(
        recommendation__process__in=demo_processes()
    ).delete()
    report(f"Monitoring: deleted {deleted} objects of the demo implementation.")
