"""Polis's export format: importing a Polis export into a conversation, exporting ours.

Files (see ../shared/data/polis/ATTRIBUTION.md for the columns):
- comments.csv: timestamp, datetime, comment-id, author-id, agrees, disagrees, moderated,
  comment-body
- votes.csv: timestamp, datetime, comment-id, voter-id, vote (1 agree, -1 disagree, 0 pass)
- participants-votes.csv (export only): participant, group-id, n-comments, n-votes, n-agree,
  n-disagree, then one column per comment-id

The import reads the files with the engine's reader (engines/opinions.read_polis_export), which
checks every row; its message (file, row, column, problem) is given in the user's language.
Imported voters become Participants without a user (their Polis id as external id). An import
goes into a conversation without statements and votes, all or nothing.

The export numbers participants 0, 1, 2 … in the order they joined: it never names a user.
Timestamps are milliseconds since 1970, as Polis writes them.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from werkstatt.engines import opinions as engine
from werkstatt.engines import tabular

from ..models import STATEMENT_MAX_LENGTH, Conversation, Participant, Statement, Vote

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
COMMENTS, VOTES, PARTICIPANT_VOTES = "comments.csv", "votes.csv", "participants-votes.csv"
BATCH = 2000


# --- the engine's messages, in the user's language ---------------------------------------------

_LOCATED = re.compile(r"^(?P<path>.*?): row (?P<row>\d+), column (?P<column>[^:]+): (?P<what>.*)$")
_FILE = re.compile(r"^(?P<path>.*?): (?P<what>.*)$")


def _what(what: str) -> str:
    """The engine's description of a problem, translated where we know its wording."""
    patterns = [
        (r"^empty$", lambda m: gettext("the value is missing")),
        (
            r"^'(?P<v>.*)' is not a whole number$",
            lambda m: gettext("“%(value)s” is not a whole number") % {"value": m["v"]},
        ),
        (
            r"^'(?P<v>.*)' is not a number$",
            lambda m: gettext("“%(value)s” is not a number") % {"value": m["v"]},
        ),
        (
            r"^'(?P<v>.*)' is not finite$",
            lambda m: gettext("“%(value)s” is not a number") % {"value": m["v"]},
        ),
        (
            r"^(?P<v>-?\d+) is not 1, -1 or 0$",
            lambda m: gettext("%(value)s is not a vote (1, -1 or 0)") % {"value": m["v"]},
        ),
        (r"^no such file$", lambda m: gettext("the file is missing")),
        (r"^empty file$", lambda m: gettext("the file is empty")),
        (
            r"^missing column (?P<v>.*)$",
            lambda m: gettext("the column “%(column)s” is missing") % {"column": m["v"]},
        ),
        (r"^not UTF-8 text.*$", lambda m: gettext("the file is not UTF-8 text")),
        (r"^not a readable CSV file.*$", lambda m: gettext("the file is not a readable CSV file")),
    ]
    for pattern, message in patterns:
        match = re.match(pattern, what)
        if match:
            return message(match)
    return what


def describe_export_error(error: Exception) -> str:
    """A one-line message for the user about a malformed export (file, row, column, problem)."""
    text = str(error)
    located = _LOCATED.match(text)
    if located:
        return gettext("%(file)s, row %(row)s, column “%(column)s”: %(problem)s") % {
            "file": Path(located["path"]).name,
            "row": located["row"],
            "column": located["column"],
            "problem": _what(located["what"]),
        }
    plain = _FILE.match(text)
    if plain:
        return gettext("%(file)s: %(problem)s") % {
            "file": Path(plain["path"]).name,
            "problem": _what(plain["what"]),
        }
    return text


def _invalid(message: str) -> ValidationError:
    return ValidationError(
        gettext("The Polis export cannot be imported: %(reason)s") % {"reason": message},
        code="polis",
    )


# --- unpacking the upload ------------------------------------------------------------------------


def _size(upload: Any) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        position = upload.tell()
        upload.seek(0, 2)
        size = upload.tell()
        upload.seek(position)
    return int(size)


