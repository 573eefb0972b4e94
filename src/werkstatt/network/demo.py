"""Demo data: a reproducible network of the Saxon industry (`werkstatt demo`).

Two halves. `Generator` is plain Python: from a seed it makes `OrgSpec`s (names, trades,
capabilities, certifications, sites, contact people, descriptions) out of the data files in
network/data/demo/ and a `Vocabulary` of the loaded reference data; the same seed and the same
reference data give the same network, draw for draw. `build_demo` writes the specs with
`bulk_create` in batches (50,000 organisations must load in minutes) with their "created"
history records written in bulk as well, geocodes the sites offline, creates the demo accounts
(and accounts for the admins and members of a share of the firms) and refreshes the search
index.

Everything a person could mistake for real is fictitious: companies, associations, networks,
FabLabs and creative firms are made up from family names and trades; only public institutions
named in institutions.toml keep their real names (see that file for the rule). All web and
e-mail addresses use the reserved ".example" top-level domain, which is also how demo
organisations and accounts are recognised again (`--reset`).
"""

from __future__ import annotations

import csv
import hashlib
import math
import random
import re
import time
import tomllib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.text import slugify

from werkstatt.engines.text import fold

DATA_DIR = Path(__file__).resolve().parent / "data" / "demo"

DEFAULT_ORGANISATIONS = 2200
DEFAULT_SEED = 2026
MIN_ORGANISATIONS = 20
DEMO_TLD = ".example"
ACCOUNT_DOMAIN = "werkstatt.example"
DEMO_PASSWORD = "werkstatt-demo"  # noqa: S105 - documented demo password, printed with a warning

# The share of organisations of each kind whose people have accounts: an admin (the first contact
# person), and for some a member too, so that join requests and inquiries reach someone.
ACCOUNT_SHARES = {"company": 0.15, "association": 0.12, "network": 0.12, "fablab": 0.1}
MEMBER_SHARE = 0.4

NETWORK_SPACE = ("netzwerk", "Netzwerk")
PROCESS_SPACE = ("zukunftswerkstatt-industrie", "ZukunftsWerkstatt INDUSTRIE")
BOARD_SPACE = ("begleitgremium", "Begleitgremium")

# The organisation every demo network has, for the organisation admin and member accounts.
SHOWCASE = {
    "name": "Seifert Zerspanungstechnik GmbH",
    "trade": "zerspanung",
    "town": "Chemnitz",
    "postcode": "09120",
    "family": "Seifert",
}

# Shares of the kinds made only of real institutions (the other kinds' shares are in
# companies.toml); never more than institutions.toml lists. The rest are companies.
INSTITUTION_SHARES = {"chamber": 0.004, "union": 0.005}

LEGAL_FORMS = {
    "micro": [("e.K.", 35), ("GmbH", 40), ("UG (haftungsbeschränkt)", 15), ("GbR", 3)],
    "small": [("GmbH", 70), ("GmbH & Co. KG", 15), ("e.K.", 8), ("KG", 7)],
    "medium": [("GmbH", 65), ("GmbH & Co. KG", 25), ("KG", 4), ("AG", 6)],
    "large": [("GmbH", 55), ("GmbH & Co. KG", 20), ("AG", 20), ("SE", 5)],
}
EMPLOYEES = {"micro": (1, 9), "small": (10, 49), "medium": (50, 249), "large": (250, 2400)}
SIZES = ("micro", "small", "medium", "large")
# Certificates cost money: small firms hold fewer of them than large ones.
CERTIFICATE_FACTOR = {"micro": 0.45, "small": 0.9, "medium": 1.25, "large": 1.5}
SECOND_SITE = {"micro": 0.02, "small": 0.07, "medium": 0.25, "large": 0.55}
CONTACTS = {"micro": (1, 1), "small": (1, 2), "medium": (2, 3), "large": (2, 4)}
SHIFTS = {
    "micro": ["Einschichtbetrieb"],
    "small": ["Einschichtbetrieb", "Zweischichtbetrieb"],
    "medium": ["Zweischichtbetrieb", "Dreischichtbetrieb"],
    "large": ["Dreischichtbetrieb", "vollkontinuierlicher Betrieb"],
}
AREAS = {
    "micro": [300, 450, 600],
    "small": [800, 1200, 2000],
    "medium": [2500, 4000, 6500],
    "large": [8000, 12000, 25000],
}
BATCHES = ["500", "1.000", "5.000", "10.000", "50.000", "100.000"]
DIMENSIONS = [250, 400, 600, 800, 1200, 1500]

INTROS = {
    "traditional": [
        "Das Familienunternehmen wurde {founded} in {town} gegründet und wird heute in der "
        "{generation}. Generation geführt.",
        "Seit {founded} steht der Name {family} in {town} für {quality}.",
        "Die Wurzeln des Betriebs in {town} reichen bis ins Jahr {founded} zurück.",
    ],
    "reunification": [
        "Das Unternehmen entstand {founded} aus einem Betriebsteil eines ehemaligen Kombinats "
        "und ist seitdem in privater Hand.",
        "{founded} gegründet, hat sich der Betrieb in {town} vom Kleinbetrieb zum gefragten "
        "Zulieferer entwickelt.",
        "Seit {founded} steht das Unternehmen in {town} für {quality}.",
    ],
    "established": [
        "Das {size_adj} Unternehmen mit Sitz in {town} wurde {founded} gegründet.",
        "Seit {founded} fertigen wir in {town} mit {employees_text}.",
        "Seit der Gründung {founded} steht das Unternehmen in {town} für {quality}.",
    ],
    "young": [
        "Das junge Unternehmen wurde {founded} in {town} gegründet und wächst seitdem stetig.",
        "{founded} in {town} gegründet, verbinden wir Handwerk mit digitaler Fertigung.",
    ],
}
QUALITIES = [
    "Präzision und Termintreue",
    "Qualität aus Sachsen",
    "Zuverlässigkeit und kurze Wege",
    "handwerkliche Qualität",
    "technisches Können und Flexibilität",
    "faire Partnerschaft",
]
SIZE_ADJECTIVES = {
    "micro": "inhabergeführte",
    "small": "inhabergeführte",
    "medium": "mittelständische",
    "large": "international tätige",
}
CERTIFICATE_SENTENCES = [
    "Unser Managementsystem ist nach {certs} zertifiziert.",
    "Zertifiziert nach {certs}.",
    "Qualität sichern wir mit einem nach {certs} zertifizierten Managementsystem.",
]
CLOSINGS = [
    "Wir freuen uns auf Ihre Anfrage.",
    "Anfragen beantworten wir in der Regel innerhalb von 24 Stunden.",
    "Wir bilden aus und bieten Praktika für Schülerinnen, Schüler und Studierende an.",
    "Als Partner im regionalen Zuliefernetzwerk übernehmen wir gern auch Teilaufträge in "
    "Kooperation mit anderen Betrieben.",
    "Sprechen Sie uns an, auch für Kleinstmengen und Eilaufträge.",
    "Unser Team freut sich darauf, gemeinsam mit Ihnen Lösungen zu entwickeln.",
]
EXTRAS = [
    "Eilservice für Ersatzteile",
    "Reparaturen und Kleinaufträge",
    "Lohnfertigung nach Zeichnung",
    "Beratung zur fertigungsgerechten Konstruktion",
    "Lagerhaltung und Abrufaufträge",
    "Erstmusterprüfberichte",
    "Verpackung und Versand weltweit",
    "Baugruppenmontage auf Anfrage",
    "Materialbeschaffung",
    "Kleinserien und Prototypen",
]
SECOND_SITE_NAMES = [
    "Werk 2",
    "Niederlassung {town}",
    "Zweigwerk {town}",
    "Standort {town}",
    "Montagewerk {town}",
    "Lager {town}",
]
EMAIL_BOXES = ["info", "kontakt", "anfrage", "vertrieb", "service", "post"]
TOWN_ADJECTIVE_EXCEPTIONS = {"Dresden": "Dresdner", "Meißen": "Meißner"}


