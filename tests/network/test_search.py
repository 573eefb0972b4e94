"""Search over the directory: text, facets, radius, ranking, visibility (services/search.py)."""

import pytest
from tests.factories import (
    CapabilityFactory,
    CertificationFactory,
    OrganisationFactory,
    RegionFactory,
)

from werkstatt.engines.geo import haversine_km
from werkstatt.network.models import Organisation, SearchTerm
from werkstatt.network.services import search as search_service
from werkstatt.network.services.organisations import name_key
from werkstatt.network.services.search import SearchParams, search
from werkstatt.network.services.search_index import reindex, reindex_all

pytestmark = pytest.mark.django_db

CHEMNITZ = (50.8357, 12.9292)


def org(name, description="", **kwargs):
    caps = kwargs.pop("capabilities", None)
    certs = kwargs.pop("certifications", None)
    kwargs.setdefault("slug", name.lower().replace(" ", "-").replace(".", ""))
    kwargs.setdefault("name_key", name_key(name))  # as the organisation services keep it
    o = OrganisationFactory(
        name=name, description=description, capabilities=caps, certifications=certs, **kwargs
    )
    reindex([o.pk])
    return o


def ids(**kwargs):
    return [h.organisation.pk for h in search(SearchParams(**kwargs)).hits]


@pytest.fixture
def places():
    """The real offline gazetteer: Chemnitz (and its postcode 09111) is where CHEMNITZ is,
    "Atlantis" is unknown."""
    chemnitz = search_service.geocode_place("Chemnitz")
    assert (chemnitz.lat, chemnitz.lon) == CHEMNITZ
    assert haversine_km(*CHEMNITZ, *_coords(search_service.geocode_place("09111"))) < 1
    assert search_service.geocode_place("Atlantis") is None


def _coords(place):
    return place.lat, place.lon


def test_compound_found_by_its_modifier_and_its_head():
    target = org("Alpha Metall", "Blechbearbeitung für den Maschinenbau")
    org("Beta Holz", "Möbel und Innenausbau")
    assert ids(q="Blech") == [target.pk]
    assert ids(q="Bearbeitung") == [target.pk]
    assert ids(q="blechbearbeitung") == [target.pk]


def test_middle_of_a_compound_and_prefixes():
    target = org("Gamma", "Edelstahlverarbeitung")
    assert ids(q="Edelstahl") == [target.pk]
    assert ids(q="Stahl") == [target.pk]


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Müller Präzisionsteile", "Mueller"),
        ("Mueller Präzisionsteile", "Müller"),
        ("Schweißtechnik", "schweiss"),
        ("Schweisstechnik", "Schweiß"),
        ("Wir fräsen Aluminium", "Fräsen"),
        ("Die Firma fräst Aluminium", "Fräsen"),
        ("Wir fräsen Aluminium", "fräst"),
        ("Lohnfräserei", "Fräserei"),
        ("Schweißerei und Stahlbau", "Schweißen"),
        ("Wir schweißen Stahl", "Schweißerei"),
        ("Zertifiziert nach ISO 9001", "ISO-9001"),
        ("Zertifiziert nach ISO-9001", "ISO 9001"),
    ],
)
def test_spelling_and_word_forms(text, query):
    target = org("Delta", text)
    org("Epsilon", "Gärtnerei und Floristik")
    assert ids(q=query) == [target.pk]


def test_all_query_terms_must_match():
    both = org("Zeta", "Laserschneiden und Pulverbeschichtung")
    org("Eta", "Laserschneiden")
    org("Theta", "Pulverbeschichtung")
    assert ids(q="Laser Pulver") == [both.pk]
    assert ids(q="Laser Holz") == []


def test_name_match_ranks_above_description_match():
    in_description = org("Aaa Werke", "Wir bieten Laserschneiden an")
    in_name = org("Zzz Laserschneiden", "Metallverarbeitung")
    assert ids(q="Laserschneiden") == [in_name.pk, in_description.pk]


def test_many_good_matches_rank_above_one():
    once = org("Aaa Teile", "Gelegentlich Drehen")
    often = org("Zzz Teile", "Drehen, Drehteile, CNC-Drehen", capabilities_text="Drehen")
    assert ids(q="Drehen") == [often.pk, once.pk]


def test_exact_word_ranks_above_prefix():
    prefix = org("Aaa", "Blechbearbeitung")
    exact = org("Zzz", "Blech")
    assert ids(q="Blech") == [exact.pk, prefix.pk]


def test_rare_term_weighs_more_than_common_one():
    for i in range(6):
        org(f"Common {i}", "Fräsen Drehen")
    rare = org("Zzz Rare", "Fräsen Drehen Härten Härten Härten")
    commonish = org("Aaa Commonish", "Fräsen Fräsen Fräsen Drehen Drehen Drehen Härten")
    # Both match all terms; the one with more of the rare term ranks first.
    assert ids(q="Fräsen Härten")[:2] == [rare.pk, commonish.pk]