#: What a spreadsheet program or a text editor makes of a CSV file: the encodings below are
#: read (engines/tabular.py's decoder: BOMs, UTF-8, Windows-1252, UTF-16 without a BOM), and
#: semicolons (Excel in German) or tabs (Excel's "Unicode text") are taken as the delimiter.
DELIMITERS = (",", ";", "\t")
_HEADER_COLUMNS = {COMMENTS: "comment-body", VOTES: "voter-id"}


def _display_name(upload: Any) -> str:
    return Path(getattr(upload, "name", "") or "?").name


def _refuse_spreadsheet(content: bytes, name: str) -> None:
    if tabular.sniff_format(content) in ("xlsx", "ods", "ole2"):
        raise _invalid(
            gettext(
                "“%(name)s” is a spreadsheet, not a CSV file. Use the CSV files Polis exported, "
                "or save the sheet as “CSV UTF-8”."
            )
            % {"name": name}
        )


def _decoded(content: bytes, name: str) -> str:
    """The text of an uploaded CSV file, whatever its encoding; a clear message for files that
    are no text at all (a workbook, a PDF, an image)."""
    _refuse_spreadsheet(content, name)
    if tabular.sniff_format(content) != "text":
        raise _invalid(gettext("“%(name)s” is not a CSV file.") % {"name": name})
    try:
        text, _encoding, _warnings = tabular._decode(content)
    except tabular.TableError as exc:
        raise _invalid(
            gettext(
                "“%(name)s” is not text in an encoding Werkstatt reads (UTF-8, UTF-16 or "
                "Windows-1252)."
            )
            % {"name": name}
        ) from exc
    return text


def _kind(text: str) -> str | None:
    """comments.csv or votes.csv, from the columns of the header line; None if neither."""
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    for kind, column in _HEADER_COLUMNS.items():
        if column in header:
            return kind
    return None


def _as_polis_csv(text: str) -> bytes:
    """UTF-8 CSV with commas, as Polis writes it (the engine reads only that): a semicolon- or
    tab-separated file is rewritten cell by cell, a comma-separated one is only re-encoded."""
    text = text.lstrip("\ufeff")
    header = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=header.count)
    if delimiter == "," or header.count(delimiter) == 0:
        return text.encode("utf-8")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            writer.writerow(row)
    except csv.Error as exc:
        raise _invalid(gettext("a file is not a readable CSV file")) from exc
    return out.getvalue().encode("utf-8")


def unpack(files: Iterable[IO[bytes]], folder: Path) -> None:
    """Write the uploaded comments.csv and votes.csv (or a ZIP holding them) into `folder`, as
    UTF-8 with commas whatever encoding and delimiter they came in."""
    found: dict[str, str] = {}
    for upload in files:
        if upload is None:
            continue
        if _size(upload) > MAX_UPLOAD_BYTES:
            raise _invalid(gettext("a file is larger than 50 MB"))
        upload.seek(0)
        content = upload.read()
        display = _display_name(upload)
        name = display.lower()
        _refuse_spreadsheet(content, display)  # an XLSX is a ZIP file, too
        if zipfile.is_zipfile(io.BytesIO(content)):
            try:
                with zipfile.ZipFile(io.BytesIO(content)) as archive:
                    for info in archive.infolist():
                        base = Path(info.filename).name.lower()
                        if base in (COMMENTS, VOTES) and not info.is_dir():
                            if info.file_size > MAX_UPLOAD_BYTES:
                                raise _invalid(gettext("a file is larger than 50 MB"))
                            found[base] = _decoded(archive.read(info), base)
            except (zipfile.BadZipFile, OSError) as exc:
                raise _invalid(gettext("the ZIP file is damaged")) from exc
            continue
        text = _decoded(content, display)
        kind = name if name in (COMMENTS, VOTES) else _kind(text)
        if kind is None:
            raise _invalid(
                gettext(
                    "“%(name)s” is neither comments.csv (its first line names the column "
                    "“comment-body”) nor votes.csv (“voter-id”) nor a ZIP file of them"
                )
                % {"name": display}
            )
        found[kind] = text
    for required in (COMMENTS, VOTES):
        if required not in found:
            raise _invalid(gettext("%(file)s is missing") % {"file": required})
        (folder / required).write_bytes(_as_polis_csv(found[required]))


# --- import -----------------------------------------------------------------------------------


