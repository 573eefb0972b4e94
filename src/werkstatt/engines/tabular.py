"""Read the tables people send: CSV of any dialect and encoding, XLSX, legacy XLS, HTML tables.

`read_table(data, filename)` returns a `Table` (a header and rows of strings) or raises
`TableError(code, params)`. No Django in here: errors and warnings are codes with parameters;
the caller turns them into (translated) sentences. The format is decided by the content, not
the file name: a ".xls" that is really an XLSX, a CSV or an HTML table is read as what it is.

Error codes (`TableError.code`):
    empty_file, too_large{size_mb,max_mb}, too_many_rows{max}, unsupported_format{kind},
    unreadable_xlsx{detail}, unreadable_xls{detail}, encrypted (XLS or XLSX with a password),
    no_visible_sheet,
    sheet_not_found{sheet}, no_header, header_only, duplicate_headers{names}, undecodable
Warning codes (`Table.warnings`):
    merged_cells{ranges,count}, hidden_sheets_ignored{sheets}, skipped_title_rows{count},
    encoding_repaired{encoding}, format_differs_from_name{actual,extension}
Row issue codes (`Row.errors`):
    formula_without_value{column}, formula_error{column,value}, extra_values{count}
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
CSV_DELIMITERS = (";", ",", "\t", "|")
# How many leading rows may be a title ("Mitgliederliste Stand 2024") above the header.
_TITLE_ROWS = 10
_EXCEL_ERRORS = {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"}


@dataclass(frozen=True)
class Issue:
    """A problem with a code and parameters; the caller translates it."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


