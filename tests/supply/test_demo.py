"""The supply demo: realistic demands with steps, inquiries with answers, cooperation profiles;
reproducible for a seed, removed again with --reset."""

from __future__ import annotations

import pytest

from werkstatt.network import demo as network_demo
from werkstatt.network.models import Organisation
from werkstatt.supply import demo
from werkstatt.supply.models import CooperationOffer, Demand, Inquiry, InquiryMessage
from werkstatt.supply.services import consortia, planning

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def snapshot() -> list:
    return [
        (
            d.title,
            d.organisation.name,
            d.status,
            [s.capability.key for s in d.steps.all()],
            sorted((i.organisation.name, i.status) for i in d.inquiries.all()),
        )
        for d in Demand.objects.order_by("title")
    ] + sorted(CooperationOffer.objects.values_list("title", "organisation__name"))


def build(lines: list[str]) -> None:
    # The network demo and ours only (the whole `werkstatt demo` runs every app's demo; the
    # network demo's own tests cover the command).
    network_demo.build_demo(150, 1, report=lines.append, index=False)
    demo.build_demo(seed=1, report=lines.append)


def test_demo_builds_a_supply_network_and_is_reproducible():
    lines: list[str] = []
    build(lines)
    assert any(line.startswith("Supply network: 6 demands") for line in lines)
    frame = Demand.objects.get(title__startswith="Maschinengestell")
    keys = [s.capability.key for s in frame.steps.all()]
    assert keys[0] == "trennen.abtragen.laserschneiden"
    assert keys[1] in ("umformen.biegen.abkanten", "umformen.biegen")
    assert keys[2] in ("fuegen.schweissen.mig_mag", "fuegen.schweissen")
    assert keys[3:] == ["trennen.spanen.fraesen", "beschichten.pulverbeschichten"]
    assert frame.delivery_lat is not None
    # Realistic against the network it runs on: each step of each demand is one that at least
    # MIN_SUPPLIERS public suppliers can do (capability and certifications), so the ranking
    # and the consortia find them.
    for demand in Demand.objects.prefetch_related("steps__certifications"):
        spec = planning.demand_spec_for(demand)
        for coverage in consortia.step_coverage(spec):
            assert coverage.able >= 1, (demand.title, coverage.capability)
    assert Demand.objects.count() >= 5
    assert Demand.objects.filter(status=Demand.Status.FULFILLED).exists()
    assert Inquiry.objects.filter(consortium__isnull=False).exists()
    assert Inquiry.objects.exclude(status=Inquiry.Status.SENT).exists()
    assert InquiryMessage.objects.filter(side="supplier").exists()
    # Who answers is somebody on Werkstatt; the others got their inquiry by e-mail.
    answering = Organisation.objects.filter(supply_inquiries__messages__side="supplier")
    assert not answering.exclude(memberships__role="admin", memberships__status="active")
    assert Inquiry.objects.filter(delivery=Inquiry.Delivery.EMAIL).exists()
    assert not Demand.objects.filter(created_by__isnull=True).exists()
    # The showcase firm (firma@) has something in its inbox.
    assert Inquiry.objects.filter(organisation__name=demo.SHOWCASE["name"]).exists()
    assert CooperationOffer.objects.filter(direction="offer").exists()
    assert CooperationOffer.objects.filter(direction="request").exists()
    first = snapshot()

    demo.delete_demo(report=lines.append)
    network_demo.delete_demo(report=lines.append)
    build(lines)
    assert snapshot() == first

    demo.delete_demo(report=lambda line: None)
    assert not Demand.objects.exists()
    assert not Inquiry.objects.exists()
    assert not CooperationOffer.objects.exists()