def _moment(timestamp: float) -> datetime:
    # Polis writes milliseconds; accept seconds too.
    seconds = timestamp / 1000.0 if abs(timestamp) > 1e11 else timestamp
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise _invalid(gettext("a timestamp is out of range")) from exc


def _comments(folder: Path) -> list[dict[str, str]]:
    """comments.csv's rows (the engine has checked the file and its comment ids)."""
    with (folder / COMMENTS).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        reader.fieldnames = [name.strip() for name in reader.fieldnames or []]
        if "comment-body" not in reader.fieldnames:
            raise _invalid(
                gettext("%(file)s: the column “%(column)s” is missing")
                % {"file": COMMENTS, "column": "comment-body"}
            )
        return list(reader)


@transaction.atomic
def do_import_polis(conversation: Conversation, files: Iterable[IO[bytes]]) -> dict[str, int]:
    """Import a Polis export into an empty conversation, all or nothing.

    Returns the numbers of statements, participants and votes imported. Raises ValidationError
    (with the file, row and column of the first problem) and changes nothing otherwise.
    """
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.statements.exists() or conversation.participants.exists():
        raise ValidationError(
            _(
                "A Polis export can only be imported into a conversation without statements "
                "and votes. Create a new conversation for it."
            ),
            code="not_empty",
        )
    with tempfile.TemporaryDirectory(prefix="werkstatt-polis-") as tmp:
        folder = Path(tmp)
        unpack(files, folder)
        try:
            votes, statement_ids, moderated_out = engine.read_polis_export(folder)
        except engine.PolisExportError as exc:
            raise _invalid(describe_export_error(exc)) from exc
        rows = _comments(folder)
    if not statement_ids:
        raise _invalid(gettext("%(file)s has no statements") % {"file": COMMENTS})
    if len(set(statement_ids)) != len(statement_ids):
        raise _invalid(gettext("%(file)s names a comment-id twice") % {"file": COMMENTS})
    known = set(statement_ids)
    for _voter, comment, _value, _time in votes:
        if comment not in known:
            raise _invalid(
                gettext("%(file)s: a vote on comment-id %(id)s, which comments.csv lacks")
                % {"file": VOTES, "id": comment}
            )
        if comment < 0:
            raise _invalid(gettext("comment-ids must not be negative"))

    # The latest vote of each voter on each statement counts (ties: the later row).
    latest: dict[tuple[int, int], tuple[int, float]] = {}
    for voter, comment, value, moment in votes:
        key = (voter, comment)
        if key not in latest or moment >= latest[key][1]:
            latest[key] = (int(value), moment)

    by_id = {}
    for row, cid in zip(rows, statement_ids):
        body = " ".join((row.get("comment-body") or "").split())
        if not body:
            raise _invalid(
                gettext("%(file)s: comment-id %(id)s has no text") % {"file": COMMENTS, "id": cid}
            )
        by_id[cid] = (row, body[:STATEMENT_MAX_LENGTH])

    authors = set()
    for row, _body in by_id.values():
        author = (row.get("author-id") or "").strip()
        if author:
            try:
                authors.add(int(float(author)))
            except ValueError as exc:
                raise _invalid(
                    gettext("%(file)s: author-id “%(value)s” is not a whole number")
                    % {"file": COMMENTS, "value": author}
                ) from exc
    voter_ids = sorted({voter for voter, _ in latest} | authors)
    Participant.objects.bulk_create(
        [Participant(conversation=conversation, external_id=str(v)) for v in voter_ids],
        batch_size=BATCH,
    )
    participants = dict(
        Participant.objects.filter(conversation=conversation).values_list("external_id", "pk")
    )
    statements = []
    for cid in sorted(by_id):
        row, body = by_id[cid]
        author = (row.get("author-id") or "").strip()
        stamp = (row.get("timestamp") or "").strip()
        created = _moment(float(stamp)) if _is_number(stamp) else None
        statement = Statement(
            conversation=conversation,
            number=cid,
            text=body,
            author_id=participants.get(str(int(float(author)))) if author else None,
            status=Statement.Status.REJECTED if cid in moderated_out else Statement.Status.ACCEPTED,
            moderated_at=created,
        )
        if created is not None:
            statement.created = created
        statements.append(statement)
    Statement.objects.bulk_create(statements, batch_size=BATCH)
    statement_pk = dict(conversation.statements.values_list("number", "pk"))
    Vote.objects.bulk_create(
        [
            Vote(
                participant_id=participants[str(voter)],
                statement_id=statement_pk[comment],
                value=value,
                created=_moment(moment),
                modified=_moment(moment),
            )
            for (voter, comment), (value, moment) in latest.items()
        ],
        batch_size=BATCH,
    )
    return {"statements": len(statements), "participants": len(voter_ids), "votes": len(latest)}


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# --- export -----------------------------------------------------------------------------------


