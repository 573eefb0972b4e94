"""The monitoring's URLs in the permission matrix (see tests/matrix.py, tests/strategy/matrix.py).

Builds on the strategy world: {st_rec} (public, in {st_process}) gets the concept {concept} with a
result and a milestone; {board_rec} (seen only by the board, "other_admin", and moderators) gets
{board_concept}. "moderator" moderates {st_process}; report files: {pdf} (public) and {xlsx}
(moderators only).
"""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile

from tests.matrix import ALL_200, POST_ONLY, Row
from werkstatt.monitoring.models import (
    ImplementationConcept,
    Milestone,
    ReportFile,
    Responsibility,
    Result,
)
from werkstatt.network.models import Organisation
from werkstatt.strategy.models import Process, Recommendation

P = {"slug": "{st_process}"}
C = {"pk": "{concept}"}
MODERATORS = "login 403 403 403 403 200 200"
MODERATORS_POST = "login 403 403 403 403 302 302"
LOGIN_THEN_200 = "login 200 200 200 200 200 200"

ROWS = [
    Row("monitoring:index", {}, "GET", ALL_200),
    Row("monitoring:process", P, "GET", ALL_200),
    Row(
        "monitoring:process",
        {"slug": "{st_private}"},
        "GET",
        "404 404 200 404 404 404 200",
        note="non-public process",
    ),
    Row("monitoring:reports", P, "GET", LOGIN_THEN_200),
    Row(
        "monitoring:reports",
        P,
        "POST",
        "login 302 302 302 302 302 302",
        {"kind": "open_data"},
        note="open data for everyone who sees the process",
    ),
    Row(
        "monitoring:reports",
        P,
        "POST",
        "login 200 200 200 200 302 302",
        {"kind": "xlsx"},
        note="the workbook for moderators only (others: the form says no)",
    ),
    Row("monitoring:report_download", {"pk": "{pdf}"}, "GET", ALL_200),
    Row("monitoring:report_download", {"pk": "{open_data}"}, "GET", ALL_200),
    Row(
        "monitoring:latest_report",
        {"slug": "{st_process}", "kind": "pdf"},
        "GET",
        ALL_200,
        note="public reports: anyone who sees the process downloads them",
    ),
    Row(
        "monitoring:latest_report", {"slug": "{st_process}", "kind": "offene-daten"}, "GET", ALL_200
    ),
    Row(
        "monitoring:latest_report",
        {"slug": "{st_process}", "kind": "xlsx"},
        "GET",
        "404 404 404 404 404 404 404",
        note="the workbook is never a public report",
    ),
    Row(
        "monitoring:latest_report",
        {"slug": "{st_private}", "kind": "pdf"},
        "GET",
        "404 404 200 404 404 404 200",
        note="non-public process",
    ),
    Row(
        "monitoring:reports",
        {"slug": "{st_private}"},
        "GET",
        "login 404 200 404 404 404 200",
        note="non-public process",
    ),
    Row(
        "monitoring:report_download",
        {"pk": "{xlsx}"},
        "GET",
        "404 404 404 404 404 200 200",
        note="workbook",
    ),
    Row("monitoring:concept", C, "GET", ALL_200),
    Row(
        "monitoring:concept",
        {"pk": "{board_concept}"},
        "GET",
        "404 404 404 404 200 200 200",
        note="board only",
    ),
    Row("monitoring:concept_edit", {"pk": "{st_rec}"}, "GET", MODERATORS),
    Row("monitoring:organisation_suggestions", {"pk": "{st_rec}"}, "GET", MODERATORS),
    Row("monitoring:result_add", C, "GET", MODERATORS),
    Row("monitoring:result_edit", {"pk": "{result}"}, "GET", MODERATORS),
    Row("monitoring:result_delete", {"pk": "{result}"}, "GET", POST_ONLY),
    Row("monitoring:result_delete", {"pk": "{result}"}, "POST", MODERATORS_POST),
    Row("monitoring:milestone_add", C, "GET", MODERATORS),
    Row("monitoring:milestone_edit", {"pk": "{milestone}"}, "GET", MODERATORS),
    Row("monitoring:milestone_delete", {"pk": "{milestone}"}, "GET", POST_ONLY),
    Row("monitoring:milestone_delete", {"pk": "{milestone}"}, "POST", MODERATORS_POST),
    Row("monitoring:update_add", C, "GET", MODERATORS),
    Row("monitoring_api:process", P, "GET", ALL_200),
    Row(
        "monitoring_api:process",
        {"slug": "{st_private}"},
        "GET",
        "404 404 200 404 404 404 200",
        note="non-public process",
    ),
    Row("monitoring_api:concept", C, "GET", ALL_200),
    Row(
        "monitoring_api:concept",
        {"pk": "{board_concept}"},
        "GET",
        "404 404 404 404 200 200 200",
        note="board only",
    ),
]


def world(users: dict, values: dict) -> None:
    process = Process.objects.get(slug=values["st_process"])
    rec = Recommendation.objects.get(pk=values["st_rec"])
    concept = ImplementationConcept.objects.create(
        recommendation=rec,
        summary="Ausbildungsverbund Erzgebirge aufbauen.",
        status="in_progress",
        budget_eur=120000,
        start_date=datetime.date(2026, 1, 1),
    )
    Responsibility.objects.create(
        concept=concept, organisation=Organisation.objects.get(slug=values["org"]), role="lead"
    )
    result = Result.objects.create(concept=concept, title="Verbund gegründet", progress=50)
    milestone = Milestone.objects.create(
        concept=concept, title="Erste Azubis", due_date=datetime.date(2027, 9, 1)
    )
    board_concept = ImplementationConcept.objects.create(
        recommendation=Recommendation.objects.get(pk=values["st_board_rec"]), summary="Intern."
    )
    pdf = ReportFile(process=process, kind=ReportFile.Kind.PDF)
    pdf.file.save("bericht.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    open_data = ReportFile(process=process, kind=ReportFile.Kind.OPEN_DATA)
    open_data.file.save("offene-daten.zip", ContentFile(b"PK test"), save=True)
    private = Process.objects.get(slug=values["st_private"])
    private_pdf = ReportFile(process=private, kind=ReportFile.Kind.PDF)
    private_pdf.file.save("intern.pdf", ContentFile(b"%PDF-1.4 intern"), save=True)
    xlsx = ReportFile(process=process, kind=ReportFile.Kind.XLSX)
    xlsx.file.save("arbeitsmappe.xlsx", ContentFile(b"PK test"), save=True)
    values.update(
        concept=concept.pk,
        board_concept=board_concept.pk,
        result=result.pk,
        milestone=milestone.pk,
        pdf=pdf.pk,
        open_data=open_data.pk,
        xlsx=xlsx.pk,
    )
