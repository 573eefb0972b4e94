"""The tabular reader against the broken files people send (tests/fixtures/imports/)."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from werkstatt.engines.tabular import (
    TableError,
    column_letter,
    detect_dialect,
    read_table,
    sniff_format,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"
MEMBER_NAMES = [
    "Müller Metallbau GmbH",
    "Schröder & Söhne Präzisionsteile KG",
    "Bäuerle Oberflächentechnik e.K.",
    "Großmann Kunststofftechnik GmbH & Co. KG",
]


def read(name: str, **kwargs):
    return read_table((FIXTURES / name).read_bytes(), name, **kwargs)


def codes(issues) -> list[str]:
    return [issue.code for issue in issues]


@pytest.mark.parametrize(
    ("name", "encoding", "delimiter"),
    [
        ("semikolon_windows1252.csv", "windows-1252", ";"),
        ("utf8_mit_bom.csv", "utf-8-sig", ";"),
        ("tabulator.txt", "utf-8", "\t"),
        ("pipe_utf16.txt", "utf-16", "|"),
        ("falsche_kodierung.csv", "windows-1252", ";"),
        ("doppelt_kodiert.csv", "utf-8", ";"),
        ("eigentlich_csv.xls", "windows-1252", "\t"),
    ],
)
def test_csv_dialects_and_encodings_give_the_same_rows_with_umlauts(name, encoding, delimiter):
    table = read(name)
    assert table.format == "csv"
    assert table.encoding == encoding
    assert table.delimiter == delimiter
    assert table.headers == [
        "Firma",
        "Straße",
        "PLZ",
        "Ort",
        "E-Mail",
        "Mitarbeiter",
        "Zertifikate",
    ]
    assert [row.values[0] for row in table.rows] == MEMBER_NAMES
    assert table.rows[0].values[1] == "Zwickauer Straße 12"
    assert table.rows[0].values[2] == "09112"  # postcodes stay text with their leading zero
    assert table.rows[3].values[1] == "Äußere Schneeberger Straße 20"
    assert [row.number for row in table.rows] == [2, 3, 4, 5]


def test_a_bom_that_lies_and_double_encoded_utf8_are_repaired_with_a_warning():
    assert codes(read("falsche_kodierung.csv").warnings) == ["encoding_repaired"]
    assert codes(read("doppelt_kodiert.csv").warnings) == ["encoding_repaired"]
    assert read("semikolon_windows1252.csv").warnings == []


def test_quoted_fields_keep_delimiters_quotes_and_newlines():
    table = read("komma_mit_anfuehrungszeichen.csv")
    assert table.delimiter == ","
    assert table.rows[0].values[2] == "Drehen; Fräsen; Schweißen"
    assert table.rows[1].values[0] == "Schröder, Söhne & Partner KG"
    assert table.rows[1].values[2] == 'Baugruppen\nmontage, "just in time"'
    # Rows are numbered as Excel shows them, even after a value that spans two lines.
    assert [row.number for row in table.rows] == [2, 3, 4]


@pytest.mark.parametrize(
    ("name", "code", "params"),
    [
        ("leer.csv", "empty_file", {}),
        ("nur_kopfzeile.csv", "header_only", {}),
        ("ohne_kopfzeile.csv", "no_header", {}),
        ("doppelte_spalten.csv", "duplicate_headers", {"names": "Name"}),
        ("dokument.csv", "unsupported_format", {"kind": "pdf"}),
        ("logo.xlsx", "unsupported_format", {"kind": "image"}),
    ],
)
def test_files_that_are_not_member_lists_give_a_clear_error(name, code, params):
    with pytest.raises(TableError) as info:
        read(name)
    assert info.value.code == code
    assert info.value.params == params


def test_a_password_protected_xlsx_is_recognised_as_such():
    data = (FIXTURES / "passwortgeschuetzt.xlsx").read_bytes()
    assert sniff_format(data) == "ole2"
    with pytest.raises(TableError) as info:
        read_table(data, "passwortgeschuetzt.xlsx")
    assert info.value.code == "encrypted"


@pytest.mark.parametrize("name", ["libreoffice.ods", "eigentlich_ods.xlsx"])
def test_an_ods_spreadsheet_is_named_whatever_its_file_name(name):
    with pytest.raises(TableError) as info:
        read(name)
    assert (info.value.code, info.value.params) == ("unsupported_format", {"kind": "ods"})


def test_excels_sep_line_names_the_delimiter_and_is_not_a_row():
    table = read("excel_sep_zeile.csv")
    assert (table.delimiter, table.warnings) == (";", [])
    assert [r.number for r in table.rows] == [2, 3, 4, 5]
    # The hint wins over guessing: a comma file whose names contain semicolons.
    text = "sep=,\r\nName,Ort\r\nMüller; Söhne GmbH,Chemnitz\r\nLange KG,Zwickau\r\n"
    table = read_table(text.encode("cp1252"), "liste.csv")
    assert table.delimiter == ","
    assert [r.values for r in table.rows] == [
        ["Müller; Söhne GmbH", "Chemnitz"],
        ["Lange KG", "Zwickau"],
    ]


def test_a_trailing_empty_column_and_empty_rows_from_excel_are_dropped():
    table = read("excel_semikolon_leerspalte.csv")
    assert table.headers == ["Firma", "PLZ", "Ort", "Mitarbeiter"]
    assert [r.values[1] for r in table.rows] == ["9112", "1067", "08056"]
    assert [r.errors for r in table.rows] == [[], [], []]


def test_the_fixture_script_writes_the_committed_files():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, data in module.build().items():
        assert (FIXTURES / name).read_bytes() == data, name


def test_blank_lines_and_whitespace_only_files_are_empty():
    with pytest.raises(TableError) as info:
        read_table(b"\r\n  \r\n\r\n", "x.csv")
    assert info.value.code == "empty_file"


def test_size_and_row_limits():
    with pytest.raises(TableError) as info:
        read_table(b"Name\n" + b"x\n" * 600, "big.csv", max_bytes=1000)
    assert info.value.code == "too_large"
    assert info.value.params["max_mb"] == 0
    with pytest.raises(TableError) as info:
        read_table(b"Name\n" + b"Firma\n" * 11, "rows.csv", max_rows=10)
    assert (info.value.code, info.value.params) == ("too_many_rows", {"max": 10})
    assert len(read_table(b"Name\n" + b"Firma\n" * 10, "rows.csv", max_rows=10).rows) == 10


def test_formulas_without_cached_value_are_row_errors():
    table = read("formeln_ohne_werte.xlsx")
    assert table.format == "xlsx"
    assert [(r.number, [(e.code, e.params) for e in r.errors]) for r in table.rows] == [
        (2, [("formula_without_value", {"column": "C"})]),
        (3, [("formula_without_value", {"column": "A"})]),
    ]


def test_formulas_with_cached_values_give_the_values():
    table = read("formeln_mit_werten.xlsx")
    assert [r.values for r in table.rows] == [
        ["Müller Metallbau GmbH", "Chemnitz", "45"],
        ["Schröder KG", "Zwickau", "120"],
    ]
    assert all(r.errors == [] for r in table.rows)


def test_merged_cells_propagate_the_top_left_value_and_title_rows_are_skipped():
    table = read("verbundene_zellen.xlsx")
    assert table.headers == ["Firma", "PLZ", "Ort", "Mitarbeiter"]
    assert [r.values[2] for r in table.rows] == ["Chemnitz", "Chemnitz", "Chemnitz", "Dresden"]
    assert table.rows[3].values[1] == "1067"  # a number cell; the importer restores the zero
    assert codes(table.warnings) == ["skipped_title_rows", "merged_cells"]
    assert table.warnings[1].params == {"ranges": "C3:C5", "count": 1}


def test_hidden_sheets_are_ignored_and_a_sheet_can_be_chosen():
    table = read("versteckte_blaetter.xlsx")
    assert table.sheet == "Mitglieder"
    assert table.sheets == ["Mitglieder", "Gäste"]
    assert codes(table.warnings) == ["hidden_sheets_ignored"]
    assert [r.values[0] for r in read("versteckte_blaetter.xlsx", sheet="Gäste").rows] == [
        "Gastfirma GmbH"
    ]
    with pytest.raises(TableError) as info:
        read("versteckte_blaetter.xlsx", sheet="Intern")
    assert info.value.code == "sheet_not_found"


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("eigentlich_xlsx.xls", "xlsx"),
        ("eigentlich_csv.xls", "csv"),
        ("eigentlich_html.xls", "html"),
    ],
)
def test_a_renamed_xls_is_read_by_its_content(name, fmt):
    table = read(name)
    assert table.format == fmt
    assert [r.values[0] for r in table.rows] == MEMBER_NAMES
    assert [(w.code, w.params) for w in table.warnings] == [
        ("format_differs_from_name", {"actual": fmt, "extension": "xls"})
    ]


def test_a_real_legacy_xls_with_a_merged_range():
    table = read("echt_alt.xls")
    assert table.format == "xls"
    assert table.headers == ["Firma", "PLZ", "Ort", "Mitarbeiter"]
    assert [r.values for r in table.rows] == [
        ["Müller Metallbau GmbH", "09112", "Chemnitz", "45"],
        ["Richter Drehteile GmbH", "09113", "Chemnitz", "12"],
        ["Großmann Kunststofftechnik GmbH & Co. KG", "08056", "Zwickau", "260"],
    ]
    assert codes(table.warnings) == ["merged_cells"]


def test_broken_workbooks_are_reported_not_crashed():
    data = (FIXTURES / "eigentlich_xlsx.xls").read_bytes()
    with pytest.raises(TableError) as info:
        read_table(data[: len(data) // 2], "kaputt.xlsx")
    assert info.value.code in {"unreadable_xlsx", "unsupported_format"}
    ole = (FIXTURES / "echt_alt.xls").read_bytes()
    with pytest.raises(TableError) as info:
        read_table(ole[:1024], "kaputt.xls")
    assert info.value.code == "unreadable_xls"


def test_sniffing_by_magic_bytes():
    assert sniff_format((FIXTURES / "echt_alt.xls").read_bytes()) == "ole2"
    assert sniff_format((FIXTURES / "eigentlich_xlsx.xls").read_bytes()) == "xlsx"
    assert sniff_format(b"%PDF-1.7") == "pdf"
    assert sniff_format(b"\xff\xd8\xff\xe0") == "image"
    assert sniff_format("Name;Ort\nBMW AG;München\n".encode()) == "text"


def test_short_rows_are_padded_and_extra_values_flagged():
    table = read_table(b"Name;Ort\nA\nB;C;D\n", "x.csv")
    assert [r.values for r in table.rows] == [["A", ""], ["B", "C"]]
    assert codes(table.rows[1].errors) == ["extra_values"]


def test_a_single_column_file_is_a_table():
    table = read_table("Name\nMüller GmbH\nSchmidt AG\n".encode("cp1252"), "namen.csv")
    assert table.headers == ["Name"]
    assert [r.values for r in table.rows] == [["Müller GmbH"], ["Schmidt AG"]]


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


def test_fifty_thousand_rows_are_read_quickly():
    lines = ["Firma;Straße;PLZ;Ort;E-Mail"] + [
        f"Firma Nummer {i} GmbH;Hauptstraße {i};0{1000 + i % 8000};Dresden;info{i}@example.org"
        for i in range(50_000)
    ]
    data = ("\r\n".join(lines) + "\r\n").encode("cp1252")
    start = time.perf_counter()
    table = read_table(data, "gross.csv")
    elapsed = time.perf_counter() - start
    print(f"\n50,000-row CSV ({len(data) / 1e6:.1f} MB) read in {elapsed:.2f} s")
    assert len(table.rows) == 50_000
    assert table.rows[-1].values[0] == "Firma Nummer 49999 GmbH"


_cell = st.text(
    alphabet=st.characters(
        whitelist_categories=("L", "N", "Zs", "P"), whitelist_characters="\n\"';,|\t"
    ),
    max_size=12,
).map(str.strip)


@settings(max_examples=40, deadline=None)
@given(
    delimiter=st.sampled_from([";", ",", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    rows=st.lists(st.lists(_cell, min_size=3, max_size=3), min_size=1, max_size=8),
)
def test_any_written_csv_reads_back(delimiter, encoding, rows):
    rows = [r for r in rows if any(r)]
    if not rows:
        return
    header = ["Name", "Ort", "Notiz"]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL).writerows([header, *rows])
    text = buffer.getvalue()
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    table = read_table(data, "roundtrip.csv")
    assert table.headers == header
    assert [r.values for r in table.rows] == [
        [" ".join(c.split("\u00a0")) for c in r] for r in rows
    ]


def test_dialect_fallback_without_clevercsv_answer(monkeypatch):
    import clevercsv

    monkeypatch.setattr(clevercsv.Detector, "detect", lambda self, *a, **k: None)
    assert detect_dialect("Name|Ort\nA|B\nC|D\n") == ("|", '"')
    assert detect_dialect("Name;Ort\nA;B\n")[0] == ";"