def _polis_datetime(moment: datetime) -> str:
    # Polis writes JavaScript's Date.toString(); we write the same shape in UTC.
    return moment.astimezone(UTC).strftime("%a %b %d %Y %H:%M:%S GMT+0000 (UTC)")


def _millis(moment: datetime) -> int:
    return int(round(moment.timestamp() * 1000))


def _csv(rows: Iterable[Iterable[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def export_polis(conversation: Conversation, groups: dict[int, int | None] | None = None) -> bytes:
    """The conversation as a ZIP of comments.csv, votes.csv and participants-votes.csv.

    `groups` maps participant pks to their opinion group (from the latest analysis) for the
    group-id column of participants-votes.csv; without it the column is empty.
    """
    groups = groups or {}
    participant_pks = list(
        conversation.participants.order_by("created", "pk").values_list("pk", flat=True)
    )
    number = {pk: i for i, pk in enumerate(participant_pks)}
    statements = list(
        conversation.statements.order_by("number").values_list(
            "pk", "number", "text", "author_id", "status", "created"
        )
    )
    comment_of = {pk: n for pk, n, *_ in statements}
    votes = list(
        Vote.objects.filter(participant__conversation=conversation)
        .order_by("modified", "pk")
        .values_list("participant_id", "statement_id", "value", "modified")
    )
    agrees: dict[int, int] = {}
    disagrees: dict[int, int] = {}
    per_participant: dict[int, dict[int, int]] = {pk: {} for pk in participant_pks}
    for participant, statement, value, _when in votes:
        if value == 1:
            agrees[statement] = agrees.get(statement, 0) + 1
        elif value == -1:
            disagrees[statement] = disagrees.get(statement, 0) + 1
        per_participant[participant][comment_of[statement]] = value
    moderated = {
        Statement.Status.ACCEPTED: 1,
        Statement.Status.REJECTED: -1,
        Statement.Status.PENDING: 0,
    }
    comments: list[list[Any]] = [
        [
            "timestamp",
            "datetime",
            "comment-id",
            "author-id",
            "agrees",
            "disagrees",
            "moderated",
            "comment-body",
        ]
    ]
    for pk, n, text, author, status, created in statements:
        comments.append(
            [
                _millis(created),
                _polis_datetime(created),
                n,
                number.get(author, "") if author else "",
                agrees.get(pk, 0),
                disagrees.get(pk, 0),
                moderated[status],
                text,
            ]
        )
    vote_rows: list[list[Any]] = [["timestamp", "datetime", "comment-id", "voter-id", "vote"]]
    for participant, statement, value, moment in votes:
        vote_rows.append(
            [
                _millis(moment),
                _polis_datetime(moment),
                comment_of[statement],
                number[participant],
                value,
            ]
        )
    authored: dict[int, int] = {}
    for _pk, _n, _text, author, _status, _created in statements:
        if author:
            authored[author] = authored.get(author, 0) + 1
    comment_ids = [n for _pk, n, *_ in statements]
    matrix: list[list[Any]] = [
        ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree", *comment_ids]
    ]
    for pk in participant_pks:
        given = per_participant[pk]
        group = groups.get(pk)
        matrix.append(
            [
                number[pk],
                "" if group is None else group,
                authored.get(pk, 0),
                len(given),
                sum(1 for v in given.values() if v == 1),
                sum(1 for v in given.values() if v == -1),
                *(given.get(c, "") for c in comment_ids),
            ]
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(COMMENTS, _csv(comments))
        archive.writestr(VOTES, _csv(vote_rows))
        archive.writestr(PARTICIPANT_VOTES, _csv(matrix))
    return buffer.getvalue()