# --- data files -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Town:
    region_code: str
    name: str
    postcodes: tuple[str, ...]
    weight: float

    @property
    def short(self) -> str:
        """The name without postal qualifier: "Schwarzenberg/Erzgeb." -> "Schwarzenberg"."""
        return self.name.split("/")[0].strip()

    @property
    def adjective(self) -> str:
        """ "Plauen" -> "Plauener", "" for names that have no simple adjective."""
        name = self.short
        if name in TOWN_ADJECTIVE_EXCEPTIONS:
            return TOWN_ADJECTIVE_EXCEPTIONS[name]
        if not re.fullmatch(r"[A-ZÄÖÜ][a-zäöüß]+", name):
            return ""
        return name + ("r" if name.endswith("e") else "er")


@dataclass(frozen=True)
class Catalogue:
    """The demo's own data: towns, name parts, trades, patterns of the other kinds, institutions."""

    towns: tuple[Town, ...]
    names: dict[str, Any]
    trades: tuple[dict[str, Any], ...]
    kinds: dict[str, dict[str, Any]]
    topics: tuple[str, ...]
    trade_words: tuple[str, ...]
    institutions: tuple[dict[str, Any], ...]

    def towns_in(self, region_code: str) -> list[Town]:
        return [t for t in self.towns if t.region_code == region_code]

    def town(self, name: str) -> Town:
        for town in self.towns:
            if town.name == name:
                return town
        raise KeyError(name)


@cache
def load_catalogue(directory: Path = DATA_DIR) -> Catalogue:
    with (directory / "towns.csv").open(encoding="utf-8", newline="") as handle:
        towns = tuple(
            Town(
                row["region_code"],
                row["name"],
                tuple(row["postcodes"].split()),
                float(row["weight"]),
            )
            for row in csv.DictReader(handle, delimiter=";")
        )
    with (directory / "names.toml").open("rb") as handle:
        names = tomllib.load(handle)
    with (directory / "companies.toml").open("rb") as handle:
        companies = tomllib.load(handle)
    with (directory / "institutions.toml").open("rb") as handle:
        institutions = tomllib.load(handle)["institution"]
    return Catalogue(
        towns=towns,
        names=names,
        trades=tuple(companies["trade"]),
        kinds=companies["kinds"],
        topics=tuple(companies["topics"]),
        trade_words=tuple(companies["trade_words"]),
        institutions=tuple(institutions),
    )


# --- reference data as the generator sees it ----------------------------------------------------


def _word_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", fold(text))


@dataclass
class Vocabulary:
    """Lookups from the names the demo data uses to the loaded reference data.

    Capabilities and materials are found by German name (with or without a parenthesis such as
    "(SLM)"), by the last part of their key, or else by a synonym; certifications by code;
    sectors by the longest known prefix of a WZ code ("25.62" -> "25.6" when only groups are
    loaded). Each lookup returns (key, German label) or None.
    """

    capabilities: dict[str, tuple[str, str]] = field(default_factory=dict)
    capability_synonyms: dict[str, tuple[str, str]] = field(default_factory=dict)
    materials: dict[str, tuple[str, str]] = field(default_factory=dict)
    certifications: dict[str, tuple[str, str]] = field(default_factory=dict)
    sectors: set[str] = field(default_factory=set)

    @classmethod
    def build(
        cls,
        capabilities: Iterable[tuple[str, str, str]],
        materials: Iterable[tuple[str, str]],
        certifications: Iterable[str],
        sectors: Iterable[str],
    ) -> Vocabulary:
        """From (key, name_de, synonyms) of capabilities, (key, name_de) of materials, codes."""
        vocabulary = cls()
        for key, name, synonyms in sorted(capabilities):
            label = re.sub(r"\s*\(.*?\)", "", name).strip()
            for word in (name, label, key.rsplit(".", 1)[-1], key):
                vocabulary.capabilities.setdefault(_word_key(word), (key, label))
            for synonym in (synonyms or "").split(","):
                if synonym.strip():
                    vocabulary.capability_synonyms.setdefault(_word_key(synonym), (key, label))
        for key, name in sorted(materials):
            label = re.sub(r"\s*\(.*?\)", "", name).strip()
            for word in (name, label, key.rsplit(".", 1)[-1], key):
                vocabulary.materials.setdefault(_word_key(word), (key, label))
        for code in sorted(certifications):
            vocabulary.certifications.setdefault(_word_key(code), (code, code))
            stripped = re.sub(r"^(din\s*)?(en\s*)?", "", code, flags=re.IGNORECASE)
            vocabulary.certifications.setdefault(_word_key(stripped), (code, code))
        vocabulary.sectors = set(sectors)
        return vocabulary

    def capability(self, names: str) -> tuple[str, str] | None:
        """(key, the matching one of `names`) for "a|b|c"; descriptions use our own words."""
        alternatives = [n.strip() for n in names.split("|")]
        for table in (self.capabilities, self.capability_synonyms):
            for name in alternatives:
                hit = table.get(_word_key(name))
                if hit is not None:
                    return hit[0], name
        return None

    def material(self, names: str) -> tuple[str, str] | None:
        for name in (n.strip() for n in names.split("|")):
            hit = self.materials.get(_word_key(name))
            if hit is not None:
                return hit[0], name
        return None

    def certification(self, codes: str) -> tuple[str, str] | None:
        for code in codes.split("|"):
            word = _word_key(code)
            if word in self.certifications:
                return self.certifications[word]
            stripped = _word_key(re.sub(r"^(din\s*)?(en\s*)?", "", code, flags=re.IGNORECASE))
            if stripped in self.certifications:
                return self.certifications[stripped]
        return None

    def sector(self, code: str) -> str | None:
        candidate = code
        while candidate:
            if candidate in self.sectors:
                return candidate
            candidate = candidate[:-1].rstrip(".")
        return None


