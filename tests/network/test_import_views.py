"""The import pages: the flow through the browser's eyes, and who may see what."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from tests.factories import SuperuserFactory, UserFactory, make_network_moderator

from werkstatt.network.models import ImportBatch, ImportRow, Organisation
from werkstatt.network.services import importer

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"
pytestmark = pytest.mark.django_db


def fixture_upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (FIXTURES / name).read_bytes())


@pytest.fixture
def moderator():
    return make_network_moderator()


@pytest.fixture
def batch(moderator):
    batch = importer.do_create_batch(
        moderator, "liste.csv", (FIXTURES / "semikolon_windows1252.csv").read_bytes()
    )
    importer.do_set_mapping(batch, batch.mapping)
    importer.analyse(batch)
    batch.refresh_from_db()
    return batch


def test_the_whole_flow(client, moderator):
    client.force_login(moderator)
    response = client.get(reverse("network:import_upload"))
    assert response.status_code == 200
    response = client.post(
        reverse("network:import_upload"), {"file": fixture_upload("semikolon_windows1252.csv")}
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("network:import_mapping", args=[batch.pk])

    response = client.get(response["Location"])
    assert response.status_code == 200
    page = response.content.decode()
    assert "Müller Metallbau GmbH" in page  # examples from the file next to each column
    assert 'name="name"' in page

    mapping = {field: "" if i is None else str(i) for field, i in batch.mapping.items()}
    response = client.post(reverse("network:import_mapping", args=[batch.pk]), mapping)
    assert response.status_code == 302
    assert response["Location"] == reverse("network:import_preview", args=[batch.pk])

    response = client.get(response["Location"])
    page = response.content.decode()
    assert response.status_code == 200
    assert "Schröder &amp; Söhne Präzisionsteile KG" in page
    assert Organisation.objects.count() == 0

    response = client.post(reverse("network:import_commit", args=[batch.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("network:import_report", args=[batch.pk])
    assert Organisation.objects.count() == 4

    response = client.get(response["Location"])
    assert response.status_code == 200
    assert "Bäuerle Oberflächentechnik e.K." in response.content.decode()
    response = client.get(reverse("network:import_report", args=[batch.pk]), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "Großmann" in b"".join(response.streaming_content).decode("utf-8-sig")

    # Committing again changes nothing and says so.
    response = client.post(reverse("network:import_commit", args=[batch.pk]), follow=True)
    assert Organisation.objects.count() == 4
    assert "bereits importiert" in response.content.decode()


def test_a_pdf_is_refused_on_the_upload_page(client, moderator):
    client.force_login(moderator)
    response = client.post(
        reverse("network:import_upload"), {"file": fixture_upload("dokument.csv")}
    )
    assert response.status_code == 200
    assert "keine Tabelle" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_an_empty_upload_is_refused(client, moderator):
    client.force_login(moderator)
    response = client.post(reverse("network:import_upload"), {"file": fixture_upload("leer.csv")})
    assert response.status_code == 200
    assert "Die Datei ist leer" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_the_mapping_page_requires_the_name_column(client, moderator):
    client.force_login(moderator)
    client.post(reverse("network:import_upload"), {"file": fixture_upload("ohne_namensspalte.csv")})
    batch = ImportBatch.objects.get()
    response = client.post(
        reverse("network:import_mapping", args=[batch.pk]), {"postcode": "1", "city": "2"}
    )
    assert response.status_code == 200
    assert "den Namen der Organisation enthält" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UPLOADED


def test_another_worksheet_can_be_chosen(client, moderator):
    client.force_login(moderator)
    client.post(
        reverse("network:import_upload"), {"file": fixture_upload("versteckte_blaetter.xlsx")}
    )
    batch = ImportBatch.objects.get()
    url = reverse("network:import_mapping", args=[batch.pk])
    page = client.get(url).content.decode()
    assert 'name="sheet"' in page
    assert 'value="Intern"' not in page  # hidden sheets are not offered
    assert "Ausgeblendete Tabellenblätter wurden nicht berücksichtigt: Intern." in page
    response = client.post(url, {"sheet": "Gäste"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.sheet == "Gäste"
    assert batch.info["headers"] == ["Name", "Ort"]
    assert batch.mapping["name"] == 0 and batch.mapping["city"] == 1
    response = client.post(url, {"sheet": "Intern"})
    batch.refresh_from_db()
    assert batch.sheet == "Gäste"


def test_decisions_are_saved_from_the_preview(client, moderator, batch):
    from tests.factories import OrganisationFactory

    OrganisationFactory(name="Mueller Metallbau GmbH & Co. KG", slug="mm")
    importer.analyse(batch)
    row = batch.rows.get(number=2)
    assert row.status == ImportRow.Status.DUPLICATE
    client.force_login(moderator)
    url = reverse("network:import_preview", args=[batch.pk])
    response = client.get(url, {"status": "duplicate"})
    assert f'name="row_{row.pk}"' in response.content.decode()
    response = client.post(url + "?status=duplicate", {f"row_{row.pk}": "skip"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.decision == ImportRow.Decision.SKIP
    response = client.post(url, {f"row_{row.pk}": "nonsense"})
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.decision == ImportRow.Decision.SKIP


def test_the_preview_is_paginated(client, moderator):
    data = "Name\n" + "".join(f"Firma {i} GmbH\n" for i in range(120))
    batch = importer.do_create_batch(moderator, "viele.csv", data.encode())
    importer.do_set_mapping(batch, batch.mapping)
    importer.analyse(batch)
    client.force_login(moderator)
    url = reverse("network:import_preview", args=[batch.pk])
    page = client.get(url).content.decode()
    assert "Firma 0 GmbH" in page and "Firma 60 GmbH" not in page
    assert "Firma 60 GmbH" in client.get(url, {"page": 2}).content.decode()


def test_query_count_of_the_preview_does_not_grow_with_rows(
    client, moderator, django_assert_max_num_queries
):
    def make(n: int) -> ImportBatch:
        data = "Name\n" + "".join(f"Firma {i} GmbH\n" for i in range(n))
        b = importer.do_create_batch(moderator, "liste.csv", data.encode())
        importer.do_set_mapping(b, b.mapping)
        importer.analyse(b)
        return b

    client.force_login(moderator)
    one, three = make(1), make(3)
    for b in (one, three):
        with django_assert_max_num_queries(20):
            assert client.get(reverse("network:import_preview", args=[b.pk])).status_code == 200


URLS = [
    ("network:import_upload", False, "get"),
    ("network:import_mapping", True, "get"),
    ("network:import_preview", True, "get"),
    ("network:import_report", True, "get"),
    ("network:import_commit", True, "post"),
]


@pytest.mark.parametrize(("name", "per_batch", "method"), URLS)
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("member", 403),
        ("other_moderator", 403),
        ("creator", 200),
        ("superuser", 200),
    ],
)
def test_permissions(client, batch, name, per_batch, method, role, expected):
    users = {
        "anonymous": None,
        "member": UserFactory(),
        "other_moderator": make_network_moderator(),
        "creator": batch.created_by,
        "superuser": SuperuserFactory(),
    }
    user = users[role]
    if user is not None:
        client.force_login(user)
    url = reverse(name, args=[batch.pk] if per_batch else [])
    response = getattr(client, method)(url)
    if role == "anonymous":
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    elif expected == 200:
        # Allowed: the page, or (commit, mapping of an analysed batch) a redirect onwards.
        assert response.status_code in {200, 302}
        if response.status_code == 302:
            assert reverse("account_login") not in response["Location"]
    elif name == "network:import_upload" and role == "other_moderator":
        assert response.status_code == 200  # every moderator may start an import
    else:
        assert response.status_code == expected
    if not (role in {"creator", "superuser"} and name == "network:import_commit"):
        assert Organisation.objects.count() == 0


def test_commit_needs_post(client, batch):
    client.force_login(batch.created_by)
    assert client.get(reverse("network:import_commit", args=[batch.pk])).status_code == 405
