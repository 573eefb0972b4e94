"""Journey: a network moderator imports a member list with preview, and a file that is refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import PASSWORD, OrganisationFactory, SiteFactory, make_network_moderator
from werkstatt.jobs.services import claim, run_job
from werkstatt.network.models import ImportBatch, Organisation
from werkstatt.network.services import importer

from .conftest import log_in, with_confirmed_email

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"
# The association's list (semicolon, Windows-1252, umlauts) with one row that has no name.
MEMBER_LIST = (FIXTURES / "semikolon_windows1252.csv").read_bytes() + (
    ";Hauptstraße 5;09599;Freiberg;info@ohne-namen.de;12;\r\n".encode("cp1252")
)


def german(msgid: str) -> str:
    with translation.override("de"):
        return gettext(msgid)


def upload(page, name: str, content: bytes) -> None:
    page.get_by_label(german("Member list")).set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name=german("Upload and continue")).click()
    page.wait_for_load_state()


@pytest.fixture
def moderator(reference_data):
    existing = OrganisationFactory(name="Mueller Metallbau GmbH & Co. KG", slug="mueller-metallbau")
    SiteFactory(organisation=existing, postcode="09112", city="Chemnitz")
    return with_confirmed_email(make_network_moderator(email="import@wfs-sachsen.example"))


def test_import_with_preview_duplicate_job_and_report(page, moderator, settings):
    log_in(page, moderator.email, PASSWORD)
    page.goto("/netzwerk/")
    page.get_by_role("link", name=german("Import a member list")).click()
    assert page.locator("h1").inner_text() == german("Import a member list")
    upload(page, "mitglieder_2026.csv", MEMBER_LIST)

    # Step 2: the columns are guessed from their names; the examples show the umlauts read right.
    page.wait_for_url(re.compile(r"/netzwerk/import/\d+/zuordnung/$"))
    main = page.locator("main")
    assert "Müller Metallbau GmbH" in main.inner_text()
    assert "Straße (" in main.inner_text()  # a column name with ß
    name_column = page.locator("select[name=name]")
    assert "Firma" in name_column.locator("option:checked").inner_text()
    assert "PLZ" in page.locator("select[name=postcode] option:checked").inner_text()
    page.get_by_role("button", name=german("Check the rows")).click()

    # Step 3: the preview flags the duplicate of the existing firm and the row without a name.
    page.wait_for_url(re.compile(r"/netzwerk/import/\d+/vorschau/$"))
    rows = page.locator("main table tbody tr")
    assert rows.count() == 5
    mueller = rows.filter(has_text="Müller Metallbau GmbH")
    assert german("Possible duplicate") in mueller.inner_text()
    assert mueller.get_by_role("link", name="Mueller Metallbau GmbH & Co. KG").is_visible()
    assert "Großmann Kunststofftechnik GmbH & Co. KG" in rows.nth(3).inner_text()
    nameless = rows.filter(has_text="Freiberg")
    assert german("Rejected") in nameless.inner_text()
    assert german("The name is missing.") in nameless.inner_text()
    decision = mueller.locator("select")
    assert decision.input_value() == "merge"
    assert Organisation.objects.count() == 1  # nothing imported yet

    # Import: with a worker (not this request) doing the work, the job page shows the progress.
    settings.JOBS_MODE = "worker"
    page.get_by_role("button", name=german("Import"), exact=True).click()
    page.wait_for_url(re.compile(r"/jobs/\d+/$"))
    status = page.locator("#job-status")
    assert german("The job is waiting for a free worker.") in status.inner_text()
    assert german("This page updates itself.") in status.inner_text()
    job = claim("browser-test-worker")
    assert job is not None
    run_job(job, worker="browser-test-worker", live=False)
    # The page polls and shows the end without a reload.
    page.get_by_role("link", name=german("Show the result")).click()

    # Step 4: the report.
    page.wait_for_url(re.compile(r"/netzwerk/import/\d+/bericht/$"))
    result = page.locator("section[aria-labelledby=counts-heading]")
    assert f"{german('Created')}: 3" in result.inner_text()
    assert f"{german('Merged')}: 1" in result.inner_text()
    assert f"{german('Rejected')}: 1" in result.inner_text()
    report = page.locator("main table tbody")
    rejected = report.locator("tr", has_text=german("The name is missing."))
    assert german("Rejected") in rejected.inner_text()
    merged = report.locator("tr", has_text="Müller Metallbau GmbH")
    assert merged.get_by_role("link", name="Mueller Metallbau GmbH & Co. KG").is_visible()
    assert Organisation.objects.count() == 4
    assert Organisation.objects.filter(name="Bäuerle Oberflächentechnik e.K.").exists()


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        (
            "dokument.csv",
            lambda: importer.describe("unsupported_format", {"kind": "pdf"}),
        ),
        (
            "leer.csv",
            lambda: german("The file is empty. Please upload the member list with a header row."),
        ),
    ],
    ids=["pdf-named-csv", "empty"],
)
def test_a_broken_file_is_refused_in_german_and_nothing_is_created(
    page, moderator, fixture, message
):
    log_in(page, moderator.email, PASSWORD)
    page.goto("/netzwerk/import/")
    upload(page, fixture, (FIXTURES / fixture).read_bytes())

    assert re.search(r"/netzwerk/import/$", page.url)
    field = page.get_by_label(german("Member list"))
    assert field.get_attribute("aria-invalid") == "true"
    assert "id_file_error" in (field.get_attribute("aria-describedby") or "").split()
    with translation.override("de"):
        expected = message()
    assert expected in page.locator("#id_file_error").inner_text()
    assert expected in page.locator(".error-summary").inner_text()
    assert ImportBatch.objects.count() == 0
    assert Organisation.objects.count() == 1