# --- specs --------------------------------------------------------------------------------------


@dataclass
class SiteSpec:
    city: str
    postcode: str
    region_code: str
    street: str = ""
    name: str = ""
    is_headquarters: bool = True
    # Offsets from the place's centre in metres (north, east), so that firms don't stack.
    offset_m: tuple[float, float] = (0.0, 0.0)


@dataclass
class ContactSpec:
    name: str
    function: str
    email: str
    is_public: bool


@dataclass
class OrgSpec:
    name: str
    kind: str
    domain: str
    tag: str = ""
    size: str = ""
    employees: int | None = None
    founded: int | None = None
    description: str = ""
    capabilities_text: str = ""
    capacities: str = ""
    website: str = ""
    email: str = ""
    sectors: list[str] = field(default_factory=list)
    capabilities: list[str] = field(default_factory=list)
    certifications: list[str] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    sites: list[SiteSpec] = field(default_factory=list)
    contacts: list[ContactSpec] = field(default_factory=list)


def german_list(items: Sequence[str]) -> str:
    """["a", "b", "c"] -> "a, b und c"."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " und " + items[-1]


def german_number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def ascii_local_part(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


# --- the generator ------------------------------------------------------------------------------


class Generator:
    """Makes the demo network from a seed. Pure Python; deterministic for a seed, catalogue and
    vocabulary (every random draw comes from one `random.Random(seed)`, in a fixed order)."""

    def __init__(
        self, seed: int, vocabulary: Vocabulary, catalogue: Catalogue | None = None
    ) -> None:
        self.rng = random.Random(seed)
        self.vocabulary = vocabulary
        self.catalogue = catalogue or load_catalogue()
        self.names = self.catalogue.names
        self.regions: dict[str, dict[str, Any]] = self.names["regions"]
        self.used_names: set[str] = set()
        self.used_domains: set[str] = set()
        self._district_codes = sorted(self.regions)
        self._district_weights = [float(self.regions[c]["weight"]) for c in self._district_codes]
        self._towns = {c: self.catalogue.towns_in(c) for c in self._district_codes}
        self._town_weights = {c: [t.weight**0.7 for t in towns] for c, towns in self._towns.items()}

    # -- plan ----------------------------------------------------------------------------------

    def plan(self, count: int) -> list[tuple[str, Any]]:
        """The slots to fill: ("institution", row), ("kind", kind) or ("company", trade|None)."""
        if count < MIN_ORGANISATIONS:
            raise ValueError(f"at least {MIN_ORGANISATIONS} organisations")
        institutions = list(self.catalogue.institutions)
        anchors = [i for i in institutions if i.get("anchor")]
        others = [i for i in institutions if not i.get("anchor")]
        slots: list[tuple[str, Any]] = [("company", SHOWCASE)]
        slots += [("institution", i) for i in anchors]
        shares = {kind: float(spec["share"]) for kind, spec in self.catalogue.kinds.items()}
        shares.update(INSTITUTION_SHARES)
        for kind, share in shares.items():
            quota = max(1, round(share * count))
            taken = sum(1 for row in anchors if row["kind"] == kind)
            for row in others:
                if row["kind"] == kind and taken < quota:
                    slots.append(("institution", row))
                    taken += 1
            if kind in self.catalogue.kinds:
                slots += [("kind", kind)] * max(0, quota - taken)
        slots += [("company", None)] * (count - len(slots))
        fixed, rest = slots[: 1 + len(anchors)], slots[1 + len(anchors) :]
        self.rng.shuffle(rest)
        return (fixed + rest)[:count]

    def organisations(self, count: int) -> Iterator[OrgSpec]:
        for slot, value in self.plan(count):
            spec: OrgSpec | None = None
            if slot == "institution":
                spec = self.institution(value)
            elif slot == "kind":
                spec = self.pattern_organisation(value)
            if spec is None:  # also when a kind ran out of unique names
                spec = self.company(value if isinstance(value, dict) else None)
            yield spec

    # -- helpers -------------------------------------------------------------------------------

    def weighted(self, items: Sequence[Any], weights: Sequence[float]) -> Any:
        return self.rng.choices(items, weights=weights, k=1)[0]

    def pick_district(self, factors: dict[str, float] | None = None) -> str:
        factors = factors or {}
        weights = [
            w * float(factors.get(c, 1.0))
            for c, w in zip(self._district_codes, self._district_weights)
        ]
        return self.weighted(self._district_codes, weights)

    def pick_town(self, district: str) -> Town:
        return self.weighted(self._towns[district], self._town_weights[district])

    def person(self) -> tuple[str, str, bool]:
        """(first name, family name, is female)."""
        female = self.rng.random() < 0.42
        first = self.rng.choice(self.names["first_names_female" if female else "first_names_male"])
        return first, self.rng.choice(self.names["family_names"]), female

    def claim_name(self, name: str) -> bool:
        key = name.casefold()
        if key in self.used_names:
            return False
        self.used_names.add(key)
        return True

    def claim_domain(self, base: str) -> str:
        base = (base or "organisation")[:50].strip("-")
        domain, n = base, 1
        while domain in self.used_domains:
            n += 1
            domain = f"{base}-{n}"
        self.used_domains.add(domain)
        return domain + DEMO_TLD

    def street(self, town: Town, industrial: float = 0.6) -> str:
        roll = self.rng.random()
        if roll < industrial:
            street = self.rng.choice(self.names["streets_industrial"])
        elif roll < industrial + 0.08:
            neighbours = [t for t in self._towns[town.region_code] if t.adjective and t != town]
            street = (
                (self.rng.choice(neighbours).adjective + " Straße")
                if neighbours
                else (self.rng.choice(self.names["streets_town"]))
            )
        else:
            street = self.rng.choice(self.names["streets_town"])
        number = self.rng.choice(
            [self.rng.randint(1, 20), self.rng.randint(1, 60), self.rng.randint(1, 140)]
        )
        suffix = self.rng.choice("abc") if self.rng.random() < 0.08 else ""
        return f"{street} {number}{suffix}"

    def offset(self, town: Town) -> tuple[float, float]:
        # A few hundred metres, so that firms in one town don't stack on the map.
        # (Places are geocoded to postcode centres, which already spread over a city.)
        spread = 600.0 if town.weight >= 100 else 300.0
        return (round(self.rng.gauss(0, spread), 1), round(self.rng.gauss(0, spread), 1))

    def site(self, town: Town, *, street: str = "", name: str = "", hq: bool = True) -> SiteSpec:
        return SiteSpec(
            city=town.name,
            postcode=self.rng.choice(town.postcodes),
            region_code=town.region_code,
            street=street,
            name=name,
            is_headquarters=hq,
            offset_m=self.offset(town),
        )

    def draw(
        self,
        entries: Sequence[Sequence[Any]],
        factor: float,
        lookup: Callable[[str], tuple[str, str] | None],
    ) -> list[tuple[str, str]]:
        """Each (name, probability) entry is drawn independently; keeps the resolved ones."""
        chosen: dict[str, tuple[str, str]] = {}
        for name, probability in entries:
            if self.rng.random() < min(0.97, float(probability) * factor):
                hit = lookup(name)
                if hit is not None:
                    chosen.setdefault(hit[0], hit)
        return list(chosen.values())

    def fill(self, template: str, values: dict[str, Any]) -> str:
        return template.format(**values)

    def pick_sentences(self, templates: Sequence[str], values: dict[str, Any], k: int) -> list[str]:
        usable = [t for t in templates if all(values.get(p) for p in re.findall(r"{(\w+)}", t))]
        picked = self.rng.sample(usable, min(k, len(usable)))
        return [self.fill(t, values) for t in sorted(picked, key=templates.index)]

    def contacts(
        self,
        domain: str,
        titles: list[list[str]],
        count: int,
        *,
        first_title: int | None = None,
        family: str = "",
    ) -> list[ContactSpec]:
        result = []
        # Functions without repeats; the first contact holds `first_title` when given.
        order = self.rng.sample(range(len(titles)), len(titles))
        if first_title is not None:
            order.remove(first_title)
            order.insert(0, first_title)
        for index in range(min(count, len(titles))):
            first, last, female = self.person()
            if index == 0 and family and self.rng.random() < 0.6:
                last = family
            title_pair = titles[order[index]]
            function = title_pair[1 if female else 0]
            prefix = ""
            roll = self.rng.random()
            if roll < 0.05:
                prefix = "Dr. "
            elif roll < 0.14:
                prefix = "Dipl.-Ing. "
            name = f"{prefix}{first} {last}"
            email = f"{ascii_local_part(first)}.{ascii_local_part(last)}@{domain}"
            result.append(ContactSpec(name, function, email, index == 0 or self.rng.random() < 0.5))
        return result

    def sectors(self, codes: Sequence[str]) -> list[str]:
        chosen = [codes[0]] + [c for c in codes[1:] if self.rng.random() < 0.3]
        resolved = [self.vocabulary.sector(c) for c in chosen]
        return list(dict.fromkeys(c for c in resolved if c))

    def founded(
        self, era: str | None = None, weights: Sequence[float] = (10, 42, 33, 15)
    ) -> tuple[int, str]:
        era = era or self.weighted(
            ["traditional", "reunification", "established", "young"], weights
        )
        year = {
            "traditional": lambda: self.rng.randint(1862, 1938),
            "reunification": lambda: self.rng.randint(1990, 1996),
            "established": lambda: self.rng.randint(1997, 2014),
            "young": lambda: self.rng.randint(2015, 2025),
        }[era]()
        return year, era

    # -- companies -----------------------------------------------------------------------------

    def company(self, fixed: dict[str, Any] | None = None) -> OrgSpec:
        rng = self.rng
        trades = self.catalogue.trades
        if fixed:
            trade = next(t for t in trades if t["key"] == fixed["trade"])
            town = self.catalogue.town(fixed["town"])
            district = town.region_code
        else:
            district = self.pick_district()
            weights = [
                float(t["weight"]) * float(t.get("regions", {}).get(district, 1.0)) for t in trades
            ]
            trade = self.weighted(trades, weights)
            town = self.pick_town(district)
        size = "small" if fixed else self.weighted(SIZES, trade["sizes"])
        low, high = EMPLOYEES[size]
        employees = int(low + (high - low) * rng.random() ** 2.2)
        founded, era = self.founded(
            "reunification" if fixed else None, trade.get("eras", (10, 42, 33, 15))
        )
        legal = "GmbH" if fixed else self.weighted(*zip(*LEGAL_FORMS[size], strict=True))
        family = fixed["family"] if fixed else rng.choice(self.names["family_names"])
        if fixed:
            name = fixed["name"]
            self.claim_name(name)
            short = name.removesuffix(" GmbH")
        else:
            name, short = self.company_name(trade, district, town, family, legal)
        domain = self.claim_domain(slugify(fold(short)))
        factor = CERTIFICATE_FACTOR[size]
        capabilities = self.draw(trade["capabilities"], 1.0, self.vocabulary.capability)
        if not capabilities:
            best = max(trade["capabilities"], key=lambda e: e[1])
            hit = self.vocabulary.capability(best[0])
            capabilities = [hit] if hit else []
        certifications = self.draw(trade["certifications"], factor, self.vocabulary.certification)
        if not any(key.startswith("fuegen.schweissen") for key, _ in capabilities):
            # EN 1090 and ISO 3834 certify welding: a firm that does not weld holds neither.
            welding = {self.vocabulary.certification(c) for c in ("EN 1090", "ISO 3834")}
            certifications = [c for c in certifications if c not in welding]
        iso_9001 = self.vocabulary.certification("ISO 9001")
        if fixed and iso_9001 and iso_9001 not in certifications:
            certifications.insert(0, iso_9001)
        materials = self.draw(trade["materials"], 1.0, self.vocabulary.material)
        products = rng.sample(trade["products"], min(len(trade["products"]), rng.randint(2, 3)))
        customers = rng.sample(trade["customers"], 2)
        cap_labels = [label for _, label in capabilities][:4]
        values = {
            "short": short,
            "town": town.short,
            "family": family,
            "founded": founded,
            "generation": rng.randint(3, 5),
            "quality": rng.choice(QUALITIES),
            "size_adj": SIZE_ADJECTIVES[size],
            "employees_text": (
                f"{employees} Mitarbeiterinnen und Mitarbeitern"
                if employees > 1
                else "einem kleinen Team"
            ),
            "caps": german_list(cap_labels),
            "materials": german_list([label for _, label in materials][:4]),
            "products": german_list(products),
            "product": products[0],
            "customers": german_list(customers),
            "batch": rng.choice(BATCHES),
            "certs": german_list([code for code, _ in certifications]),
        }
        intro_era = era
        if era == "traditional" and family not in name:
            intro_era = "established"
        sentences = [self.fill(rng.choice(INTROS[intro_era]), values)]
        sentences += self.pick_sentences(trade["sentences"], values, rng.randint(2, 3))
        if certifications and rng.random() < 0.8:
            sentences.append(self.fill(rng.choice(CERTIFICATE_SENTENCES), values))
        if rng.random() < 0.7:
            sentences.append(rng.choice(CLOSINGS))
        capacities = ""
        if size != "micro" or rng.random() < 0.6:
            n1 = rng.randint(2, 4) + {"micro": 0, "small": 2, "medium": 6, "large": 12}[size]
            capacities = self.fill(
                rng.choice(trade["capacities"]),
                {
                    "n1": n1,
                    "n2": max(2, n1 // 2 + rng.randint(-1, 2)),
                    "n3": rng.randint(2, 4),
                    "batch": rng.choice(BATCHES),
                    "shift": rng.choice(SHIFTS[size]),
                    "dim": rng.choice(DIMENSIONS),
                    "area": german_number(rng.choice(AREAS[size])),
                },
            )
        # Workshop services; engineering offices and software firms have other things to say.
        extras = rng.sample(EXTRAS, rng.randint(0, 3)) if trade["materials"] else []
        sites = [self.site(town, street=self.street(town))]
        if rng.random() < SECOND_SITE[size]:
            other_district = district if rng.random() < 0.6 else self.pick_district()
            other = self.pick_town(other_district)
            if other != town:
                label = rng.choice(SECOND_SITE_NAMES).format(town=other.short)
                sites.append(self.site(other, street=self.street(other, 0.8), name=label, hq=False))
        low_c, high_c = CONTACTS[size]
        titles = self.names["contacts"]["company"]
        contacts = self.contacts(
            domain,
            titles,
            rng.randint(low_c, high_c),
            first_title=1 if legal == "e.K." else 0,
            family=family,
        )
        return OrgSpec(
            name=name,
            kind="company",
            domain=domain,
            tag="showcase" if fixed else trade["key"],
            size=size,
            employees=employees,
            founded=founded,
            description=" ".join(sentences),
            capabilities_text=", ".join(extras),
            capacities=capacities,
            website=f"https://www.{domain}/",
            email=f"{rng.choice(EMAIL_BOXES)}@{domain}",
            sectors=self.sectors(trade["sectors"]),
            capabilities=[k for k, _ in capabilities],
            certifications=[k for k, _ in certifications],
            materials=[k for k, _ in materials],
            sites=sites,
            contacts=contacts,
        )

    def company_name(
        self, trade: dict[str, Any], district: str, town: Town, family: str, legal: str
    ) -> tuple[str, str]:
        """A unique company name and the same without legal form."""
        rng = self.rng
        region = self.regions[district]
        short = ""
        for _attempt in range(40):
            word, gender = rng.choice(trade["words"]).rsplit(":", 1)
            pattern = self.weighted(
                [
                    "family_word",
                    "word_family",
                    "adj_word_family",
                    "word_region",
                    "two_families",
                    "fixed_word",
                    "word_person",
                    "town_word",
                ],
                [
                    30,
                    14,
                    10,
                    10,
                    6,
                    10,
                    6 if legal in ("e.K.", "GbR") else 0,
                    6 if town.adjective else 0,
                ],
            )
            if pattern == "family_word":
                short = f"{family} {word}"
            elif pattern == "word_family":
                short = f"{word} {family}"
            elif pattern == "adj_word_family" and region["stems"]:
                ending = {"f": "e", "p": "e", "m": "er", "n": "es"}[gender]
                short = f"{rng.choice(region['stems'])}{ending} {word} {family}"
            elif pattern == "word_region":
                short = f"{word} {rng.choice(region['nouns'])}"
            elif pattern == "two_families":
                other = rng.choice(self.names["family_names"])
                if other == family:
                    continue
                short = f"{family} & {other} {word}"
            elif pattern == "fixed_word" and region["fixed"]:
                short = f"{rng.choice(region['fixed'])} {word}"
                if rng.random() < 0.5:
                    short += f" {family}"
            elif pattern == "word_person":
                first, _, _ = self.person()
                short = f"{word} {first} {family}"
            elif pattern == "town_word" and town.adjective:
                short = f"{town.adjective} {word}"
            else:
                short = f"{family} {word}"
            name = f"{short} {legal}"
            if self.claim_name(name):
                return name, short
            family = rng.choice(self.names["family_names"])
        # Very large networks: make it unique with the town.
        n = 2
        while True:
            name = f"{short} {town.short}{'' if n == 2 else f' {n}'} {legal}"
            if self.claim_name(name):
                return name, f"{short} {town.short}"
            n += 1

    # -- associations, networks, research, FabLabs, creative firms, municipalities ------------

    def pattern_organisation(self, kind: str) -> OrgSpec | None:
        rng = self.rng
        spec = self.catalogue.kinds[kind]
        district = self.pick_district()
        town = self.pick_town(district)
        region = self.regions[district]
        name = ""
        for attempt in range(40):
            town = self.pick_town(district) if attempt else town
            values = {
                "family": rng.choice(self.names["family_names"]),
                "family2": rng.choice(self.names["family_names"]),
                "town": town.short,
                "town_adj": town.adjective,
                "region_noun": rng.choice(region["nouns"]),
                "topic": rng.choice(self.catalogue.topics),
                "trade_word": rng.choice(self.catalogue.trade_words),
            }
            template = rng.choice(spec["names"])
            if "{town_adj}" in template and not town.adjective:
                continue
            if values["family"] == values["family2"]:
                continue
            name = template.format(**values)
            if self.claim_name(name):
                break
            name = ""
            if attempt % 8 == 7:
                district = self.pick_district()
                region = self.regions[district]
        if not name:
            return None
        short = re.sub(r"\s+(e\.V\.|gGmbH|GmbH|UG \(haftungsbeschränkt\))$", "", name)
        domain = self.claim_domain(slugify(fold(short)))
        values.update({"members": rng.randint(15, 400), "town": town.short})
        sentences = self.pick_sentences(spec["sentences"], values, rng.randint(2, 3))
        capabilities = self.draw(spec.get("capabilities", []), 1.0, self.vocabulary.capability)
        size, employees, founded = "", None, None
        if kind == "creative":
            size = self.weighted(SIZES, [70, 26, 4, 0])
            low, high = EMPLOYEES[size]
            employees = int(low + (high - low) * rng.random() ** 2)
            founded = rng.randint(1995, 2025)
        elif kind in ("association", "network", "research", "fablab"):
            founded = rng.randint(
                *{
                    "association": (1990, 2018),
                    "network": (2000, 2023),
                    "research": (1991, 2016),
                    "fablab": (2012, 2025),
                }[kind]
            )
        titles = self.names["contacts"].get(kind, self.names["contacts"]["institution"])
        contacts = self.contacts(
            domain,
            titles,
            rng.randint(1, 2),
            first_title=None if kind in ("public", "network") else 0,
        )
        return OrgSpec(
            name=name,
            kind=kind,
            domain=domain,
            tag=kind,
            size=size,
            employees=employees,
            founded=founded,
            description=" ".join(sentences),
            website=f"https://{domain}/",
            email=f"{rng.choice(EMAIL_BOXES[:3])}@{domain}",
            sectors=self.sectors(spec["sectors"]),
            capabilities=[k for k, _ in capabilities],
            sites=[self.site(town, street=self.street(town, 0.1))],
            contacts=contacts,
        )

    # -- real institutions ---------------------------------------------------------------------

    def institution(self, row: dict[str, Any]) -> OrgSpec:
        self.claim_name(row["name"])
        domain = self.claim_domain(row["short"])
        town = self.catalogue.town(row["town"])
        site = SiteSpec(
            city=town.name,
            postcode=row["postcode"],
            region_code=town.region_code,
            offset_m=self.offset(town),
        )
        mailboxes = self.rng.sample(self.names["contacts"]["mailboxes"], 2)
        contacts = [
            ContactSpec(box, "", f"{ascii_local_part(box)}@{domain}", True)
            for box in mailboxes[: 1 + (self.rng.random() < 0.5)]
        ]
        capabilities = [self.vocabulary.capability(n) for n in row.get("capabilities", [])]
        return OrgSpec(
            name=row["name"],
            kind=row["kind"],
            domain=domain,
            tag=row["short"],
            description=row["description"],
            website=f"https://{domain}/",
            email=f"kontakt@{domain}",
            sectors=self.sectors(row["sectors"]),
            capabilities=list(dict.fromkeys(c[0] for c in capabilities if c)),
            sites=[site],
            contacts=contacts,
        )


def offset_coordinates(
    lat: float, lon: float, north_m: float, east_m: float
) -> tuple[float, float]:
    """Move (lat, lon) by metres north and east (small distances, spherical earth)."""
    dlat = north_m / 111_320.0
    dlon = east_m / (111_320.0 * max(0.2, math.cos(math.radians(lat))))
    return round(lat + dlat, 6), round(lon + dlon, 6)


def spec_digest(specs: Iterable[OrgSpec]) -> str:
    """A fingerprint of generated specs (names, places, capabilities), for reproducibility."""
    digest = hashlib.sha256()
    for spec in specs:
        parts = [spec.name, spec.kind, ",".join(spec.capabilities), ",".join(spec.certifications)]
        parts += [f"{s.postcode} {s.city} {s.street}" for s in spec.sites]
        digest.update("|".join(parts).encode())
    return digest.hexdigest()


# --- writing to the database --------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: str


DEMO_ACCOUNTS = (
    DemoAccount(
        f"admin@{ACCOUNT_DOMAIN}",
        "Werkstatt-Administration",
        "administrator (superuser, admin site)",
    ),
    DemoAccount(
        f"moderation@{ACCOUNT_DOMAIN}",
        "Anja Lorenz",
        "network moderator (project office), moderates the directory and imports",
    ),
    DemoAccount(
        f"prozess@{ACCOUNT_DOMAIN}",
        "Thomas Kretzschmar",
        "moderator of the process ZukunftsWerkstatt INDUSTRIE (project office)",
    ),
    DemoAccount(
        f"firma@{ACCOUNT_DOMAIN}", "Katrin Seifert", f"organisation admin of {SHOWCASE['name']}"
    ),
    DemoAccount(
        f"mitglied@{ACCOUNT_DOMAIN}",
        "Jens Uhlig",
        f"member of {SHOWCASE['name']}, participant of the process",
    ),
    DemoAccount(
        f"gremium@{ACCOUNT_DOMAIN}",
        "Sabine Teichert",
        "advisory board member (Begleitgremium), member of Handwerkskammer Chemnitz",
    ),
)


@dataclass
class DemoResult:
    organisations: int = 0
    sites: int = 0
    contacts: int = 0
    accounts: tuple[DemoAccount, ...] = ()
    # Accounts of the admins and members of some organisations (ACCOUNT_SHARES).
    people: int = 0
    seconds: float = 0.0
    index_seconds: float = 0.0
    indexed: bool = False
    organisation_ids: list[int] = field(default_factory=list)


Report = Callable[[str], None]


def demo_organisations():  # -> QuerySet[Organisation]
    from .models import Organisation

    return Organisation.objects.filter(email__endswith=DEMO_TLD)


def demo_users():  # -> QuerySet[User]
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(email__endswith="@" + ACCOUNT_DOMAIN)


def vocabulary_from_database() -> Vocabulary:
    from .models import Capability, Certification, Material, Sector

    return Vocabulary.build(
        Capability.objects.values_list("key", "name_de", "synonyms"),
        Material.objects.values_list("key", "name_de"),
        Certification.objects.values_list("code", flat=True),
        Sector.objects.values_list("code", flat=True),
    )


def delete_demo(report: Report | None = None) -> tuple[int, int]:
    """Delete the demo organisations (with their sites, contacts, index) and demo accounts.

    History is switched off meanwhile: deleting demo data should not fill the change history
    with tens of thousands of "deleted" records.
    """
    from django.db import transaction
    from django.test.utils import override_settings
    from simple_history.models import HistoricalRecords

    from .models import ContactPerson, Organisation, SearchTerm, Site

    ids = list(demo_organisations().values_list("pk", flat=True))
    with override_settings(SIMPLE_HISTORY_ENABLED=False), transaction.atomic():
        for start in range(0, len(ids), 2000):
            chunk = ids[start : start + 2000]
            # The children first, as plain deletes (no per-row signals), then the organisations.
            SearchTerm.objects.filter(organisation_id__in=chunk)._raw_delete(SearchTerm.objects.db)
            for model in (
                Organisation.capabilities.through,
                Organisation.certifications.through,
                Organisation.materials.through,
                Organisation.sectors.through,
            ):
                model.objects.filter(organisation_id__in=chunk)._raw_delete(model.objects.db)
            Site.objects.filter(organisation_id__in=chunk)._raw_delete(Site.objects.db)
            ContactPerson.objects.filter(organisation_id__in=chunk)._raw_delete(
                ContactPerson.objects.db
            )
            # Their history goes with them (it names nobody real and would only pile up).
            for field in HistoricalRecords.m2m_models:
                if field.model is Organisation:
                    model = HistoricalRecords.m2m_models[field]
                    model.objects.filter(organisation_id__in=chunk)._raw_delete(model.objects.db)
            for model in (Site.history.model, ContactPerson.history.model):
                model.objects.filter(organisation_id__in=chunk)._raw_delete(model.objects.db)
            Organisation.history.model.objects.filter(id__in=chunk)._raw_delete(
                Organisation.objects.db
            )
            Organisation.objects.filter(pk__in=chunk).delete()
            if report:
                report(f"  {min(start + 2000, len(ids))} / {len(ids)} demo organisations deleted")
        users = demo_users().delete()[1].get(demo_users().model._meta.label, 0)
    return len(ids), users


def _name_key(name: str) -> str:
    try:
        from .services.organisations import name_key
    except ImportError:  # pragma: no cover - the organisation services are always installed
        return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(name)).split())[:200]
    return name_key(name)


class _Geocoder:
    """geocode() with a cache; falls back to the district's seat when a place is unknown."""

    def __init__(self, regions: dict[str, Any]) -> None:
        self.regions = regions
        self.cache: dict[tuple[str, str], tuple[float, float, str] | None] = {}
        try:
            from .services.geocoding import geocode
        except ImportError:  # pragma: no cover - reference data not installed in this build
            geocode = None  # type: ignore[assignment]
        self.geocode = geocode

    def locate(self, site: SiteSpec) -> tuple[float | None, float | None, str]:
        key = (site.city, site.postcode)
        if key not in self.cache:
            place = self.geocode(site.city, site.postcode) if self.geocode else None
            if place is not None:
                self.cache[key] = (place.lat, place.lon, place.region_code or site.region_code)
            else:
                region = self.regions.get(site.region_code)
                self.cache[key] = (
                    (region.lat, region.lon, site.region_code)
                    if region is not None and region.lat is not None
                    else None
                )
        hit = self.cache[key]
        if hit is None:
            return None, None, site.region_code
        lat, lon = offset_coordinates(hit[0], hit[1], *site.offset_m)
        return lat, lon, hit[2]


