"""Files made from events: iCal, tickets and badges as PDF, the attendee list as XLSX."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
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

    def filled_rectangles(self, rectangles: Iterable[tuple[float, float, float, float]]) -> None:
        """Fill many (x, y, w, h) rectangles as one path: what rect() does one call at a time,
        a hundred times faster for the modules of a QR code."""
        k, height = self.k, self.h
        parts = [
            f"{x * k:.2f} {(height - y) * k:.2f} {w * k:.2f} {-h * k:.2f} re"
            for x, y, w, h in rectangles
        ]
        if parts:
            self._out(" ".join(parts) + " f")


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


def _qr_vector(pdf: _Pdf, data: str, x: float, y: float, size: float) -> None:
    """Draw the QR code of `data` as filled rectangles (one per run of dark modules in a row):
    no PNG to encode and parse for each badge, and sharp at any print size."""
    # A fixed mask: choosing the best of eight costs half the encoding, and any mask reads.
    code = segno.make(data, error="m", mask=0, boost_error=False)
    matrix = code.matrix
    module = size / (len(matrix) + 4)  # a quiet zone of two modules on each side
    pdf.set_fill_color(0, 0, 0)
    runs = []
    for row_index, row in enumerate(matrix):
        top = y + (row_index + 2) * module
        start = None
        for col_index, dark in enumerate((*row, 0)):
            if dark and start is None:
                start = col_index
            elif not dark and start is not None:
                runs.append((x + (start + 2) * module, top, (col_index - start) * module, module))
                start = None
    pdf.filled_rectangles(runs)


def _fit_lines(pdf: FPDF, text: str, width: float, size: float, smallest: float) -> list[str]:
    """`text` at the largest font size from `size` down to `smallest` at which it fits on one
    line of `width`, else on two lines (broken between words); sets the font size."""
    pdf.set_font_size(size)
    natural = pdf.get_string_width(text)
    if natural <= width:
        return [text]
    # Widths grow with the font size: one measurement gives the size that fits.
    fitting = max(smallest, int(size * width / natural * 2) / 2)
    pdf.set_font_size(fitting)
    if natural * fitting / size <= width:
        return [text]
    words, first = text.split(), ""
    for i, word in enumerate(words):
        candidate = f"{first} {word}".strip()
        if first and pdf.get_string_width(candidate) > width:
            rest = " ".join(words[i:])
            while pdf.get_string_width(rest) > width and len(rest) > 1:
                rest = rest[:-2] + "…"
            return [first, rest]
        first = candidate
    return [text[: max(1, int(len(text) * width / pdf.get_string_width(text)) - 1)] + "…"]


def badges_pdf(
    event: Event,
    registrations: Sequence[Registration],
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """Name badges, eight per A4 page (90 × 55 mm, cut marks by the frame), with a small QR code.

    Names and organisations are set left-aligned, long ones in a smaller size or on two lines
    (never justified with wide gaps)."""
    pdf = _Pdf()
    pdf.set_title(_("Name badges – %(event)s") % {"event": event.title})
    per_page = BADGES_PER_ROW * BADGE_ROWS
    if not registrations:
        pdf.add_page()
        pdf.set_font("DejaVu", "", 12)
        pdf.set_xy(20, 20)
        pdf.cell(170, 8, _("No confirmed registrations."))
    text_width = BADGE_W - 32
    pdf.set_font("DejaVu", "", 8)
    title = _fit_lines(pdf, event.title, BADGE_W - 10, 8, 6)[0]
    title_size = pdf.font_size_pt
    for index, registration in enumerate(registrations):
        if index % per_page == 0:
            if progress is not None:
                progress(index, len(registrations))
            pdf.add_page()
        slot = index % per_page
        x = BADGE_MARGIN_X + (slot % BADGES_PER_ROW) * (BADGE_W + 6)
        y = BADGE_MARGIN_Y + (slot // BADGES_PER_ROW) * (BADGE_H + 9)
        pdf.set_draw_color(170, 170, 170)
        pdf.rect(x, y, BADGE_W, BADGE_H)
        pdf.set_font("DejaVu", "", title_size)
        pdf.set_xy(x + 5, y + 4)
        pdf.cell(BADGE_W - 10, 5, title)
        pdf.set_font("DejaVu", "B", 15)
        top = y + 16
        for line in _fit_lines(pdf, registration.name or "–", text_width, 15, 11):
            pdf.set_xy(x + 5, top)
            pdf.cell(text_width, 7, line)
            top += 7
        if registration.organisation_name:
            pdf.set_font("DejaVu", "", 10)
            for line in _fit_lines(pdf, registration.organisation_name, text_width, 10, 7.5):
                pdf.set_xy(x + 5, top)
                pdf.cell(text_width, 5, line)
                top += 5
        _qr_vector(pdf, registration.ticket_code, x + BADGE_W - 25, y + BADGE_H - 25, 21)
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


# --- badges as a background job ------------------------------------------------------------------

#: Up to this many badges are made while the organiser waits (well under a second); more go to
#: a background job with progress (303 badges take about a second on a quiet machine).
BADGES_INLINE = 100


def badges_storage_path(event: Event, job_id: int) -> str:
    return f"events/badges/{event.pk}/{job_id}.pdf"
