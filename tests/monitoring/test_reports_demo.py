"""The three reports of both demo processes, as a visitor of `make run` would ask for them.

The network, strategy, assessment and monitoring demos are built; each report of each demo
process is made by the background job (run synchronously in tests) and read back.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.contrib.auth.models import AnonymousUser
from openpyxl import load_workbook

from werkstatt.assessment import demo as assessment_demo
from werkstatt.monitoring import demo as monitoring_demo
from werkstatt.monitoring.models import ReportFile
from werkstatt.monitoring.services.reports import do_build_report
from werkstatt.network import demo as network_demo
from werkstatt.strategy import demo as strategy_demo
from werkstatt.strategy.models import Process
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

        book = load_workbook(io.BytesIO(read(do_build_report(process, "xlsx", None))))
        titles = {row[2] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
        assert titles == set(process.recommendations.values_list("title", flat=True))