def test_ties_are_broken_by_name_then_id():
    names = ["Cäsar Metall", "Anton Metall", "Berta Metall", "Anton Metall"]
    made = [org(n, "Metallbau", slug=f"s{i}") for i, n in enumerate(names)]
    expected = sorted(made, key=lambda o: (o.name_key, o.name, o.pk))
    assert ids(q="Metallbau") == [o.pk for o in expected]


def test_non_public_organisations_are_hidden_from_visitors():
    visible = org("Sichtbar Metall", "Metallbau")
    hidden = org("Versteckt Metall", "Metallbau", is_public=False)
    assert ids(q="Metallbau") == [visible.pk]
    assert ids() == [visible.pk]
    assert set(ids(q="Metallbau", include_hidden=True)) == {visible.pk, hidden.pk}
    result = search(SearchParams(kinds=["company"]))
    assert result.total == 1
    assert sum(f.count for f in result.facets["kind"]) == 1


def test_facet_counts_are_disjunctive():
    dresden = RegionFactory(code="14612", slug="dresden", name_de="Dresden")
    leipzig = RegionFactory(code="14713", slug="leipzig", name_de="Leipzig")
    org("A", "Metallbau", kind="company", region=dresden, size="small")
    org("B", "Metallbau", kind="company", region=leipzig, size="medium")
    org("C", "Metallbau", kind="research", region=dresden, size="")
    org("D", "Holzbau", kind="company", region=dresden, size="small")

    result = search(SearchParams(q="Metallbau", kinds=["company"]))
    assert result.total == 2
    kinds = {f.value: (f.count, f.selected) for f in result.facets["kind"]}
    # The kind facet ignores the kind filter: research still counts 1.
    assert kinds == {"company": (2, True), "research": (1, False)}
    regions = {f.value: f.count for f in result.facets["region"]}
    assert regions == {"14612": 1, "14713": 1}
    sizes = {f.value: f.count for f in result.facets["size"]}
    assert sizes == {"small": 1, "medium": 1}

    result = search(SearchParams(q="Metallbau", kinds=["company"], regions=["14612"]))
    assert [h.organisation.name for h in result.hits] == ["A"]
    assert {f.value: f.count for f in result.facets["kind"]} == {"company": 1, "research": 1}
    assert {f.value: f.count for f in result.facets["region"]} == {"14612": 1, "14713": 1}


def test_capability_parent_matches_descendants_and_counts_once():
    top = CapabilityFactory(key="ztrennen", name_de="Trennen", parent=None)
    middle = CapabilityFactory(key="ztrennen.spanen", name_de="Spanen", parent=top)
    milling = CapabilityFactory(key="ztrennen.spanen.fraesen", name_de="Fräsen", parent=middle)
    turning = CapabilityFactory(key="ztrennen.spanen.drehen", name_de="Drehen", parent=middle)
    other = CapabilityFactory(key="zfuegen", name_de="Fügen", parent=None)
    both = org("Both", capabilities=[milling, turning])
    mill = org("Mill", capabilities=[milling])
    org("Join", capabilities=[other])

    assert set(ids(capabilities=["ztrennen"])) == {both.pk, mill.pk}
    assert set(ids(capabilities=["ztrennen.spanen.fraesen"])) == {both.pk, mill.pk}
    assert ids(capabilities=["ztrennen.spanen.drehen"]) == [both.pk]
    result = search(SearchParams(capabilities=["ztrennen.spanen.drehen"]))
    counts = {f.value: f.count for f in result.facets["capability"]}
    # Top level counts each organisation once although "Both" has two capabilities below it;
    # the facet ignores its own filter, so "Fügen" still shows.
    assert counts["ztrennen"] == 2
    assert counts["zfuegen"] == 1
    assert counts["ztrennen.spanen.drehen"] == 1
    # Capability names are indexed: the text finds them, and the parent's name too.
    assert set(ids(q="Fräsen")) == {both.pk, mill.pk}
    assert set(ids(q="Spanen")) == {both.pk, mill.pk}


def test_certifications_are_all_required():
    iso = CertificationFactory(code="ISO 9001")
    iatf = CertificationFactory(code="IATF 16949")
    both = org("Both", certifications=[iso, iatf])
    only_iso = org("Iso", certifications=[iso])
    org("None")
    assert set(ids(certifications=["ISO 9001"])) == {both.pk, only_iso.pk}
    assert ids(certifications=["ISO 9001", "IATF 16949"]) == [both.pk]
    result = search(SearchParams(certifications=["ISO 9001"]))
    assert {f.value: f.count for f in result.facets["certification"]} == {
        "ISO 9001": 2,
        "IATF 16949": 1,
    }
    assert set(ids(q="IATF 16949")) == {both.pk}


