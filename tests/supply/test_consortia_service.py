"""propose_consortia: the engine's input from the network, results with organisations."""

import pytest

from tests.factories import (
    CapabilityFactory,
    CertificationFactory,
    OrganisationFactory,
    SiteFactory,
)
from werkstatt.engines.consortium import brute_force_consortium, consortium_cost
from werkstatt.engines.geo import haversine_km
from werkstatt.network.models import Organisation
from werkstatt.supply.services.consortia import engine_input, propose_consortia
from werkstatt.supply.services.ranking import DemandSpec, StepSpec

pytestmark = pytest.mark.django_db

DRESDEN = (51.0509, 13.7383)
PIRNA = (50.9624, 13.9396)
CHEMNITZ = (50.8357, 12.9292)
ZWICKAU = (50.7189, 12.4939)
LEIPZIG = (51.3397, 12.3731)
FREIBERG = (50.9119, 13.3428)


def org(name, caps, *, sites=(CHEMNITZ,), certs=(), **kw):
    o = OrganisationFactory(
        name=name,
        capabilities=[CapabilityFactory(key=k) for k in caps],
        certifications=[CertificationFactory(code=c) for c in certs],
        **kw,
    )
    for i, (lat, lon) in enumerate(sites):
        SiteFactory(organisation=o, lat=lat, lon=lon, is_headquarters=i == 0)
    return o


CHAIN = [
    StepSpec("urformen.giessen.sandguss", id="guss"),
    StepSpec("trennen.spanen.fraesen", ["ISO 9001"], id="fraesen"),
    StepSpec("beschichten.pulverbeschichten", id="beschichten"),
]


def test_best_consortium_with_organisations_legs_and_alternatives():
    foundry = org("Gießerei", ["urformen.giessen.sandguss"], sites=[ZWICKAU])
    mill = org("Fräserei", ["trennen.spanen.fraesen"], sites=[CHEMNITZ], certs=["ISO 9001"])
    org("Fräserei ohne ISO", ["trennen.spanen.fraesen"], sites=[FREIBERG])
    coater = org("Beschichter", ["beschichten.pulverbeschichten"], sites=[PIRNA])
    org("Beschichter Leipzig", ["beschichten.pulverbeschichten"], sites=[LEIPZIG])
    org("Fräserei Freiberg", ["trennen.spanen.fraesen"], sites=[FREIBERG], certs=["ISO 9001"])
    spec = DemandSpec(CHAIN, *DRESDEN)
    proposal = propose_consortia(spec, alternatives=2)
    assert proposal.feasible
    best = proposal.best
    assert [m.step_id for m in best.members] == ["guss", "fraesen", "beschichten"]
    assert best.members[0].organisation == foundry
    # Only mills with ISO 9001; Chemnitz is on the way from Zwickau to Pirna.
    assert best.members[1].organisation == mill
    assert best.members[2].organisation == coater
    assert best.optimal and best.gap == 0.0
    assert best.partners == 3
    assert len(best.legs) == 3
    assert best.legs[-1].to_organisation is None
    assert best.legs[-1].to_point == DRESDEN
    assert sum(leg.km for leg in best.legs) == pytest.approx(best.transport_km, abs=1e-2)
    demand, ids = engine_input(spec)
    optimum = brute_force_consortium(demand)
    assert best.cost_km == pytest.approx(optimum[0], abs=1e-3)
    assert len(proposal.consortia) == 3
    # Each alternative differs in at least one of the three steps and costs no less.
    paths = [[m.organisation.pk for m in c.members] for c in proposal.consortia]
    assert len({tuple(p) for p in paths}) == 3
    assert [c.cost_km for c in proposal.consortia] == sorted(c.cost_km for c in proposal.consortia)
    assert all(
        m.organisation.name != "Fräserei ohne ISO" for c in proposal.consortia for m in c.members
    )


def test_each_organisation_is_placed_at_its_site_nearest_the_buyer():
    both = org(
        "Zwei Werke",
        ["trennen.spanen.fraesen"],
        sites=[LEIPZIG, PIRNA],
        certs=["ISO 9001"],
    )
    org("Schweißerei", ["fuegen.schweissen"], sites=[DRESDEN])  # serves no step: left out
    demand, ids = engine_input(DemandSpec([CHAIN[1]], *DRESDEN))
    (supplier,) = demand.suppliers
    assert ids[supplier.id] == both.pk
    assert (supplier.lat, supplier.lon) == PIRNA
    proposal = propose_consortia(DemandSpec([CHAIN[1]], *DRESDEN), alternatives=0)
    assert proposal.best.cost_km == pytest.approx(haversine_km(*PIRNA, *DRESDEN), abs=1e-3)
    assert proposal.best.members[0].organisation == both


def test_partner_cost_prefers_one_firm_for_two_steps():
    org("Fräse nah", ["trennen.spanen.fraesen"], sites=[PIRNA], certs=["ISO 9001"])
    org("Lack nah", ["beschichten.pulverbeschichten"], sites=[PIRNA])
    both = org(
        "Alles aus einer Hand",
        ["trennen.spanen.fraesen", "beschichten.pulverbeschichten"],
        sites=[FREIBERG],
        certs=["ISO 9001"],
    )
    spec = DemandSpec(CHAIN[1:], *DRESDEN)
    assert propose_consortia(spec, alternatives=0).best.partners == 2
    proposal = propose_consortia(spec, alternatives=0, partner_cost_km=100)
    assert [m.organisation for m in proposal.best.members] == [both, both]
    assert proposal.best.organisations == [both]
    demand, _ = engine_input(spec, partner_cost_km=100)
    assert proposal.best.cost_km == pytest.approx(
        consortium_cost(demand, [str(both.pk), str(both.pk)]), abs=1e-3
    )


def test_uncovered_steps_and_partner_limit_are_reported():
    org("Fräserei", ["trennen.spanen.fraesen"], certs=["ISO 9001"])
    org("Beschichter", ["beschichten.pulverbeschichten"])
    org("Kammer", ["urformen.giessen.sandguss"], kind=Organisation.Kind.CHAMBER)
    proposal = propose_consortia(DemandSpec(CHAIN, *DRESDEN))
    assert not proposal.feasible
    assert proposal.uncovered_steps == ["guss"]
    assert not proposal.partner_limit
    limited = propose_consortia(DemandSpec(CHAIN[1:], *DRESDEN), max_partners=1)
    assert not limited.feasible
    assert limited.partner_limit
    assert limited.uncovered_steps == []


def test_hidden_and_excluded_organisations_are_not_proposed():
    hidden = org("Versteckt", ["trennen.spanen.fraesen"], certs=["ISO 9001"], is_public=False)
    buyer = org("Käufer", ["trennen.spanen.fraesen"], certs=["ISO 9001"])
    spec = DemandSpec([CHAIN[1]], *DRESDEN, exclude=[buyer.pk])
    assert propose_consortia(spec).uncovered_steps == ["fraesen"]
    demand, ids = engine_input(spec, viewer=type("Admin", (), {"is_superuser": True})())
    assert list(ids.values()) == [hidden.pk]


def test_a_delivery_place_is_required():
    with pytest.raises(ValueError, match="delivery place"):
        propose_consortia(DemandSpec(CHAIN))
