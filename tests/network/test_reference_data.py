import csv
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from werkstatt.accounts.models import Space
from werkstatt.engines.text import fold
from werkstatt.network.models import Capability, Certification, Material, Region, Sector
from werkstatt.network.services.reference_data import (
    DATA_DIR,
    ReferenceDataError,
    load_reference_data,
)

pytestmark = pytest.mark.django_db

DISTRICTS = {
    "14521": "Erzgebirgskreis",
    "14522": "Mittelsachsen",
    "14523": "Vogtlandkreis",
    "14524": "Landkreis Zwickau",
    "14625": "Landkreis Bautzen",
    "14626": "Landkreis Görlitz",
    "14627": "Landkreis Meißen",
    "14628": "Sächsische Schweiz-Osterzgebirge",
    "14729": "Landkreis Leipzig",
    "14730": "Nordsachsen",
}
CITIES = {"14511": "Chemnitz", "14612": "Dresden", "14713": "Leipzig"}


def test_the_migration_loaded_the_ten_districts_and_three_cities():
    state = Region.objects.get(code="14")
    assert state.kind == Region.Kind.STATE
    below = Region.objects.filter(parent=state)
    assert {r.code: r.name_de for r in below.filter(kind="district")} == DISTRICTS
    assert {r.code: r.name_de for r in below.filter(kind="city")} == CITIES
    assert below.count() == 13
    for region in below:
        assert region.nuts.startswith("DED") and len(region.nuts) == 5
        assert region.name_en and region.seat
        assert 50.1 < region.lat < 51.7 and 11.8 < region.lon < 15.1
    assert Region.objects.get(code="14522").seat == "Freiberg"
    assert Region.objects.get(code="14511").nuts == "DED41"


def test_the_migration_created_the_network_space():
    space = Space.objects.get(slug="netzwerk")
    assert space.kind == "network"
    assert space.name == "Netzwerk"


def test_sectors_hold_all_sections_and_divisions_of_wz_2008():
    sections = Sector.objects.filter(parent=None)
    assert sorted(sections.values_list("code", flat=True)) == list("ABCDEFGHIJKLMNOPQRSTU")
    divisions = Sector.objects.filter(code__regex=r"^\d\d$")
    assert divisions.count() == 88
    assert all(d.parent.parent_id is None for d in divisions)
    assert Sector.objects.get(code="28").parent.code == "C"
    assert Sector.objects.get(code="25.6").parent.code == "25"
    assert Sector.objects.get(code="62.01").parent.code == "62.0"
    # Every division of manufacturing has its groups.
    for division in Sector.objects.filter(parent__code="C"):
        assert division.children.exists(), division.code
    assert all(s.name_de and s.name_en for s in Sector.objects.all())


def test_capability_tree_keys_are_unique_and_every_parent_exists():
    rows = json.loads((DATA_DIR / "capabilities.json").read_text(encoding="utf-8"))
    keys = [row["key"] for row in rows["capabilities"]]
    assert len(keys) == len(set(keys))
    for key in keys:
        assert key == key.lower() and key.isascii() and " " not in key
        if "." in key:
            assert key.rsplit(".", 1)[0] in keys, key
    assert Capability.objects.count() >= len(keys)
    for capability in Capability.objects.filter(key__in=keys):
        expected_parent = capability.key.rsplit(".", 1)[0] if "." in capability.key else None
        assert (capability.parent.key if capability.parent else None) == expected_parent
        assert capability.depth == capability.key.count(".")


def test_the_six_main_groups_of_din_8580_are_roots():
    roots = set(Capability.objects.filter(parent=None).values_list("name_de", flat=True))
    assert {
        "Urformen",
        "Umformen",
        "Trennen",
        "Fügen",
        "Beschichten",
        "Stoffeigenschaft ändern",
    } <= roots


@pytest.mark.parametrize(
    "name",
    [
        "Drehen",
        "Fräsen",
        "Laserschneiden",
        "Biegen",
        "Schweißen",
        "Pulverbeschichten",
        "Galvanisieren",
        "Härten",
        "Leiterplattenbestückung",
        "Druckguss",
        "Tiefziehen",
        "Erodieren",
        "Eloxieren",
        "Feuerverzinken",
        "Kabelkonfektion",
        "Spritzgießen",
    ],
)
def test_what_a_purchaser_searches_for_exists(name):
    capability = Capability.objects.get(name_de=name)
    assert capability.name_en
    # Its key is the folded German name under its DIN 8580 branch.
    assert capability.key.split(".")[-1] == fold(name).replace("ß", "ss")


def test_synonyms_help_the_search():
    assert "CNC-Fräsen" in Capability.objects.get(key="trennen.spanen.fraesen").synonyms
    assert "Abkanten" in Capability.objects.get(key="umformen.biegen").synonyms


def test_certifications_and_materials():
    codes = set(Certification.objects.values_list("code", flat=True))
    assert {"ISO 9001", "IATF 16949", "ISO 14001", "EN 9100", "ISO 13485", "EN 1090"} <= codes
    keys = set(Material.objects.values_list("key", flat=True))
    assert {"stahl", "stahl.edelstahl", "aluminium", "kunststoff.peek", "faserverbund.cfk"} <= keys


def _counts():
    return [m.objects.count() for m in (Region, Sector, Capability, Certification, Material, Space)]


def test_reloading_is_idempotent():
    before = _counts()
    report = load_reference_data()
    assert _counts() == before
    assert sum(report.created.values()) == 0
    assert sum(report.updated.values()) == 0


