"""Polis export: import (files or ZIP, all or nothing, clear messages) and export, round trip."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from tests.opinions.factories import ConversationFactory, StatementFactory
from werkstatt.opinions.models import Participant, Statement, Vote
from werkstatt.opinions.services import analysis, polis

pytestmark = pytest.mark.django_db

COMMENTS = (
    "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
    '1500282615559,Mon Jul 17 16:10:15 WIB 2017,0,0,2,1,1,"Der Freistaat soll Ansiedlungen '
    'nicht mehr subventionieren."\n'
    "1500282615560,Mon Jul 17 16:10:16 WIB 2017,1,1,1,1,0,Die 4-Tage-Woche hilft.\n"
    "1500282615561,Mon Jul 17 16:10:17 WIB 2017,2,,0,0,-1,Unsinn und Werbung.\n"
)
VOTES = (
    "timestamp,datetime,comment-id,voter-id,vote\n"
    "1500232652930,x,0,0,1\n"
    "1500232652931,x,1,0,-1\n"
    "1500232652932,x,0,1,1\n"
    "1500232652933,x,1,1,1\n"
    "1500232652934,x,0,2,-1\n"
    "1500232652935,x,0,2,1\n"  # voter 2 changed the vote: the later one counts
    "1500232652936,x,2,3,0\n"
)


def upload(name: str, text: str | bytes) -> SimpleUploadedFile:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def zipped(**files: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return SimpleUploadedFile("export.zip", buffer.getvalue(), content_type="application/zip")


def test_import_csv_files(conversation):
    counts = polis.do_import_polis(
        conversation, [upload("comments.csv", COMMENTS), upload("votes.csv", VOTES)]
    )
    assert counts == {"statements": 3, "participants": 4, "votes": 6}
    statements = {s.number: s for s in conversation.statements.all()}
    assert statements[0].text.startswith("Der Freistaat")
    assert statements[0].status == Statement.Status.ACCEPTED
    assert statements[1].status == Statement.Status.ACCEPTED  # 0: not moderated, shown
    assert statements[2].status == Statement.Status.REJECTED
    assert statements[0].author.external_id == "0"
    assert statements[2].author is None
    changed = Vote.objects.get(participant__external_id="2", statement=statements[0])
    assert changed.value == 1
    assert changed.modified.year == 2017
    assert set(Participant.objects.values_list("user", flat=True)) == {None}


def test_import_zip_in_a_folder(conversation):
    archive = zipped(**{"export/comments.csv": COMMENTS, "export/votes.csv": VOTES})
    counts = polis.do_import_polis(conversation, [archive])
    assert counts["votes"] == 6


@pytest.mark.parametrize(
    "files, message",
    [
        (
            {"comments.csv": COMMENTS},
            "votes.csv is missing",
        ),
        (
            {"comments.csv": COMMENTS, "votes.csv": ""},
            "votes.csv: the file is empty",
        ),
        (
            {"comments.csv": COMMENTS, "votes.csv": "timestamp,comment-id,vote\n1,0,1\n"},
            "votes.csv: the column “voter-id” is missing",
        ),
        (
            {"comments.csv": COMMENTS, "votes.csv": VOTES + "1500232652937,x,0,4,2\n"},
            "votes.csv, row 9, column “vote”: 2 is not a vote (1, -1 or 0)",
        ),
        (
            {"comments.csv": COMMENTS, "votes.csv": VOTES + "1500232652937,x,0,zwei,1\n"},
            "votes.csv, row 9, column “voter-id”: “zwei” is not a whole number",
        ),
        (
            {"comments.csv": COMMENTS, "votes.csv": VOTES + "1500232652937,x,7,4,1\n"},
            "comment-id 7",
        ),
        (
            {
                "comments.csv": "timestamp,comment-id,moderated\n1,0,1\n",
                "votes.csv": VOTES.replace(",1,", ",0,").replace(",2,", ",0,"),
            },
            "comment-body",
        ),
        (
            {"comments.csv": b"%PDF-1.4 not a table", "votes.csv": VOTES},
            "“comments.csv” is not a CSV file.",
        ),
        (
            {"export.csv": "Name;Ort\nMüller GmbH;Chemnitz\n", "votes.csv": VOTES},
            "“export.csv” is neither comments.csv (its first line names the column "
            "“comment-body”) nor votes.csv (“voter-id”)",
        ),
    ],
    ids=[
        "missing file",
        "empty file",
        "missing column",
        "bad vote",
        "bad number",
        "unknown statement",
        "no text column",
        "a pdf",
        "another table",
    ],
)
def test_broken_imports_change_nothing_and_say_why(conversation, files, message):
    # Messages go through gettext; the German catalogue is filled in the translation pass.
    uploads = [upload(name, text) for name, text in files.items()]
    with translation.override("en"), pytest.raises(ValidationError) as error:
        polis.do_import_polis(conversation, uploads)
    text = " ".join(error.value.messages)
    assert text.startswith("The Polis export cannot be imported: "), text
    assert message in text, text
    assert "/tmp" not in text  # no server paths
    assert not Statement.objects.exists()
    assert not Participant.objects.exists()
    assert not Vote.objects.exists()


def test_damaged_zip(conversation):
    bad = SimpleUploadedFile("export.zip", b"PK\x03\x04 kaputt", content_type="application/zip")
    with pytest.raises(ValidationError):
        polis.do_import_polis(conversation, [bad])
    assert not Statement.objects.exists()


def test_only_into_an_empty_conversation(conversation):
    StatementFactory(conversation=conversation)
    with pytest.raises(ValidationError) as error:
        polis.do_import_polis(
            conversation, [upload("comments.csv", COMMENTS), upload("votes.csv", VOTES)]
        )
    assert error.value.code == "not_empty"
    assert conversation.statements.count() == 1


def read_zip(content: bytes) -> dict[str, list[dict[str, str]]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            name: list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"))))
            for name in archive.namelist()
        }


def test_export_import_round_trip(planted_conversation):
    conversation, statements, camp_a, camp_b = planted_conversation
    statements[3].status = Statement.Status.REJECTED
    statements[3].save()
    result = analysis.run_analysis(conversation)
    groups = {int(p): g for p, g in result.data["participants"].items()}
    content = polis.export_polis(conversation, groups)
    files = read_zip(content)
    assert set(files) == {"comments.csv", "votes.csv", "participants-votes.csv"}
    assert len(files["comments.csv"]) == 10 and len(files["votes.csv"]) == 200
    assert {row["moderated"] for row in files["comments.csv"]} == {"1", "-1"}
    matrix = files["participants-votes.csv"]
    assert len(matrix) == 20
    assert {row["group-id"] for row in matrix} == {str(g) for g in set(groups.values())}
    assert matrix[0]["n-votes"] == "10"
    # Users are never named: voter ids are 0..n-1.
    assert sorted(int(r["participant"]) for r in matrix) == list(range(20))

    again = ConversationFactory()
    counts = polis.do_import_polis(again, [SimpleUploadedFile("polis.zip", content)])
    assert counts == {"statements": 10, "participants": 20, "votes": 200}
    before = sorted(
        Vote.objects.filter(participant__conversation=conversation).values_list(
            "statement__number", "value"
        )
    )
    after = sorted(
        Vote.objects.filter(participant__conversation=again).values_list(
            "statement__number", "value"
        )
    )
    assert before == after
    assert again.statements.get(number=3).status == Statement.Status.REJECTED
    # The same groups come out of the imported copy.
    copy = analysis.run_analysis(again)
    assert len(copy.data["groups"]) == len(result.data["groups"])


REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "polis" / "london.youth.policing"


@pytest.mark.skipif(not REAL.is_dir(), reason="the shared Polis data is not next to the repository")
def test_a_real_polis_export_imports():
    conversation = ConversationFactory()
    files = [
        upload("comments.csv", (REAL / "comments.csv").read_bytes()),
        upload("votes.csv", (REAL / "votes.csv").read_bytes()),
    ]
    counts = polis.do_import_polis(conversation, files)
    assert counts["statements"] == 39
    result = analysis.run_analysis(conversation)
    assert result.participant_count > 0


DATA = Path(__file__).resolve().parent / "data"
TEXTS = {
    0: "Die Förderung soll sich auf kleine und mittlere Unternehmen konzentrieren.",
    1: "Größere Gewerbegebiete an der A4 – „ja, aber nur mit Bahnanschluss“.",
    2: "Werbung für Übernachtungen in Görlitz",
}


@pytest.mark.parametrize(
    "comments, name",
    [
        ("comments-utf16.csv", "comments.csv"),  # a text editor's "Unicode"
        ("comments-excel-unicode-text.txt", "Kommentare.txt"),  # Excel: UTF-16, tabs
        ("comments-excel-de.csv", "comments.csv"),  # Excel in German: Windows-1252, ";"
    ],
)
def test_files_saved_by_excel_or_an_editor_import_with_their_umlauts(conversation, comments, name):
    """tests/opinions/data: a Polis export opened and saved again (see the README there)."""
    files = [
        upload(name, (DATA / comments).read_bytes()),
        upload("votes.csv", (DATA / "votes-utf8-bom.csv").read_bytes()),  # Excel's CSV UTF-8
    ]
    counts = polis.do_import_polis(conversation, files)
    assert counts == {"statements": 3, "participants": 5, "votes": 15}
    statements = {s.number: s for s in conversation.statements.all()}
    assert {n: s.text for n, s in statements.items()} == TEXTS
    assert statements[2].status == Statement.Status.REJECTED
    assert statements[1].author.external_id == "1"


def test_a_workbook_named_csv_says_what_it_is(conversation):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["timestamp", "comment-id", "comment-body"])
    buffer = io.BytesIO()
    book.save(buffer)
    uploads = [upload("comments.csv", buffer.getvalue()), upload("votes.csv", VOTES)]
    with translation.override("en"), pytest.raises(ValidationError) as error:
        polis.do_import_polis(conversation, uploads)
    assert "“comments.csv” is a spreadsheet, not a CSV file." in error.value.messages[0]
    assert not Statement.objects.exists()
