"""Demo supply network (`werkstatt demo`): demands of Saxon buyers, inquiries with answers and
the cooperation exchange, built on the demo organisations, reproducible for a seed.

- Buyers are demo companies in the place the demand names (machine building in Chemnitz,
  automotive in Zwickau, rail in Bautzen and Görlitz, electronics in Dresden …); the delivery
  place is theirs. Deadlines are relative to today.
- Steps ask for what a purchaser would write (Abkanten, MIG/MAG-Schweißen with ISO 3834), but
  only for what the demo network offers: each step takes the most specific of its capability
  and the capabilities above it that at least MIN_SUPPLIERS public suppliers can do with the
  step's certifications (the ranking's and the consortia's rule), and drops certifications
  nobody holds (see `realistic`). So no demo demand contradicts the network it runs on.
- Inquiries go through the same services as on the pages (history, notifications): for the
  welded frame, to the partners of the proposed consortium; the showcase firm (the account
  firma@) gets an inquiry about milling and has asked back, so its inbox has something to do.
  Buyers and the suppliers that answer get a demo account as their admin (`Speakers`); the
  other suppliers have nobody on Werkstatt and get their inquiry by e-mail to their public
  (.example, undeliverable) address, as most of a real directory would.
- Cooperation profiles in the Enterprise Europe Network's style: offers and requests,
  technology and business, the usual partnership types.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from werkstatt.network.demo import (
    ACCOUNT_DOMAIN,
    DEMO_PASSWORD,
    SHOWCASE,
    demo_organisations,
    load_catalogue,
)
from werkstatt.network.models import (
    Capability,
    Certification,
    Material,
    Organisation,
    OrganisationMembership,
)

from .models import CooperationOffer, Demand, Inquiry, Visibility
from .services import cooperation, demands, inquiries, planning
from .services.demands import StepData
from .services.ranking import SUPPLIER_KINDS

Report = Callable[[str], None]


@dataclass(frozen=True)
class StepTemplate:
    capability: str
    quantity: int
    material: str = ""
    tolerances: str = ""
    certifications: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemandTemplate:
    town: str
    title: str
    description: str
    steps: tuple[StepTemplate, ...]
    days: int
    visibility: str = Visibility.PUBLIC
    status: str = Demand.Status.OPEN
    consortium_inquiry: bool = False
    single_inquiries: int = 0


# A step's capability is used if at least this many public demo suppliers can do it.
MIN_SUPPLIERS = 3

DEMANDS = (
    DemandTemplate(
        "Chemnitz",
        "Maschinengestell für Verpackungsmaschine, geschweißt und bearbeitet",
        "Schweißkonstruktion aus S235JR, ca. 1.200 × 800 × 900 mm, 180 kg. Nach dem Schweißen "
        "spannungsarm geglüht, Auflageflächen und Passbohrungen gefräst, pulverbeschichtet "
        "RAL 7035. Zeichnungen und STEP-Daten auf Anfrage. Rahmenvertrag für 40 Stück im Jahr.",
        (
            StepTemplate("trennen.abtragen.laserschneiden", 40, "stahl.baustahl"),
            StepTemplate("umformen.biegen.abkanten", 40, "stahl.baustahl"),
            StepTemplate(
                "fuegen.schweissen.mig_mag", 40, "stahl.baustahl", "ISO 13920 BF", ("ISO 3834",)
            ),
            StepTemplate("trennen.spanen.fraesen", 40, "stahl.baustahl", "ISO 2768-mK, H7"),
            StepTemplate("beschichten.pulverbeschichten", 40, "", "Schichtdicke 80 µm"),
        ),
        days=75,
        consortium_inquiry=True,
    ),
    DemandTemplate(
        "Zwickau",
        "Halter aus Aluminium für Batteriegehäuse",
        "Serienteil für einen Zulieferer der Elektromobilität: Blechhalter aus EN AW-5754, "
        "lasergeschnitten, gekantet, eloxiert. 5.000 Stück im ersten Jahr, Erstmuster mit PPAP.",
        (
            StepTemplate("trennen.abtragen.laserschneiden", 5000, "aluminium", "", ("IATF 16949",)),
            StepTemplate("umformen.biegen.abkanten", 5000, "aluminium", "± 0,2 mm"),
            StepTemplate("beschichten.eloxieren", 5000, "aluminium", "E6/EV1"),
        ),
        days=120,
        single_inquiries=2,
    ),
    DemandTemplate(
        "Bautzen",
        "Konsolen für Drehgestellrahmen (Schienenfahrzeuge)",
        "Brennzugeschnittene und gefräste Konsolen aus S355J2+N, geschweißt nach EN 15085, "
        "lackiert nach Kundenspezifikation. 120 Sätze, Lieferung in Losen zu 20.",
        (
            StepTemplate("trennen.abtragen.brennschneiden", 120, "stahl"),
            StepTemplate("trennen.spanen.fraesen", 120, "stahl", "ISO 2768-mK"),
            StepTemplate("fuegen.schweissen.mig_mag", 120, "stahl", "ISO 5817 B", ("EN 15085",)),
            StepTemplate("beschichten.lackieren", 120),
        ),
        days=150,
        visibility=Visibility.MEMBERS,
        consortium_inquiry=True,
    ),
    DemandTemplate(
        "Dresden",
        "Drehteile aus Edelstahl für Vakuumtechnik",
        "Präzisionsdrehteile aus 1.4404, Ra 0,8, gereinigt und einzeln verpackt. "
        "Losgröße 200, Wiederholauftrag vierteljährlich.",
        (StepTemplate("trennen.spanen.drehen", 200, "stahl.edelstahl", "IT6", ("ISO 9001",)),),
        days=40,
        single_inquiries=3,
    ),
    DemandTemplate(
        "Görlitz",
        "Gussgehäuse für Getriebe, bearbeitet",
        "Sandgussgehäuse aus EN-GJS-400, ca. 35 kg, anschließend komplett bearbeitet. "
        "Modell vorhanden. 60 Stück.",
        (
            StepTemplate("urformen.giessen.sandguss", 60, "gusseisen"),
            StepTemplate("trennen.spanen.fraesen", 60, "gusseisen", "Lagersitze H7"),
        ),
        days=90,
    ),
    DemandTemplate(
        "Leipzig",
        "Ersatzteile aus Kunststoff im 3D-Druck",
        "Abdeckungen und Halter für eine ältere Anlage, für die es keine Ersatzteile mehr "
        "gibt. CAD-Daten liegen vor. Je 5 Stück, 12 Varianten.",
        (StepTemplate("urformen.additive_fertigung.sls", 60, "kunststoff"),),
        days=30,
        status=Demand.Status.FULFILLED,
    ),
)

OFFERS = (
    (
        "business",
        "offer",
        ("subcontracting",),
        "Freie Kapazitäten im 5-Achs-Fräsen",
        "Lohnfertiger mit sechs 5-Achs-Bearbeitungszentren bietet freie Kapazitäten für "
        "Einzelteile und Kleinserien aus Stahl, Edelstahl und Aluminium bis 800 mm. "
        "Messprotokolle, Zeugnisse 3.1 und kurze Lieferzeiten im Raum Chemnitz.",
        ("trennen.spanen.fraesen",),
    ),
    (
        "business",
        "request",
        ("subcontracting", "joint_production"),
        "Partner für Pulverbeschichtung in Kleinserien gesucht",
        "Maschinenbauer sucht einen regionalen Beschichter für Gestelle und Verkleidungen bis "
        "2 m Länge, 20 bis 50 Stück im Monat, RAL-Farben nach Bedarf.",
        ("beschichten.pulverbeschichten",),
    ),
    (
        "technology",
        "request",
        ("research", "technical"),
        "Rührreibschweißen von Aluminium: Forschungspartner gesucht",
        "Mittelständischer Fahrzeugbauer möchte Strangpressprofile aus Aluminium durch "
        "Rührreibschweißen verbinden und sucht ein Institut oder einen Anwender für "
        "Versuche und ein gemeinsames Förderprojekt.",
        ("fuegen.schweissen",),
    ),
    (
        "technology",
        "offer",
        ("licence", "technical"),
        "Lizenz: Laserhärten von Schneidkanten",
        "Ein patentiertes Verfahren zum partiellen Laserhärten von Schneid- und Stanzwerkzeugen "
        "verlängert die Standzeit deutlich. Wir bieten Lizenzen und Unterstützung bei der "
        "Einführung.",
        ("trennen.abtragen.laserschneiden",),
    ),
    (
        "business",
        "request",
        ("distribution",),
        "Vertriebspartner in Polen und Tschechien gesucht",
        "Hersteller von Spannvorrichtungen sucht Handelsvertreter oder Händler mit Kontakten "
        "zum Maschinenbau in Niederschlesien und Nordböhmen.",
        (),
    ),
    (
        "business",
        "offer",
        ("joint_production", "subcontracting"),
        "Gemeinsame Fertigung von Schweißbaugruppen",
        "Schweißfachbetrieb mit Zertifizierung nach ISO 3834 bietet Kooperation bei größeren "
        "Aufträgen: wir schweißen, Partner schneiden, kanten und bearbeiten.",
        ("fuegen.schweissen", "umformen.biegen.abkanten"),
    ),
    (
        "technology",
        "offer",
        ("subcontracting", "research"),
        "Additive Fertigung von Ersatzteilen und Prototypen",
        "FabLab mit SLS- und FDM-Druckern fertigt Prototypen und Ersatzteile aus Kunststoff, "
        "auch Reverse Engineering nach Muster.",
        ("urformen.additive_fertigung",),
    ),
    (
        "business",
        "request",
        ("joint_venture", "acquisition"),
        "Nachfolge oder Beteiligung für Drehteilefertigung",
        "Inhabergeführte Dreherei mit zwölf Beschäftigten sucht einen Partner für die "
        "Nachfolge oder eine Beteiligung, um den Standort im Erzgebirge zu sichern.",
        ("trennen.spanen.drehen",),
    ),
)

QUESTIONS = (
    "Welche Toleranz gilt für die Passbohrungen, und gibt es eine Prüfvorschrift?",
    "Können Sie uns die Zeichnungen als STEP-Datei schicken?",
    "Ist eine Lieferung in zwei Teillosen möglich?",
)
ANSWERS = (
    "Die Passbohrungen sind H7; ein Prüfplan liegt der Zeichnung bei.",
    "Gern, die Daten kommen heute per E-Mail.",
    "Ja, zwei Teillose im Abstand von vier Wochen sind möglich.",
)


@dataclass
class Built:
    demands: list[Demand] = field(default_factory=list)
    inquiries: int = 0
    offers: int = 0


class Speakers:
    """Who speaks for the demo organisations in the supply demo: their admin, or a demo account
    made their admin (lieferkette.<slug>@ in the demo accounts' domain, removed with them).

    Only the buyers and the suppliers that answer get one: the other suppliers stay without
    anybody on Werkstatt, as most of the directory is, and get their inquiries by e-mail."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._password: str | None = None

    def of(self, organisation: Organisation) -> Any:
        found = _admin_of(organisation)
        if found.is_authenticated:
            return found
        if self._password is None:
            self._password = make_password(DEMO_PASSWORD)  # one slow hash for all
        names = load_catalogue().names
        first = self.rng.choice(
            names["first_names_female" if self.rng.random() < 0.4 else "first_names_male"]
        )
        user, _created = get_user_model().objects.get_or_create(
            email=f"lieferkette.{organisation.slug}@{ACCOUNT_DOMAIN}"[:254],
            defaults={
                "name": f"{first} {self.rng.choice(names['family_names'])}",
                "password": self._password,
            },
        )
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        OrganisationMembership.objects.update_or_create(
            user=user,
            organisation=organisation,
            defaults={
                "role": OrganisationMembership.Role.ADMIN,
                "status": OrganisationMembership.Status.ACTIVE,
            },
        )
        return user


def _admin_of(organisation: Organisation):
    membership = (
        OrganisationMembership.objects.filter(
            organisation=organisation,
            role=OrganisationMembership.Role.ADMIN,
            status=OrganisationMembership.Status.ACTIVE,
        )
        .select_related("user")
        .first()
    )
    return membership.user if membership else AnonymousUser()


def _buyer(town: str, rng: random.Random, taken: set[int]) -> Organisation | None:
    candidates = list(
        demo_organisations()
        .filter(kind=Organisation.Kind.COMPANY, sites__city=town, lat__isnull=False)
        .exclude(pk__in=taken)
        .order_by("pk")
        .distinct()
    )
    if not candidates:
        candidates = list(
            demo_organisations()
            .filter(kind=Organisation.Kind.COMPANY, lat__isnull=False)
            .exclude(pk__in=taken)
            .order_by("pk")
        )
    return rng.choice(candidates) if candidates else None


def _able(key: str, codes: tuple[str, ...], buyer: Organisation | None) -> int:
    """How many public, located demo suppliers other than the buyer can do a step (the
    capability or one below it, and all certifications): the ranking's and consortia's rule."""
    organisations = demo_organisations().filter(
        kind__in=SUPPLIER_KINDS, is_public=True, lat__isnull=False
    )
    if buyer is not None:
        organisations = organisations.exclude(pk=buyer.pk)
    organisations = organisations.filter(
        pk__in=Organisation.capabilities.through.objects.filter(
            Q(capability__key=key) | Q(capability__key__startswith=key + ".")
        ).values("organisation_id")
    )
    for code in codes:
        organisations = organisations.filter(
            pk__in=Organisation.certifications.through.objects.filter(
                certification__code=code
            ).values("organisation_id")
        )
    return organisations.count()


def realistic(
    step: StepTemplate, buyer: Organisation | None = None
) -> tuple[str, tuple[str, ...]] | None:
    """The step's capability and certifications as the demo network can serve them: the most
    specific key of the step's and those above it (never a main group) that MIN_SUPPLIERS can
    do with the certifications, else without them, else that at least one can do (a small
    network); None if nobody can do any of them (the step is left out)."""
    parts = step.capability.split(".")
    keys = [".".join(parts[:k]) for k in range(len(parts), 1, -1)]
    tries = list(dict.fromkeys([step.certifications, ()]))
    for enough in (MIN_SUPPLIERS, 1):
        for codes in tries:
            for key in keys:
                if _able(key, codes, buyer) >= enough:
                    return key, codes
    return None


def _steps(template: DemandTemplate, buyer: Organisation) -> list[StepData]:
    chosen = [(s, realistic(s, buyer)) for s in template.steps]
    kept = [(s, found) for s, found in chosen if found is not None]
    caps = {c.key: c for c in Capability.objects.filter(key__in=[f[0] for _s, f in kept])}
    materials = {m.key: m for m in Material.objects.all()}
    certs = {c.code: c for c in Certification.objects.all()}
    return [
        StepData(
            capability=caps[key],
            quantity=s.quantity,
            material=materials.get(s.material),
            tolerances=s.tolerances,
            certifications=[certs[c] for c in codes if c in certs],
        )
        for s, (key, codes) in kept
        if key in caps
    ]


def _converse(inquiry: Inquiry, buyer_user, rng: random.Random, answered: bool) -> None:
    supplier_user = _admin_of(inquiry.organisation)  # made a speaker before it was asked
    index = rng.randrange(len(QUESTIONS))
    inquiries.do_inquiry_action(inquiry, supplier_user, "question", QUESTIONS[index])
    if answered:
        inquiries.do_inquiry_action(inquiry, buyer_user, "answer", ANSWERS[index])
        action = rng.choice(["accept", "decline", None])
        if action:
            text = "Gern, Angebot folgt." if action == "accept" else "Leider keine Kapazität."
            inquiries.do_inquiry_action(inquiry, supplier_user, action, text)


@transaction.atomic
def build_demo(seed: int, report: Report) -> None:
    """Demands, inquiries and cooperation profiles on the demo network (reproducible)."""
    rng = random.Random(f"supply-{seed}")
    today = timezone.localdate()
    built = Built()
    taken: set[int] = set()
    showcase = demo_organisations().filter(name=SHOWCASE["name"]).first()
    if showcase is not None:
        taken.add(showcase.pk)
    showcase_asked = False
    speakers = Speakers(rng)
    for template in DEMANDS:
        buyer = _buyer(template.town, rng, taken)
        if buyer is None:
            continue
        taken.add(buyer.pk)
        site = buyer.sites.order_by("-is_headquarters", "pk").first()
        user = speakers.of(buyer)
        steps = _steps(template, buyer)
        if not steps:
            continue
        demand = demands.do_create_demand(
            buyer,
            user,
            {
                "title": template.title,
                "description": template.description,
                "delivery_postcode": site.postcode if site else "",
                "delivery_city": site.city if site else template.town,
                "deadline": today + timedelta(days=template.days),
                "visibility": template.visibility,
            },
            steps,
        )
        built.demands.append(demand)
        if template.consortium_inquiry:
            plan = planning.consortia_for(demand, alternatives=1)
            if plan.feasible:
                for _step, partner in plan.options[0].assignments:
                    speakers.of(partner)  # each partner answers below
                sent = inquiries.do_send_consortium_inquiry(
                    demand,
                    user,
                    plan.options[0].assignments,
                    "Guten Tag, wir suchen Partner für die ganze Kette dieses Bedarfs und "
                    "würden uns über ein gemeinsames Angebot freuen.",
                )
                built.inquiries += len(sent)
                for number, inquiry in enumerate(sent):
                    _converse(inquiry, user, rng, answered=number % 2 == 0)
            milling = demand.steps.filter(capability__key="trennen.spanen.fraesen").first()
            already = showcase is not None and demand.inquiries.filter(organisation=showcase)
            if showcase is not None and milling is not None and not showcase_asked and not already:
                showcase_asked = True
                asked = inquiries.do_send_inquiry(
                    demand,
                    user,
                    showcase,
                    "Können Sie die Fräsbearbeitung der Gestelle übernehmen? Bitte nennen Sie "
                    "uns Preis und Lieferzeit für 40 Stück im Jahr.",
                    [milling],
                )
                _converse(asked, user, rng, answered=False)
                built.inquiries += 1
        ranked_suppliers = (
            planning.ranking_for(demand, user, limit=template.single_inquiries)
            if template.single_inquiries
            else []
        )
        for ranked in ranked_suppliers:
            if demand.inquiries.filter(organisation=ranked.organisation).exists():
                continue
            talks = rng.random() < 0.6
            if talks:
                speakers.of(ranked.organisation)
            inquiry = inquiries.do_send_inquiry(
                demand,
                user,
                ranked.organisation,
                "Wir bitten um ein Angebot zu diesem Bedarf. Zeichnungen senden wir gern zu.",
            )
            built.inquiries += 1
            if talks:
                _converse(inquiry, user, rng, answered=rng.random() < 0.7)
        if template.status != Demand.Status.OPEN:
            demands.do_set_demand_status(demand, user, template.status)
    # The exchange: profiles of demo companies, research institutes and FabLabs.
    owners = list(
        demo_organisations()
        .filter(kind__in=["company", "research", "fablab"], lat__isnull=False)
        .order_by("pk")
    )
    caps = {c.key: c for c in Capability.objects.all()}
    for kind, direction, types, title, summary, keys in OFFERS:
        if not owners:
            break
        wanted = "fablab" if "FabLab" in summary else "research" if kind == "technology" else None
        pool = [o for o in owners if o.kind == wanted] or owners
        owner = rng.choice(pool)
        cooperation.do_create_offer(
            owner,
            _admin_of(owner),
            {
                "kind": kind,
                "direction": direction,
                "partnership_types": list(types),
                "title": title,
                "summary": summary,
                "visibility": Visibility.PUBLIC,
                "expires_on": today + timedelta(days=rng.randrange(60, 300)),
                "capabilities": [caps[k] for k in keys if k in caps],
                "sectors": list(owner.sectors.all()[:2]),
            },
        )
        built.offers += 1
    report(
        f"Supply network: {len(built.demands)} demands, {built.inquiries} inquiries, "
        f"{built.offers} cooperation profiles."
    )


def delete_demo(report: Report) -> None:
    """Remove what build_demo made (everything of the demo organisations)."""
    organisations = demo_organisations()
    offers, _ = CooperationOffer.objects.filter(organisation__in=organisations).delete()
    count, _ = Demand.objects.filter(organisation__in=organisations).delete()
    Inquiry.objects.filter(organisation__in=organisations).delete()
    report(f"Deleted {count} demo demands and {offers} cooperation profiles (with their rows).")
