"""Suppliers browse demands: "Passende Bedarfe" for an organisation's admins, ranked by how
much they cover and how near they are, and the demand list's filters."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import (
    CapabilityFactory,
    CertificationFactory,
    OrganisationAdminFactory,
    OrganisationFactory,
    SiteFactory,
    UserFactory,
)
from tests.supply.factories import DemandFactory, in_days
from werkstatt.network.models import Region
from werkstatt.supply.models import Demand, Visibility
from werkstatt.supply.services import matching

pytestmark = pytest.mark.django_db

CUT, BEND, WELD, MIG = (
    "trennen.abtragen.laserschneiden",
    "umformen.biegen",
    "fuegen.schweissen",
    "fuegen.schweissen.mig_mag",
)
CHEMNITZ, DRESDEN, GOERLITZ = (50.8357, 12.9292), (51.0509, 13.7383), (51.1528, 14.9872)


def located(demand: Demand, where: tuple[float, float]) -> Demand:
    Demand.objects.filter(pk=demand.pk).update(delivery_lat=where[0], delivery_lon=where[1])
    demand.refresh_from_db()
    return demand


@pytest.fixture
def supplier():
    """A laser-cutting and welding shop in Chemnitz with ISO 3834."""
    admin = OrganisationAdminFactory(
        organisation__name="Blech und Schweiß Chemnitz GmbH",
        organisation__capabilities=[CapabilityFactory(key=CUT), CapabilityFactory(key=MIG)],
        organisation__certifications=[CertificationFactory(code="ISO 3834")],
    )
    SiteFactory(organisation=admin.organisation, lat=CHEMNITZ[0], lon=CHEMNITZ[1])
    return admin


def test_matching_demands_ranked_by_coverage_then_distance(supplier):
    org = supplier.organisation
    full_far = located(DemandFactory(title="Alles, weit", steps=[CUT, WELD]), GOERLITZ)
    full_near = located(DemandFactory(title="Alles, nah", steps=[CUT, WELD]), CHEMNITZ)
    half = located(DemandFactory(title="Halb", steps=[CUT, BEND]), CHEMNITZ)
    needs_cert = located(DemandFactory(title="Mit Zertifikat", steps=[CUT, WELD]), CHEMNITZ)
    needs_cert.steps.get(order=2).certifications.set([CertificationFactory(code="EN 1090")])
    DemandFactory(title="Nichts", steps=[BEND])
    DemandFactory(title="Eigen", organisation=org, steps=[CUT])
    DemandFactory(title="Abgelaufen", steps=[CUT], deadline=in_days(-1))
    DemandFactory(title="Erledigt", steps=[CUT], status=Demand.Status.FULFILLED)
    DemandFactory(title="Nur MIG fehlt dem Betrieb", steps=["fuegen.schweissen.wig"])
    found = matching.matching_demands(org, supplier.user)
    rows = found.page.object_list
    assert [r.demand for r in rows] == [full_near, full_far, needs_cert, half]
    assert found.count == 4
    assert (rows[0].covered, rows[0].total) == (2, 2)
    # By capability it covers the certified step too, but not with EN 1090: said so.
    assert (rows[2].covered, rows[2].by_capability) == (1, 2)
    assert {"kind": "missing_certification", "code": "EN 1090", "steps": [], "numbers": [2]} in (
        rows[2].parts
    )
    assert {"kind": "uncovered", "steps": [], "numbers": [2]} in rows[3].parts
    assert rows[1].distance_km > 140 and rows[0].distance_km < 1


def test_matching_sees_only_what_the_admin_may_see(supplier):
    invited = DemandFactory(title="Eingeladen", visibility=Visibility.INVITED, steps=[CUT])
    members = DemandFactory(title="Mitglieder", visibility=Visibility.MEMBERS, steps=[CUT])
    rows = matching.matching_demands(supplier.organisation, supplier.user).page.object_list
    assert [r.demand for r in rows] == [members]
    invited.invited_organisations.set([supplier.organisation])
    rows = matching.matching_demands(supplier.organisation, supplier.user).page.object_list
    assert {r.demand for r in rows} == {members, invited}


def test_matching_is_paginated_in_few_queries(supplier, django_assert_max_num_queries):
    for i in range(30):
        DemandFactory(title=f"Bedarf {i}", steps=[CUT, BEND])
    with django_assert_max_num_queries(14):
        found = matching.matching_demands(supplier.organisation, supplier.user, per_page=25)
        rows = list(found.page.object_list)
        [s.capability.name for r in rows for s in r.demand.steps.all()]
    assert found.count == 30 and len(rows) == 25
    second = matching.matching_demands(supplier.organisation, supplier.user, page=2)
    assert len(second.page.object_list) == 5
    assert not {r.demand for r in rows} & {r.demand for r in second.page.object_list}


def test_matching_page_for_admins(client, supplier):
    DemandFactory(title="Laserteile", steps=[CUT])
    url = reverse("supply:matching")
    assert client.get(url).status_code == 302  # login first
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(supplier.user)
    response = client.get(url)
    assert response.status_code == 200
    assert "Laserteile" in response.content.decode()
    assert response.context["organisation"] == supplier.organisation
    # Another organisation's slug is not theirs to choose.
    other = OrganisationFactory(slug="fremd")
    assert client.get(url, {"organisation": other.slug}).status_code == 404
    link = reverse("supply:matching")
    assert link in client.get(reverse("supply:index")).content.decode()


def test_demand_list_filters(client):
    chemnitz = Region.objects.filter(kind="city").order_by("code").first()
    other_region = Region.objects.exclude(pk=chemnitz.pk).exclude(kind="state").first()
    welded = DemandFactory(title="Geschweißt", steps=[MIG], deadline=in_days(10))
    Demand.objects.filter(pk=welded.pk).update(delivery_region=chemnitz)
    cut = DemandFactory(title="Geschnitten", steps=[CUT], deadline=in_days(40))
    Demand.objects.filter(pk=cut.pk).update(delivery_region=other_region)
    cut.steps.get().certifications.set([CertificationFactory(code="ISO 9001")])
    url = reverse("supply:index")

    def titles(**params):
        page = client.get(url, params).context["page_obj"]
        return {d.title for d in page.object_list}

    assert titles() == {"Geschweißt", "Geschnitten"}
    assert titles(capability=WELD) == {"Geschweißt"}  # the step's process is below Schweißen
    assert titles(capability=MIG) == {"Geschweißt"}
    assert titles(region=chemnitz.code) == {"Geschweißt"}
    assert titles(certification="ISO 9001") == {"Geschnitten"}
    assert titles(deadline_from=in_days(20).isoformat()) == {"Geschnitten"}
    assert titles(deadline_to=in_days(20).isoformat()) == {"Geschweißt"}
    assert titles(capability="kein.schluessel") == {"Geschweißt", "Geschnitten"}  # ignored
    api = APIClient().get(reverse("supply_api:demand-list"), {"capability": CUT}).json()
    assert [d["title"] for d in api["results"]] == ["Geschnitten"]


def test_region_is_set_from_the_delivery_place():
    from tests.factories import CapabilityFactory as Cap
    from werkstatt.supply.services.demands import StepData, do_create_demand

    admin = OrganisationAdminFactory()
    demand = do_create_demand(
        admin.organisation,
        admin.user,
        {"title": "Teile", "delivery_postcode": "01067", "deadline": in_days(3)},
        [StepData(capability=Cap(key=CUT), quantity=1)],
    )
    assert demand.delivery_region is not None
    assert demand.delivery_region.name_de.startswith("Dresden")


def test_api_matching(supplier):
    DemandFactory(title="Laserteile", steps=[CUT])
    api = APIClient()
    url = reverse("supply_api:demand-matching")
    assert api.get(url).status_code == 401
    api.force_authenticate(supplier.user)
    data = api.get(url, {"organisation": supplier.organisation.slug}).json()
    assert data["count"] == 1
    assert data["results"][0]["demand"]["title"] == "Laserteile"
    assert data["results"][0]["explanation"][0]["kind"] == "coverage"
    other = OrganisationFactory()
    assert api.get(url, {"organisation": other.slug}).status_code == 400