def _point_east(km):
    """A point `km` east of Chemnitz."""
    lat, lon = CHEMNITZ
    step = km / haversine_km(lat, lon, lat, lon + 1.0)
    return lat, lon + step


def test_radius(places):
    lat, lon = _point_east(30)
    assert abs(haversine_km(*CHEMNITZ, lat, lon) - 30) < 0.01
    far = org("Thirty", "Metallbau", lat=lat, lon=lon)
    near = org("Near", "Metallbau", lat=CHEMNITZ[0] + 0.01, lon=CHEMNITZ[1])
    org("Nowhere", "Metallbau")  # no coordinates
    result = search(SearchParams(near="Chemnitz", radius_km=50))
    assert [h.organisation.pk for h in result.hits] == [near.pk, far.pk]  # by distance
    assert result.hits[1].distance_km == pytest.approx(30, abs=0.01)
    assert ids(near="Chemnitz", radius_km=20) == [near.pk]
    assert ids(q="Metallbau", near="09111", radius_km=20) == [near.pk]
    assert search(SearchParams(near="Chemnitz", radius_km=20)).facets["kind"][0].count == 1


def test_radius_edge_is_exact(places):
    inside = org("Inside", lat=_point_east(24.99)[0], lon=_point_east(24.99)[1])
    org("Outside", lat=_point_east(25.01)[0], lon=_point_east(25.01)[1])
    lat, lon = CHEMNITZ
    north_in = org("North", lat=lat + 24.9 / 111.2, lon=lon)
    assert set(ids(near="Chemnitz", radius_km=25)) == {inside.pk, north_in.pk}
    assert search(SearchParams(near="Chemnitz", radius_km=25)).total == 2


def test_unknown_place_says_so_and_applies_no_radius(places):
    a = org("A", "Metallbau", lat=CHEMNITZ[0], lon=CHEMNITZ[1])
    b = org("B", "Metallbau")
    result = search(SearchParams(q="Metallbau", near="Atlantis", radius_km=10))
    assert result.place is None
    assert result.radius_km is None
    assert "Atlantis" in result.message
    assert {h.organisation.pk for h in result.hits} == {a.pk, b.pk}


def test_pagination_is_stable_and_complete():
    made = [org(f"Firma {i:02d}", "Metallbau") for i in range(25)]
    seen = []
    for page in (1, 2, 3):
        result = search(SearchParams(q="Metallbau", page=page, page_size=10))
        assert result.total == 25
        seen.extend(h.organisation.pk for h in result.hits)
    assert seen == [o.pk for o in sorted(made, key=lambda o: (o.name_key, o.name, o.pk))]
    assert seen == ids(q="Metallbau", page_size=100)
    # A page beyond the end shows the last page.
    assert search(SearchParams(q="Metallbau", page=99, page_size=10)).page == 3


def test_order_is_the_expected_one_on_every_database():
    """The same data gives the same ordered ids on SQLite and PostgreSQL: checked against an
    order computed here from the data, by rules the test states itself."""
    specs = [
        ("Laserschneiden Ost", "Metallbau"),  # in the name
        ("Ärger Metall", "Laserschneiden von Blech"),
        ("Zwick Blech", "Laserschneiden, Laserschneiden"),
        ("Anker Werk", "Laserschneidanlage"),  # prefix only
        ("Bauer", "Wir sind im Laserschneiden stark"),
        ("Über Teile", "Laserschneiden von Blech"),
    ]
    made = {name: org(name, text) for name, text in specs}
    result = ids(q="Laserschneiden")
    # Name match first; then the repeated description; then single mentions by name key
    # ("aerger" < "bauer" < "ueber"); the prefix-only match last.
    expected_names = [
        "Laserschneiden Ost",
        "Zwick Blech",
        "Ärger Metall",
        "Bauer",
        "Über Teile",
        "Anker Werk",
    ]
    assert result == [made[n].pk for n in expected_names]


def test_reindex_all_rebuilds_and_drops_stale_rows():
    a = org("Alpha", "Metallbau")
    Organisation.objects.filter(pk=a.pk).update(description="Holzbau")
    assert ids(q="Holzbau") == []
    reindex_all()
    assert ids(q="Holzbau") == [a.pk]
    assert ids(q="Metallbau") == []
    assert SearchTerm.objects.filter(organisation=a).exists()


def test_reindex_uses_few_queries(django_assert_max_num_queries):
    made = [OrganisationFactory(name=f"Firma {i}") for i in range(30)]
    with django_assert_max_num_queries(15):
        reindex([o.pk for o in made])
    assert ids(q="Firma") and len(ids(q="Firma", page_size=100)) == 30
