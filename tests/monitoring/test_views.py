"""The monitoring pages: the public monitoring, the moderators' forms, reports as jobs."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext
from openpyxl import load_workbook

from tests.factories import OrganisationFactory, UserFactory
from tests.monitoring.factories import ConceptFactory, MilestoneFactory, ResultFactory
from tests.strategy.factories import (
    CommentFactory,
    ProcessFactory,
    RecommendationFactory,
    member_of,
    moderator_of,
)
from werkstatt.jobs.models import Job
from werkstatt.monitoring.models import ImplementationConcept, ReportFile, Result
from werkstatt.strategy.models import Recommendation

pytestmark = pytest.mark.django_db


def test_the_public_monitoring_page_shows_progress_and_responsible(client):
    org = OrganisationFactory(name="IHK Chemnitz")
    concept = ConceptFactory(recommendation__title="Ausbildungsverbund Erzgebirge")
    concept.responsibilities.create(organisation=org, role="lead")
    ResultFactory(concept=concept, title="Verbund gegründet", progress=40)
    process = concept.recommendation.process
    page = client.get(reverse("monitoring:process", args=[process.slug])).content.decode()
    assert "Ausbildungsverbund Erzgebirge" in page and "IHK Chemnitz" in page
    assert 'value="40"' in page
    detail = client.get(reverse("monitoring:concept", args=[concept.pk])).content.decode()
    assert "Verbund gegründet" in detail
    assert "Edit the concept" not in detail and "Konzept bearbeiten" not in detail


def test_the_responsible_column_names_the_leads_without_a_stray_comma(client):
    concept = ConceptFactory()
    for name, role in (("IHK Chemnitz", "lead"), ("SAB", "lead"), ("TU Chemnitz", "partner")):
        concept.responsibilities.create(organisation=OrganisationFactory(name=name), role=role)
    other = ConceptFactory(recommendation__process=concept.recommendation.process)
    other.responsibilities.create(organisation=OrganisationFactory(name="WFS"), role="partner")
    url = reverse("monitoring:process", args=[concept.recommendation.process.slug])
    page = client.get(url).content.decode()
    assert "<td>IHK Chemnitz, SAB</td>" in page
    assert "<td>–</td>" in page  # no lead: a dash, not the partner


def test_a_moderator_writes_the_concept_and_the_recommendation_moves_on(client):
    rec = RecommendationFactory(title="FabLabs in Mittelsachsen")
    OrganisationFactory(name="TU Bergakademie Freiberg")
    client.force_login(moderator_of(rec.process))
    url = reverse("monitoring:concept_edit", args=[rec.pk])
    response = client.post(
        url,
        {
            "summary": "Zwei FabLabs an Hochschulen öffnen.",
            "status": "in_progress",
            "budget_eur": "250000",
            "funding": "EFRE",
            "start_date": "2026-03-01",
            "end_date": "2027-12-31",
            "lead": "tu bergakademie freiberg",
            "partners": "",
        },
    )
    concept = ImplementationConcept.objects.get(recommendation=rec)
    assert response.status_code == 302 and response["Location"] == concept.get_absolute_url()
    assert concept.responsibilities.get().organisation.name == "TU Bergakademie Freiberg"
    rec.refresh_from_db()
    assert rec.status == Recommendation.Status.IN_IMPLEMENTATION


def test_an_unknown_organisation_is_named_in_german_and_nothing_is_saved(client):
    rec = RecommendationFactory()
    client.force_login(moderator_of(rec.process))
    response = client.post(
        reverse("monitoring:concept_edit", args=[rec.pk]),
        {"summary": "x", "status": "planned", "lead": "Gibt es nicht GmbH"},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 200
    assert "Gibt es nicht GmbH" in response.content.decode()
    assert not ImplementationConcept.objects.exists()


def test_results_form_rejects_a_cycle(client):
    concept = ConceptFactory()
    top = ResultFactory(concept=concept, title="Oben")
    below = ResultFactory(concept=concept, title="Unten", parent=top)
    client.force_login(moderator_of(concept.recommendation.process))
    response = client.post(
        reverse("monitoring:result_edit", args=[top.pk]),
        {
            "title": "Oben",
            "parent": below.pk,
            "status": "planned",
            "progress": 0,
            "weight": 1,
            "order": 0,
        },
    )
    assert response.status_code == 200
    top.refresh_from_db()
    assert top.parent is None


def test_reports_are_made_in_the_background_and_downloaded(client):
    rec = RecommendationFactory(title="Breitband für Gewerbegebiete")
    CommentFactory(recommendation=rec, text="Dringend im Vogtland!")
    ConceptFactory(recommendation=rec)
    process = rec.process
    user = member_of(process, name="Jens Uhlig", email="jens@example.org")
    client.force_login(user)
    response = client.post(
        reverse("monitoring:reports", args=[process.slug]), {"kind": "open_data"}
    )
    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.status == "succeeded", job.error
    report = ReportFile.objects.get()
    download = client.get(job.result_url)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert {"README.md", "LICENSE.txt", "recommendations.csv", "comments.csv", "data.json"} <= set(
        archive.namelist()
    )
    data = json.loads(archive.read("data.json"))
    assert data["recommendations"][0]["title"] == "Breitband für Gewerbegebiete"
    assert data["comments"][0]["text"] == "Dringend im Vogtland!"
    # No e-mail addresses in open data.
    assert b"@" not in b"".join(archive.read(name) for name in archive.namelist())
    assert report.get_absolute_url() == job.result_url


def test_the_workbook_is_for_moderators(client):
    rec = RecommendationFactory(title="Demografie-Check für Kommunen")
    process = rec.process
    client.force_login(member_of(process))
    response = client.post(reverse("monitoring:reports", args=[process.slug]), {"kind": "xlsx"})
    assert response.status_code == 200 and not Job.objects.exists()
    client.force_login(moderator_of(process))
    client.post(reverse("monitoring:reports", args=[process.slug]), {"kind": "xlsx"})
    report = ReportFile.objects.get(kind="xlsx")
    content = b"".join(client.get(report.get_absolute_url()).streaming_content)
    book = load_workbook(io.BytesIO(content))
    titles = [row[2] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert titles == ["Demografie-Check für Kommunen"]


def test_the_pdf_report_has_the_process_and_its_recommendations(client):
    rec = RecommendationFactory(title="Kreativwirtschaft und Industrie zusammenbringen")
    concept = ConceptFactory(recommendation=rec)
    ResultFactory(concept=concept, progress=70)
    MilestoneFactory(concept=concept)
    client.force_login(member_of(rec.process))
    client.post(reverse("monitoring:reports", args=[rec.process.slug]), {"kind": "pdf"})
    report = ReportFile.objects.get(kind="pdf")
    content = b"".join(client.get(report.get_absolute_url()).streaming_content)
    assert content.startswith(b"%PDF")
    # A title page with the charts, the recommendations by action field, the timeline.
    assert content.count(b"/Type /Page") - content.count(b"/Type /Pages") >= 2


def test_the_monitoring_pages_cost_a_constant_number_of_queries(client):
    process = ProcessFactory()

    def add_concept():
        concept = ConceptFactory(recommendation=RecommendationFactory(process=process))
        ResultFactory(concept=concept)
        MilestoneFactory(concept=concept)
        concept.responsibilities.create(organisation=OrganisationFactory(), role="lead")

    def queries(url: str) -> int:
        client.get(url)  # warm up
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    urls = [
        reverse("monitoring:process", args=[process.slug]),
        reverse("monitoring:index"),
        reverse("monitoring_api:process", args=[process.slug]),
    ]
    add_concept()
    one = [queries(url) for url in urls]
    add_concept()
    add_concept()
    assert [queries(url) for url in urls] == one


def test_results_of_anonymous_are_refused(client):
    concept = ConceptFactory()
    response = client.post(reverse("monitoring:result_add", args=[concept.pk]), {"title": "X"})
    assert response.status_code == 302 and not Result.objects.exists()
    client.force_login(UserFactory())
    response = client.post(reverse("monitoring:result_add", args=[concept.pk]), {"title": "X"})
    assert response.status_code == 403 and not Result.objects.exists()


def test_a_cancelled_concept_is_not_a_cancelled_booking(client):
    concept = ConceptFactory(status="cancelled")
    with translation.override("de"):
        label = pgettext("implementation status", "Cancelled")
        booking = gettext("Cancelled")
    assert label != booking
    page = client.get(reverse("monitoring:concept", args=[concept.pk])).content.decode()
    assert f'<span class="badge">{label}</span>' in page and booking not in page


def test_organisations_are_found_without_exact_spelling_and_mistakes_get_suggestions(client):
    rec = RecommendationFactory()
    OrganisationFactory(name="Handwerkskammer Chemnitz")
    OrganisationFactory(name="Technische Universität Bergakademie Freiberg")
    OrganisationFactory(name="Verborgene GmbH", is_public=False)
    client.force_login(moderator_of(rec.process))
    url = reverse("monitoring:concept_edit", args=[rec.pk])
    data = {"summary": "Verbünde gründen.", "status": "planned", "partners": ""}
    response = client.post(url, {**data, "lead": "Handwerkskammer Chemniz"})
    assert response.status_code == 200 and not ImplementationConcept.objects.exists()
    assert "Handwerkskammer Chemnitz" in response.content.decode()  # the suggestion
    response = client.post(
        url,
        {
            **data,
            "lead": "handwerkskammer  chemnitz\nTECHNISCHE UNIVERSITAET Bergakademie Freiberg",
        },
    )
    assert response.status_code == 302
    names = sorted(ImplementationConcept.objects.get().organisations.values_list("name", flat=True))
    assert names == ["Handwerkskammer Chemnitz", "Technische Universität Bergakademie Freiberg"]
    # The finder (htmx) suggests public organisations only.
    finder = reverse("monitoring:organisation_suggestions", args=[rec.pk])
    options = client.get(finder, {"q": "freiberg univ"}).content.decode()
    assert '<option value="Technische Universität Bergakademie Freiberg">' in options
    assert "Verborgene" not in client.get(finder, {"q": "verborgen"}).content.decode()
    form = client.get(url).content.decode()
    assert "data-org-finder hidden" in form and 'list="org-finder-options"' in form
