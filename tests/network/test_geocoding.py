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


# Postcodes and the district they belong to (from the postal directory), by district key.
POSTCODES_BY_DISTRICT = {
    "14628": (
        "01796 01744 01773 01809 01814 01844 01855 01723 01728 01731 01737 01738 01768 01774 "
        "01776 01778 01816 01819 01824 01825 01829 01833 01847 01848 01705"
    ),
    "14625": (
        "01877 01896 01900 01917 01936 01454 01458 01477 01904 01906 01909 01920 02625 02627 "
        "02633 02681 02692 02694 02699 02733 02977 02979 02991 02994 02997 02999"
    ),
    "14612": (
        "01465 01067 01069 01099 01108 01109 01156 01157 01169 01187 01189 01217 01219 01237 "
        "01239 01257 01259 01277 01279 01307 01309 01324 01326 01328"
    ),
    "14627": (
        "01468 01471 01609 01612 01616 01619 01623 01662 01665 01683 01689 01445 01640 01561 "
        "01558 01587 01591 01594"
    ),
    "14626": (
        "02689 02708 02727 02730 02736 02739 02742 02747 02748 02763 02779 02782 02785 02788 "
        "02791 02794 02796 02797 02799 02826 02827 02828 02829 02894 02899 02906 02923 02929 "
        "02943 02953 02956 02957 02959"
    ),
    "14713": (
        "04103 04105 04107 04109 04129 04155 04157 04158 04159 04177 04178 04179 04205 04207 "
        "04209 04229 04249 04275 04277 04279 04288 04289 04299 04315 04316 04317 04318 04319 "
        "04328 04329 04347 04349 04356 04357"
    ),
    "14729": (
        "04416 04420 04442 04451 04463 04523 04539 04552 04564 04565 04571 04574 04575 04668 "
        "04680 04683 04685 04687 04688 04808 04821 04824 04827 04828 04651 04654 04655 04643 "
        "04657"
    ),
    "14730": (
        "04425 04435 04509 04519 04758 04769 04774 04779 04838 04849 04860 04862 04874 04880 "
        "04886 04889"
    ),
    "14522": (
        "04703 04720 04736 04741 04746 04749 09217 09232 09236 09241 09244 09249 09306 09322 "
        "09326 09328 09557 09569 09573 09575 09577 09599 09600 09603 09618 09619 09623 09627 "
        "09629 09633 09634 09638 09648 09661 09669"
    ),
    "14524": (
        "08056 08058 08060 08062 08064 08066 08107 08112 08115 08118 08132 08134 08141 08144 "
        "08147 08371 08373 08393 08396 08412 08427 08428 08451 08459 09212 09243 09337 09350 "
        "09353 09355 09356"
    ),
    "14523": (
        "08209 08223 08228 08233 08236 08237 08239 08248 08258 08261 08262 08265 08267 08269 "
        "08468 08485 08491 08496 08499 08523 08525 08527 08529 08538 08539 08541 08543 08547 "
        "08548 08606 08626 08645 08648"
    ),
    "14521": (
        "08280 08289 08294 08297 08301 08304 08309 08312 08315 08321 08324 08325 08328 08340 "
        "08344 08349 08352 08359 09221 09235 09366 09376 09380 09385 09387 09390 09392 09394 "
        "09399 09405 09419 09423 09427 09429 09430 09432 09434 09435 09437 09439 09456 09465 "
        "09468 09471 09474 09477 09481 09484 09487 09488 09496 09509 09514 09517 09518 09526 "
        "09548 09579"
    ),
    "14511": (
        "09111 09112 09113 09114 09116 09117 09119 09120 09122 09123 09125 09126 09127 09128 "
        "09130 09131 09224 09228 09247"
    ),
}


@pytest.mark.parametrize("district", sorted(POSTCODES_BY_DISTRICT))
def test_postcodes_land_in_their_district(district):
    wrong = {}
    for postcode in POSTCODES_BY_DISTRICT[district].split():
        place = geocode(postcode=postcode)
        if place is not None and place.region_code != district:
            wrong[postcode] = place.region_code
    assert wrong == {}


