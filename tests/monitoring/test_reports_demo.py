"""The three reports of both demo processes, as a visitor of `make run` would ask for them.

The network, strategy, assessment and monitoring demos are built; each report of each demo
process is made by the background job (run synchronously in tests) and read back.
"""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from werkstatt.assessment import demo as assessment_demo
from werkstatt.assessment.models import Rating
from werkstatt.monitoring import demo as monitoring_demo
from werkstatt.monitoring.models import ReportFile
from werkstatt.monitoring.services.reports import do_build_report
from werkstatt.network import demo as network_demo
from werkstatt.strategy import demo as strategy_demo
from werkstatt.strategy.models import Comment, Process
from werkstatt.strategy.services.queries import visible_recommendations

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    network_demo.build_demo(150, 7, index=False)
    for module in (strategy_demo, assessment_demo, monitoring_demo):
        module.build_demo(seed=7, report=lambda message: None)
    return list(Process.objects.order_by("start_date"))


def read(report: ReportFile) -> bytes:
    with report.file.open("rb") as handle:
        return handle.read()


def test_every_report_of_both_demo_processes_is_made(demo):
    assert [p.slug for p in demo] == [strategy_demo.STRATEGY_SLUG, strategy_demo.FUTURE_SLUG]
    for process in demo:
        public = set(
            visible_recommendations(AnonymousUser(), process).values_list("title", flat=True)
        )
        assert any(p.visibility == "public" for p in process.timeline())

        archive = zipfile.ZipFile(io.BytesIO(read(do_build_report(process, "open_data", None))))
        data = json.loads(archive.read("data.json"))
        assert {r["title"] for r in data["recommendations"]} == public
        assert data["process"]["phases"] and all(
            isinstance(p["actions"], list) for p in data["process"]["phases"]
        )

        pdf = read(do_build_report(process, "pdf", None))
        assert pdf.startswith(b"%PDF")
        check_results_report(process, pdf)

        book = load_workbook(io.BytesIO(read(do_build_report(process, "xlsx", None))))
        titles = {row[2] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
        assert titles == set(process.recommendations.values_list("title", flat=True))
        check_workbook(process, book)


def outline(pdf: bytes) -> list[str]:
    """The titles of the PDF's outline (its bookmarks): literal or UTF-16 hex strings."""
    titles = []
    for literal, hexa in re.findall(rb"/Title (?:\((.*?)(?<!\\)\)|<([0-9A-Fa-f]+)>)", pdf):
        if hexa:
            titles.append(bytes.fromhex(hexa.decode()).decode("utf-16"))
        else:
            text = re.sub(rb"\\([()\\])", rb"\1", literal)
            titles.append(text.decode("latin-1"))
    return titles


def check_results_report(process: Process, pdf: bytes) -> None:
    """What the process produced, as headings of a tagged PDF: per action field, the
    prioritised lists and districts (where the public sees an assessment), the implementation,
    the timeline; the title is a heading of the structure tree, the language is set."""
    headings = outline(pdf)
    assert headings[0] == process.title
    expected = [
        "Results at a glance",
        "Timeline of the process",
        "Recommendations and theses by action field",
        "Implementation",
        "Timeline of the implementation",
    ]
    if AnonymousUser().has_perm("assessment.view_results", process):
        expected += ["Prioritised list", "By ratings", "By pairwise comparison"]
        expected += ["Results by district"]
    with translation.override("de"):
        missing = [h for h in expected if gettext(h) not in headings]
    assert not missing, (process.slug, missing, headings)
    public_fields = {
        f.name
        for rec in visible_recommendations(AnonymousUser(), process)
        for f in rec.action_fields.all()
    }
    assert public_fields and public_fields <= set(headings)
    assert pdf.count(b"/S /H1") == 1 and pdf.count(b"/S /H2") >= 4
    assert b"/StructTreeRoot" in pdf and b"/Lang (de)" in pdf


def check_workbook(process: Process, book) -> None:
    with translation.override("de"):
        names = [
            gettext(n)
            for n in (
                "Recommendations", "Comments", "Ratings", "Implementation", "Results",
                "Milestones",
            )
        ]  # fmt: skip
    assert book.sheetnames == [n[:31] for n in names]
    for sheet in book.worksheets:
        header = [c.value for c in sheet[1]]
        assert header and all(header), sheet.title  # a header row, also on empty sheets
    comments = book.worksheets[1]
    assert comments.max_row - 1 == Comment.objects.filter(recommendation__process=process).count()
    ratings = book.worksheets[2]
    assert ratings.max_row - 1 == Rating.objects.filter(recommendation__process=process).count()
    emails = {u.email for u in get_user_model().objects.all()}
    assert not emails & {c.value for row in ratings.iter_rows() for c in row}
