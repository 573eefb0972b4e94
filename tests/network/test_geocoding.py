import socket
import time

import pytest

from werkstatt.network.models import Region
from werkstatt.network.services.geocoding import Place, geocode, name_key, region_for


@pytest.mark.parametrize(
    ("city", "region"),
    [
        ("Chemnitz", "14511"),
        ("Dresden", "14612"),
        ("Leipzig", "14713"),
        ("Annaberg-Buchholz", "14521"),
        ("Freiberg", "14522"),
        ("Plauen", "14523"),
        ("Werdau", "14524"),
        ("Bautzen", "14625"),
        ("Hoyerswerda", "14625"),
        ("Zittau", "14626"),
        ("Riesa", "14627"),
        ("Radebeul", "14627"),
        ("Pirna", "14628"),
        ("Grimma", "14729"),
        ("Torgau", "14730"),
        ("Meißen", "14627"),
        ("Görlitz", "14626"),
        ("Markkleeberg", "14729"),
        ("Freital", "14628"),
        ("Schkeuditz", "14730"),
        ("Limbach-Oberfrohna", "14524"),
        ("Döbeln", "14522"),
        ("Aue", "14521"),
    ],
)
def test_well_known_places_land_in_their_district(city, region):
    place = geocode(city=city)
    assert place is not None
    assert place.region_code == region
    assert 50.1 < place.lat < 51.7 and 11.8 < place.lon < 15.1


@pytest.mark.parametrize(
    "spelling",
    ["Annaberg-Buchholz", "Annaberg Buchholz", "annaberg-buchholz", "ANNABERG BUCHHOLZ"],
)
def test_names_ignore_case_and_hyphens(spelling):
    assert geocode(city=spelling).name == "Annaberg-Buchholz"


@pytest.mark.parametrize(
    ("spelling", "name"),
    [
        ("chemnitz", "Chemnitz"),
        ("Goerlitz", "Görlitz"),
        ("Gorlitz", "Görlitz"),
        ("Meissen", "Meißen"),
        ("MEISSEN", "Meißen"),
        ("Frankenberg/Sa.", "Frankenberg"),
        ("Reichenbach im Vogtland", "Reichenbach/Vogtland"),
        ("Oberwiesenthal", "Kurort Oberwiesenthal"),
        ("  Pirna ", "Pirna"),
        ("München", "München"),
    ],
)
def test_names_ignore_umlaut_spelling_and_qualifiers(spelling, name):
    assert geocode(city=spelling).name == name


def test_a_quarter_after_the_town_finds_the_town():
    assert geocode(city="Dresden-Blasewitz").region_code == "14612"
    assert geocode(city="Chemnitz OT Rabenstein").region_code == "14511"


def test_ambiguous_names_prefer_the_covered_region_then_population():
    # Several Neustadts in Germany, Neustadt in Sachsen is in the covered region.
    assert geocode(city="Neustadt").region_code == "14628"
    # Frankenberg (Eder) in Hesse is a town too; the Saxon one wins.
    assert geocode(city="Frankenberg").region_code == "14522"
    # Oelsnitz exists twice in Saxony; the more populous one (Vogtland) wins.
    assert geocode(city="Oelsnitz").region_code == "14523"
    # Outside Saxony the most populous of the name.
    assert geocode(city="Halle").name == "Halle (Saale)"


def test_places_outside_the_region_have_no_district():
    berlin = geocode(city="Berlin")
    assert berlin.region_code is None
    assert berlin.lat == pytest.approx(52.52, abs=0.05)


def test_postcode_is_matched_exactly():
    place = geocode(postcode="09111")
    assert place.postcode == "09111"
    assert place.name == "Chemnitz"
    assert place.region_code == "14511"
    assert geocode(postcode="D-01067").region_code == "14612"
    assert geocode(postcode="09456").region_code == "14521"  # Annaberg-Buchholz
    assert geocode(postcode="10115").region_code is None  # Berlin


def test_postcode_wins_over_a_disagreeing_city():
    place = geocode(city="Leipzig", postcode="09111")
    assert place.postcode == "09111"
    assert place.region_code == "14511"


def test_unknown_postcode_falls_back_to_the_city():
    place = geocode(city="Torgau", postcode="99999")
    assert place.name == "Torgau" and place.postcode == ""


@pytest.mark.parametrize(
    ("city", "postcode"), [("Xyzzyhausen", ""), ("", ""), ("", "0000"), ("", "abc"), ("?", "")]
)
def test_unknown_place_is_none(city, postcode):
    assert geocode(city=city, postcode=postcode) is None


def test_region_for_points():
    assert region_for(50.8357, 12.9292) == "14511"  # Chemnitz, Markt
    assert region_for(50.9584, 13.937) == "14628"  # Pirna
    assert region_for(51.31, 13.29) == "14627"  # Riesa
    assert region_for(52.52, 13.40) is None  # Berlin
    assert region_for(0.0, 0.0) is None  # nowhere near


@pytest.mark.django_db
def test_every_region_code_is_a_loaded_region():
    codes = set(Region.objects.values_list("code", flat=True))
    for city in ["Chemnitz", "Zittau", "Plauen", "Torgau", "Borna", "Großenhain", "Kamenz"]:
        assert geocode(city=city).region_code in codes


def test_name_key():
    assert name_key("Annaberg-Buchholz") == name_key("annaberg buchholz")
    assert name_key("Görlitz") == "goerlitz"


def test_geocoding_never_touches_the_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("geocoding must not use the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert isinstance(geocode(city="Chemnitz"), Place)
    assert region_for(51.05, 13.74) == "14612"


def test_lookups_are_fast():
    geocode(city="Chemnitz")  # loads the files once
    start = time.perf_counter()
    for _ in range(1000):
        geocode(city="Annaberg Buchholz")
        geocode(postcode="09111")
        region_for(50.8, 12.9)
    assert time.perf_counter() - start < 1.0
