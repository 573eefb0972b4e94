"""Demo processes (`werkstatt demo`): the two strategy workshops of the seeds.

- "StrategieWerkstatt: Industrie der ZUKUNFT" (November 2015 – November 2018, completed): the
  action fields the seeds name, with the recommendations that came out of them and the
  project office's answers;
- "ZukunftsWerkstatt INDUSTRIE" (from November 2018; its own space and the advisory board of
  network.demo): the recommendations checked for their fit, theses, a phase for the advisory
  board only, discussions with replies, reactions, a report and a hidden comment (with their
  audit trail), a contribution awaiting pre-moderation. Its phases are placed around today so
  that the process is always in its prioritisation phase, whatever day the demo is built.

The people are demo accounts (beteiligte-NN@ in the demo account domain), members of
fictitious demo organisations; real institutions appear as organisations only (never with an
invented person speaking for them). Seeded and reproducible; deleted by delete_demo().
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from werkstatt.accounts.models import Space, SpaceRole
from werkstatt.network.demo import (
    ACCOUNT_DOMAIN,
    BOARD_SPACE,
    DEMO_PASSWORD,
    PROCESS_SPACE,
    demo_organisations,
)
from werkstatt.network.models import Organisation, OrganisationMembership, Region, Sector

from .models import (
    ActionField,
    Comment,
    CommentReaction,
    ModerationAction,
    Phase,
    Process,
    Recommendation,
    Report,
)

Report_ = Callable[[str], None]
STRATEGY_SLUG = "strategiewerkstatt-industrie-der-zukunft"
FUTURE_SLUG = PROCESS_SPACE[0]
PARTICIPANT_PREFIX = "beteiligte-"
PARTICIPANTS = 14
Status = Recommendation.Status

FIRST_NAMES = (
    "Anke Friedrich", "Ronny Lehmann", "Sandra Hähnel", "Mirko Baumann", "Claudia Wendt",
    "Steffen Kühn", "Daniela Pohl", "Heiko Martin", "Yvonne Richter", "Falk Engelmann",
    "Manja Schubert", "Tobias Neumann", "Ines Vogel", "Enrico Seidel",
)  # fmt: skip

ACTION_FIELDS = (
    (
        "Digitalisierung",
        "Industrie 4.0 im Mittelstand: vernetzte Produktion, Daten, IT-Sicherheit.",
    ),
    (
        "Kooperation und Cross-Innovation",
        "Kooperation der kleinteiligen Industrie untereinander und mit der Kultur- und "
        "Kreativwirtschaft, FabLabs und MakerSpaces als offene Werkstätten.",
    ),
    ("Aus- und Weiterbildung", "Fachkräfte für die Industrie der Zukunft qualifizieren."),
    (
        "Infrastruktur",
        "Breitband, Verkehr, Flächen und Energie für die industrielle Wertschöpfung.",
    ),
    ("Demografischer Wandel", "Risiken und Chancen einer alternden und schrumpfenden Belegschaft."),
    (
        "Weiche Standortfaktoren",
        "Internationalität und Weltoffenheit, Innovationskultur und Risikobereitschaft.",
    ),
    (
        "Innovation und Transfer",
        "Regionale Innovationspotenziale stärken, Transfer wissenschaftlicher Exzellenz in die "
        "Praxis.",
    ),
)

# (action field index, kind, title, text, status, answer, districts)
STRATEGY_RECOMMENDATIONS = (
    (0, "recommendation", "Digitalisierungslotsen für kleine Zulieferbetriebe",
     "Viele Betriebe mit weniger als 50 Beschäftigten haben niemanden, der sich um die "
     "Vernetzung von Maschinen und Daten kümmern kann. Regionale Digitalisierungslotsen sollen "
     "Betriebe besuchen, den Stand aufnehmen und passende Förderprogramme und Partner nennen.",
     Status.ACCEPTED, "Aufgenommen in die Leitlinien (Leitlinie 2: Digitale Wertschöpfung).", ()),
    (0, "recommendation", "IT-Sicherheit als Teil der Industrie-4.0-Förderung",
     "Wer Produktionsanlagen vernetzt, öffnet sie auch für Angriffe. Förderprogramme sollen "
     "eine Basisprüfung der IT-Sicherheit verlangen und bezuschussen.",
     Status.ACCEPTED, "", ()),
    (1, "recommendation", "Maschinenbau trifft Kreativwirtschaft: Cross-Innovation-Werkstätten",
     "Regelmäßige Werkstätten, in denen Designerinnen, Spieleentwickler und Ingenieure an "
     "echten Aufgaben von Zulieferern arbeiten, sollen neue Produkte und Geschäftsmodelle "
     "anstoßen.",
     Status.IMPLEMENTED, "Umgesetzt als Veranstaltungsreihe gemeinsam mit dem Landesverband "
     "der Kultur- und Kreativwirtschaft.", ("14511", "14612")),
    (1, "recommendation", "FabLabs als offene Werkstätten für KMU öffnen",
     "FabLabs in Dresden und Chemnitz sollen feste Zeiten und Ansprechpartner für kleine "
     "Betriebe anbieten, die Prototypen mit 3D-Druck oder Lasercutter bauen wollen.",
     Status.IN_IMPLEMENTATION, "", ("14511", "14612")),
    (2, "recommendation", "Weiterbildungsverbünde für Industrie 4.0",
     "Kleine Betriebe können einzeln keine Weiterbildung zu Robotik und Datenanalyse "
     "organisieren. Verbünde mehrerer Betriebe mit Berufsschulen und Hochschulen schon.",
     Status.ACCEPTED, "", ()),
    (3, "recommendation", "Glasfaser in jedes Gewerbegebiet bis 2025",
     "Ohne schnelles Netz kein Datenaustausch mit Kunden und keine Fernwartung. Gewerbegebiete "
     "im ländlichen Raum sollen beim Breitbandausbau Vorrang bekommen.",
     Status.ACCEPTED, "", ("14521", "14523", "14627")),
    (4, "recommendation", "Wissen älterer Fachkräfte sichern",
     "Bevor die geburtenstarken Jahrgänge in Rente gehen, soll ihr Erfahrungswissen in "
     "Tandems mit Jüngeren und in digitalen Anleitungen festgehalten werden.",
     Status.ACCEPTED, "", ()),
    (5, "thesis", "Ohne Weltoffenheit keine Fachkräfte aus dem Ausland",
     "Sachsens Industrie wird ihren Bedarf an Fachkräften nicht ohne Zuwanderung decken. "
     "Das gelingt nur in Regionen, in denen sich Menschen aus dem Ausland willkommen fühlen.",
     Status.ACCEPTED, "Eingeflossen in Leitlinie 5: Offenheit als Standortfaktor.", ()),
    (6, "recommendation", "Transferscouts an den Hochschulen",
     "Transferscouts sollen Forschungsergebnisse der Hochschulen und Institute aktiv zu "
     "passenden Unternehmen der Region tragen, statt darauf zu warten, gefragt zu werden.",
     Status.IMPLEMENTED, "", ("14511", "14612", "14713")),
)  # fmt: skip

FUTURE_RECOMMENDATIONS = (
    (0, "recommendation", "Regionale Anlaufstellen für Industrie 4.0 in jedem Landkreis",
     "Die Digitalisierungslotsen aus der StrategieWerkstatt sollen in jedem Landkreis eine feste "
     "Anlaufstelle bekommen, bei Kammern oder Wirtschaftsförderungen angesiedelt.",
     Status.PRIORITISED, ("14521", "14522", "14523")),
    (0, "thesis", "Datenräume sind für KMU wichtiger als eigene KI-Projekte",
     "Kleine Zulieferer profitieren mehr davon, Daten sicher mit ihren Kunden zu teilen, als "
     "davon, eigene KI-Modelle zu entwickeln. Die Förderung sollte sich danach richten.",
     Status.ASSESSMENT, ()),
    (1, "recommendation", "Zuliefernetzwerke für gemeinsame Angebote",
     "Kleine Betriebe sollen sich zu Konsortien zusammenschließen, um gemeinsam Aufträge "
     "anzubieten, die keiner allein stemmen kann – vom Drehen bis zur Beschichtung.",
     Status.PRIORITISED, ("14511", "14521")),
    (1, "recommendation", "Kreativgutscheine für Produktentwicklung",
     "Ein Gutschein, mit dem ein Industriebetrieb die Leistung eines Designbüros oder einer "
     "Agentur bei der Entwicklung eines neuen Produkts bezahlen kann.",
     Status.ASSESSMENT, ("14612", "14713")),
    (2, "recommendation", "Überbetriebliche Ausbildungswerkstätten für Mechatronik",
     "Viele Betriebe bilden nicht aus, weil ihnen die Ausstattung fehlt. Überbetriebliche "
     "Werkstätten im ländlichen Raum schließen diese Lücke.",
     Status.PRIORITISED, ("14522", "14523", "14625")),
    (2, "thesis", "Die duale Ausbildung allein reicht für Industrie 4.0 nicht mehr",
     "Berufsbilder ändern sich schneller, als Ausbildungsordnungen angepasst werden. "
     "Beschäftigte brauchen einen Anspruch auf Weiterbildung während des ganzen Berufslebens.",
     Status.DISCUSSION, ()),
    (3, "recommendation", "Gewerbeflächen an der Schiene entwickeln",
     "Neue Industrieflächen sollen dort entstehen, wo ein Gleisanschluss möglich ist, um "
     "Transporte auf die Schiene zu bringen und Pendelwege zu verkürzen.",
     Status.ASSESSMENT, ("14729", "14730")),
    (4, "recommendation", "Betriebsnachfolge früh begleiten",
     "In den nächsten Jahren suchen tausende Betriebe eine Nachfolge. Kammern und Banken sollen "
     "Inhaberinnen und Inhaber ab 55 aktiv ansprechen und Übergaben begleiten.",
     Status.PRIORITISED, ("14521", "14522", "14523", "14524")),
    (5, "thesis", "Weiche Standortfaktoren entscheiden über den ländlichen Raum",
     "Kita-Plätze, Bahnanschluss und ein offenes Klima halten Fachkräfte eher in der Region als "
     "ein höheres Gehalt.",
     Status.DISCUSSION, ("14625", "14626", "14627")),
    (6, "recommendation", "Transferprojekte mit kleinen Betrieben vereinfachen",
     "Anträge für gemeinsame Forschungsprojekte von Hochschulen und KMU sollen kürzer werden; "
     "kleine Projekte bis 50.000 Euro mit einer Skizze von zwei Seiten.",
     Status.PRIORITISED, ()),
    (6, "recommendation", "Testfelder für autonome Logistik in Industriegebieten",
     "Fahrerlose Transportsysteme zwischen benachbarten Betrieben eines Industriegebiets "
     "erproben, gemeinsam mit Forschungsinstituten.",
     Status.ASSESSMENT, ("14612", "14713")),
)  # fmt: skip

BOARD_THESES = (
    (1, "Die Förderung sollte Kooperationen statt Einzelbetriebe bevorzugen",
     "Der Begleitkreis schlägt vor, Zuschüsse für Verbundvorhaben höher anzusetzen als für "
     "Einzelvorhaben, um die Kleinteiligkeit der Industrie zu überwinden."),
    (2, "Weiterbildungszeit tarifvertraglich absichern",
     "Zur Diskussion im Begleitgremium: Freistellung für Weiterbildung zu Industrie-4.0-Themen "
     "als Bestandteil von Tarifverträgen."),
)  # fmt: skip

COMMENTS = (
    "Das sehen wir in unserem Betrieb genauso. Ohne Unterstützung von außen schaffen wir das "
    "neben dem Tagesgeschäft nicht.",
    "Wichtig wäre, dass die Anlaufstellen nicht nur beraten, sondern auch Kontakte zu "
    "Umsetzungspartnern vermitteln.",
    "Bei uns im Erzgebirge hat ein ähnliches Modell schon gut funktioniert – die Erfahrungen "
    "sollten einfließen.",
    "Wer soll das dauerhaft bezahlen? Projekte, die nach drei Jahren enden, helfen wenig.",
    "Wir würden uns als FabLab gern beteiligen. Wir haben freie Kapazitäten unter der Woche.",
    "Für Betriebe unter 20 Beschäftigten muss das Verfahren deutlich einfacher sein.",
    "Die Hochschulen sind offen dafür, brauchen aber Ansprechpartner in den Betrieben.",
    "Gute Idee, aber bitte die bestehenden Netzwerke einbinden statt neue Strukturen aufzubauen.",
)
REPLIES = (
    "Danke für den Hinweis – können Sie kurz beschreiben, was dort gut funktioniert hat?",
    "Das ist ein berechtigter Einwand. Eine Verstetigung über die Kammern wäre denkbar.",
    "Da stimme ich zu, die Netzwerke kennen die Betriebe am besten.",
    "Gern, wir melden uns beim Projektbüro.",
)


def _participants(rng: random.Random) -> list[Any]:
    """Demo accounts who take part, each an active member of a fictitious demo organisation."""
    user_model = get_user_model()
    kinds = [
        Organisation.Kind.COMPANY,
        Organisation.Kind.ASSOCIATION,
        Organisation.Kind.FABLAB,
        Organisation.Kind.CREATIVE,
        Organisation.Kind.NETWORK,
    ]
    organisations = list(
        demo_organisations().filter(kind__in=kinds).order_by("pk").only("pk", "name", "kind")[:400]
    )
    password = make_password(DEMO_PASSWORD)
    users = []
    for n, name in enumerate(FIRST_NAMES[:PARTICIPANTS], start=1):
        email = f"{PARTICIPANT_PREFIX}{n:02d}@{ACCOUNT_DOMAIN}"
        user, _ = user_model.objects.get_or_create(
            email=email, defaults={"name": name, "password": password, "is_active": True}
        )
        if organisations:
            org = rng.choice(organisations)
            OrganisationMembership.objects.get_or_create(
                user=user,
                organisation=org,
                defaults={
                    "role": OrganisationMembership.Role.MEMBER,
                    "status": OrganisationMembership.Status.ACTIVE,
                },
            )
            user.demo_organisation = org
        else:
            user.demo_organisation = None
        users.append(user)
    return users


def _space(slug: str, name: str, kind: str = Space.Kind.PROCESS) -> Space:
    space, _ = Space.objects.get_or_create(slug=slug, defaults={"kind": kind, "name": name})
    return space


def _user(local: str) -> Any:
    return get_user_model().objects.filter(email=f"{local}@{ACCOUNT_DOMAIN}").first()


def _aware(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _fields(process: Process) -> list[ActionField]:
    return [
        ActionField.objects.create(process=process, name=name, description=text, order=i)
        for i, (name, text) in enumerate(ACTION_FIELDS)
    ]


def _recommendation(
    process: Process,
    phase: Phase | None,
    author: Any,
    field: ActionField,
    kind: str,
    title: str,
    text: str,
    status: str,
    regions: list[Region],
    sectors: list[Sector],
    created: datetime.datetime,
    **extra: Any,
) -> Recommendation:
    rec = Recommendation(
        process=process,
        phase=phase,
        kind=kind,
        title=title,
        text=text,
        author=author,
        author_organisation=getattr(author, "demo_organisation", None),
        status=status,
        **extra,
    )
    rec._history_user = author  # type: ignore[attr-defined]
    rec.save()
    rec.action_fields.add(field)
    if regions:
        rec.regions.add(*regions)
    if sectors:
        rec.sectors.add(*sectors)
    Recommendation.objects.filter(pk=rec.pk).update(created=created, modified=created)
    rec.history.update(history_date=created)  # type: ignore[attr-defined]
    return rec


def _strategy_werkstatt(people: list[Any], office: Any, rng: random.Random) -> Process:
    process = Process.objects.create(
        space=_space(STRATEGY_SLUG, "StrategieWerkstatt: Industrie der ZUKUNFT"),
        slug=STRATEGY_SLUG,
        title="StrategieWerkstatt: Industrie der ZUKUNFT",
        summary="Grundzüge und Leitlinien einer sächsischen Industriestrategie, gemeinsam mit "
        "Industrie, Gewerkschaften, Kammern und Verbänden erarbeitet.",
        description=(
            "Die vom sächsischen Wirtschaftsministerium initiierte StrategieWerkstatt hat in "
            "einem rund dreijährigen Werkstattprozess Grundzüge einer sächsischen "
            "Industriestrategie entwickelt und Handlungsempfehlungen erarbeitet. Sie bildete "
            "die Plattform für einen offenen Kommunikationsprozess der Wirtschaft, Wissenschaft, "
            "Verbände, Netzwerke und Sozialpartner.\n\nAm 7. März 2017 stellte sie ihre "
            "Zwischenergebnisse auf der Strategiekonferenz zu den Leipziger Messen Z und Intec "
            "vor. Der Prozess endete im November 2018; seine Empfehlungen prüft und priorisiert "
            "nun die ZukunftsWerkstatt INDUSTRIE."
        ),
        organiser="Sächsisches Staatsministerium für Wirtschaft, Arbeit und Verkehr",
        start_date=datetime.date(2015, 11, 1),
        end_date=datetime.date(2018, 11, 30),
        status=Process.Status.COMPLETED,
        moderation=Process.Moderation.POST,
        is_public=True,
        open_to_join=False,
    )
    phases = [
        Phase.objects.create(process=process, order=i, name=name, description=text,
                             start_date=start, end_date=end, allows_propose=propose,
                             allows_comment=True)
        for i, (name, text, start, end, propose) in enumerate((
            ("Auftakt und Themenfindung",
             "Industrie, Gewerkschaften, Kammern und Verbände bringen Themen ein.",
             datetime.date(2015, 11, 1), datetime.date(2016, 6, 30), True),
            ("Handlungsfelder vertiefen",
             "Arbeitsgruppen je Handlungsfeld formulieren Handlungsempfehlungen.",
             datetime.date(2016, 7, 1), datetime.date(2017, 3, 7), True),
            ("Strategiekonferenz und Diskussion",
             "Die Zwischenergebnisse werden auf der Strategiekonferenz in Leipzig vorgestellt "
             "und diskutiert.",
             datetime.date(2017, 3, 8), datetime.date(2018, 6, 30), False),
            ("Leitlinien und Abschluss",
             "Die Empfehlungen fließen in die industriepolitischen Leitlinien ein.",
             datetime.date(2018, 7, 1), datetime.date(2018, 11, 30), False),
        ))
    ]  # fmt: skip
    fields = _fields(process)
    regions = {r.code: r for r in Region.objects.all()}
    for i, (field, kind, title, text, status, answer, codes) in enumerate(STRATEGY_RECOMMENDATIONS):
        phase = phases[i % 2]
        created = _aware(phase.start_date + datetime.timedelta(days=20 + 13 * i))
        rec = _recommendation(
            process, phase, people[i % len(people)], fields[field], kind, title, text, status,
            [regions[c] for c in codes if c in regions], [], created,
        )  # fmt: skip
        if answer:
            Recommendation.objects.filter(pk=rec.pk).update(
                answer=answer, answered_by=office, answered_at=_aware(datetime.date(2018, 10, 15))
            )
        for j in range(rng.randint(0, 2)):
            comment = Comment.objects.create(
                recommendation=rec, author=rng.choice(people), text=rng.choice(COMMENTS)
            )
            Comment.objects.filter(pk=comment.pk).update(
                created=created + datetime.timedelta(days=3 + j)
            )
    return process


def _zukunfts_werkstatt(people: list[Any], accounts: dict[str, Any], rng: random.Random) -> Process:
    today = timezone.localdate()
    board = Space.objects.filter(slug=BOARD_SPACE[0]).first()
    process = Process.objects.create(
        space=_space(*PROCESS_SPACE),
        board_space=board,
        slug=FUTURE_SLUG,
        title="ZukunftsWerkstatt INDUSTRIE",
        summary="Die Handlungsempfehlungen der StrategieWerkstatt auf ihre Passfähigkeit prüfen, "
        "priorisieren, Umsetzungskonzepte erarbeiten und die Umsetzung begleiten.",
        description=(
            "Mit der ZukunftsWerkstatt INDUSTRIE hat das sächsische Wirtschaftsministerium das "
            "Folgeprojekt der StrategieWerkstatt: Industrie der ZUKUNFT initiiert. Sie prüft die "
            "Handlungsempfehlungen mit den betreffenden Akteuren auf ihre Passfähigkeit und auf "
            "die regionalen Gegebenheiten, priorisiert sie, erarbeitet Umsetzungskonzepte und "
            "begleitet die weitere Entwicklung.\n\nEingeladen ist, wer Themen oder kontroverse "
            "Thesen einbringen und diskutieren möchte. Das Projektbüro in Dresden hat im "
            "November 2018 die Arbeit aufgenommen."
        ),
        organiser="Sächsisches Staatsministerium für Wirtschaft, Arbeit und Verkehr; "
        "Projektbüro: VDI/VDE Innovation + Technik GmbH, Dresden",
        start_date=datetime.date(2018, 11, 1),
        end_date=today + datetime.timedelta(days=700),
        status=Process.Status.ACTIVE,
        moderation=Process.Moderation.PRE,
        is_public=True,
        open_to_join=True,
    )
    # The prioritisation phase runs today; the ones before end yesterday, the ones after follow.
    prioritise_start = today - datetime.timedelta(days=45)
    board_start = prioritise_start - datetime.timedelta(days=120)
    fit_start = board_start - datetime.timedelta(days=400)
    spec = (
        ("Themen und kontroverse Thesen einbringen",
         "Akteure bringen Themen und kontroverse Thesen ein und diskutieren die Empfehlungen der "
         "StrategieWerkstatt.",
         datetime.date(2018, 11, 1), fit_start - datetime.timedelta(days=1),
         dict(allows_propose=True, allows_comment=True), Phase.Visibility.PUBLIC),
        ("Passfähigkeit prüfen",
         "Die Empfehlungen werden auf ihre Passfähigkeit für die Regionen und Landkreise geprüft.",
         fit_start, board_start - datetime.timedelta(days=1),
         dict(allows_comment=True, allows_rate=True, allows_propose=True), Phase.Visibility.PUBLIC),
        ("Vorauswahl im Begleitgremium",
         "Das Begleitgremium sichtet die Ergebnisse und bringt eigene Thesen ein.",
         board_start, prioritise_start - datetime.timedelta(days=1),
         dict(allows_propose=True, allows_comment=True), Phase.Visibility.BOARD),
        ("Priorisieren",
         "Welche Empfehlungen zuerst? Die Beteiligten priorisieren die geprüften Empfehlungen.",
         prioritise_start, today + datetime.timedelta(days=75),
         dict(allows_prioritise=True, allows_rate=True, allows_comment=True, allows_propose=True),
         Phase.Visibility.PUBLIC),
        ("Umsetzungskonzepte erarbeiten",
         "Für die priorisierten Empfehlungen entstehen Umsetzungskonzepte mit Verantwortlichen, "
         "Meilensteinen und Budget.",
         today + datetime.timedelta(days=76), today + datetime.timedelta(days=300),
         dict(allows_comment=True), Phase.Visibility.MEMBERS),
        ("Umsetzung begleiten",
         "Die Umsetzung wird öffentlich dokumentiert.",
         today + datetime.timedelta(days=301), today + datetime.timedelta(days=700),
         dict(), Phase.Visibility.PUBLIC),
    )  # fmt: skip
    phases = [
        Phase.objects.create(
            process=process, order=i, name=name, description=text, start_date=start,
            end_date=end, visibility=visibility, **allowed,
        )
        for i, (name, text, start, end, allowed, visibility) in enumerate(spec)
    ]  # fmt: skip
    fields = _fields(process)
    regions = {r.code: r for r in Region.objects.all()}
    sectors = list(Sector.objects.filter(code__in=["25", "28", "29", "62", "72", "85"]))
    office = accounts.get("prozess")
    authors = [accounts.get("mitglied"), accounts.get("firma"), *people]
    authors = [a for a in authors if a is not None]
    recs = []
    for i, (field, kind, title, text, status, codes) in enumerate(FUTURE_RECOMMENDATIONS):
        phase = phases[0] if i % 3 else phases[1]
        created = _aware(phase.start_date + datetime.timedelta(days=10 + 17 * i))
        rec = _recommendation(
            process, phase, authors[i % len(authors)], fields[field], kind, title, text, status,
            [regions[c] for c in codes if c in regions],
            rng.sample(sectors, k=min(len(sectors), rng.randint(0, 2))), created,
        )  # fmt: skip
        recs.append(rec)
    board_member = accounts.get("gremium")
    for field, title, text in BOARD_THESES:
        recs.append(
            _recommendation(
                process, phases[2], board_member, fields[field], "thesis", title, text,
                Status.DISCUSSION, [], [], _aware(board_start + datetime.timedelta(days=14)),
            )
        )  # fmt: skip
    # A fresh contribution waiting for pre-moderation.
    _recommendation(
        process, phases[3], accounts.get("mitglied"), fields[6], "recommendation",
        "Offene Werkstatttage an Berufsschulen",
        "Berufsschulen öffnen ihre Werkstätten an Samstagen für Schülerinnen, Schüler und "
        "Eltern, gemeinsam mit Betrieben der Region.",
        Status.SUBMITTED, [], [], timezone.now() - datetime.timedelta(hours=5),
        moderation_state=Recommendation.ModerationState.PENDING,
    )  # fmt: skip
    # Discussions with replies and reactions.
    for rec in recs[:9]:
        base = rec.created if isinstance(rec.created, datetime.datetime) else timezone.now()
        roots = []
        for j in range(rng.randint(1, 3)):
            comment = Comment.objects.create(
                recommendation=rec, author=rng.choice(people), text=rng.choice(COMMENTS)
            )
            Comment.objects.filter(pk=comment.pk).update(
                created=base + datetime.timedelta(days=2 + j)
            )
            roots.append(comment)
            for reactor in rng.sample(people, k=rng.randint(0, 4)):
                if reactor.pk != comment.author_id:
                    CommentReaction.objects.get_or_create(
                        comment=comment,
                        user=reactor,
                        defaults={"kind": rng.choice(["agree", "agree", "helpful", "disagree"])},
                    )
        if roots and rng.random() < 0.7:
            reply = Comment.objects.create(
                recommendation=rec,
                parent=roots[0],
                author=rec.author or rng.choice(people),
                text=rng.choice(REPLIES),
            )
            Comment.objects.filter(pk=reply.pk).update(created=base + datetime.timedelta(days=6))
    # The office answers, the status changes, a report and a hidden comment: all in the trail.
    first = recs[0]
    answer = (
        "Vielen Dank für die Empfehlung. Das Projektbüro hat sie mit den Wirtschaftsförderungen "
        "der Landkreise besprochen; drei Landkreise haben Interesse an einer Pilotphase."
    )
    Recommendation.objects.filter(pk=first.pk).update(
        answer=answer, answered_by=office, answered_at=timezone.now() - datetime.timedelta(days=9)
    )
    for rec, kind, details in (
        (first, ModerationAction.Kind.ANSWER, {}),
        (first, ModerationAction.Kind.CHANGE_STATUS, {"from": "assessment", "to": "prioritised"}),
    ):
        ModerationAction.objects.create(
            process=process, actor=office, kind=kind, recommendation=rec,
            target_label=rec.title, reason=answer if kind == "answer" else "", details=details,
        )  # fmt: skip
    rude = Comment.objects.create(
        recommendation=recs[2],
        author=people[-1],
        text="Das ist doch wieder nur Papier für die Schublade, typisch Ministerium!!!",
    )
    report = Report.objects.create(
        process=process,
        recommendation=recs[2],
        comment=rude,
        reporter=people[0],
        reason=Report.Reason.OFFENSIVE,
        text="Unsachlich.",
        state=Report.State.RESOLVED,
        handled_at=timezone.now() - datetime.timedelta(days=2),
    )
    reason = "Bitte bleiben Sie sachlich und begründen Sie Kritik (Netiquette, Punkt 2)."
    Comment.objects.filter(pk=rude.pk).update(
        is_hidden=True,
        hidden_reason=reason,
        hidden_by=office,
        hidden_at=timezone.now() - datetime.timedelta(days=2),
    )
    ModerationAction.objects.create(
        process=process, actor=office, kind=ModerationAction.Kind.HIDE_COMMENT,
        recommendation=recs[2], comment=rude, report=report, target_label=rude.text[:200],
        reason=reason,
    )  # fmt: skip
    Report.objects.create(
        process=process,
        recommendation=recs[5],
        reporter=people[1],
        reason=Report.Reason.OFF_TOPIC,
        text="Gehört eher ins Handlungsfeld Aus- und Weiterbildung.",
    )
    # Roles: members of the process (the demo accounts get theirs from network.demo).
    for user in people:
        SpaceRole.objects.get_or_create(user=user, space=process.space, role=SpaceRole.Role.MEMBER)
    return process


def build_demo(seed: int, report: Report_) -> None:
    if Process.objects.filter(slug__in=[STRATEGY_SLUG, FUTURE_SLUG]).exists():
        report("Strategy workshops: already there, left as they are.")
        return
    rng = random.Random(seed)
    accounts = {
        local: _user(local) for local in ("prozess", "mitglied", "firma", "gremium", "moderation")
    }
    with transaction.atomic():
        people = _participants(rng)
        office = accounts.get("prozess")
        old = _strategy_werkstatt(people, office, rng)
        if office is not None:
            SpaceRole.objects.get_or_create(
                user=office, space=old.space, role=SpaceRole.Role.MODERATOR
            )
        new = _zukunfts_werkstatt(people, accounts, rng)
    report(
        f"Strategy workshops: {old.title} ({old.recommendations.count()} recommendations), "
        f"{new.title} ({new.recommendations.count()} recommendations and theses, "
        f"{Comment.objects.filter(recommendation__process=new).count()} comments)."
    )


def delete_demo(report: Report_) -> None:
    with transaction.atomic():
        processes = Process.objects.filter(slug__in=[STRATEGY_SLUG, FUTURE_SLUG])
        count = processes.count()
        for process in processes:
            Recommendation.history.filter(process_id=process.pk).delete()  # type: ignore[attr-defined]
            process.delete()
        Space.objects.filter(slug=STRATEGY_SLUG).delete()
        get_user_model().objects.filter(
            email__startswith=PARTICIPANT_PREFIX, email__endswith="@" + ACCOUNT_DOMAIN
        ).delete()
    report(f"Strategy workshops: {count} demo processes deleted.")
