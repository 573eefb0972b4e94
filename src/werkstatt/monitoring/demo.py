"""Demo data of the monitoring: the implementation of the completed StrategieWerkstatt.

Runs after strategy's demo (`werkstatt demo`). The completed demo process gets implementation
concepts for about two thirds of its published recommendations: lead and partner organisations
from the demo network (public bodies, chambers, associations, research), a budget, results made
of parts, milestones and progress reports from 2019 until now. Reproducible for a seed.
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
    """The completed demo process (strategy's demo), never a real one."""
    from werkstatt.strategy.demo import STRATEGY_SLUG

    return Process.objects.filter(slug=STRATEGY_SLUG, status=Process.Status.COMPLETED)


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
        start = process.end_date or today
        for rec in recs:
            if rng.random() > 0.8:
                continue
            made += _concept(rng, rec, organisations, start, today)
    report(f"Monitoring: {made} implementation concepts.")


def _concept(
    rng: random.Random,
    rec: Recommendation,
    organisations: list[Organisation],
    start: datetime.date,
    today: datetime.date,
) -> int:
    title, parts = rng.choice(MEASURES[_theme(rec)])
    status = rng.choices(
        [Status.COMPLETED, Status.IN_PROGRESS, Status.PLANNED, Status.PAUSED],
        weights=[3, 5, 1, 1],
    )[0]
    begin = start + datetime.timedelta(days=rng.randint(30, 400))
    end = begin + datetime.timedelta(days=rng.randint(500, 1800))
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
    for i, part in enumerate(parts):
        due = begin + datetime.timedelta(days=200 * (i + 1))
        reached = due + datetime.timedelta(days=rng.randint(-30, 90))
        Milestone.objects.create(
            concept=concept,
            title=part,
            due_date=due,
            reached_date=reached if reached <= today and status != Status.PLANNED else None,
        )
    date = begin
    progress = 0
    while date < min(today, end) and status != Status.PLANNED:
        progress = min(100, progress + rng.randint(5, 25))
        ProgressUpdate.objects.create(
            concept=concept,
            date=date,
            text=rng.choice(
                [
                    "Auftaktveranstaltung mit den Partnern durchgeführt.",
                    "Erste Betriebe haben sich beteiligt; Rückmeldungen sind positiv.",
                    "Förderbescheid eingegangen, Ausschreibung läuft.",
                    "Zwischenbericht im Begleitgremium vorgestellt.",
                    "Verzögerung durch Lieferengpässe; Zeitplan angepasst.",
                ]
            ),
            status=Status.IN_PROGRESS,
            progress=progress,
        )
        date += datetime.timedelta(days=rng.randint(120, 300))
    wanted = (
        Recommendation.Status.IMPLEMENTED
        if status == Status.COMPLETED
        else Recommendation.Status.IN_IMPLEMENTATION
    )
    Recommendation.objects.filter(pk=rec.pk).update(status=wanted)
    return 1


def delete_demo(report: Report) -> None:
    deleted, _ = ImplementationConcept.objects.filter(
        recommendation__process__in=demo_processes()
    ).delete()
    report(f"Monitoring: deleted {deleted} objects of the demo implementation.")
