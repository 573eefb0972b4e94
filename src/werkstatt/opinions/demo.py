# ruff: noqa: E501  (the theses are data, one per line)
"""Demo data: an opinion conversation on controversial theses of Saxon industrial policy in the
ZukunftsWerkstatt INDUSTRIE (built by strategy's demo, which runs first).

Three hundred simulated participants (Participants without accounts, as imported voters are)
vote on thirty theses. Their opinions are planted (`simulate`): each belongs to one of three
camps with a position on two latent axes (state support vs. market; employees' vs. employers'
view), and agrees with a thesis with a probability that grows with how well the thesis fits
that position; 12 % of the votes are passes, most people vote on 10 to 30 theses and one in ten
on only a few (too few to be placed in a group, as in Polis). Two theses everyone shares and
one everyone rejects give the map a consensus.

The camps sit at equal distances from each other *in vote space*, not on the latent axes: the
theses' two loadings are correlated (a thesis for state support mostly also favours the
employees' side), so camps that look equidistant on the axes can be close in what they vote.
The earlier positions put the large-industry and the union camp 4.1 apart against 5.9 and 6.3
for the others (expected vote vectors), and the engine, choosing the number of groups by
silhouette as Polis does, found two groups or three depending on the last few votes. Now all
three pairs are 5.7 apart and three groups win clearly (silhouette of the base clusters
0.55–0.59 for three groups against 0.36–0.44 for two, seeds 1, 2, 3, 7 and 2026);
tests/opinions/test_demo.py checks that the planted camps are found and stay found.

The conversation is analysed at once, so the results page shows the groups. The demo account
firma@ has voted on every thesis ("your group"); mitglied@ has not voted yet, to try it out.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from werkstatt.network.demo import ACCOUNT_DOMAIN, PROCESS_SPACE
from werkstatt.strategy.models import Phase, Process

from .models import Conversation, Participant, Statement, Vote
from .services import analysis

SLUG = "kontroverse-thesen-industriepolitik"
PARTICIPANTS = 300

# (thesis, loading on the market (-) / state support (+) axis, loading on the employers' (-) /
# employees' (+) axis, bias: > 0 most agree whatever their position)
THESES: tuple[tuple[str, float, float, float], ...] = (
    ("Der Freistaat soll Ansiedlungen von Großunternehmen nicht mehr subventionieren.", -0.2, 0.4, -0.1),
    ("Die 4-Tage-Woche hilft gegen den Fachkräftemangel.", 0.1, 1.0, -0.2),
    ("Ohne Zuwanderung von Fachkräften verliert Sachsens Industrie den Anschluss.", 0.3, 0.2, 0.6),
    ("Fördermittel sollen nur noch an tarifgebundene Unternehmen gehen.", 0.4, 1.0, -0.3),
    ("Sachsen soll eine eigene Wasserstoff-Infrastruktur für die Industrie aufbauen.", 0.9, 0.1, 0.2),
    ("Der Staat soll sich aus der Industriepolitik heraushalten und nur gute Rahmenbedingungen schaffen.", -1.0, -0.3, 0.0),
    ("Bürokratieabbau bringt dem Mittelstand mehr als jedes Förderprogramm.", -0.8, -0.6, 0.4),
    ("Die Ansiedlung der Chipfabriken in Dresden war jeden Euro Förderung wert.", 0.9, -0.4, 0.1),
    ("Gewerbegebiete sollen Flächen vorrangig an regionale Zulieferer vergeben.", 0.5, 0.2, 0.0),
    ("Ein Mindestlohn von 15 Euro gefährdet Arbeitsplätze in der sächsischen Industrie.", -0.3, -1.0, -0.1),
    ("Berufsschulen im ländlichen Raum müssen erhalten bleiben, auch mit wenigen Schülern.", 0.5, 0.5, 0.7),
    ("Die Energiewende ist für energieintensive Betriebe in Sachsen vor allem ein Standortnachteil.", -0.6, -0.5, 0.0),
    ("Der Strukturwandel in der Lausitz gelingt nur mit staatlichen Industrieansiedlungen.", 1.0, 0.2, 0.0),
    ("Betriebsräte sind ein Standortvorteil, kein Hindernis.", 0.1, 1.0, 0.0),
    ("Öffentliche Aufträge sollen bevorzugt an sächsische Unternehmen gehen.", 0.6, 0.1, 0.1),
    ("Start-ups brauchen in Sachsen mehr Wagniskapital vom Staat.", 0.8, -0.1, 0.0),
    ("Homeoffice und flexible Arbeitszeiten sind in der Produktion nicht umsetzbar.", -0.3, -0.8, -0.2),
    ("Hochschulen sollen Patente kostenlos an regionale KMU lizenzieren.", 0.6, 0.2, 0.2),
    ("Das Handwerk wird in der Industriepolitik des Freistaats vernachlässigt.", -0.4, 0.0, 0.5),
    ("Die Automobilzulieferer sollen beim Umstieg auf die Elektromobilität gezielt gefördert werden.", 0.9, 0.3, 0.1),
    ("Unternehmen sollen Weiterbildung ihrer Beschäftigten selbst bezahlen, nicht der Staat.", -0.8, -0.4, 0.0),
    ("Tarifverträge sind in Sachsen zu selten; das schadet der Fachkräftegewinnung.", 0.2, 1.0, 0.1),
    ("Die Kammern sollen eine Pflicht-Ausbildungsabgabe für nicht ausbildende Betriebe einführen.", 0.5, 0.9, -0.3),
    ("Längere Maschinenlaufzeiten durch Sonntagsarbeit sollen leichter erlaubt werden.", -0.6, -1.0, -0.2),
    ("Sachsen soll Industriegebiete für Rechenzentren und Batteriefabriken vorhalten.", 0.7, -0.3, 0.1),
    ("Schnelles Internet in allen Gewerbegebieten ist die wichtigste Aufgabe des Freistaats.", 0.0, 0.0, 2.2),
    ("Die Zusammenarbeit zwischen Hochschulen und Mittelstand muss einfacher werden.", 0.0, 0.0, 2.0),
    ("Sachsens Industrie braucht keine Strategie; der Markt regelt das von allein.", -0.4, -0.2, -2.0),
    ("Ein Landesfonds soll Beteiligungen an strategisch wichtigen Unternehmen übernehmen.", 1.0, 0.4, -0.3),
    ("Leiharbeit in der Industrie soll strenger begrenzt werden.", 0.2, 1.0, -0.1),
)  # fmt: skip

# Camps: name, position on the two axes, share of participants. Equidistant in vote space (see
# the module's docstring): 5.7 apart for each pair, from the expected vote on each thesis.
CAMPS = (
    ("Ansiedlung und Großindustrie", (1.1, -1.1), 0.34),
    ("Gewerkschaften und Soziales", (0.0, 1.1), 0.33),
    ("Mittelstand und Handwerk", (-0.8, 0.0), 0.33),
)
NOISE = 0.15  # spread of a camp's members around its position
SLOPE = 4.0  # how decisively a position turns into agreeing or disagreeing
PASS_RATE = 0.12
SPARSE_SHARE = 0.1  # participants who vote on only 2 to 6 theses
PARTICIPANT_STATEMENTS = (
    ("Die Landkreise sollen eigene Wirtschaftsförderer für KMU bekommen.", Statement.Status.PENDING),
    ("Azubi-Tickets für Bus und Bahn sollen landesweit kostenlos sein.", Statement.Status.PENDING),
    ("Alles Quatsch hier!!!", Statement.Status.REJECTED),
)  # fmt: skip

Report = Callable[[str], None]


def _phase(process: Process) -> Phase | None:
    phases = list(process.phases.order_by("start_date", "order"))
    for phase in phases:
        if "Thesen" in phase.name and phase.visibility == Phase.Visibility.PUBLIC:
            return phase
    return process.current_phase() or (phases[0] if phases else None)


def _agree_probability(position: tuple[float, float], thesis: tuple[str, float, float, float]):
    _text, a, b, bias = thesis
    fit = position[0] * a + position[1] * b
    return 1.0 / (1.0 + math.exp(-(SLOPE * fit + 1.6 * bias)))


def _vote(rng: random.Random, position: tuple[float, float], thesis) -> int:
    if rng.random() < PASS_RATE:
        return 0  # pass / unsure
    return 1 if rng.random() < _agree_probability(position, thesis) else -1


@dataclass(frozen=True)
class SimulatedParticipant:
    camp: int | None  # index into CAMPS; None for the demo firm's account
    votes: list[tuple[int, int, timedelta]]  # (thesis index, value, time after the start)


def simulate(seed: int, participants: int = PARTICIPANTS) -> list[SimulatedParticipant]:
    """The planted opinions and votes of the simulated participants, reproducible for a seed;
    the last one is the demo firm (a Mittelstand firm that voted on every thesis)."""
    rng = random.Random(seed * 7919 + 4)
    weights = [share for _name, _pos, share in CAMPS]
    people: list[tuple[int | None, tuple[float, float], int]] = []
    for _n in range(participants):
        camp = rng.choices(range(len(CAMPS)), weights=weights)[0]
        centre = CAMPS[camp][1]
        position = (centre[0] + rng.gauss(0, NOISE), centre[1] + rng.gauss(0, NOISE))
        sparse = rng.random() < SPARSE_SHARE
        seen = rng.randint(2, 6) if sparse else rng.randint(10, len(THESES))
        people.append((camp, position, seen))
    people.append((None, CAMPS[2][1], len(THESES)))
    out = []
    for camp, position, seen in people:
        votes = []
        for index in sorted(rng.sample(range(len(THESES)), seen)):
            moment = timedelta(seconds=rng.randint(0, 30 * 24 * 3600))
            votes.append((index, _vote(rng, position, THESES[index]), moment))
        out.append(SimulatedParticipant(camp, votes))
    return out


def build_demo(seed: int, report: Report) -> None:
    if Conversation.objects.filter(slug=SLUG).exists():
        report("Opinion maps: already there, left as they are.")
        return
    process = Process.objects.filter(space__slug=PROCESS_SPACE[0]).first()
    phase = _phase(process) if process else None
    if phase is None:
        report("Opinion maps: no ZukunftsWerkstatt process (strategy demo) found, skipped.")
        return
    now = timezone.now()
    start = now - timedelta(days=30)
    users = {
        local: get_user_model().objects.filter(email=f"{local}@{ACCOUNT_DOMAIN}").first()
        for local in ("prozess", "firma")
    }
    with transaction.atomic():
        conversation = Conversation.objects.create(
            phase=phase,
            slug=SLUG,
            title="Kontroverse Thesen zur Industriepolitik in Sachsen",
            question=(
                "Wo sind sich Sachsens Industrieakteure einig, wo gehen die Meinungen "
                "auseinander? Stimmen Sie den Thesen zu, lehnen Sie sie ab oder überspringen "
                "Sie sie – und bringen Sie eigene Thesen ein."
            ),
            created_by=users["prozess"],
        )
        statements = Statement.objects.bulk_create(
            [
                Statement(
                    conversation=conversation,
                    number=i,
                    text=thesis[0],
                    status=Statement.Status.ACCEPTED,
                    is_seed=True,
                    created=start,
                    moderated_at=start,
                )
                for i, thesis in enumerate(THESES)
            ]
        )
        simulated = simulate(seed)
        firma = users["firma"]
        participants: list[Participant] = []
        for n, person in enumerate(simulated):
            if person.camp is None:
                participants.append(Participant(conversation=conversation, user=firma))
            else:
                participants.append(
                    Participant(conversation=conversation, external_id=f"demo-{n:03d}")
                )
        if firma is None:
            simulated, participants = simulated[:-1], participants[:-1]
        participants = Participant.objects.bulk_create(participants)
        if not participants[0].pk:  # databases that don't return ids from bulk_create
            participants = list(conversation.participants.order_by("pk"))
        votes = [
            Vote(
                participant=participant,
                statement=statements[index],
                value=value,
                created=start + moment,
                modified=start + moment,
            )
            for participant, person in zip(participants, simulated, strict=True)
            for index, value, moment in person.votes
        ]
        Vote.objects.bulk_create(votes, batch_size=2000)
        authors = participants[:3]
        for offset, ((text, status), author) in enumerate(
            zip(PARTICIPANT_STATEMENTS, authors, strict=True)
        ):
            Statement.objects.create(
                conversation=conversation,
                number=len(THESES) + offset,
                text=text,
                author=author,
                status=status,
                moderated_at=now if status != Statement.Status.PENDING else None,
            )
    result = analysis.run_analysis(conversation)
    report(
        f"Opinion maps: “{conversation.title}” with {len(THESES)} theses, "
        f"{result.participant_count} participants, {result.vote_count} votes, "
        f"{len(result.data.get('groups', []))} opinion groups."
    )


def delete_demo(report: Report) -> None:
    deleted, _ = Conversation.objects.filter(slug=SLUG).delete()
    report(f"Opinion maps: demo conversation deleted ({deleted} rows).")