@pytest.mark.parametrize(
    "postcode", ["01968", "02999", "04600", "04910", "06108", "07973", "08058", "95028"]
)
def test_postcodes_at_the_border_of_the_state(postcode):
    inside = postcode in {"02999", "08058"}  # Lohsa, Zwickau; the others are in Brandenburg,
    # Thuringia, Saxony-Anhalt and Bavaria
    assert (geocode(postcode=postcode).region_code is not None) == inside


def test_postcode_and_city_in_one_field():
    place = geocode(city="09456 Annaberg-Buchholz")
    assert place.postcode == "09456" and place.region_code == "14521"
    assert geocode(city="D-01067 Dresden").postcode == "01067"
    assert geocode(city="99999 Torgau").name == "Torgau"
    # Six digits are no postcode.
    assert geocode(postcode="091110") is None


# --- a postcode and a place that don't belong together ------------------------------------------


@pytest.mark.parametrize(
    ("postcode", "city"),
    [
        ("01069", "Dresden"),
        ("01109", "Dresden-Klotzsche"),  # a quarter after the town's name
        ("09117", "Chemnitz OT Rabenstein"),
        ("09599", "Freiberg"),
        ("01445", "Radebeul"),
        ("09111", ""),  # no place: nothing to compare
        ("99999", "Leipzig"),  # unknown postcode: cannot tell
        ("01069", "Kleinkleckersdorf"),  # unknown village: cannot tell
    ],
)
def test_postcode_and_place_that_fit(postcode, city):
    from werkstatt.network.services.geocoding import postcode_mismatch

    assert postcode_mismatch(postcode, city) is None


def test_postcode_of_another_town_is_a_mismatch():
    from werkstatt.network.services.geocoding import postcode_mismatch

    place = postcode_mismatch("01069", "Leipzig")
    assert place is not None and place.name == "Dresden" and place.postcode == "01069"
    assert postcode_mismatch("09111", "Zwickau").name == "Chemnitz"


@pytest.mark.django_db
def test_site_form_refuses_a_postcode_of_another_town(client):
    from django.urls import reverse
    from django.utils import translation
    from tests.factories import OrganisationAdminFactory

    from werkstatt.network.models import Site

    admin = OrganisationAdminFactory()
    client.force_login(admin.user)
    # Asked in English (the /en/ address); inside the block, so the language does not stay on.
    with translation.override("en"):
        url = reverse("network:organisation_sites", args=[admin.organisation.slug])
        response = client.post(
            url, {"postcode": "01069", "city": "Leipzig", "is_headquarters": "on"}
        )
        assert response.status_code == 200
        assert not Site.objects.exists()
        errors = response.context["form"].errors["postcode"]
        assert errors == [
            "The postcode 01069 belongs to Dresden, not to Leipzig. Please correct the postcode or "
            "the place."
        ]
        html = response.content.decode()
        assert 'aria-describedby="id_postcode_error"' in html or "id_postcode_error" in html
        ok = client.post(url, {"postcode": "04103", "city": "Leipzig", "is_headquarters": "on"})
        assert ok.status_code == 302
        assert Site.objects.get().region.code == "14713"


# --- what a person may have meant ---------------------------------------------------------------


def test_start_of_a_name_suggests_the_place():
    from werkstatt.network.services.geocoding import suggest_places

    first = suggest_places("Annaberg")[0]
    assert (first.place.name, first.how, first.place.region_code) == (
        "Annaberg-Buchholz",
        "prefix",
        "14521",
    )
    assert suggest_places("Hohenstein")[0].place.name == "Hohenstein-Ernstthal"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Zwikau", "Zwickau"),
        ("Chemnits", "Chemnitz"),
        ("Dresdn", "Dresden"),
        ("Marienbrg", "Marienberg"),
    ],
)
def test_misspelt_place_suggests_did_you_mean(typed, meant):
    from werkstatt.network.services.geocoding import suggest_places

    suggestions = suggest_places(typed)
    assert suggestions[0].place.name == meant
    assert suggestions[0].how == "similar"
    assert 80 <= suggestions[0].score < 100


def test_known_places_and_nonsense_suggest_nothing():
    from werkstatt.network.services.geocoding import suggest_places

    assert suggest_places("Zwickau") == []
    assert suggest_places("Annaberg-Buchholz") == []
    assert suggest_places("xq") == []
    assert suggest_places("Qwrtzpfl") == []