def build_demo(
    count: int = DEFAULT_ORGANISATIONS,
    seed: int = DEFAULT_SEED,
    *,
    report: Report | None = None,
    batch_size: int = 1000,
    index: bool = True,
) -> DemoResult:
    """Generate the demo network into the database; returns counts and the demo accounts."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from .models import (
        Capability,
        Certification,
        ContactPerson,
        Material,
        Organisation,
        Region,
        Sector,
        Site,
    )

    say = report or (lambda message: None)
    started = time.monotonic()
    result = DemoResult()
    regions = {r.code: r for r in Region.objects.all()}
    capability_ids = dict(Capability.objects.values_list("key", "pk"))
    certification_ids = dict(Certification.objects.values_list("code", "pk"))
    material_ids = dict(Material.objects.values_list("key", "pk"))
    sector_ids = dict(Sector.objects.values_list("code", "pk"))
    geocoder = _Geocoder(regions)
    taken_slugs = set(Organisation.objects.values_list("slug", flat=True))
    generator = Generator(seed, vocabulary_from_database())
    through = {
        "capabilities": (Organisation.capabilities.through, "capability_id", capability_ids),
        "certifications": (
            Organisation.certifications.through,
            "certification_id",
            certification_ids,
        ),
        "materials": (Organisation.materials.through, "material_id", material_ids),
        "sectors": (Organisation.sectors.through, "sector_id", sector_ids),
    }
    tags: dict[str, Organisation] = {}
    # Who of the organisations gets an account: drawn from a generator of its own, so that the
    # network itself is the same with or without them.
    people_rng = random.Random(f"{seed}-people")
    people: list[tuple[Any, ContactSpec, str]] = []  # (organisation, person, role)

    def slug_for(name: str) -> str:
        base = slugify(fold(name))[:200] or "organisation"
        slug, n = base, 1
        while slug in taken_slugs:
            n += 1
            slug = f"{base}-{n}"
        taken_slugs.add(slug)
        return slug

    def write(batch: list[OrgSpec]) -> None:
        orgs = []
        located: list[list[tuple[float | None, float | None, str]]] = []
        for spec in batch:
            places = [geocoder.locate(site) for site in spec.sites]
            located.append(places)
            hq_lat, hq_lon, hq_region = places[0]
            orgs.append(
                Organisation(
                    name=spec.name,
                    slug=slug_for(spec.name),
                    kind=spec.kind,
                    size=spec.size,
                    employees=spec.employees,
                    founded=spec.founded,
                    description=spec.description,
                    capabilities_text=spec.capabilities_text,
                    capacities=spec.capacities,
                    website=spec.website,
                    email=spec.email,
                    region=regions.get(hq_region),
                    lat=hq_lat,
                    lon=hq_lon,
                    name_key=_name_key(spec.name),
                    is_public=True,
                )
            )
        Organisation.objects.bulk_create(orgs)
        sites, contacts = [], []
        rows: dict[str, list[Any]] = {k: [] for k in through}
        for org, spec, places in zip(orgs, batch, located, strict=True):
            if spec.tag:
                tags.setdefault(spec.tag, org)
            share = ACCOUNT_SHARES.get(spec.kind, 0.0)
            if spec.tag != "showcase" and spec.contacts and people_rng.random() < share:
                people.append((org, spec.contacts[0], "admin"))
                if len(spec.contacts) > 1 and people_rng.random() < MEMBER_SHARE:
                    people.append((org, spec.contacts[1], "member"))
            for site, (lat, lon, region_code) in zip(spec.sites, places, strict=True):
                sites.append(
                    Site(
                        organisation_id=org.pk,
                        name=site.name,
                        street=site.street,
                        postcode=site.postcode,
                        city=site.city,
                        region=regions.get(region_code),
                        lat=lat,
                        lon=lon,
                        is_headquarters=site.is_headquarters,
                    )
                )
            for contact in spec.contacts:
                contacts.append(
                    ContactPerson(
                        organisation_id=org.pk,
                        name=contact.name,
                        function=contact.function,
                        email=contact.email,
                        is_public=contact.is_public,
                    )
                )
            for field_name, (_model, _column, ids) in through.items():
                for key in getattr(spec, field_name):
                    if key in ids:
                        rows[field_name].append((org.pk, ids[key]))
        Site.objects.bulk_create(sites, batch_size=2000)
        ContactPerson.objects.bulk_create(contacts, batch_size=2000)
        # The many-to-many rows are plain pairs: insert them without building model objects
        # (hundreds of thousands at 50,000 organisations).
        with connection.cursor() as cursor:
            for field_name, (model, column, _ids) in through.items():
                if rows[field_name]:
                    table = connection.ops.quote_name(model._meta.db_table)
                    cursor.executemany(
                        f"INSERT INTO {table} (organisation_id, {column}) VALUES (%s, %s)",  # noqa: S608
                        rows[field_name],
                    )
        write_initial_history(orgs, sites, contacts)
        result.organisations += len(orgs)
        result.sites += len(sites)
        result.contacts += len(contacts)
        result.organisation_ids.extend(org.pk for org in orgs)

    with transaction.atomic():
        batch: list[OrgSpec] = []
        for spec in generator.organisations(count):
            batch.append(spec)
            if len(batch) >= batch_size:
                write(batch)
                batch = []
                say(f"  {result.organisations} / {count} organisations")
        if batch:
            write(batch)
        say(
            f"  {result.organisations} / {count} organisations, {result.sites} sites, "
            f"{result.contacts} contact people"
        )
        # One hash for all demo accounts: hashing is slow on purpose, and they share the password.
        password = make_password(DEMO_PASSWORD)
        result.accounts = create_accounts(tags, password)
        result.people = create_people_accounts(people, password)
    result.seconds = time.monotonic() - started
    if index:
        result.indexed, result.index_seconds = refresh_index(result.organisation_ids, say)
    return result


def write_initial_history(orgs: list[Any], sites: list[Any], contacts: list[Any]) -> None:
    """The "created" history records of bulk-created organisations (with their capabilities,
    certifications, materials and sectors), sites and contact people, written in bulk.

    Without them the first edit of a demo organisation would show every field as new."""
    from django.utils import timezone
    from simple_history.models import HistoricalRecords

    from .models import ContactPerson, Organisation, Site
    from .services import bulk

    now = timezone.now()

    def history(model: Any, objects: list[Any]) -> list[int]:
        return bulk.insert_history(
            model,
            [bulk.model_row(obj) for obj in objects],
            history_type="+",
            user_id=None,
            reason="demo",
            date=now,
        )

    history_of = dict(zip((o.pk for o in orgs), history(Organisation, orgs), strict=True))
    history(Site, sites)
    history(ContactPerson, contacts)
    org_ids = list(history_of)
    for name in ("capabilities", "certifications", "materials", "sectors"):
        field = Organisation._meta.get_field(name)
        target = field.m2m_reverse_name()
        links = []
        for start in range(0, len(org_ids), 900):
            links += field.remote_field.through.objects.filter(
                organisation_id__in=org_ids[start : start + 900]
            ).values_list("pk", "organisation_id", target)
        bulk.insert(
            HistoricalRecords.m2m_models[field],
            [
                {"id": pk, "organisation_id": org, target: other, "history_id": history_of[org]}
                for pk, org, other in links
            ],
        )


def refresh_index(ids: list[int], say: Report) -> tuple[bool, float]:
    try:
        from .services import search_index
    except ImportError:  # pragma: no cover - the search index is part of every build now
        say("  Search index not installed in this build; skipped.")
        return False, 0.0
    started = time.monotonic()
    step = max(1, len(ids) // 10)
    state = {"next": step}

    def progress(done: int, total: int) -> None:
        if done >= state["next"] or done == total:
            say(f"  search index: {done} / {total}")
            state["next"] = done + step

    search_index.reindex(ids, progress=progress)
    return True, time.monotonic() - started


def people_email(person: ContactSpec, number: int) -> str:
    """The demo account of a contact person: "katrin.seifert.17@werkstatt.example"."""
    local = ascii_local_part(re.sub(r"^(Dr\.|Dipl\.-Ing\.)\s+", "", person.name)).replace("-", ".")
    return f"{local}.{number}@{ACCOUNT_DOMAIN}"


def create_people_accounts(
    people: list[tuple[Any, ContactSpec, str]], password: str | None = None
) -> int:
    """Accounts (verified, the demo password) and active memberships for the admins and
    members of some organisations; returns how many. In bulk: thousands at scale."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from .models import OrganisationMembership

    if not people:
        return 0
    user_model = get_user_model()
    password = password or make_password(DEMO_PASSWORD)
    emails = [people_email(person, n) for n, (_org, person, _role) in enumerate(people, 1)]
    taken = set(user_model.objects.filter(email__in=emails).values_list("email", flat=True))
    rows = [
        (org, person, role, email)
        for (org, person, role), email in zip(people, emails, strict=True)
        if email not in taken
    ]
    users = user_model.objects.bulk_create(
        [
            user_model(email=email, name=person.name, password=password, is_active=True)
            for _org, person, _role, email in rows
        ],
        batch_size=1000,
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
        batch_size=1000,
    )
    OrganisationMembership.objects.bulk_create(
        [
            OrganisationMembership(
                user=user,
                organisation=org,
                role=role,
                status=OrganisationMembership.Status.ACTIVE,
            )
            for user, (org, _person, role, _email) in zip(users, rows, strict=True)
        ],
        batch_size=1000,
    )
    return len(users)