class TableError(Exception):
    """The file cannot be read as a table. `code` and `params` say why."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        return f"{self.code} {self.params}" if self.params else self.code


@dataclass(slots=True)
class Row:
    number: int  # 1-based line/row number in the source, as the user sees it in Excel
    values: list[str]
    errors: list[Issue] = field(default_factory=list)


@dataclass
class Table:
    headers: list[str]
    rows: list[Row]
    format: str  # "csv", "xlsx", "xls", "html"
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)  # visible sheets, for a choice
    warnings: list[Issue] = field(default_factory=list)


# --- entry point -------------------------------------------------------------------------------


def sniff_format(data: bytes) -> str:
    """Say what `data` is by its first bytes: xlsx, ods, zip, ole2, pdf, image, html, text."""
    head = data[:8]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return "zip"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "content.xml" in names:
            return "ods"
        if any(name.startswith("word/") for name in names):
            return "docx"
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole2"
    if head.startswith(b"%PDF"):
        return "pdf"
    if (
        head.startswith(b"\x89PNG")
        or head.startswith(b"\xff\xd8\xff")
        or head.startswith(b"GIF8")
        or head.startswith(b"II*\x00")
        or head.startswith(b"MM\x00*")
        or (head.startswith(b"RIFF") and data[8:12] == b"WEBP")
    ):
        return "image"
    start = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")) or (
        start.startswith(b"<") and b"<table" in data[:65536].lower()
    ):
        return "html"
    if (
        start.startswith(b"<?xml")
        and b"urn:schemas-microsoft-com:office:spreadsheet" in data[:4096]
    ):
        return "spreadsheetml"
    return "text"


def read_table(
    data: bytes,
    filename: str = "",
    *,
    sheet: str | None = None,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> Table:
    """Read `data` (the bytes of an uploaded file) into a `Table`, or raise `TableError`.

    `sheet` picks a worksheet of a workbook by name (default: the first visible one). The first
    row with content is the header (a title row with a single value above it is skipped). Blank
    rows are dropped; every value is a stripped string.
    """
    if not data:
        raise TableError("empty_file")
    if len(data) > max_bytes:
        raise TableError(
            "too_large", size_mb=round(len(data) / 1024 / 1024, 1), max_mb=max_bytes // 1024 // 1024
        )
    kind = sniff_format(data)
    if kind == "ole2" and _ENCRYPTED_PACKAGE in data:
        # A password-protected XLSX: Excel encrypts the package into an OLE2 file (MS-OFFCRYPTO).
        raise TableError("encrypted")
    if kind == "xlsx":
        table = _read_xlsx(data, sheet, max_rows)
    elif kind == "ole2":
        table = _read_xls(data, sheet, max_rows)
    elif kind == "html":
        table = _finish(_HTMLTable.parse(_decode(data)[0]), "html", max_rows)
    elif kind == "text":
        table = _read_csv(data, max_rows)
    elif kind in {"pdf", "image", "docx", "ods", "zip", "spreadsheetml"}:
        raise TableError("unsupported_format", kind=kind)
    else:  # pragma: no cover - sniff_format knows no other kinds
        raise TableError("unsupported_format", kind=kind)
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    expected = {
        "csv": "csv",
        "txt": "csv",
        "tsv": "csv",
        "xlsx": "xlsx",
        "xlsm": "xlsx",
        "xls": "xls",
    }
    if extension in expected and expected[extension] != table.format:
        table.warnings.append(
            Issue("format_differs_from_name", {"actual": table.format, "extension": extension})
        )
    return table


# --- shaping rows into header + data --------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\u00a0", " ").strip()


_DATA_LIKE = re.compile(
    r"""^(
        [^@\s]+@[^@\s]+\.[a-z]{2,}      # e-mail
      | (https?://|www\.)\S+            # web address
      | [+(]?\d[\d\s/().-]{2,}          # a number, postcode, phone
    )$""",
    re.VERBOSE | re.IGNORECASE,
)


def _finish(
    raw_rows: Iterable[tuple[int, list[str], list[Issue]]], fmt: str, max_rows: int
) -> Table:
    """Find the header in `raw_rows` (number, values, issues), drop blank rows, check sizes."""
    rows: list[Row] = []
    warnings: list[Issue] = []
    header: list[str] | None = None
    leading: list[tuple[int, list[str], list[Issue]]] = []
    iterator = iter(raw_rows)

    def trim(values: list[str]) -> list[str]:
        end = len(values)
        while end and not values[end - 1]:
            end -= 1
        return values[:end]

    # Collect up to _TITLE_ROWS non-blank rows to decide which one is the header.
    for number, values, issues in iterator:
        values = trim(values)
        if not values:
            continue
        leading.append((number, values, issues))
        if len(leading) >= _TITLE_ROWS:
            break
    if not leading:
        raise TableError("empty_file")
    widest = max(sum(1 for v in values if v) for _, values, _ in leading)
    header_at = 0
    if widest > 1:
        for index, (_, values, _) in enumerate(leading):
            if sum(1 for v in values if v) >= max(2, (widest + 1) // 2):
                header_at = index
                break
    if header_at:
        warnings.append(Issue("skipped_title_rows", {"count": header_at}))
    header = list(leading[header_at][1])
    if sum(1 for v in header if v and _DATA_LIKE.match(v)) >= 1:
        raise TableError("no_header")
    seen: dict[str, str] = {}
    duplicates: list[str] = []
    for name in header:
        key = " ".join(name.lower().split())
        if not key:
            continue
        if key in seen and name not in duplicates:
            duplicates.append(name)
        seen[key] = name
    if duplicates:
        raise TableError("duplicate_headers", names=", ".join(duplicates))

    def data_rows() -> Iterator[tuple[int, list[str], list[Issue]]]:
        yield from leading[header_at + 1 :]
        yield from iterator

    width = len(header)
    for number, values, issues in data_rows():
        values = trim(values)
        if not values:
            continue
        if len(rows) >= max_rows:
            raise TableError("too_many_rows", max=max_rows)
        if len(values) > width:
            extra = values[width:]
            if any(extra):
                issues = [*issues, Issue("extra_values", {"count": sum(1 for v in extra if v)})]
            values = values[:width]
        elif len(values) < width:
            values = values + [""] * (width - len(values))
        rows.append(Row(number, values, list(issues)))
    if not rows:
        raise TableError("header_only")
    return Table(headers=header, rows=rows, format=fmt, warnings=warnings)


# --- CSV ---------------------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str, list[Issue]]:
    """Decode text bytes: BOMs first, then "valid UTF-8 → UTF-8, else Windows-1252".

    charset-normalizer is asked only when Windows-1252 cannot decode the bytes (it leaves five
    byte values undefined); ISO-8859-1 decodes anything and is the last resort.
    """
    warnings: list[Issue] = []
    if data.startswith(codecs.BOM_UTF8):
        body = data[len(codecs.BOM_UTF8) :]
        try:
            return body.decode("utf-8"), "utf-8-sig", warnings
        except UnicodeDecodeError:
            # A UTF-8 BOM in front of Windows-1252 text: the file says one thing and is another.
            warnings.append(Issue("encoding_repaired", {"encoding": "windows-1252"}))
            data = body
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16", warnings
        except UnicodeDecodeError as exc:
            raise TableError("undecodable") from exc
    if b"\x00" in data[:4096]:
        # UTF-16 without a BOM or binary data.
        try:
            text = data.decode("utf-16-le" if data[1:2] == b"\x00" else "utf-16-be")
            if text.isprintable() or "\n" in text:
                return text, "utf-16", warnings
        except UnicodeDecodeError:
            pass
        raise TableError("unsupported_format", kind="binary")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return _repair_double_encoding(text, warnings), "utf-8", warnings
    try:
        return data.decode("cp1252"), "windows-1252", warnings
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding not in {"utf_8", "ascii"}:
        try:
            return data.decode(best.encoding), best.encoding, warnings
        except (UnicodeDecodeError, LookupError):
            pass
    return data.decode("latin-1"), "iso-8859-1", warnings


_MOJIBAKE = re.compile("[ÃÂ][\u0080-\u00bf\u0152-\u02dc\u2013-\u2122]")


def _repair_double_encoding(text: str, warnings: list[Issue]) -> str:
    """Undo UTF-8 that was read as Windows-1252 and saved as UTF-8 again ("MÃ¼ller")."""
    if len(_MOJIBAKE.findall(text[:200_000])) < 2:
        return text
    try:
        repaired = text.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return text
    warnings.append(Issue("encoding_repaired", {"encoding": "utf-8"}))
    return repaired


def _sample(text: str, limit: int = 32_000) -> str:
    sample = text[:limit]
    if len(text) > limit and "\n" in sample:
        sample = sample[: sample.rfind("\n")]
    return sample


def detect_dialect(text: str) -> tuple[str, str]:
    """Return (delimiter, quotechar) of CSV `text`, by clevercsv, else by consistent counts."""
    sample = _sample(text)
    try:
        from clevercsv import Detector

        dialect = Detector().detect(sample, delimiters=list(CSV_DELIMITERS))
    except Exception:  # noqa: BLE001 - detection is a heuristic; fall back below
        dialect = None
    if dialect is not None and dialect.delimiter in CSV_DELIMITERS:
        return dialect.delimiter, dialect.quotechar or '"'
    # Fallback: the delimiter that appears on most of the first lines the same number of times.
    lines = [line for line in sample.splitlines()[:50] if line.strip()]
    best, best_score = ";", 0.0
    for delimiter in CSV_DELIMITERS:
        counts = [line.count(delimiter) for line in lines]
        if not counts or not counts[0]:
            continue
        consistent = sum(1 for c in counts if c == counts[0]) / len(counts)
        score = consistent * counts[0]
        if score > best_score:
            best, best_score = delimiter, score
    return best, '"'


_EXCEL_SEPARATOR = re.compile(r"\A[ \t]*sep=(.)[ \t]*\r?\n", re.IGNORECASE)
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def _read_csv(data: bytes, max_rows: int) -> Table:
    text, encoding, warnings = _decode(data)
    if not text.strip():
        raise TableError("empty_file")
    # Excel's delimiter hint "sep=;" as the first line: Excel uses it and does not show it, so
    # it names the delimiter and is no row (the rows are numbered as Excel shows them).
    hint = _EXCEL_SEPARATOR.match(text)
    if hint is not None and hint.group(1) in CSV_DELIMITERS:
        text = text[hint.end() :]
        delimiter, quotechar = hint.group(1), '"'
    else:
        delimiter, quotechar = detect_dialect(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar=quotechar)

    def raw() -> Iterator[tuple[int, list[str], list[Issue]]]:
        try:
            # Records, not lines, are numbered: that is the row number Excel shows for the file
            # even when a quoted value spans several lines.
            for number, values in enumerate(reader, start=1):
                yield number, [_cell_text(v) for v in values], []
        except csv.Error as exc:
            raise TableError("unreadable_csv", line=reader.line_num, detail=str(exc)) from exc

    table = _finish(raw(), "csv", max_rows)
    table.encoding = encoding
    table.delimiter = delimiter
    table.warnings[:0] = warnings
    return table


# --- XLSX --------------------------------------------------------------------------------------

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _column_index(letters: bytes | str) -> int:
    if isinstance(letters, bytes):
        letters = letters.decode()
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


def column_letter(index: int) -> str:
    """0 → "A", 27 → "AB"."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _pick_sheet(names: list[str], hidden: list[str], wanted: str | None) -> str:
    visible = [n for n in names if n not in hidden]
    if wanted:
        if wanted not in visible:
            raise TableError("sheet_not_found", sheet=wanted)
        return wanted
    if not visible:
        raise TableError("no_visible_sheet")
    return visible[0]


def _read_xlsx(data: bytes, sheet: str | None, max_rows: int) -> Table:
    from openpyxl import load_workbook

    try:
        values_book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for broken files
        raise TableError("unreadable_xlsx", detail=type(exc).__name__) from exc
    names = values_book.sheetnames
    hidden = [ws.title for ws in values_book.worksheets if ws.sheet_state != "visible"]
    name = _pick_sheet(names, hidden, sheet)
    ws = values_book[name]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read(ws._worksheet_path)
    merges: dict[tuple[int, int], tuple[int, int]] = {}
    ranges: list[str] = []
    for c1, r1, c2, r2 in _MERGE.findall(xml):
        top, left = int(r1), _column_index(c1)
        bottom, right = int(r2), _column_index(c2)
        ranges.append(f"{c1.decode()}{r1.decode()}:{c2.decode()}{r2.decode()}")
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                if (r, c) != (top, left):
                    merges[(r, c)] = (top, left)
    formulas_book = None
    if _FORMULA.search(xml):
        # A formula's cached value is what Excel last computed; files written by programs often
        # have none. Reading the formulas alongside tells "empty" from "never computed".
        formulas_book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        formulas_ws = formulas_book[name]
        formulas_ws.reset_dimensions()
    ws.reset_dimensions()
    merge_values: dict[tuple[int, int], str] = {}
    merge_tops = set(merges.values())

    def raw() -> Iterator[tuple[int, list[str], list[Issue]]]:
        value_rows = ws.iter_rows(values_only=True)
        formula_rows = formulas_ws.iter_rows(values_only=True) if formulas_book else None
        for number, values in enumerate(value_rows, start=1):
            formulas = next(formula_rows, ()) if formula_rows is not None else ()
            issues: list[Issue] = []
            texts: list[str] = []
            for col, value in enumerate(values):
                text = _cell_text(value)
                formula = formulas[col] if col < len(formulas) else None
                if isinstance(formula, str) and formula.startswith("="):
                    if value is None:
                        issues.append(
                            Issue("formula_without_value", {"column": column_letter(col)})
                        )
                    elif text in _EXCEL_ERRORS:
                        issues.append(
                            Issue("formula_error", {"column": column_letter(col), "value": text})
                        )
                        text = ""
                if (number, col) in merge_tops:
                    merge_values[(number, col)] = text
                texts.append(text)
            for (r, c), top in merges.items():
                if r == number:
                    while len(texts) <= c:
                        texts.append("")
                    texts[c] = merge_values.get(top, "")
            yield number, texts, issues

    try:
        table = _finish(raw(), "xlsx", max_rows)
    finally:
        values_book.close()
        if formulas_book is not None:
            formulas_book.close()
    table.sheet = name
    table.sheets = [n for n in names if n not in hidden]
    if hidden:
        table.warnings.append(Issue("hidden_sheets_ignored", {"sheets": ", ".join(hidden)}))
    if ranges:
        shown = ", ".join(ranges[:5]) + (" …" if len(ranges) > 5 else "")
        table.warnings.append(Issue("merged_cells", {"ranges": shown, "count": len(ranges)}))
    return table


# --- XLS (BIFF, Excel 97–2003) ----------------------------------------------------------------


def _read_xls(data: bytes, sheet: str | None, max_rows: int) -> Table:
    import xlrd

    try:
        book = xlrd.open_workbook(
            file_contents=data, formatting_info=True, on_demand=True, logfile=io.StringIO()
        )
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise TableError("encrypted") from exc
        raise TableError("unreadable_xls", detail=str(exc)[:200]) from exc
    except Exception as exc:  # noqa: BLE001 - xlrd raises assorted errors for broken files
        raise TableError("unreadable_xls", detail=type(exc).__name__) from exc
    names = book.sheet_names()
    hidden = [
        book.sheet_by_index(i).name
        for i in range(book.nsheets)
        if book.sheet_by_index(i).visibility != 0
    ]
    name = _pick_sheet(names, hidden, sheet)
    ws = book.sheet_by_name(name)
    merges: dict[tuple[int, int], tuple[int, int]] = {}
    ranges: list[str] = []
    for rlo, rhi, clo, chi in ws.merged_cells:
        ranges.append(f"{column_letter(clo)}{rlo + 1}:{column_letter(chi - 1)}{rhi}")
        for r in range(rlo, rhi):
            for c in range(clo, chi):
                if (r, c) != (rlo, clo):
                    merges[(r, c)] = (rlo, clo)

    def value(r: int, c: int) -> str:
        cell = ws.cell(r, c)
        if cell.ctype == xlrd.XL_CELL_DATE:
            return _cell_text(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
        if cell.ctype == xlrd.XL_CELL_ERROR:
            return ""
        if cell.ctype == xlrd.XL_CELL_BOOLEAN:
            return _cell_text(bool(cell.value))
        return _cell_text(cell.value)

    def raw() -> Iterator[tuple[int, list[str], list[Issue]]]:
        for r in range(ws.nrows):
            texts = [value(*merges.get((r, c), (r, c))) for c in range(ws.ncols)]
            yield r + 1, texts, []

    table = _finish(raw(), "xls", max_rows)
    table.sheet = name
    table.sheets = [n for n in names if n not in hidden]
    if hidden:
        table.warnings.append(Issue("hidden_sheets_ignored", {"sheets": ", ".join(hidden)}))
    if ranges:
        shown = ", ".join(ranges[:5]) + (" …" if len(ranges) > 5 else "")
        table.warnings.append(Issue("merged_cells", {"ranges": shown, "count": len(ranges)}))
    return table


# --- HTML tables (what many web applications export as ".xls") ------------------------------


class _HTMLTable(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._tables = 0

    @classmethod
    def parse(cls, text: str) -> Iterator[tuple[int, list[str], list[Issue]]]:
        parser = cls()
        parser.feed(text)
        parser.close()
        for number, row in enumerate(parser.rows, start=1):
            yield number, row, []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._tables += 1
        elif tag == "tr" and self._tables == 1:
            self._row = []
        elif tag in {"td", "th"} and self._row is not None:
            self._cell = []
            span = dict(attrs).get("colspan") or "1"
            self._span = int(span) if span.isdigit() else 1
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"td", "th"} and self._row is not None and self._cell is not None:
            text = _cell_text(" ".join("".join(self._cell).split(" ")))
            self._row.extend([text] * max(1, self._span))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag == "table":
            self._tables -= 1

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
