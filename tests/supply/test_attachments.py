"""Drawings on demands and inquiries: checked by their bytes, stored without a public URL,
downloaded only by who may see the demand or the inquiry."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import OrganisationAdminFactory, UserFactory
from tests.supply.factories import DemandFactory
from werkstatt.supply.models import Attachment, Demand, Visibility
from werkstatt.supply.services import attachments as services
from werkstatt.supply.services import inquiries as inquiry_services
from werkstatt.supply.services.demands import StepData, do_create_demand

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n"
STEP = b"ISO-10303-21;\nHEADER;\nFILE_NAME('gestell.stp');\nENDSEC;\n"
DXF = b"  0\nSECTION\n  2\nENTITIES\n  0\nENDSEC\n  0\nEOF\n"


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type)


def zipped() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("gestell.dxf", DXF)
    return buffer.getvalue()


@pytest.fixture
def buyer():
    return OrganisationAdminFactory(organisation__name="Vogtland Maschinenbau GmbH")


@pytest.fixture
def demand(buyer):
    return DemandFactory(organisation=buyer.organisation, steps=["fuegen.schweissen"])


def test_drawings_of_every_kind_are_kept_with_their_names(demand, buyer):
    added = services.do_attach_to_demand(
        demand,
        buyer.user,
        [
            upload("Zeichnung.pdf", PDF),
            upload("Gestell.stp", STEP),
            upload("Zuschnitt.dxf", DXF),
            upload("Daten.zip", zipped()),
        ],
    )
    assert [(a.name, a.content_type) for a in added] == [
        ("Zeichnung.pdf", "application/pdf"),
        ("Gestell.stp", "model/step"),
        ("Zuschnitt.dxf", "image/vnd.dxf"),
        ("Daten.zip", "application/zip"),
    ]
    for attachment in added:
        path = Path(attachment.file.path)
        assert path.is_file()
        # Outside MEDIA_ROOT, which DEBUG serves publicly, under a name of our own.
        assert Path(settings.MEDIA_ROOT) not in path.parents
        assert attachment.name.split(".")[0] not in path.name


def test_one_bad_file_refuses_all_and_every_problem_is_named(demand, buyer):
    with pytest.raises(ValidationError) as exc:
        services.do_attach_to_demand(
            demand,
            buyer.user,
            [
                upload("gut.pdf", PDF),
                upload("virus.pdf", b"MZ\x90\x00 not a pdf"),
                upload("leer.dxf", b""),
                upload("kaputt.zip", zipped()[:30]),
            ],
        )
    messages = exc.value.message_dict["attachments"]
    assert len(messages) == 3
    assert any("virus.pdf" in m for m in messages)
    assert any("leer.dxf" in m for m in messages)
    assert any("kaputt.zip" in m for m in messages)
    assert not Attachment.objects.exists()


def test_size_and_count_limits(demand, buyer, monkeypatch):
    monkeypatch.setattr(services, "MAX_SIZE", 100)
    with pytest.raises(ValidationError, match="gross.pdf"):
        services.do_attach_to_demand(demand, buyer.user, [upload("gross.pdf", PDF + b"0" * 100)])
    monkeypatch.setattr(services, "MAX_PER_DEMAND", 2)
    services.do_attach_to_demand(demand, buyer.user, [upload("a.pdf", PDF), upload("b.pdf", PDF)])
    with pytest.raises(ValidationError):
        services.do_attach_to_demand(demand, buyer.user, [upload("c.pdf", PDF)])
    assert demand.attachments.count() == 2


def test_a_closed_demand_takes_no_drawings(demand, buyer):
    Demand.objects.filter(pk=demand.pk).update(status=Demand.Status.WITHDRAWN)
    demand.refresh_from_db()
    with pytest.raises(ValidationError):
        services.do_attach_to_demand(demand, buyer.user, [upload("a.pdf", PDF)])


def test_post_a_demand_with_drawings_and_all_errors_at_once(client, buyer):
    from tests.factories import CapabilityFactory
    from tests.supply.factories import in_days

    weld = CapabilityFactory(key="fuegen.schweissen")
    client.force_login(buyer.user)
    base = {
        "title": "Schweißgestell",
        "delivery_postcode": "08523",
        "deadline": in_days(30).isoformat(),
        "visibility": "public",
        "steps-TOTAL_FORMS": "1",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "30",
        "steps-0-capability": str(weld.pk),
        "steps-0-quantity": "4",
    }
    bad = client.post(
        reverse("supply:demand_create"), base | {"attachments": [upload("x.pdf", b"nope")]}
    )
    assert bad.status_code == 200 and not Demand.objects.exists()
    assert "x.pdf" in str(bad.context["form"].errors["attachments"])
    response = client.post(
        reverse("supply:demand_create"),
        base | {"attachments": [upload("Zeichnung.pdf", PDF), upload("Gestell.step", STEP)]},
    )
    demand = Demand.objects.get()
    assert response.status_code == 302
    assert sorted(demand.attachments.values_list("name", flat=True)) == [
        "Gestell.step",
        "Zeichnung.pdf",
    ]
    page = client.get(demand.get_absolute_url()).content.decode()
    for attachment in demand.attachments.all():
        assert attachment.get_absolute_url() in page
    assert settings.MEDIA_URL not in page


def test_downloads_follow_who_may_see_the_demand(client, buyer):
    members_only = DemandFactory(organisation=buyer.organisation, visibility=Visibility.MEMBERS)
    (attachment,) = services.do_attach_to_demand(
        members_only, buyer.user, [upload("Zeichnung.pdf", PDF)]
    )
    url = attachment.get_absolute_url()
    assert client.get(url).status_code == 404  # a visitor
    client.force_login(UserFactory())  # registered, but no organisation's member
    assert client.get(url).status_code == 404
    client.force_login(OrganisationAdminFactory().user)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="Zeichnung.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_inquiry_files_are_for_the_two_sides_only(client, demand, buyer):
    supplier = OrganisationAdminFactory(organisation__name="Schweißtechnik Plauen GmbH")
    inquiry = inquiry_services.do_send_inquiry(
        demand,
        buyer.user,
        supplier.organisation,
        "Zeichnung anbei.",
        files=[upload("Baugruppe.pdf", PDF)],
    )
    inquiry_services.do_inquiry_action(
        inquiry, supplier.user, "accept", "Angebot anbei.", [upload("Angebot.pdf", PDF)]
    )
    first, offer = Attachment.objects.order_by("pk")
    assert first.message.status == "sent" and offer.message.side == "supplier"
    for who, status in [
        (buyer.user, 200),
        (supplier.user, 200),
        (OrganisationAdminFactory().user, 404),  # sees the public demand, not the inquiry
    ]:
        client.force_login(who)
        assert client.get(offer.get_absolute_url()).status_code == status
    client.force_login(buyer.user)
    page = client.get(inquiry.get_absolute_url()).content.decode()
    assert first.get_absolute_url() in page and offer.get_absolute_url() in page
    # The inquiry's files are not the demand's drawings.
    assert client.get(demand.get_absolute_url()).context["attachments"] == []


def test_only_the_buyer_adds_and_removes_a_demands_drawings(client, demand, buyer):
    (attachment,) = services.do_attach_to_demand(demand, buyer.user, [upload("a.pdf", PDF)])
    path = Path(attachment.file.path)
    client.force_login(OrganisationAdminFactory().user)
    remove = reverse("supply:attachment_delete", args=[attachment.pk])
    assert client.post(remove).status_code == 403
    add = reverse("supply:demand_attachments", args=[demand.pk])
    assert client.post(add, {"attachments": [upload("b.pdf", PDF)]}).status_code == 403
    client.force_login(buyer.user)
    client.post(add, {"attachments": [upload("b.pdf", PDF)]})
    assert demand.attachments.count() == 2
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda fn, *a, **k: fn())
        client.post(remove)
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not path.exists()


def test_api_lists_uploads_and_downloads(buyer, demand):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="de")
    api.force_authenticate(buyer.user)
    url = reverse("supply_api:demand-attachments", args=[demand.pk])
    created = api.post(url, {"files": [upload("Zeichnung.pdf", PDF)]}, format="multipart")
    assert created.status_code == 201, created.content
    item = created.json()[0]
    assert item["name"] == "Zeichnung.pdf"
    bad = api.post(url, {"files": [upload("x.pdf", b"nope")]}, format="multipart")
    assert bad.status_code == 400 and "x.pdf" in str(bad.json())
    listed = APIClient().get(url).json()  # a public demand: visitors see its drawings
    assert [a["name"] for a in listed] == ["Zeichnung.pdf"]
    download = APIClient().get(item["download"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    stranger = APIClient()
    stranger.force_authenticate(OrganisationAdminFactory().user)
    assert (
        stranger.post(url, {"files": [upload("b.pdf", PDF)]}, format="multipart").status_code == 403
    )


def test_files_go_with_the_demand(buyer):
    from tests.factories import CapabilityFactory
    from tests.supply.factories import in_days

    demand = do_create_demand(
        buyer.organisation,
        buyer.user,
        {
            "title": "Gestell",
            "delivery_postcode": "09111",
            "deadline": in_days(5),
            "visibility": "public",
        },
        [StepData(capability=CapabilityFactory(key="fuegen.schweissen"), quantity=1)],
        [upload("a.pdf", PDF)],
    )
    path = Path(demand.attachments.get().file.path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda fn, *a, **k: fn())
        demand.delete()
    assert not path.exists()
