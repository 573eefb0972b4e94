"""The reports of a process: a PDF results report with charts, open data (ZIP of CSV and JSON
with a README and the licence) and the moderators' workbook (XLSX). They are built by a
background job (monitoring/jobs.py) and kept as ReportFile for download.

Open data holds only what anonymous visitors can read on the site, and of people only the
public author names (never e-mail addresses).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from openpyxl import Workbook
from openpyxl.styles import Font

from werkstatt.strategy.models import Comment, Process, Recommendation
from werkstatt.strategy.services.queries import visible_recommendations

from ..models import ReportFile
from .concepts import ProcessMonitoring, process_monitoring

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
Progress = Callable[[int, int, str], None]


def _public_name(user: Any) -> str:
    """The name shown on the site; nothing for accounts without a name (never the e-mail)."""
    return (getattr(user, "name", "") or "").strip() if user is not None else ""


def _public_recommendations(process: Process):
    return (
        visible_recommendations(AnonymousUser(), process)
        .select_related("author", "author_organisation", "phase")
        .prefetch_related("action_fields", "regions", "sectors")
        .annotate(comment_count=Count("comments", filter=Q(comments__is_hidden=False)))
        .order_by("pk")
    )


def _recommendation_row(rec: Recommendation) -> dict[str, Any]:
    return {
        "id": rec.pk,
        "kind": rec.kind,
        "title": rec.title,
        "text": rec.text,
        "status": rec.status,
        "status_label": str(Recommendation.Status(rec.status).label),
        "phase": rec.phase.name if rec.phase else "",
        "action_fields": "; ".join(f.name for f in rec.action_fields.all()),
        "districts": "; ".join(r.name_de for r in rec.regions.all()),
        "sectors": "; ".join(s.code for s in rec.sectors.all()),
        "author": _public_name(rec.author),
        "author_organisation": rec.author_organisation.name if rec.author_organisation else "",
        "answer": rec.answer,
        "comments": rec.comment_count,
        "created": rec.created.date().isoformat(),
    }


def _csv(rows: list[dict[str, Any]], columns: Iterable[str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def _implementation_rows(
    monitoring: ProcessMonitoring,
) -> tuple[list[dict], list[dict], list[dict]]:
    concepts, results, milestones = [], [], []
    for cp in monitoring.concepts:
        c = cp.concept
        concepts.append(
            {
                "recommendation": c.recommendation_id,
                "status": c.status,
                "progress": round(cp.progress, 1),
                "budget_eur": str(c.budget_eur) if c.budget_eur is not None else "",
                "funding": c.funding,
                "start": c.start_date.isoformat() if c.start_date else "",
                "end": c.end_date.isoformat() if c.end_date else "",
                "lead": "; ".join(
                    r.organisation.name for r in c.responsibilities.all() if r.role == "lead"
                ),
                "partners": "; ".join(
                    r.organisation.name for r in c.responsibilities.all() if r.role == "partner"
                ),
                "summary": c.summary,
            }
        )

        def walk(nodes, depth=0, c=c):
            for node in nodes:
                r = node.result
                results.append(
                    {
                        "id": r.pk,
                        "recommendation": c.recommendation_id,
                        "parent": r.parent_id or "",
                        "title": r.title,
                        "status": r.status,
                        "weight": str(r.weight),
                        "progress": round(node.progress, 1),
                    }
                )
                walk(node.parts, depth + 1, c)

        walk(cp.tree)
        for m in c.milestones.all():
            milestones.append(
                {
                    "recommendation": c.recommendation_id,
                    "title": m.title,
                    "due": m.due_date.isoformat(),
                    "reached": m.reached_date.isoformat() if m.reached_date else "",
                }
            )
    return concepts, results, milestones


README = """# {title}: open data

Exported from Werkstatt on {date}. Licence: {licence} ({licence_url}); attribution:
"{organiser}, {title}, via Werkstatt".