def test_reloading_updates_changed_rows_by_key(tmp_path):
    (tmp_path / "capabilities.json").write_text(
        json.dumps(
            {
                "capabilities": [
                    {"key": "trennen", "name_de": "Trennen", "name_en": "Cutting apart"},
                    {"key": "trennen.spanen", "name_de": "Spanen", "name_en": "Machining"},
                    {
                        "key": "trennen.spanen.fraesen",
                        "name_de": "Fräsen",
                        "name_en": "Milling",
                        "synonyms": "Fräserei",
                    },
                    {"key": "trennen.spanen.neu", "name_de": "Neu", "name_en": "New"},
                ]
            }
        ),
        encoding="utf-8",
    )
    fraesen_id = Capability.objects.get(key="trennen.spanen.fraesen").pk
    count = Capability.objects.count()
    report = load_reference_data(directory=tmp_path)
    assert Capability.objects.count() == count + 1
    assert report.created == {"capabilities": 1}
    # "trennen" (English name), "trennen.spanen" (no synonyms any more), "...fraesen".
    assert report.updated == {"capabilities": 3}
    fraesen = Capability.objects.get(key="trennen.spanen.fraesen")
    assert fraesen.pk == fraesen_id and fraesen.synonyms == "Fräserei"
    assert Capability.objects.get(key="trennen").name_en == "Cutting apart"
    assert Capability.objects.get(key="trennen.spanen.neu").parent.key == "trennen.spanen"


def test_another_region_loads_its_own_files(tmp_path):
    (tmp_path / "regions.json").write_text(
        json.dumps(
            {
                "regions": [
                    {
                        "code": "16",
                        "nuts": "DEG",
                        "slug": "thueringen",
                        "kind": "state",
                        "name_de": "Freistaat Thüringen",
                        "name_en": "Free State of Thuringia",
                    },
                    {
                        "code": "16051",
                        "nuts": "DEG01",
                        "slug": "erfurt",
                        "kind": "city",
                        "parent": "16",
                        "name_de": "Erfurt",
                        "seat": "Erfurt",
                        "lat": 50.98,
                        "lon": 11.03,
                    },
                ]
            }
        ),
        encoding="utf-8",
    )
    out = StringIO()
    call_command("load_reference_data", "--dir", str(tmp_path), stdout=out)
    assert "regions: 2 created" in out.getvalue()
    assert Region.objects.get(code="16051").parent.code == "16"


def test_a_broken_file_changes_nothing(tmp_path):
    (tmp_path / "materials.json").write_text(
        json.dumps({"materials": [{"key": "neu", "name_de": "Neu"}, {"key": "ohne-name"}]}),
        encoding="utf-8",
    )
    before = _counts()
    with pytest.raises(ReferenceDataError):
        load_reference_data(directory=tmp_path)
    assert _counts() == before
    (tmp_path / "materials.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_reference_data", "--dir", str(tmp_path), stdout=StringIO())


def test_an_unknown_parent_is_rejected(tmp_path):
    (tmp_path / "sectors.json").write_text(
        json.dumps({"sectors": [{"code": "99.9", "parent": "XX", "name_de": "Waise"}]}),
        encoding="utf-8",
    )
    with pytest.raises(ReferenceDataError, match="unknown parent"):
        load_reference_data(directory=tmp_path)
    assert not Sector.objects.filter(code="99.9").exists()


def test_the_command_refuses_a_missing_folder(tmp_path):
    with pytest.raises(CommandError):
        call_command("load_reference_data", "--dir", str(tmp_path / "nope"), stdout=StringIO())


# The place files ------------------------------------------------------------------------------


def _places():
    with (DATA_DIR / "places_de.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_listed_place_lies_in_its_own_district():
    listing = json.loads((DATA_DIR / "region_places.json").read_text(encoding="utf-8"))
    regions_by_name: dict[str, set[str]] = {}
    for row in _places():
        for name in (row["name"], row["ascii"]):
            if name and row["region"]:
                regions_by_name.setdefault(fold(name), set()).add(row["region"])
    checked = 0
    for code, names in listing["places"].items():
        for name in names:
            found = regions_by_name.get(fold(name))
            if found is None:
                continue  # listed for completeness; GeoNames has no such place in the state
            assert code in found, (code, name, found)
            checked += 1
    for code, anchors in listing["anchors"].items():
        for name, _lat, _lon in anchors:
            assert code in regions_by_name[fold(name)], (code, name)
            checked += 1
    assert checked > 450


def test_place_files_are_small_and_complete():
    places = _places()
    assert len(places) > 11000
    in_state = [p for p in places if p["region"]]
    assert len(in_state) >= 496
    assert {p["region"] for p in in_state} == set(DISTRICTS) | set(CITIES)
    size = sum((DATA_DIR / name).stat().st_size for name in ("places_de.csv", "postcodes_de.csv"))
    assert size < 3_000_000


@pytest.mark.parametrize(
    "region",
    [
        {"code": "16", "slug": "thueringen", "kind": "land", "name_de": "Thüringen"},
        {"code": "16", "kind": "state", "name_de": "Thüringen"},
        {"code": "16", "slug": "thueringen", "kind": "state"},
    ],
)
def test_a_region_without_slug_name_or_a_known_kind_is_rejected(tmp_path, region):
    (tmp_path / "regions.json").write_text(json.dumps({"regions": [region]}), encoding="utf-8")
    with pytest.raises(ReferenceDataError):
        load_reference_data(directory=tmp_path)
    assert not Region.objects.filter(code="16").exists()
