"""Demo events (`werkstatt demo`): the three events of the seeds, relative to today.

- the IMPRO supplier conference in Dresden (spring 2027; about 300 participants from demo
  companies, B2B matchmaking on; the matchmaking demo builds its meeting requests on them),
- the strategy conference at the Leipzig fair (Intec and Z, March 2027) with keynote, talks
  and a panel discussion,
- the advisory board's meeting at the competence centre in Chemnitz (past, by invitation only)
  with live demonstrations in the Experimentier- und Digitalfabrik, and feedback.

Demo participants are accounts in the demo account domain (teilnehmende-NNN@…), created with
one bulk insert and one password hash; each is an active member of the demo company they
register for. Speakers are fictitious people (real institutions appear only as organisations).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from werkstatt.accounts.models import Space, SpaceRole
from werkstatt.network.demo import ACCOUNT_DOMAIN, DEMO_PASSWORD, demo_organisations, load_catalogue
from werkstatt.network.models import Organisation, OrganisationMembership

from .models import Answer, Event, Feedback, Question, Registration, Room, Session, Speaker

BERLIN = ZoneInfo("Europe/Berlin")
PARTICIPANT_PREFIX = "teilnehmende-"
SUPPLIER_PARTICIPANTS = 300
SLUGS = (
    "zulieferkonferenz-impro-2027",
    "strategiekonferenz-industrie-der-zukunft-2027",
    "begleitgremium-kompetenzzentrum-2026",
)

Report = Callable[[str], None]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def _weekday_after(start: date, weekday: int) -> date:
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def _org(name: str) -> Organisation | None:
    return demo_organisations().filter(name=name).first()


def _event(
    slug: str, organiser: Organisation | None, moderators: list[Any], **fields: Any
) -> Event:
    space = Space.objects.create(kind=Space.Kind.EVENT, slug=f"event-{slug}", name=fields["title"])
    event = Event.objects.create(space=space, slug=slug, organiser=organiser, **fields)
    SpaceRole.objects.bulk_create(
        SpaceRole(user=user, space=space, role=SpaceRole.Role.MODERATOR) for user in moderators
    )
    return event


def _agenda(event: Event, rooms: list[str], items: list[tuple]) -> None:
    """items: (day offset, start "HH:MM", minutes, kind, title, room index, speakers, text)."""
    room_objects = [
        Room.objects.create(event=event, name=name, position=i) for i, name in enumerate(rooms)
    ]
    speakers: dict[str, Speaker] = {}
    base = timezone.localtime(event.starts_at, BERLIN).date()
    for offset, start, minutes, kind, title, room, names, text in items:
        hour, minute = (int(x) for x in start.split(":"))
        begins = _at(base + timedelta(days=offset), hour, minute)
        session = Session.objects.create(
            event=event,
            title=title,
            kind=kind,
            starts_at=begins,
            ends_at=begins + timedelta(minutes=minutes),
            room=room_objects[room] if room is not None else None,
            description=text,
        )
        for name, role, organisation in names:
            if name not in speakers:
                speakers[name] = Speaker.objects.create(
                    event=event,
                    name=name,
                    role=role,
                    organisation=organisation if isinstance(organisation, Organisation) else None,
                    organisation_name=organisation if isinstance(organisation, str) else "",
                )
            session.speakers.add(speakers[name])


def _participants(count: int, rng: random.Random) -> list[Any]:
    """`count` demo participant accounts (created once, reused by later runs)."""
    user_model = get_user_model()
    names = load_catalogue().names
    emails = [f"{PARTICIPANT_PREFIX}{n:03d}@{ACCOUNT_DOMAIN}" for n in range(1, count + 1)]
    existing = set(user_model.objects.filter(email__in=emails).values_list("email", flat=True))
    password = make_password(DEMO_PASSWORD)  # one hash for all: hashing is slow on purpose
    new = []
    for email in emails:
        female = rng.random() < 0.4
        first = rng.choice(names["first_names_female" if female else "first_names_male"])
        name = f"{first} {rng.choice(names['family_names'])}"
        if email not in existing:
            new.append(user_model(email=email, name=name, password=password, is_active=True))
    user_model.objects.bulk_create(new, batch_size=500)
    try:
        from allauth.account.models import EmailAddress

        have = set(EmailAddress.objects.filter(email__in=emails).values_list("email", flat=True))
        EmailAddress.objects.bulk_create(
            EmailAddress(user=user, email=user.email, verified=True, primary=True)
            for user in user_model.objects.filter(email__in=emails)
            if user.email not in have
        )
    except ImportError:  # pragma: no cover - allauth is always installed
        pass
    return list(user_model.objects.filter(email__in=emails).order_by("email"))


def _register_all(
    event: Event,
    people: list[tuple[Any, Organisation | None]],
    answers: Callable[[int], dict[Question, str]],
    *,
    checked_in: bool = False,
) -> list[Registration]:
    created = timezone.now()
    registrations = [
        Registration(
            event=event,
            user=user,
            status=Registration.Status.CONFIRMED,
            name=user.name,
            organisation=org,
            organisation_name=org.name if org else "",
            confirmed_at=created,
            checked_in_at=event.starts_at + timedelta(minutes=5 + i % 40) if checked_in else None,
        )
        for i, (user, org) in enumerate(people)
    ]
    Registration.objects.bulk_create(registrations, batch_size=500)
    saved = list(event.registrations.order_by("pk"))
    Answer.objects.bulk_create(
        [
            Answer(registration=registration, question=question, value=value)
            for i, registration in enumerate(saved)
            for question, value in answers(i).items()
        ],
        batch_size=1000,
    )
    return saved


@transaction.atomic
def build_demo(seed: int, report: Report) -> None:
    rng = random.Random(seed)
    user_model = get_user_model()
    accounts = {
        u.email.split("@")[0]: u
        for u in user_model.objects.filter(email__endswith="@" + ACCOUNT_DOMAIN).exclude(
            email__startswith=PARTICIPANT_PREFIX
        )
    }
    moderation, prozess = accounts.get("moderation"), accounts.get("prozess")
    firma, mitglied, gremium = (
        accounts.get("firma"),
        accounts.get("mitglied"),
        accounts.get("gremium"),
    )
    today = timezone.localdate()
    wfs = _org("Wirtschaftsförderung Sachsen GmbH")
    smwa = _org("Sächsisches Staatsministerium für Wirtschaft, Arbeit und Verkehr")
    office = _org("VDI/VDE Innovation + Technik GmbH – Projektbüro ZukunftsWerkstatt INDUSTRIE")
    centre = _org("Mittelstand 4.0-Kompetenzzentrum Chemnitz")
    tu_chemnitz = _org("Technische Universität Chemnitz")
    companies = list(demo_organisations().filter(kind=Organisation.Kind.COMPANY).order_by("pk"))
    showcase = firma and Organisation.objects.filter(memberships__user=firma).first()

    # --- the supplier conference: a Wednesday in the second half of March next spring -------
    spring = date(today.year + (1 if today.month >= 3 else 0), 3, 15)
    day = _weekday_after(spring, 2)
    impro = _event(
        SLUGS[0],
        wfs,
        [u for u in (moderation,) if u],
        title="Zulieferkonferenz IMPRO " + str(day.year),
        kind=Event.Kind.CONFERENCE,
        description=(
            "Die Zulieferkonferenz richtet sich an produzierende Unternehmen und Bedarfsträger, "
            "die enger in regionalen Lieferketten auf kurzem Weg zusammenarbeiten wollen. "
            "Sächsische Unternehmerinnen und Unternehmer berichten aus erster Hand; Themen sind "
            "Industrie 4.0, Kooperation und Ausbildung. Am Nachmittag: vorab vereinbarte "
            "B2B-Gespräche an Tischen – für neue Geschäftskontakte in der Region."
        ),
        starts_at=_at(day, 9, 0),
        ends_at=_at(day, 17, 30),
        venue_name="Internationales Congress Center Dresden",
        venue_address="Ostra-Ufer 2, 01067 Dresden",
        venue_lat=51.0569,
        venue_lon=13.7305,
        visibility=Event.Visibility.PUBLIC,
        capacity=320,
        registration_closes_at=_at(day - timedelta(days=7), 23, 59),
        retention_days=180,
        has_matchmaking=True,
    )
    topics = Question.objects.create(
        event=impro,
        text="Welcher Themenbereich interessiert Sie am meisten?",
        kind=Question.Kind.CHOICE,
        options=["Industrie 4.0", "Kooperation in Lieferketten", "Ausbildung und Fachkräfte"],
        position=1,
    )
    role = Question.objects.create(
        event=impro,
        text="Ihre Funktion im Unternehmen",
        kind=Question.Kind.TEXT,
        position=2,
        help_text="Zum Beispiel: Geschäftsführung, Einkauf, Vertrieb, Fertigungsleitung",
    )
    listing = Question.objects.create(
        event=impro,
        text="Ich bin einverstanden, dass mein Name und meine Organisation den anderen "
        "Teilnehmenden für B2B-Gespräche angezeigt werden.",
        kind=Question.Kind.CONSENT,
        position=3,
    )
    minister = ("Staatsminister für Wirtschaft, Arbeit und Verkehr", "", smwa)
    wfs_head = ("Geschäftsführung der Wirtschaftsförderung Sachsen", "", wfs)
    speakers = [
        (f"{rng.choice(['Dr. ', ''])}{first} {last}", function, company)
        for (first, last, function), company in zip(
            [
                ("Karin", "Lötzsch", "Geschäftsführerin"),
                ("Steffen", "Hähnel", "Leiter Einkauf"),
                ("Ulrike", "Zschocke", "Ausbildungsleiterin"),
                ("Matthias", "Kempe", "Geschäftsführer"),
            ],
            rng.sample(companies, 4) if len(companies) >= 4 else [None] * 4,
        )
    ]
    _agenda(
        impro,
        ["Großer Saal", "Saal 4", "B2B-Bereich Foyer"],
        [
            (0, "08:30", 30, Session.Kind.BREAK, "Einlass und Anmeldung", None, [], ""),
            (
                0,
                "09:00",
                20,
                Session.Kind.KEYNOTE,
                "Eröffnung: Sachsens Zulieferer im Wandel",
                0,
                [minister],
                "Grußwort und Eröffnung der Konferenz.",
            ),
            (
                0,
                "09:20",
                25,
                Session.Kind.TALK,
                "Regionale Lieferketten auf kurzem Weg",
                0,
                [wfs_head],
                "Warum kurze Wege Kosten, Risiken und CO₂ sparen.",
            ),
            (
                0,
                "09:45",
                30,
                Session.Kind.TALK,
                "Aus der Praxis: Vom Lohnfertiger zum Systemlieferanten",
                0,
                [speakers[0]],
                "Wie sich ein Zulieferer im Verbund mit Nachbarbetrieben spezialisiert hat.",
            ),
            (0, "10:15", 30, Session.Kind.BREAK, "Kaffeepause", None, [], ""),
            (
                0,
                "10:45",
                30,
                Session.Kind.TALK,
                "Industrie 4.0 in kleinen Betrieben: Wo anfangen?",
                0,
                [speakers[3]],
                "Erste Schritte, die sich rechnen.",
            ),
            (
                0,
                "10:45",
                30,
                Session.Kind.TALK,
                "Ausbildung im Verbund",
                1,
                [speakers[2]],
                "Gemeinsam ausbilden, wenn der eigene Betrieb zu klein ist.",
            ),
            (
                0,
                "11:15",
                45,
                Session.Kind.PANEL,
                "Kooperation statt Konkurrenz: Einkauf trifft Zulieferer",
                0,
                [speakers[1], speakers[0], wfs_head],
                "Was Bedarfsträger von regionalen Zulieferern erwarten – und umgekehrt.",
            ),
            (0, "12:00", 60, Session.Kind.BREAK, "Mittagspause", None, [], ""),
            (
                0,
                "13:00",
                240,
                Session.Kind.NETWORKING,
                "B2B-Gespräche",
                2,
                [],
                "Vorab vereinbarte Gespräche, je 20 Minuten, an nummerierten Tischen.",
            ),
            (0, "17:00", 30, Session.Kind.TALK, "Ausblick und Ausklang", 0, [wfs_head], ""),
        ],
    )
    participants = _participants(SUPPLIER_PARTICIPANTS, rng)
    chosen = rng.sample(companies, min(len(companies), SUPPLIER_PARTICIPANTS)) if companies else []
    people = [
        (user, chosen[i % len(chosen)] if chosen else None) for i, user in enumerate(participants)
    ]
    OrganisationMembership.objects.bulk_create(
        [
            OrganisationMembership(
                user=user,
                organisation=org,
                role=OrganisationMembership.Role.MEMBER,
                status=OrganisationMembership.Status.ACTIVE,
            )
            for user, org in people
            if org is not None
        ],
        ignore_conflicts=True,
    )
    functions = [
        "Geschäftsführung",
        "Einkauf",
        "Vertrieb",
        "Fertigungsleitung",
        "Qualitätsmanagement",
        "Technische Leitung",
    ]
    extra = [(u, showcase) for u in (firma, mitglied) if u is not None]

    def impro_answers(i: int) -> dict[Question, str]:
        return {
            topics: rng.choice(topics.options),
            role: rng.choice(functions),
            listing: "yes",
        }

    _register_all(impro, extra + people, impro_answers)
    report(f"  Events: {impro.title} with {len(extra) + len(people)} registrations")

    # --- the strategy conference at the Leipzig fair (Intec and Z, early March) --------------
    fair_day = _weekday_after(date(day.year, 3, 2), 1)
    strategy = _event(
        SLUGS[1],
        office or smwa,
        [u for u in (prozess, moderation) if u],
        title="Strategiekonferenz: Industrie der Zukunft",
        kind=Event.Kind.CONFERENCE,
        description=(
            "Die ZukunftsWerkstatt INDUSTRIE stellt im Rahmen der Leipziger Industriemessen "
            "Intec und Z ihre bisherigen Ergebnisse vor: Handlungsempfehlungen zu "
            "Digitalisierung, Kooperation und Cross-Innovation, Aus- und Weiterbildung. Eine "
            "Keynote, drei Vorträge und eine abschließende Podiumsdiskussion – mit Gelegenheit, "
            "sich einzubringen und mit anderen ins Gespräch zu kommen."
        ),
        starts_at=_at(fair_day, 10, 0),
        ends_at=_at(fair_day, 14, 0),
        venue_name="Leipziger Messe, Congress Center Leipzig, Saal 3",
        venue_address="Messe-Allee 1, 04356 Leipzig",
        venue_lat=51.3969,
        venue_lon=12.4045,
        visibility=Event.Visibility.PUBLIC,
        capacity=200,
        registration_closes_at=_at(fair_day - timedelta(days=1), 12, 0),
        retention_days=90,
    )
    Question.objects.create(
        event=strategy,
        text="Welche These möchten Sie in der Podiumsdiskussion hören?",
        kind=Question.Kind.TEXT,
        required=False,
        position=1,
    )
    keynote = (
        "Prof. Dr.-Ing. Reinhard Tröger",
        "Produktionstechnik und Automatisierung",
        "Wissenschaftlicher Beirat der ZukunftsWerkstatt",
    )
    creative = (
        "Christiane Rost",
        "Vorstand",
        "Landesverband der Kultur- und Kreativwirtschaft Sachsen",
    )
    fablab = ("Maik Jentzsch", "Mitgründer", "FabLab-Netzwerk Sachsen")
    sme = ("Jens Kießling", "Geschäftsführer", companies[0] if companies else "")
    host = ("Staatsminister für Wirtschaft, Arbeit und Verkehr", "", smwa)
    _agenda(
        strategy,
        ["Saal 3"],
        [
            (0, "10:00", 15, Session.Kind.TALK, "Begrüßung", 0, [host], ""),
            (
                0,
                "10:15",
                40,
                Session.Kind.KEYNOTE,
                "Wertschöpfung mit technischer Intelligenz in digitaler Umgebung",
                0,
                [keynote],
                "Die zukünftige Wertschöpfung der verarbeitenden Industrie.",
            ),
            (
                0,
                "10:55",
                25,
                Session.Kind.TALK,
                "Impulse der Kultur- und Kreativwirtschaft für die Industrie",
                0,
                [creative],
                "",
            ),
            (
                0,
                "11:20",
                25,
                Session.Kind.TALK,
                "Cross-Innovation: Was FabLabs und offene Werkstätten der Industrie bieten",
                0,
                [fablab],
                "",
            ),
            (
                0,
                "11:45",
                25,
                Session.Kind.TALK,
                "Innovation und Digitalisierung im sächsischen Mittelstand",
                0,
                [sme],
                "",
            ),
            (0, "12:10", 20, Session.Kind.BREAK, "Pause", None, [], ""),
            (
                0,
                "12:30",
                60,
                Session.Kind.PANEL,
                "Podiumsdiskussion: Wertschöpfung neu denken",
                0,
                [host, keynote, creative, fablab, sme],
                "Mit Fragen aus dem Publikum.",
            ),
            (0, "13:30", 30, Session.Kind.BREAK, "Ausklang und Gespräche", None, [], ""),
        ],
    )
    strategy_people = extra + people[:120]
    _register_all(strategy, strategy_people, lambda i: {})
    report(f"  Events: {strategy.title} with {len(strategy_people)} registrations")

    # --- the advisory board meeting (past, by invitation) --------------------------------------
    board_day = _weekday_after(today - timedelta(days=40), 2)
    board = _event(
        SLUGS[2],
        centre,
        [u for u in (moderation,) if u],
        title="Sitzung des Begleitgremiums des Mittelstand 4.0-Kompetenzzentrums Chemnitz",
        kind=Event.Kind.BOARD_MEETING,
        description=(
            "Vorstellung des Zentrums, Mitarbeit der Vertreterinnen und Vertreter im "
            "Begleitgremium, Live-Demonstrationen in der Experimentier- und Digitalfabrik der "
            "TU Chemnitz, Berichte der Konsortialpartner zu den Transfer- und "
            "Umsetzungsprojekten, Austausch zur weiteren Entwicklung."
        ),
        starts_at=_at(board_day, 13, 0),
        ends_at=_at(board_day, 17, 0),
        venue_name="Experimentier- und Digitalfabrik der TU Chemnitz",
        venue_address="Reichenhainer Straße 70, 09126 Chemnitz",
        venue_lat=50.8136,
        venue_lon=12.9296,
        visibility=Event.Visibility.INVITATION,
        capacity=30,
        retention_days=365,
    )
    lead = ("Leitung des Kompetenzzentrums", "", centre)
    lab = ("Team der Experimentier- und Digitalfabrik", "", tu_chemnitz)
    _agenda(
        board,
        ["Besprechungsraum", "Experimentier- und Digitalfabrik"],
        [
            (0, "13:00", 30, Session.Kind.TALK, "Vorstellung des Kompetenzzentrums", 0, [lead], ""),
            (
                0,
                "13:30",
                45,
                Session.Kind.TALK,
                "Mitarbeit im Begleitgremium: Themen für Sachsens KMU",
                0,
                [lead],
                "Ideen, Hinweise und Kooperationsangebote der Teilnehmenden.",
            ),
            (0, "14:15", 15, Session.Kind.BREAK, "Kaffeepause", None, [], ""),
            (
                0,
                "14:30",
                60,
                Session.Kind.DEMONSTRATION,
                "Live-Demonstrationen: vernetzte Fertigung zum Anfassen",
                1,
                [lab],
                "Digitaler Zwilling, Assistenzsysteme, Retrofit alter Maschinen.",
            ),
            (
                0,
                "15:30",
                60,
                Session.Kind.TALK,
                "Berichte der Konsortialpartner zu den Transferprojekten",
                0,
                [lead],
                "",
            ),
            (
                0,
                "16:30",
                30,
                Session.Kind.PANEL,
                "Austausch zur weiteren Entwicklung",
                0,
                [lead],
                "",
            ),
        ],
    )
    guests = [u for u in (gremium,) if u] + participants[-12:]
    SpaceRole.objects.bulk_create(
        [SpaceRole(user=u, space=board.space, role=SpaceRole.Role.MEMBER) for u in guests],
        ignore_conflicts=True,
    )
    board_people = [(u, Organisation.objects.filter(memberships__user=u).first()) for u in guests]
    saved = _register_all(board, board_people, lambda i: {}, checked_in=True)
    Feedback.objects.bulk_create(
        Feedback(
            event=board,
            user=registration.user,
            rating=rng.choice([4, 5, 5, 4, 3]),
            comment=rng.choice(
                [
                    "",
                    "",
                    "Die Live-Demonstrationen waren sehr anschaulich.",
                    "Gern mehr Zeit für den Austausch.",
                ]
            ),
        )
        for registration in saved[:8]
    )
    report(f"  Events: {board.title} with {len(saved)} invited participants")


@transaction.atomic
def delete_demo(report: Report) -> None:
    events = Event.objects.filter(slug__in=SLUGS)
    spaces = list(events.values_list("space_id", flat=True))
    count = events.count()
    events.delete()
    Space.objects.filter(pk__in=spaces).delete()
    users = get_user_model().objects.filter(
        email__startswith=PARTICIPANT_PREFIX, email__endswith="@" + ACCOUNT_DOMAIN
    )
    OrganisationMembership.objects.filter(user__in=users).delete()
    accounts = users.count()
    users.delete()
    report(f"  Events: deleted {count} demo events and {accounts} participant accounts")
