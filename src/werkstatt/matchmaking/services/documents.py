"""A participant's schedule as iCal and PDF, and the organiser's table plan as XLSX."""

from __future__ import annotations

import io
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from icalendar import Calendar
from icalendar import Event as CalendarEvent
from openpyxl import Workbook
from openpyxl.styles import Font

from werkstatt.events.models import Event

from ..models import Profile
from .scheduling import personal_schedule, table_plan

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def schedule_ical(profile: Profile) -> bytes:
    event = profile.event
    calendar = Calendar()
    calendar.add("prodid", "-//Werkstatt//B2B//DE")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("%(event)s: my meetings") % {"event": event.title})
    for item in personal_schedule(profile):
        if item.slot is None:
            continue
        entry = CalendarEvent()
        entry.add("uid", f"b2b-meeting-{item.meeting.pk}@werkstatt")
        entry.add("dtstamp", timezone.now())
        entry.add("dtstart", item.slot.starts_at)
        entry.add("dtend", item.slot.ends_at)
        entry.add(
            "summary",
            _("B2B meeting with %(partner)s, table %(table)s")
            % {"partner": item.partner.display_name, "table": item.table},
        )
        table = _("table %(number)s") % {"number": item.table}
        entry.add("location", ", ".join(part for part in (event.venue_name, table) if part))
        entry.add("description", item.meeting.request.message)
        calendar.add_component(entry)
    return calendar.to_ical()


def schedule_pdf(profile: Profile) -> bytes:
    event = profile.event
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(18, 18, 18)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 18)
    pdf.multi_cell(0, 8, event.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    pdf.multi_cell(
        0,
        6,
        _("My B2B meetings: %(name)s") % {"name": profile.display_name},
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)
    rows = []
    for item in personal_schedule(profile):
        if item.slot is None:
            rows.append((_("not placed"), "–", item.partner.display_name))
        else:
            start = timezone.localtime(item.slot.starts_at)
            rows.append((start.strftime("%H:%M"), str(item.table), item.partner.display_name))
    headings = (_("Time"), _("Table"), _("Partner"))
    # Columns as wide as their longest text ("nicht eingeplant" must not run into the table).
    pdf.set_font("DejaVu", "B", 10)
    widths = [
        max(pdf.get_string_width(headings[i]), *(pdf.get_string_width(r[i]) for r in rows), 12) + 6
        for i in (0, 1)
    ]
    for width, label in zip((*widths, 0), headings, strict=True):
        pdf.cell(width, 7, label, border="B")
    pdf.ln(7)
    pdf.set_font("DejaVu", "", 10)
    for when, table, partner in rows:
        pdf.cell(widths[0], 7, when)
        pdf.cell(widths[1], 7, table)
        pdf.multi_cell(0, 7, partner, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def table_plan_xlsx(event: Event) -> bytes:
    slots, tables, grid = table_plan(event)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Table plan")[:31]
    sheet.append([_("Table")] + [timezone.localtime(s.starts_at).strftime("%H:%M") for s in slots])
    for table in tables:
        row = [table]
        for slot in slots:
            m = grid.get((slot.pk, table))
            row.append(
                f"{m.request.sender.display_name} – {m.request.recipient.display_name}" if m else ""
            )
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
