"""The buyer's planning pages: the supplier ranking with German explanations, consortia on the
map with their cost breakdown, and an inquiry to a whole consortium."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from tests.factories import (
    CapabilityFactory,
    CertificationFactory,
    OrganisationAdminFactory,
    OrganisationFactory,
    SiteFactory,
)
from tests.supply.factories import DemandFactory
from werkstatt.supply.models import Inquiry
from werkstatt.supply.services import planning
from werkstatt.supply.templatetags.supply import explain, explanation

pytestmark = pytest.mark.django_db

CUT, BEND, WELD = "trennen.abtragen.laserschneiden", "umformen.biegen", "fuegen.schweissen"


def german(msgid: str) -> str:
    with translation.override("de"):
        return gettext(msgid)


def supplier(name: str, keys: list[str], lat: float, lon: float, certs=()) -> object:
    org = OrganisationFactory(
        name=name,
        capabilities=[CapabilityFactory(key=k) for k in keys],
        certifications=[CertificationFactory(code=c) for c in certs],
        lat=lat,
        lon=lon,
    )
    SiteFactory(organisation=org, lat=lat, lon=lon, city=name.split()[-2])
    return org


@pytest.fixture
def network():
    """A buyer in Chemnitz and four suppliers: a near all-rounder, a near welder, far ones."""
    buyer = OrganisationAdminFactory(organisation__name="Chemnitzer Sondermaschinen GmbH")
    near_cutter = supplier("Laser und Biegen Chemnitz GmbH", [CUT, BEND], 50.84, 12.95)
    near_welder = supplier("Schweißtechnik Chemnitz GmbH", [WELD], 50.82, 12.90, ["ISO 3834"])
    far_all = supplier("Allesmacher Görlitz GmbH", [CUT, BEND, WELD], 51.15, 14.99)
    demand = DemandFactory(organisation=buyer.organisation, steps=[CUT, BEND, WELD])
    return buyer, demand, near_cutter, near_welder, far_all


def test_demand_spec_for_the_engines(network):
    buyer, demand, *_ = network
    step = demand.steps.get(order=3)
    step.certifications.set([CertificationFactory(code="ISO 3834")])
    spec = planning.demand_spec_for(demand)
    assert [s.capability for s in spec.steps] == [CUT, BEND, WELD]
    assert spec.steps[2].certifications == ["ISO 3834"]
    assert spec.steps[0].id == str(demand.steps.get(order=1).pk)
    assert (spec.lat, spec.lon) == (demand.delivery_lat, demand.delivery_lon)
    assert spec.exclude == [buyer.organisation.pk]
    assert demand.title in spec.text


def test_ranking_page_explains_in_german(client, network):
    buyer, demand, near_cutter, near_welder, far_all = network
    client.force_login(buyer.user)
    with translation.override("de"):
        response = client.get(reverse("supply:demand_ranking", args=[demand.pk]))
    page = response.content.decode()
    names = [row.organisation.name for row in response.context["rows"]]
    assert set(names) == {near_cutter.name, near_welder.name, far_all.name}
    assert buyer.organisation.name not in names
    with translation.override("de"):
        covers_all = gettext("covers %(covered)d of %(total)d steps") % {"covered": 3, "total": 3}
    assert covers_all in page
    assert " km" in page
    send = reverse("supply:inquiry_create", args=[demand.pk])
    assert f"{send}?organisation={near_welder.slug}" in page


def test_explanations_in_words():
    with translation.override("de"):
        assert explain({"kind": "distance", "km": 23}) == gettext("%(km)s km") % {"km": "23"}
        assert explain({"kind": "certification", "code": "ISO 9001"}) == "ISO 9001"
        assert explain({"kind": "unknown-new-reason"}) == ""
        words = explain({"kind": "text", "words": ["Edelstahl", "Schweißen"]})
        assert "Edelstahl, Schweißen" in words
        steel = explain({"kind": "material", "key": "stahl"})
        assert steel == gettext("works with %(material)s") % {"material": "Stahl"}
        assert explain({"kind": "material", "material": "stahl"}) == steel
        size = explain({"kind": "size", "size": "small", "fit": "poor"})
        assert size == gettext("size may not fit the quantity")


def test_consortium_page_with_the_map_data_and_the_cost_breakdown(client, network):
    buyer, demand, near_cutter, near_welder, far_all = network
    client.force_login(buyer.user)
    response = client.get(reverse("supply:demand_consortium", args=[demand.pk]))
    page = response.content.decode()
    plan = response.context["plan"]
    assert plan.feasible
    best = plan.options[0]
    assert [o.name for _s, o in best.assignments] == [
        near_cutter.name,
        near_cutter.name,
        near_welder.name,
    ]
    assert best.optimal
    assert best.partners == 2
    # Two legs: cutter -> welder, welder -> Chemnitz; the total is their sum.
    assert len(best.legs) == 2
    assert best.total_km == pytest.approx(sum(leg.km for leg in best.legs), abs=0.2)
    assert len(plan.options) >= 2  # the far all-rounder is a genuinely different consortium
    data = json.loads(
        page.split('id="consortium-map-data" type="application/json">')[1].split("</script>")[0]
    )
    assert data["buyer"]["lat"] == pytest.approx(demand.delivery_lat)
    assert len(data["options"][0]["legs"]) == 2
    assert near_welder.name in data["options"][0]["points"][1]["label"]
    assert "<script>" not in page.split("consortium-map-data")[0].split("</head>")[-1]
    assert 'src="/static/supply/js/consortium-map.js"' in page


def test_consortium_inquiry_goes_to_each_partner_of_the_chosen_option(client, network):
    buyer, demand, near_cutter, near_welder, far_all = network
    OrganisationAdminFactory(organisation=near_cutter)
    client.force_login(buyer.user)
    url = reverse("supply:consortium_inquiry", args=[demand.pk])
    response = client.post(url, {"alternative": "0", "message": ""})
    assert response.status_code == 302
    assert not Inquiry.objects.exists()
    client.post(url, {"alternative": "0", "message": "Gemeinsames Angebot bis Freitag?"})
    sent = Inquiry.objects.order_by("organisation__name")
    assert {i.organisation for i in sent} == {near_cutter, near_welder}
    assert len({i.consortium for i in sent}) == 1
    cutter = sent.get(organisation=near_cutter)
    assert sorted(cutter.steps.values_list("order", flat=True)) == [1, 2]
    response = client.post(url, {"alternative": "9", "message": "Hallo"}, follow=True)
    assert (
        german("This consortium is no longer available. Please reload.")
        in response.content.decode()
    )


def test_no_consortium_names_the_uncovered_step(client, network):
    buyer, demand, *_ = network
    demand.steps.create(order=4, capability=CapabilityFactory(key="beschichten.eloxieren"))
    client.force_login(buyer.user)
    response = client.get(reverse("supply:demand_consortium", args=[demand.pk]))
    plan = response.context["plan"]
    assert not plan.feasible
    assert [s.order for s in plan.uncovered_steps] == [4]
    assert german("No consortium in the network can do every step.") in response.content.decode()


def test_api_ranking_and_consortia(client, network):
    buyer, demand, near_cutter, near_welder, far_all = network
    client.force_login(buyer.user)
    ranked = client.get(reverse("supply_api:demand-ranking", args=[demand.pk])).json()
    assert {r["organisation"] for r in ranked} == {near_cutter.slug, near_welder.slug, far_all.slug}
    assert ranked[0]["explanation"][0]["kind"] == "coverage"
    plan = client.get(reverse("supply_api:demand-consortia", args=[demand.pk])).json()
    assert plan["feasible"] is True
    best = plan["options"][0]
    assert [a["organisation"] for a in best["assignments"]] == [
        near_cutter.slug,
        near_cutter.slug,
        near_welder.slug,
    ]
    assert best["optimal"] is True and best["partners"] == 2


def test_partner_limit_and_cost_change_the_proposal_and_the_inquiry(client, network):
    buyer, demand, near_cutter, near_welder, far_all = network
    client.force_login(buyer.user)
    url = reverse("supply:demand_consortium", args=[demand.pk])
    plan = client.get(url, {"max_partners": "1"}).context["plan"]
    assert {o for _s, o in plan.options[0].assignments} == {far_all}
    costly = client.get(url, {"partner_cost_km": "400"}).context["plan"].options[0]
    assert costly.partners == 1 and costly.partner_cost_km == 400
    bad = client.get(url, {"max_partners": "0"})
    assert bad.context["options_form"].errors
    assert bad.context["plan"].options[0].partners == 2  # the defaults still answer
    client.post(
        reverse("supply:consortium_inquiry", args=[demand.pk]),
        {"alternative": "0", "max_partners": "1", "message": "Alles aus einer Hand?"},
    )
    assert [i.organisation for i in Inquiry.objects.all()] == [far_all]


# --- the review's chain: ranking and consortia speak one language ---------------------------

ABKANTEN, MIG, COAT = (
    "umformen.biegen.abkanten",
    "fuegen.schweissen.mig_mag",
    "beschichten.pulverbeschichten",
)


def broader(capability: str, numbers: str, count: int = 1) -> str:
    return ngettext(
        "%(capability)s (broader) for step %(numbers)s",
        "%(capability)s (broader) for steps %(numbers)s",
        count,
    ) % {"capability": capability, "numbers": numbers}


def without(code: str, numbers: str, count: int = 1) -> str:
    return ngettext(
        "without %(code)s (step %(numbers)s)", "without %(code)s (steps %(numbers)s)", count
    ) % {"code": code, "numbers": numbers}


def uncovered(numbers: str, count: int) -> str:
    return ngettext("step %(numbers)s not covered", "steps %(numbers)s not covered", count) % {
        "numbers": numbers
    }


@pytest.fixture
def chain():
    """Laser cutting -> Abkanten -> MIG/MAG (EN 1090) -> powder coating, against a network
    that names only the broader Biegen and Schweißen, as the demo network did."""
    buyer = OrganisationAdminFactory(organisation__name="Chemnitzer Sondermaschinen GmbH")
    generalist = supplier(
        "Metallbau Flöha GmbH", [CUT, BEND, WELD, COAT], 50.85, 13.07, ["ISO 9001"]
    )
    bender = supplier("Biegetechnik Oederan GmbH", [BEND], 50.86, 13.17)
    welder = supplier("Stahlbau Hainichen GmbH", [WELD], 50.97, 13.12, ["EN 1090"])
    demand = DemandFactory(organisation=buyer.organisation, steps=[CUT, ABKANTEN, MIG, COAT])
    demand.steps.get(order=3).certifications.set([CertificationFactory(code="EN 1090")])
    return buyer, demand, generalist, bender, welder


def test_ranking_never_says_covered_for_a_broader_process_or_a_missing_certification(client, chain):
    buyer, demand, generalist, bender, welder = chain
    client.force_login(buyer.user)
    with translation.override("de"):
        response = client.get(reverse("supply:demand_ranking", args=[demand.pk]))
        page = response.content.decode()
        rows = {row.organisation: row for row in response.context["rows"]}
        covers = gettext("covers %(covered)d of %(total)d steps")
        assert covers % {"covered": 4, "total": 4} not in page
        parts = rows[generalist].parts
        assert [p for p in parts if p["kind"] == "coverage"][0]["covered"] == 2
        words = explanation(parts)
        assert covers % {"covered": 2, "total": 4} in words
        assert broader("Biegen", "2") in words
        assert broader("Schweißen", "3") in words
        assert without("EN 1090", "3") in words
        bender_words = explanation(rows[bender].parts)
        assert uncovered("1, 3, 4", 3) in bender_words
    # Each phrase once, however many steps share it.
    for row in rows.values():
        assert len(explanation(row.parts)) == len(set(explanation(row.parts)))


def test_explanation_joins_the_broader_process_of_several_steps():
    parts = [
        {"kind": "generic", "step": "7", "number": 2, "capability": BEND},
        {"kind": "generic", "step": "8", "number": 3, "capability": BEND},
        {"kind": "generic", "step": "9", "number": 4, "capability": WELD},
    ]
    with translation.override("de"):
        assert explanation(parts) == [broader("Biegen", "2, 3", 2), broader("Schweißen", "4")]


def test_consortium_page_says_who_offers_the_broader_process_and_widens_in_one_click(client, chain):
    buyer, demand, generalist, bender, welder = chain
    client.force_login(buyer.user)
    url = reverse("supply:demand_consortium", args=[demand.pk])
    with translation.override("de"):
        response = client.get(url)
    plan = response.context["plan"]
    assert not plan.feasible
    assert [s.order for s in plan.uncovered_steps] == [2, 3]
    help_ = {h.step.order: h for h in plan.help}
    assert help_[2].broader.key == BEND and help_[2].broader_able == 2  # generalist, bender
    assert help_[3].broader.key == WELD and help_[3].broader_able == 1  # only with EN 1090
    assert help_[3].broader_without_certifications == 2
    page = response.content.decode()
    with translation.override("de"):
        offer = "%(counter)s organisation offers the broader process %(broader)s."
        offers = "%(counter)s organisations offer the broader process %(broader)s."
        assert ngettext(offer, offers, 2) % {"counter": 2, "broader": "Biegen"} in page
        assert ngettext(offer, offers, 1) % {"counter": 1, "broader": "Schweißen"} in page

    # Computed with the broader processes: feasible, marked, and nothing can be sent as is.
    with translation.override("de"):
        widened = client.get(url, {"widen": "1"})
    plan = widened.context["plan"]
    assert plan.feasible
    assert [(s.order, c.key) for s, c in plan.widened] == [(2, BEND), (3, WELD)]
    rows = plan.options[0].rows
    assert [(s.order, o, b.key if b else None) for s, o, b in rows] == [
        (1, generalist, None),
        (2, generalist, BEND),
        (3, welder, WELD),
        (4, generalist, None),
    ]
    text = widened.content.decode()
    with translation.override("de"):
        instead = gettext("%(broader)s (broader, instead of %(narrower)s)")
    assert instead % {"broader": "Biegen", "narrower": "Abkanten"} in text
    assert reverse("supply:consortium_inquiry", args=[demand.pk]) not in text
    sent = client.post(
        reverse("supply:consortium_inquiry", args=[demand.pk]),
        {"alternative": "0", "widen": "1", "message": "Gemeinsames Angebot?"},
    )
    assert sent.status_code == 302 and not Inquiry.objects.exists()

    # One click changes step 2 of the demand to Biegen.
    step = demand.steps.get(order=2)
    response = client.post(reverse("supply:demand_widen_step", args=[demand.pk, step.pk]))
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.capability.key == BEND
    assert [h.step.order for h in planning.consortia_for(demand, buyer.user).help] == [3]


def test_only_the_buyer_widens_a_step_and_only_to_its_parent(client, chain):
    buyer, demand, generalist, *_ = chain
    first = demand.steps.get(order=1)
    outsider = OrganisationAdminFactory(organisation=generalist)
    client.force_login(outsider.user)
    url = reverse("supply:demand_widen_step", args=[demand.pk, first.pk])
    assert client.post(url).status_code == 403
    client.force_login(buyer.user)
    client.post(url)
    first.refresh_from_db()
    assert first.capability.key == "trennen.abtragen"
    client.post(url)  # "trennen" is a main group: no broader process to change to
    first.refresh_from_db()
    assert first.capability.key == "trennen.abtragen"
    other = DemandFactory(steps=[CUT])
    wrong = reverse("supply:demand_widen_step", args=[demand.pk, other.steps.get().pk])
    assert client.post(wrong).status_code == 404


def test_api_consortia_help_and_widen(client, chain):
    buyer, demand, *_ = chain
    client.force_login(buyer.user)
    url = reverse("supply_api:demand-consortia", args=[demand.pk])
    plan = client.get(url).json()
    assert plan["feasible"] is False
    assert [(h["step"], h["broader"], h["broader_able"]) for h in plan["help"]] == [
        (2, BEND, 2),
        (3, WELD, 1),
    ]
    widened = client.get(url, {"widen": "1"}).json()
    assert widened["feasible"] is True
    assert widened["widened"] == [
        {"step": 2, "capability": ABKANTEN, "broader": BEND},
        {"step": 3, "capability": MIG, "broader": WELD},
    ]
