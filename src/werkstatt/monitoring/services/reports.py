"""The reports of a process: a PDF results report with charts, open data (ZIP of CSV and JSON
with a README and the licence) and the moderators' workbook (XLSX). They are built by a
background job (monitoring/jobs.py) and kept as ReportFile for download.

Open data holds only what anonymous visitors can read on the site, and of people only the
public author names (never e-mail addresses).
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from fpdf import FPDF, FontFace
from openpyxl import Workbook
from openpyxl.styles import Font

from werkstatt.strategy.models import Comment, Phase, Process, Recommendation
from werkstatt.strategy.services.queries import visible_recommendations

from ..models import ReportFile
from .concepts import ProcessMonitoring, process_monitoring

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
Progress = Callable[[int, int, str], None]

IMPLEMENTATION_COLUMNS = [
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
]
RESULT_COLUMNS = ["id", "recommendation", "parent", "title", "status", "weight", "progress"]
MILESTONE_COLUMNS = ["recommendation", "title", "due", "reached"]


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


RECOMMENDATION_COLUMNS = [
    "id",
    "kind",
    "title",
    "text",
    "status",
    "status_label",
    "phase",
    "action_fields",
    "districts",
    "sectors",
    "author",
    "author_organisation",
    "answer",
    "comments",
    "created",
]


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
        archive.writestr("recommendations.csv", _csv(rec_rows, RECOMMENDATION_COLUMNS))
        archive.writestr(
            "comments.csv",
            _csv(comment_rows, ["id", "recommendation", "parent", "author", "text", "created"]),
        )
        archive.writestr(
            "implementation.csv",
            _csv(concepts, IMPLEMENTATION_COLUMNS),
        )
        archive.writestr(
            "results.csv",
            _csv(results, RESULT_COLUMNS),
        )
        archive.writestr("milestones.csv", _csv(milestones, MILESTONE_COLUMNS))
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


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value).replace(tzinfo=None)


def workbook_xlsx(process: Process, user: Any) -> bytes:
    """Everything a moderator sees, one sheet per kind of thing (including unpublished):
    recommendations, comments, ratings (without the raters' names), implementation, results,
    milestones. Every sheet has its header row, also when it is empty."""
    from werkstatt.assessment.models import Rating  # monitoring may import assessment

    recs = (
        Recommendation.objects.filter(process=process)
        .select_related("author", "author_organisation", "phase")
        .prefetch_related("action_fields", "regions", "sectors")
        .annotate(comment_count=Count("comments", filter=Q(comments__is_hidden=False)))
        .order_by("pk")
    )
    book = Workbook()
    book.remove(book.active)

    def sheet(title: str, header: list[Any], rows: Iterable[list[Any]]) -> None:
        ws = book.create_sheet(str(title)[:31])
        ws.append([str(h) for h in header])
        for row in rows:
            ws.append(row)

    sheet(
        _("Recommendations"),
        [
            _("ID"), _("Kind"), _("Title"), _("Status"), _("Moderation"), _("Phase"),
            _("Action fields"), _("Districts"), _("Author"), _("Author's e-mail"),
            _("Organisation"), _("Comments"), _("Answer"), _("Created"),
        ],
        (
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
                _local(rec.created),
            ]
            for rec in recs
        ),
    )  # fmt: skip
    comments = (
        Comment.objects.filter(recommendation__process=process)
        .select_related("author", "recommendation")
        .order_by("recommendation_id", "created", "pk")
    )
    sheet(
        _("Comments"),
        [
            _("ID"), _("Recommendation ID"), _("Recommendation"), _("Reply to"), _("Author"),
            _("Text"), _("Hidden"), _("Reason for hiding"), _("Created"),
        ],
        (
            [
                c.pk, c.recommendation_id, c.recommendation.title, c.parent_id or "",
                _public_name(c.author), c.text, _("yes") if c.is_hidden else "",
                c.hidden_reason, _local(c.created),
            ]
            for c in comments
        ),
    )  # fmt: skip
    # Ratings without the raters: a number per person (the same within this workbook) and the
    # stakeholder group is all the analysis needs.
    raters: dict[int, int] = {}
    ratings = (
        Rating.objects.filter(recommendation__process=process)
        .select_related("recommendation", "criterion", "region")
        .order_by("recommendation_id", "user_id", "criterion_id", "pk")
    )

    def rater(user_id: int | None) -> int | str:
        if user_id is None:
            return ""
        return raters.setdefault(user_id, len(raters) + 1)

    sheet(
        _("Ratings"),
        [
            _("Recommendation ID"), _("Recommendation"), _("Criterion"), _("District"),
            _("Value (1–5)"), _("Stakeholder group"), _("Rater (number)"), _("Rated"),
        ],
        (
            [
                r.recommendation_id, r.recommendation.title, str(r.criterion),
                r.region.name_de if r.region else "", r.value, r.get_group_display(),
                rater(r.user_id), _local(r.modified),
            ]
            for r in ratings
        ),
    )  # fmt: skip
    monitoring = process_monitoring(user, process, everything=True)
    concepts, results, milestones = _implementation_rows(monitoring)
    for title, columns, rows in (
        (_("Implementation"), IMPLEMENTATION_COLUMNS, concepts),
        (_("Results"), RESULT_COLUMNS, results),
        (_("Milestones"), MILESTONE_COLUMNS, milestones),
    ):
        sheet(title, columns, ([row[c] for c in columns] for row in rows))
    for ws in book.worksheets:
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- the PDF results report -------------------------------------------------------------------


class _Report(FPDF):
    """An A4 report with a tagged structure: headings (H1–H3) and paragraphs are marked content
    of the structure tree and the outline holds the headings, so screen readers and the PDF
    viewer's navigation find their way; text is set ragged right, never justified."""

    def __init__(self, title: str, language: str) -> None:
        super().__init__(format="A4")
        self.report_title = title
        self.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(True, margin=18)
        self.set_margins(18, 18, 18)
        self.set_title(title)
        self.set_lang(language)
        self.set_creator("Werkstatt")
        self.set_font("DejaVu", "", 10)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.set_text_color(110)
        self.cell(0, 5, f"{self.report_title} · {self.page_no()}", align="C")
        self.set_text_color(0)

    @contextlib.contextmanager
    def _tagged(self, struct_type: str, *, alt: str | None = None) -> Iterator[None]:
        """Mark what is drawn inside as one element of the structure tree (it must fit on the
        current page: callers make room first)."""
        mcid = self.struct_builder.next_mcid_for_page(self.page)
        self._add_marked_content(struct_type=f"/{struct_type}", mcid=mcid, alt_text=alt)
        self._out(f"/{struct_type} <</MCID {mcid}>> BDC")
        try:
            yield
        finally:
            self._out("EMC")

    def _room(self, height: float) -> bool:
        """Start a new page unless `height` fits; False if it fits on no page at all."""
        usable = self.h - self.t_margin - self.b_margin
        if height > usable:
            return False
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()
        return True

    def _text(self, struct_type: str, text: str, height: float, size: float, style: str = ""):
        self.set_font("DejaVu", style, size)
        needed = self.multi_cell(0, height, text, dry_run=True, output="HEIGHT", align="L")
        if self._room(needed):
            with self._tagged(struct_type):
                self.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT", align="L")
        else:  # longer than a page: untagged rather than broken
            self.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT", align="L")

    def heading(self, text: str, level: int = 1) -> None:
        size = {1: 16, 2: 13, 3: 11}[level]
        self.ln(3 if level > 1 else 1)
        self._room(size * 0.6 + 12)  # a heading never ends a page
        self.start_section(text, level=level - 1, strict=False)
        self._text(f"H{level}", text, size * 0.5, size, "B")
        self.ln(1)
        self.set_font("DejaVu", "", 10)

    def paragraph(self, text: str, size: float = 10, style: str = "") -> None:
        for part in [p.strip() for p in text.split("\n\n") if p.strip()]:
            self._text("P", part, size * 0.5, size, style)
            self.ln(1)

    def bar_chart(self, rows: list[tuple[str, float, str]], *, maximum: float, alt: str) -> None:
        """Horizontal bars (label, value, value as text), marked as one figure with `alt`."""
        label_w, bar_w, h = 70.0, 85.0, 6.0
        if not self._room(len(rows) * (h + 1) + 2):
            rows = rows[: int((self.h - 40) // (h + 1))]
            self._room(len(rows) * (h + 1) + 2)
        with self._tagged("Figure", alt=alt):
            for label, value, text in rows:
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

    def table(self, header: list[str], rows: list[list[str]], widths: list[int]) -> None:  # type: ignore[override]
        """A table with a repeated header row (fpdf2's tables)."""
        self.set_font("DejaVu", "", 8.5)
        with super().table(
            col_widths=widths,
            text_align="LEFT",
            line_height=4.6,
            first_row_as_headings=True,
            repeat_headings=1,
            headings_style=FontFace(emphasis="BOLD", fill_color=(226, 232, 240)),
            borders_layout="HORIZONTAL_LINES",
        ) as table:
            for values in [header, *rows]:
                row = table.row()
                for value in values:
                    row.cell(value)
        self.ln(3)
        self.set_font("DejaVu", "", 10)


def _number(value: float, digits: int = 2) -> str:
    """A number as the reader writes it ("3,66" in German)."""
    return number_format(value, digits)


def _date(value: datetime.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else "–"


def _actions(phase: Any) -> str:
    if phase.is_read_only:
        return _("Read only")
    return ", ".join(str(Phase.Action(a).label) for a in phase.actions)


def _assessment(process: Process) -> dict[str, Any] | None:
    """The prioritised lists and district results as the public sees them (None when the
    public sees no assessment of this process)."""
    from werkstatt.assessment.services import results  # monitoring may import assessment

    anonymous = AnonymousUser()
    if not anonymous.has_perm("assessment.view_results", process):
        return None
    return {
        "ratings": results.rating_ranking(anonymous, process),
        "pairwise": results.pairwise_ranking(anonymous, process),
        "districts": results.district_results(anonymous, process),
    }


def results_pdf(process: Process, progress: Progress | None = None) -> bytes:
    """The public results report of a process: what it produced (the recommendations per action
    field with their status, the prioritised lists with their intervals and the district
    results, the implementation with its progress) and its timeline. Only what anonymous
    visitors can read on the site."""
    anonymous = AnonymousUser()
    recs = list(_public_recommendations(process))
    monitoring = process_monitoring(anonymous, process)
    concept_of = {cp.concept.recommendation_id: cp for cp in monitoring.concepts}
    pdf = _Report(process.title, translation.get_language() or "de")
    pdf.add_page()

    # Title page: what the process is.
    pdf.heading(process.title, 1)
    dates = _date(process.start_date)
    if process.end_date:
        dates += " – " + _date(process.end_date)
    pdf.paragraph(
        "\n".join(x for x in (process.organiser, f"{dates} · {process.get_status_display()}") if x)
    )
    if process.summary:
        pdf.paragraph(process.summary, 11, "B")
    if process.description:
        pdf.paragraph(process.description)

    pdf.heading(_("Results at a glance"), 2)
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
        rows = [
            (str(Recommendation.Status(s).label), float(n), str(n))
            for s, n in sorted(by_status.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        pdf.heading(_("Recommendations by status"), 3)
        pdf.bar_chart(
            rows,
            maximum=max(n for _l, n, _t in rows),
            alt="; ".join(f"{label}: {text}" for label, _n, text in rows),
        )

    phases = [p for p in process.timeline() if p.visibility == Phase.Visibility.PUBLIC]
    if phases:
        pdf.heading(_("Timeline of the process"), 2)
        pdf.table(
            [_("Phase"), _("Dates"), _("In this phase")],
            [[p.name, f"{_date(p.start_date)} – {_date(p.end_date)}", _actions(p)] for p in phases],
            [70, 45, 59],
        )
    if progress:
        progress(1, 3, _("Process described"))

    # What the process produced, per action field.
    fields: dict[str, list[Recommendation]] = {}
    order = {f.name: (f.order, f.name) for f in process.action_fields.all()}
    for rec in recs:
        for name in [f.name for f in rec.action_fields.all()] or [_("Without action field")]:
            fields.setdefault(name, []).append(rec)
    if fields:
        pdf.add_page()
        pdf.heading(_("Recommendations and theses by action field"), 2)
        for name in sorted(fields, key=lambda n: order.get(n, (10_000, n))):
            pdf.heading(name, 3)
            rows = []
            for rec in sorted(fields[name], key=lambda r: r.title):
                state = str(Recommendation.Status(rec.status).label)
                cp = concept_of.get(rec.pk)
                if cp is not None:
                    state += " · " + _("implementation %(progress).0f %%") % {
                        "progress": cp.progress
                    }
                rows.append([rec.title, str(Recommendation.Kind(rec.kind).label), state])
            pdf.table([_("Title"), _("Kind"), _("Status")], rows, [100, 24, 50])

    assessment = _assessment(process)
    if assessment is not None:
        ratings, pairwise, districts = (
            assessment["ratings"],
            assessment["pairwise"],
            assessment["districts"],
        )
        pdf.add_page()
        pdf.heading(_("Prioritised list"), 2)
        ranked = [s for s in ratings.summaries if s.rank][:25]
        pdf.heading(_("By ratings"), 3)
        if ranked:
            pdf.paragraph(
                _(
                    "Each person's mean over the criteria, averaged and drawn towards the "
                    "overall mean when there are few ratings, with a 90 %% interval; ranked by "
                    "the interval's lower end. %(n)d ratings."
                )
                % {"n": ratings.raters},
                9,
            )
            pdf.table(
                [_("Rank"), _("Recommendation"), _("Estimate"), _("Interval (90 %)"), _("People")],
                [
                    [
                        str(s.rank),
                        ratings.titles.get(s.item, str(s.item)),
                        _number(s.estimate),
                        f"{_number(s.low)} – {_number(s.high)}",
                        str(s.n),
                    ]
                    for s in ranked
                ],
                [12, 84, 24, 32, 22],
            )
        else:
            pdf.paragraph(_("No ratings yet."))
        compared = [s for s in pairwise.summaries if s.rank][:25]
        pdf.heading(_("By pairwise comparison"), 3)
        if compared:
            pdf.paragraph(
                _(
                    "From %(n)d pairwise comparisons (Bradley–Terry model): the chance that a "
                    "recommendation is preferred to an average one, with a 90 %% interval."
                )
                % {"n": pairwise.comparisons},
                9,
            )
            pdf.table(
                [
                    _("Rank"),
                    _("Recommendation"),
                    _("Preferred to average"),
                    _("Interval (90 %)"),
                    _("Comparisons"),
                ],
                [
                    [
                        str(s.rank),
                        pairwise.titles.get(s.item, str(s.item)),
                        f"{100 * s.preference:.0f} %",
                        f"{100 * s.preference_low:.0f} – {100 * s.preference_high:.0f} %",
                        str(s.comparisons),
                    ]
                    for s in compared
                ],
                [12, 74, 36, 28, 24],
            )
        else:
            pdf.paragraph(_("No comparisons yet."))
        rated = [row for row in districts.rows if row.summary is not None]
        pdf.heading(_("Results by district"), 3)
        if rated:
            criterion = districts.criterion
            if criterion is not None:
                pdf.paragraph(
                    _("Fit for the district (%(criterion)s, 1–5), with a 90 %% interval.")
                    % {"criterion": criterion},
                    9,
                )
            pdf.table(
                [_("District"), _("Ratings"), _("Estimate"), _("Interval (90 %)")],
                [
                    [
                        row.region.name,
                        str(row.n),
                        _number(row.summary.estimate),
                        f"{_number(row.summary.low)} – {_number(row.summary.high)}",
                    ]
                    for row in rated
                ],
                [70, 30, 34, 40],
            )
        else:
            pdf.paragraph(_("No district has been rated yet."))
    if progress:
        progress(2, 3, _("Recommendations and priorities listed"))

    if monitoring.concepts:
        pdf.add_page()
        pdf.heading(_("Implementation"), 2)
        lines = [
            _("Overall progress: %(progress)s")
            % {
                "progress": f"{monitoring.progress:.0f} %"
                if monitoring.progress is not None
                else "–"
            }
        ]
        if monitoring.budget_eur:
            lines.append(
                _("Budget of all concepts: %(budget)s €")
                % {"budget": f"{monitoring.budget_eur:,.0f}".replace(",", ".")}
            )
        pdf.paragraph("\n".join(lines))
        if monitoring.by_action_field:
            pdf.heading(_("Implementation progress by action field"), 3)
            rows = [
                (name, value, f"{value:.0f} % ({n})")
                for name, value, n in monitoring.by_action_field
            ]
            pdf.bar_chart(
                rows,
                maximum=100,
                alt="; ".join(f"{label}: {text}" for label, _v, text in rows),
            )
        pdf.heading(_("Implementation concepts"), 3)
        pdf.table(
            [_("Recommendation"), _("Responsible"), _("Status"), _("Progress")],
            [
                [
                    cp.concept.recommendation.title,
                    ", ".join(r.organisation.name for r in cp.concept.leads) or "–",
                    cp.concept.get_status_display(),
                    f"{cp.progress:.0f} %",
                ]
                for cp in monitoring.concepts
            ],
            [74, 50, 28, 22],
        )
    if monitoring.timeline:
        pdf.heading(_("Timeline of the implementation"), 2)
        for entry in monitoring.timeline[:60]:
            if entry.kind == "milestone":
                what = _("Milestone reached")
            elif entry.kind == "milestone_due":
                what = _("Milestone due")
            else:
                what = _("Progress report")
            pdf.paragraph(f"{_date(entry.date)} · {what}: {entry.title}", 9, "B")
            if entry.text:
                pdf.paragraph(entry.text[:400], 9)
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
