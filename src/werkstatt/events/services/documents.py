"""Files made from events: iCal, tickets and badges as PDF, the attendee list as XLSX."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import segno
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF
from icalendar import Calendar
from icalendar import Event as CalendarEvent
from openpyxl import Workbook
from openpyxl.styles import Font

from ..models import Event, Question, Registration, Session

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
CALENDAR_PRODID = "-//Werkstatt//Veranstaltungen//DE"


# --- iCal -------------------------------------------------------------------------------------


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", CALENDAR_PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    return calendar


def _venue(event: Event) -> str:
    return ", ".join(part for part in (event.venue_name, event.venue_address) if part)


def _entry(
    uid: str,
    title: str,
    start: datetime,
    end: datetime,
    *,
    location: str,
    description: str,
    url: str,
) -> CalendarEvent:
    entry = CalendarEvent()
    entry.add("uid", uid)
    entry.add("dtstamp", timezone.now())
    entry.add("summary", title)
    # UTC in the file: every calendar converts to its own zone without a VTIMEZONE block.
    entry.add("dtstart", start.astimezone(UTC))
    entry.add("dtend", end.astimezone(UTC))
    if location:
        entry.add("location", location)
    if description:
        entry.add("description", description)
    entry.add("url", url)
    return entry


def event_ical(event: Event) -> bytes:
    """The event as an iCalendar file with one VEVENT."""
    calendar = _calendar()
    calendar.add_component(
        _entry(
            f"event-{event.pk}@werkstatt",
            event.title,
            event.starts_at,
            event.ends_at,
            location=_venue(event),
            description=event.description,
            url=_site_url(event.get_absolute_url()),
        )
    )
    return calendar.to_ical()


def session_ical(session: Session) -> bytes:
    """One session of the agenda as an iCalendar file (room and speakers in the text)."""
    event = session.event
    location = _venue(event)
    if session.room_id:
        location = f"{session.room.name}, {location}" if location else session.room.name
    speakers = ", ".join(str(s) for s in session.speakers.all())
    description = "\n\n".join(part for part in (speakers, session.description) if part)
    calendar = _calendar()
    calendar.add_component(
        _entry(
            f"session-{session.pk}@werkstatt",
            f"{session.title} – {event.title}",
            session.starts_at,
            session.ends_at,
            location=location,
            description=description,
            url=_site_url(event.get_absolute_url()) + f"#session-{session.pk}",
        )
    )
    return calendar.to_ical()


# --- PDF --------------------------------------------------------------------------------------


class _Pdf(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(auto=False)
        self.set_creator("Werkstatt")


def _qr_png(data: str, scale: int = 8) -> io.BytesIO:
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="png", scale=scale, border=2)
    buffer.seek(0)
    return buffer


def _when(event: Event) -> str:
    start = timezone.localtime(event.starts_at)
    end = timezone.localtime(event.ends_at)
    if start.date() == end.date():
        day, begin = date_format(start, "DATE_FORMAT"), date_format(start, "TIME_FORMAT")
        return f"{day}, {begin}–{date_format(end, 'TIME_FORMAT')}"
    return f"{date_format(start, 'DATE_FORMAT')} – {date_format(end, 'DATE_FORMAT')}"


def ticket_pdf(registration: Registration) -> bytes:
    """An A4 ticket: event, date, venue, the person, and the ticket code as QR code and text."""
    event = registration.event
    pdf = _Pdf()
    pdf.set_title(_("Ticket – %(event)s") % {"event": event.title})
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 20)
    pdf.set_xy(20, 20)
    pdf.multi_cell(170, 10, event.title)
    pdf.set_font("DejaVu", "", 12)
    pdf.set_x(20)
    pdf.multi_cell(170, 7, _when(event))
    if _venue(event):
        pdf.set_x(20)
        pdf.multi_cell(170, 7, _venue(event))
    pdf.ln(6)
    pdf.set_font("DejaVu", "B", 16)
    pdf.set_x(20)
    pdf.multi_cell(170, 9, registration.name or "–")
    if registration.organisation_name:
        pdf.set_font("DejaVu", "", 12)
        pdf.set_x(20)
        pdf.multi_cell(170, 7, registration.organisation_name)
    top = pdf.get_y() + 8
    pdf.image(_qr_png(registration.ticket_code), x=20, y=top, w=60, h=60)
    pdf.set_xy(90, top + 20)
    pdf.set_font("DejaVu", "", 10)
    pdf.cell(100, 6, _("Ticket code"))
    pdf.set_xy(90, top + 27)
    pdf.set_font("DejaVu", "B", 16)
    pdf.cell(100, 9, registration.ticket_code_display)
    pdf.set_xy(20, top + 70)
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(
        170,
        5,
        _(
            "Show this code at the entrance, on paper or on your phone. "
            "It is personal: do not share it."
        ),
    )
    return bytes(pdf.output())


BADGE_W, BADGE_H = 90.0, 55.0
BADGE_MARGIN_X, BADGE_MARGIN_Y = 12.0, 20.0
BADGES_PER_ROW, BADGE_ROWS = 2, 4


def badges_pdf(event: Event, registrations: Sequence[Registration]) -> bytes:
    """Name badges, eight per A4 page (90 × 55 mm, cut marks by the frame), with a small QR code."""
    pdf = _Pdf()
    pdf.set_title(_("Name badges – %(event)s") % {"event": event.title})
    per_page = BADGES_PER_ROW * BADGE_ROWS
    if not registrations:
        pdf.add_page()
        pdf.set_font("DejaVu", "", 12)
        pdf.set_xy(20, 20)
        pdf.cell(170, 8, _("No confirmed registrations."))
    for index, registration in enumerate(registrations):
        if index % per_page == 0:
            pdf.add_page()
        slot = index % per_page
        x = BADGE_MARGIN_X + (slot % BADGES_PER_ROW) * (BADGE_W + 6)
        y = BADGE_MARGIN_Y + (slot // BADGES_PER_ROW) * (BADGE_H + 9)
        pdf.set_draw_color(170, 170, 170)
        pdf.rect(x, y, BADGE_W, BADGE_H)
        pdf.set_font("DejaVu", "", 8)
        pdf.set_xy(x + 5, y + 4)
        pdf.cell(BADGE_W - 10, 5, event.title[:60])
        pdf.set_font("DejaVu", "B", 15)
        pdf.set_xy(x + 5, y + 16)
        pdf.multi_cell(BADGE_W - 32, 7, registration.name or "–")
        pdf.set_font("DejaVu", "", 10)
        pdf.set_x(x + 5)
        pdf.multi_cell(BADGE_W - 32, 5, registration.organisation_name)
        pdf.image(
            _qr_png(registration.ticket_code, scale=4),
            x=x + BADGE_W - 25,
            y=y + BADGE_H - 25,
            w=21,
            h=21,
        )
    return bytes(pdf.output())


# --- XLSX -------------------------------------------------------------------------------------


def _local(value: datetime | None) -> datetime | None:
    # Excel has no time zones: write local wall-clock time, naive.
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def attendees_xlsx(
    event: Event, registrations: Iterable[Registration], questions: Sequence[Question]
) -> bytes:
    """One row per registration; one column per question. Registrations need prefetched
    `answers` and selected `user`."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Registrations")[:31]
    header = [
        _("Name"),
        _("E-mail"),
        _("Organisation"),
        _("Status"),
        _("Ticket code"),
        _("Registered"),
        _("Checked in"),
        *[question.text for question in questions],
    ]
    sheet.append(header)
    consent = {q.pk for q in questions if q.kind == Question.Kind.CONSENT}
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for registration in registrations:
        answers: dict[int, str] = {
            a.question_id: _("Yes, agreed") if a.question_id in consent else a.value
            for a in registration.answers.all()
        }
        sheet.append(
            [
                registration.name or (_("(anonymised)") if registration.anonymised else ""),
                registration.user.email if registration.user_id else "",
                registration.organisation_name,
                registration.get_status_display(),
                registration.ticket_code_display,
                _local(registration.created),
                _local(registration.checked_in_at),
                *[answers.get(q.pk, "") for q in questions],
            ]
        )
    for column in ("F", "G"):
        for cell in sheet[column][1:]:
            cell.number_format = "DD.MM.YYYY HH:MM"
    sheet.freeze_panes = "A2"
    for column_cells in sheet.columns:
        width = max(len(str(c.value or "")) for c in column_cells)
        sheet.column_dimensions[column_cells[0].column_letter].width = min(max(width + 2, 10), 50)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