Files (UTF-8, comma-separated, first line the column names):
- process.json: the process, its phases and action fields; data.json: everything below in one file
- recommendations.csv: the published recommendations and theses (status, action fields, districts,
  sectors, public author name and organisation, the project office's answer, number of comments)
- comments.csv: the visible comments (id, recommendation, parent comment, public author name, text)
- implementation.csv: the implementation concept per recommendation (status, progress in %,
  budget in EUR, funding, dates, lead and partner organisations)
- results.csv: the results and their parts (weighted progress), milestones.csv: the milestones

No personal data beyond the names authors show publicly on the site.
"""


def open_data_zip(process: Process) -> bytes:
    anonymous = AnonymousUser()
    recs = list(_public_recommendations(process))
    rec_rows = [_recommendation_row(r) for r in recs]
    comments = (
        Comment.objects.filter(recommendation__in=[r.pk for r in recs], is_hidden=False)
        .select_related("author")
        .order_by("pk")
    )
    comment_rows = [
        {
            "id": c.pk,
            "recommendation": c.recommendation_id,
            "parent": c.parent_id or "",
            "author": _public_name(c.author),
            "text": c.text,
            "created": c.created.date().isoformat(),
        }
        for c in comments
    ]
    monitoring = process_monitoring(anonymous, process)
    concepts, results, milestones = _implementation_rows(monitoring)
    info = {
        "title": process.title,
        "summary": process.summary,
        "description": process.description,
        "organiser": process.organiser,
        "start": process.start_date.isoformat(),
        "end": process.end_date.isoformat() if process.end_date else None,
        "status": process.status,
        "licence": LICENCE,
        "phases": [
            {
                "name": p.name,
                "start": p.start_date.isoformat(),
                "end": p.end_date.isoformat(),
                "actions": p.actions,
            }
            for p in process.timeline()
            if p.visibility == p.Visibility.PUBLIC
        ],
        "action_fields": [
            {"name": f.name, "description": f.description} for f in process.action_fields.all()
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.md",
            README.format(
                title=process.title,
                date=timezone.localdate().isoformat(),
                licence=LICENCE,
                licence_url=LICENCE_URL,
                organiser=process.organiser or "Werkstatt",
            ),
        )
        archive.writestr(
            "LICENSE.txt",
            f"{process.title}: data licensed under {LICENCE}, {LICENCE_URL}\n",
        )
        archive.writestr("process.json", json.dumps(info, ensure_ascii=False, indent=2))
        columns = list(rec_rows[0]) if rec_rows else list(_recommendation_row.__annotations__)
        archive.writestr(
            "recommendations.csv",
            _csv(rec_rows, columns if rec_rows else ["id", "title"]),
        )
        archive.writestr(
            "comments.csv",
            _csv(comment_rows, ["id", "recommendation", "parent", "author", "text", "created"]),
        )
        archive.writestr(
            "implementation.csv",
            _csv(
                concepts,
                [
                    "recommendation",
                    "status",
                    "progress",
                    "budget_eur",
                    "funding",
                    "start",
                    "end",
                    "lead",
                    "partners",
                    "summary",
                ],
            ),
        )
        archive.writestr(
            "results.csv",
            _csv(
                results,
                ["id", "recommendation", "parent", "title", "status", "weight", "progress"],
            ),
        )
        archive.writestr(
            "milestones.csv", _csv(milestones, ["recommendation", "title", "due", "reached"])
        )
        archive.writestr(
            "data.json",
            json.dumps(
                {
                    "process": info,
                    "recommendations": rec_rows,
                    "comments": comment_rows,
                    "implementation": concepts,
                    "results": results,
                    "milestones": milestones,
                },
                ensure_ascii=False,
                indent=2,
            ),
        )
    return buffer.getvalue()


# --- the moderators' workbook -----------------------------------------------------------------


def workbook_xlsx(process: Process, user: Any) -> bytes:
    """Everything a moderator sees, one sheet per kind of thing (including unpublished)."""
    recs = (
        Recommendation.objects.filter(process=process)
        .select_related("author", "author_organisation", "phase")
        .prefetch_related("action_fields", "regions", "sectors")
        .annotate(comment_count=Count("comments", filter=Q(comments__is_hidden=False)))
        .order_by("pk")
    )
    book = Workbook()
    sheet = book.active
    sheet.title = _("Recommendations")[:31]
    header = [
        _("ID"),
        _("Kind"),
        _("Title"),
        _("Status"),
        _("Moderation"),
        _("Phase"),
        _("Action fields"),
        _("Districts"),
        _("Author"),
        _("Author's e-mail"),
        _("Organisation"),
        _("Comments"),
        _("Answer"),
        _("Created"),
    ]
    sheet.append(header)
    for rec in recs:
        sheet.append(
            [
                rec.pk,
                str(Recommendation.Kind(rec.kind).label),
                rec.title,
                str(Recommendation.Status(rec.status).label),
                rec.get_moderation_state_display(),
                rec.phase.name if rec.phase else "",
                "; ".join(f.name for f in rec.action_fields.all()),
                "; ".join(r.name_de for r in rec.regions.all()),
                _public_name(rec.author),
                rec.author.email if rec.author else "",
                rec.author_organisation.name if rec.author_organisation else "",
                rec.comment_count,
                rec.answer,
                timezone.localtime(rec.created).replace(tzinfo=None),
            ]
        )
    monitoring = process_monitoring(user, process, everything=True)
    concepts, results, milestones = _implementation_rows(monitoring)
    for title, rows in (
        (_("Implementation"), concepts),
        (_("Results"), results),
        (_("Milestones"), milestones),
    ):
        ws = book.create_sheet(title[:31])
        if rows:
            ws.append(list(rows[0]))
            for row in rows:
                ws.append(list(row.values()))
    for ws in book.worksheets:
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- the PDF results report -------------------------------------------------------------------


class _Report(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.report_title = title
        self.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(True, margin=18)
        self.set_margins(18, 18, 18)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.set_text_color(110)
        self.cell(0, 5, f"{self.report_title} · {self.page_no()}", align="C")
        self.set_text_color(0)

    def heading(self, text: str, size: int = 14) -> None:
        self.ln(3)
        self.set_font("DejaVu", "B", size)
        self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)
        self.set_font("DejaVu", "", 10)

    def paragraph(self, text: str) -> None:
        self.set_font("DejaVu", "", 10)
        self.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def bar_chart(self, rows: list[tuple[str, float, str]], *, maximum: float) -> None:
        """Horizontal bars: (label, value, value as text)."""
        label_w, bar_w, h = 70.0, 85.0, 6.0
        for label, value, text in rows:
            if self.get_y() > self.h - 30:
                self.add_page()
            y = self.get_y()
            self.set_font("DejaVu", "", 9)
            self.set_xy(self.l_margin, y)
            self.cell(label_w, h, label[:48])
            self.set_fill_color(226, 232, 240)
            self.rect(self.l_margin + label_w, y + 1, bar_w, h - 2, style="F")
            share = 0.0 if maximum <= 0 else max(0.0, min(1.0, value / maximum))
            self.set_fill_color(30, 94, 160)
            if share > 0:
                self.rect(self.l_margin + label_w, y + 1, bar_w * share, h - 2, style="F")
            self.set_xy(self.l_margin + label_w + bar_w + 2, y)
            self.cell(20, h, text)
            self.set_y(y + h + 1)
        self.ln(2)


def results_pdf(process: Process, progress: Progress | None = None) -> bytes:
    """The public results report of a process: what was proposed, how far it is implemented."""
    anonymous = AnonymousUser()
    recs = list(_public_recommendations(process))
    monitoring = process_monitoring(anonymous, process)
    pdf = _Report(process.title)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 20)
    pdf.multi_cell(0, 9, process.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    dates = process.start_date.strftime("%d.%m.%Y")
    if process.end_date:
        dates += " – " + process.end_date.strftime("%d.%m.%Y")
    pdf.multi_cell(0, 5, f"{process.organiser}\n{dates}".strip(), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    if process.summary:
        pdf.paragraph(process.summary)
    pdf.heading(_("Results at a glance"))
    pdf.paragraph(
        _(
            "%(recommendations)d published recommendations and theses; %(concepts)d with an "
            "implementation concept; overall progress %(progress)s."
        )
        % {
            "recommendations": len(recs),
            "concepts": len(monitoring.concepts),
            "progress": f"{monitoring.progress:.0f} %" if monitoring.progress is not None else "–",
        }
    )
    by_status: dict[str, int] = {}
    for rec in recs:
        by_status[rec.status] = by_status.get(rec.status, 0) + 1
    if by_status:
        pdf.heading(_("Recommendations by status"), 12)
        rows = [
            (str(Recommendation.Status(s).label), float(n), str(n))
            for s, n in sorted(by_status.items(), key=lambda kv: -kv[1])
        ]
        pdf.bar_chart(rows, maximum=max(n for _l, n, _t in rows))
    if monitoring.by_action_field:
        pdf.heading(_("Implementation progress by action field"), 12)
        pdf.bar_chart(
            [
                (name, value, f"{value:.0f} % ({n})")
                for name, value, n in monitoring.by_action_field
            ],
            maximum=100,
        )
    if progress:
        progress(1, 3, _("Charts drawn"))
    fields: dict[str, list[Recommendation]] = {}
    for rec in recs:
        for name in [f.name for f in rec.action_fields.all()] or [_("Without action field")]:
            fields.setdefault(name, []).append(rec)
    pdf.add_page()
    pdf.heading(_("Recommendations and theses by action field"))
    concept_of = {cp.concept.recommendation_id: cp for cp in monitoring.concepts}
    for name in sorted(fields):
        pdf.heading(name, 12)
        for rec in fields[name]:
            pdf.set_font("DejaVu", "B", 10)
            pdf.multi_cell(0, 5, rec.title, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("DejaVu", "", 9)
            line = str(Recommendation.Status(rec.status).label)
            cp = concept_of.get(rec.pk)
            if cp is not None:
                line += " · " + _("implementation %(progress).0f %%") % {"progress": cp.progress}
            pdf.multi_cell(0, 4.5, line, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
    if progress:
        progress(2, 3, _("Recommendations listed"))
    if monitoring.timeline:
        pdf.add_page()
        pdf.heading(_("Timeline of the implementation"))
        for entry in monitoring.timeline[:60]:
            pdf.set_font("DejaVu", "B", 9)
            pdf.multi_cell(
                0,
                4.5,
                f"{entry.date.strftime('%d.%m.%Y')} · {entry.title}",
                new_x="LMARGIN",
                new_y="NEXT",
            )
            pdf.set_font("DejaVu", "", 9)
            if entry.text:
                pdf.multi_cell(0, 4.5, entry.text[:400], new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
    return bytes(pdf.output())


# --- building and keeping a report ------------------------------------------------------------

BUILDERS = {
    ReportFile.Kind.PDF: ("pdf", "application/pdf"),
    ReportFile.Kind.OPEN_DATA: ("zip", "application/zip"),
    ReportFile.Kind.XLSX: (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


def do_build_report(
    process: Process, kind: str, user: Any, progress: Progress | None = None
) -> ReportFile:
    if kind == ReportFile.Kind.PDF:
        content = results_pdf(process, progress)
    elif kind == ReportFile.Kind.OPEN_DATA:
        content = open_data_zip(process)
    elif kind == ReportFile.Kind.XLSX:
        content = workbook_xlsx(process, user)
    else:
        raise ValueError(f"unknown report kind {kind!r}")
    extension = BUILDERS[ReportFile.Kind(kind)][0]
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    report = ReportFile(process=process, kind=kind, created_by=user)
    report.file.save(f"{process.slug}-{kind}-{stamp}.{extension}", ContentFile(content), save=False)
    report.save()
    return report