def create_accounts(tags: dict[str, Any], password: str | None = None) -> tuple[DemoAccount, ...]:
    """The demo accounts for every role, their spaces, roles and memberships (idempotent)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from werkstatt.accounts.models import Space, SpaceRole

    from .models import OrganisationMembership

    user_model = get_user_model()
    # One hash for all demo accounts: hashing is slow on purpose, and they share the password.
    password = password or make_password(DEMO_PASSWORD)
    spaces = {}
    for kind, (slug, name) in (
        ("network", NETWORK_SPACE),
        ("process", PROCESS_SPACE),
        ("board", BOARD_SPACE),
    ):
        spaces[kind], _ = Space.objects.get_or_create(
            slug=slug, defaults={"kind": kind, "name": name}
        )
    users = {}
    for account in DEMO_ACCOUNTS:
        user = user_model.objects.filter(email=account.email).first()
        if user is None:
            user = user_model(email=account.email)
        user.name = account.name
        user.is_active = True
        user.is_staff = user.is_superuser = account.email.startswith("admin@")
        user.password = password
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=account.email, defaults={"verified": True, "primary": True}
        )
        users[account.email.split("@")[0]] = user

    def role(user_key: str, space_kind: str, role_name: str) -> None:
        SpaceRole.objects.get_or_create(
            user=users[user_key], space=spaces[space_kind], role=role_name
        )

    def member(user_key: str, tag: str, role_name: str) -> None:
        org = tags.get(tag)
        if org is not None:
            OrganisationMembership.objects.update_or_create(
                user=users[user_key],
                organisation=org,
                defaults={"role": role_name, "status": OrganisationMembership.Status.ACTIVE},
            )

    admin_role, member_role = OrganisationMembership.Role.ADMIN, OrganisationMembership.Role.MEMBER
    role("moderation", "network", SpaceRole.Role.MODERATOR)
    role("moderation", "process", SpaceRole.Role.MODERATOR)
    role("prozess", "process", SpaceRole.Role.MODERATOR)
    role("mitglied", "process", SpaceRole.Role.MEMBER)
    role("firma", "process", SpaceRole.Role.MEMBER)
    role("gremium", "board", SpaceRole.Role.BOARD_MEMBER)
    member("moderation", "projektbuero-zukunftswerkstatt", admin_role)
    member("prozess", "projektbuero-zukunftswerkstatt", member_role)
    member("firma", "showcase", admin_role)
    member("mitglied", "showcase", member_role)
    member("gremium", "hwk-chemnitz", member_role)
    return DEMO_ACCOUNTS
