"""Import of member lists (CSV, XLSX, XLS) into the network directory.

The flow, one `do_*` step each, state kept in ImportBatch/ImportRow (not in the session):

1. `do_create_batch`: store the upload, read it (engines.tabular), guess the column mapping.
2. `do_set_mapping` + `do_start_analysis`: check every row (job "network.import_analyse"):
   cleaned values, errors (rejected) and warnings, duplicates of existing organisations
   (engines.names) and within the file, a default decision per row.
3. `do_set_decisions`: the moderator chooses merge / create anyway / skip for duplicates.
4. `do_commit`: queue job "network.import" once; `run_import` does everything in ONE
   transaction: any failure (a database error, a merge target deleted since the preview, a value
   the model refuses) rolls back all of it, and the batch is marked failed with the reason.
   Rejected rows are reported and never imported; valid rows are.
   Merges fill empty fields of the existing organisation only, never overwrite (history kept).
5. The report: counts and a reason per row, as a page and as CSV.

Messages are English msgids; the engines' codes are translated by `describe`.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from werkstatt.engines import tabular
from werkstatt.engines.names import DUPLICATE_SCORE, POSSIBLE_SCORE, NameIndex, name_key
from werkstatt.engines.text import fold

from ..models import (
    Capability,
    Certification,
    ContactPerson,
    ImportBatch,
    ImportRow,
    Organisation,
    Region,
    Sector,
    Site,
)
from . import bulk

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = tabular.MAX_BYTES
MAX_ROWS = tabular.MAX_ROWS
ALLOWED_EXTENSIONS = ("csv", "txt", "tsv", "xlsx", "xlsm", "xls")
Progress = Callable[[int, int, str], None]

# field -> (label, header words that mean it; folded, without punctuation)
FIELDS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "name": (
        _("Name"),
        (
            "name",
            "firma",
            "unternehmen",
            "firmenname",
            "organisation",
            "company",
            "mitglied",
            "bezeichnung",
            "unternehmensname",
            "name der firma",
            "organization",
        ),
    ),
    "street": (
        _("Street and number"),
        (
            "strasse",
            "str",
            "strasse und hausnummer",
            "strasse hausnummer",
            "anschrift",
            "adresse",
            "street",
            "address",
        ),
    ),
    "postcode": (_("Postcode"), ("plz", "postleitzahl", "zip", "postcode", "postal code")),
    "city": (_("Place"), ("ort", "stadt", "city", "place", "gemeinde", "sitz", "town")),
    "website": (
        _("Website"),
        (
            "website",
            "internet",
            "homepage",
            "webseite",
            "internetseite",
            "web",
            "url",
            "www",
            "internetadresse",
        ),
    ),
    "email": (_("E-mail"), ("e mail", "email", "mail", "e mail adresse", "emailadresse")),
    "phone": (_("Phone"), ("telefon", "tel", "phone", "telefonnummer", "fon", "rufnummer")),
    "sectors": (
        _("Sector (WZ 2008)"),
        (
            "branche",
            "wz",
            "wz code",
            "wz 2008",
            "sector",
            "industry",
            "wirtschaftszweig",
            "branchen",
        ),
    ),
    "employees": (
        _("Employees"),
        (
            "mitarbeiter",
            "beschaeftigte",
            "anzahl mitarbeiter",
            "mitarbeiterzahl",
            "employees",
            "ma",
            "mitarbeitende",
        ),
    ),
    "kind": (_("Kind"), ("art", "typ", "type", "kind", "organisationsart", "organisationstyp")),
    "certifications": (
        _("Certifications"),
        (
            "zertifikate",
            "zertifizierungen",
            "zertifizierung",
            "zertifikat",
            "certifications",
            "certificates",
        ),
    ),
    "capabilities": (
        _("Capabilities and services"),
        (
            "faehigkeiten",
            "leistungen",
            "kompetenzen",
            "leistungsspektrum",
            "capabilities",
            "services",
            "verfahren",
            "angebot",
        ),
    ),
    "description": (
        _("Description"),
        ("beschreibung", "description", "taetigkeit", "profil", "kurzbeschreibung", "info"),
    ),
    "contact": (
        _("Contact person"),
        (
            "ansprechpartner",
            "kontakt",
            "contact",
            "kontaktperson",
            "ansprechperson",
            "ansprechpartnerin",
        ),
    ),
}

KIND_WORDS: dict[str, tuple[str, ...]] = {
    Organisation.Kind.COMPANY: ("unternehmen", "firma", "company", "betrieb", "kmu"),
    Organisation.Kind.ASSOCIATION: ("verband", "verein", "association", "innung"),
    Organisation.Kind.CHAMBER: ("kammer", "ihk", "hwk", "chamber"),
    Organisation.Kind.UNION: ("gewerkschaft", "union"),
    Organisation.Kind.RESEARCH: (
        "forschung",
        "institut",
        "hochschule",
        "universitaet",
        "research",
        "university",
    ),
    Organisation.Kind.PUBLIC: (
        "behoerde",
        "oeffentlich",
        "kommune",
        "verwaltung",
        "public",
        "ministerium",
    ),
    Organisation.Kind.NETWORK: ("netzwerk", "cluster", "network"),
    Organisation.Kind.FABLAB: ("fablab", "makerspace", "offene werkstatt"),
    Organisation.Kind.CREATIVE: ("kreativ", "creative", "agentur", "design"),
}

# --- messages ------------------------------------------------------------------------------------

MESSAGES: dict[str, Any] = {
    # file level (engines.tabular)
    "empty_file": _("The file is empty. Please upload the member list with a header row."),
    "too_large": _(
        "The file is %(size_mb)s MB large; at most %(max_mb)s MB can be imported. "
        "Please split it into several files."
    ),
    "too_many_rows": _("The file has more than %(max)s rows; please split it into several files."),
    "unsupported_format": _(
        "This file is not a table (it is a %(kind)s). Please upload a CSV, XLSX or XLS file."
    ),
    "unreadable_xlsx": _(
        "The Excel file cannot be read; it may be damaged. Please open it in "
        "Excel or LibreOffice and save it again as XLSX."
    ),
    "unreadable_xls": _(
        "The old Excel (XLS) file cannot be read; it may be damaged. Please save it again as XLSX."
    ),
    "unreadable_csv": _(
        "The CSV file cannot be read near row %(line)s. Please check the quotes there."
    ),
    "encrypted": _(
        "The file is protected with a password. Please remove the password and upload it again."
    ),
    "ods_file": _(
        "This is a LibreOffice or OpenOffice spreadsheet (ODS), which cannot be read here. "
        "Please open it in LibreOffice Calc, save it with “Save As” as Excel 2007-365 (.xlsx) "
        "or as CSV, and upload that file."
    ),
    "no_visible_sheet": _("The workbook has no visible worksheet."),
    "sheet_not_found": _("The workbook has no worksheet “%(sheet)s”."),
    "no_header": _(
        "The first row contains data, not column names. Please add a header row "
        "(e.g. Name; Straße; PLZ; Ort)."
    ),
    "header_only": _("The file has column names but no rows with data."),
    "duplicate_headers": _(
        "Several columns have the same name (%(names)s). Please give each column its own name."
    ),
    "undecodable": _("The text of the file cannot be read. Please save it as CSV in UTF-8."),
    "bad_extension": _("Please upload a CSV, XLSX or XLS file (not “.%(extension)s”)."),
    # file level warnings
    "merged_cells": _(
        "The sheet has %(count)s merged cell ranges (%(ranges)s): each cell of a "
        "range got the value of its first cell."
    ),
    "hidden_sheets_ignored": _("Hidden worksheets were ignored: %(sheets)s."),
    "skipped_title_rows": _("%(count)s title row(s) above the column names were skipped."),
    "encoding_repaired": _(
        "The file's text encoding was inconsistent; it was read as "
        "%(encoding)s. Please check the umlauts in the preview."
    ),
    "format_differs_from_name": _(
        "The file is really a %(actual)s file although it is named "
        ".%(extension)s; it was read as what it is."
    ),
    # row level
    "formula_without_value": _(
        "Column %(column)s holds a formula that was never calculated "
        "(no stored value). Open the file in Excel, let it calculate "
        "and save it again."
    ),
    "formula_error": _(
        "Column %(column)s holds a formula error (%(value)s); the value was left empty."
    ),
    "extra_values": _("%(count)s value(s) beyond the last named column were ignored."),
    "missing_name": _("The name is missing."),
    "name_too_long": _("The name is longer than 200 characters."),
    "invalid_email": _("“%(value)s” is not a valid e-mail address."),
    "invalid_postcode": _("“%(value)s” is not a valid postcode (five digits)."),
    "invalid_website": _("“%(value)s” is not a web address; it was left out."),
    "employees_not_number": _("The number of employees “%(value)s” is not a whole number."),
    "unknown_place": _(
        "The place “%(value)s” is not known; the organisation gets no map position."
    ),
    "unknown_certification": _("Unknown certification “%(value)s” was left out."),
    "unknown_sector": _("Unknown sector “%(value)s” was left out."),
    "unknown_kind": _("Unknown kind “%(value)s”; “company” was used."),
    "too_long": _("%(field)s was shortened to %(max)s characters."),
    # commit
    "merge_target_missing": _("Row %(row)s: the organisation to merge into no longer exists."),
    "invalid_at_commit": _("Row %(row)s: %(error)s"),
    "database_error": _("The database refused the import (%(error)s). Nothing was imported."),
}

FORMAT_NAMES: dict[str, Any] = {
    "pdf": _("PDF document"),
    "image": _("image"),
    "docx": _("Word document"),
    "ods": _("OpenDocument spreadsheet (please save it as XLSX)"),
    "zip": _("ZIP archive"),
    "spreadsheetml": _("Excel 2003 XML file (please save it as XLSX)"),
    "binary": _("binary file"),
    "csv": "CSV",
    "xlsx": "XLSX",
    "xls": "XLS",
    "html": "HTML",
}
REASONS: dict[str, Any] = {
    "identical_name": _("same name"),
    "similar_name": _("similar name"),
    "same_postcode": _("same postcode"),
    "same_city": _("same place"),
    "different_city": _("different place"),
    "same_website": _("same website"),
    "different_website": _("different website"),
}


def describe(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The translated sentence for an engine or importer message code."""
    params = dict(params or {})
    if code == "unsupported_format" and params.get("kind") == "ods":
        code = "ods_file"
    if "kind" in params and code == "unsupported_format":
        params["kind"] = str(FORMAT_NAMES.get(params["kind"], params["kind"]))
    if code == "format_differs_from_name":
        params["actual"] = str(FORMAT_NAMES.get(params["actual"], params["actual"]))
    if "field" in params and params["field"] in FIELDS:
        params["field"] = str(FIELDS[params["field"]][0])
    template = MESSAGES.get(code)
    if template is None:
        return code
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)


def describe_issues(issues: Iterable[Mapping[str, Any]]) -> list[str]:
    return [describe(i["code"], i.get("params")) for i in issues]


def describe_reasons(reasons: Iterable[str]) -> str:
    return ", ".join(str(REASONS.get(r, r)) for r in reasons)


class ImportFileError(ValidationError):
    """The uploaded file cannot be imported; the message says why (German via gettext)."""


# --- 1. upload ---------------------------------------------------------------------------------


def read_file(data: bytes, filename: str, sheet: str | None = None) -> tabular.Table:
    """Read an upload with the engine; raise ImportFileError with a translated message."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    # An .ods goes to the reader too, which tells what it really is (and how to save it).
    if extension and extension not in ALLOWED_EXTENSIONS and extension != "ods":
        raise ImportFileError(
            describe("bad_extension", {"extension": extension}), code="bad_extension"
        )
    try:
        return tabular.read_table(
            data, filename, sheet=sheet or None, max_bytes=MAX_UPLOAD_BYTES, max_rows=MAX_ROWS
        )
    except tabular.TableError as exc:
        raise ImportFileError(describe(exc.code, exc.params), code=exc.code) from exc


def _header_key(header: str) -> str:
    return " ".join(re.split(r"[^0-9a-z]+", fold(header))).strip()


def guess_mapping(headers: list[str]) -> dict[str, int | None]:
    """Which column holds which field, from German or English column names."""
    keys = [_header_key(h) for h in headers]
    mapping: dict[str, int | None] = dict.fromkeys(FIELDS)
    used: set[int] = set()
    # Exact words first, then names that start with one of the words ("PLZ/Ort" → postcode).
    for exact in (True, False):
        for field, (_label, words) in FIELDS.items():
            if mapping[field] is not None:
                continue
            for index, key in enumerate(keys):
                if index in used or not key:
                    continue
                hit = (
                    key in words
                    if exact
                    else any(
                        key.startswith(w + " ") or key.startswith(w) and len(w) >= 4 for w in words
                    )
                )
                if hit:
                    mapping[field] = index
                    used.add(index)
                    break
    return mapping


def _table_info(table: tabular.Table) -> dict[str, Any]:
    return {
        "format": table.format,
        "encoding": table.encoding,
        "delimiter": table.delimiter,
        "sheet": table.sheet,
        "sheets": table.sheets,
        "headers": table.headers,
        "row_count": len(table.rows),
        "warnings": [{"code": w.code, "params": w.params} for w in table.warnings],
        "samples": [[r.values[i] for r in table.rows[:3]] for i in range(len(table.headers))],
    }


@transaction.atomic
def do_create_batch(user: Any, filename: str, data: bytes, sheet: str = "") -> ImportBatch:
    """Check an uploaded file and keep it with a guessed mapping; raise ImportFileError."""
    table = read_file(data, filename, sheet)
    batch = ImportBatch(created_by=user, original_name=filename[:255], sheet=table.sheet or "")
    batch.info = _table_info(table)
    batch.mapping = guess_mapping(table.headers)
    batch.file.save(_safe_name(filename), ContentFile(data), save=False)
    batch.save()
    return batch


def _safe_name(filename: str) -> str:
    stem, _dot, extension = filename.rpartition(".")
    stem = slugify(stem or extension)[:80] or "import"
    extension = extension.lower() if stem and extension.lower() in ALLOWED_EXTENSIONS else "dat"
    return f"{stem}.{extension}"


def _locked(batch: ImportBatch) -> ImportBatch:
    """The batch, locked for a change; a batch whose import job failed counts as failed.

    The job's own record of the failure can be undone with the job's writes (a job run in the
    caller's transaction rolls back to its savepoint), and a worker that died leaves the batch
    running: the job's outcome is what counts, so the moderator can check and import again.
    """
    from werkstatt.jobs.models import Job

    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if (
        locked.status in {ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING}
        and locked.job_id
        and Job.objects.filter(pk=locked.job_id, status=Job.Status.FAILED).exists()
    ):
        locked.status = ImportBatch.Status.FAILED
        locked.save(update_fields=["status"])
    return locked


@transaction.atomic
def do_select_sheet(batch: ImportBatch, sheet: str) -> ImportBatch:
    """Read another worksheet of the uploaded workbook; the mapping is guessed again."""
    batch = _locked(batch)
    if batch.status not in {
        ImportBatch.Status.UPLOADED,
        ImportBatch.Status.ANALYSING,
        ImportBatch.Status.ANALYSED,
        ImportBatch.Status.FAILED,
    }:
        raise ValidationError(gettext("This import has already been started."))
    if sheet not in batch.info.get("sheets", []):
        raise ValidationError(describe("sheet_not_found", {"sheet": sheet}))
    with batch.file.open("rb") as fh:
        table = read_file(fh.read(), batch.original_name, sheet)
    batch.sheet = sheet
    batch.info = _table_info(table)
    batch.mapping = guess_mapping(table.headers)
    batch.status = ImportBatch.Status.UPLOADED
    batch.rows.all().delete()
    batch.save()
    return batch


def load_table(batch: ImportBatch) -> tabular.Table:
    with batch.file.open("rb") as fh:
        data = fh.read()
    return read_file(data, batch.original_name, batch.sheet or None)


# --- 2. mapping and analysis ------------------------------------------------------------------


def check_mapping(batch: ImportBatch, mapping: Mapping[str, int | None]) -> dict[str, int | None]:
    width = len(batch.info.get("headers", []))
    cleaned: dict[str, int | None] = {}
    seen: dict[int, str] = {}
    errors: list[str] = []
    for field in FIELDS:
        index = mapping.get(field)
        if index is None or index == "":
            cleaned[field] = None
            continue
        index = int(index)
        if not 0 <= index < width:
            errors.append(gettext("The chosen column does not exist."))
            continue
        if index in seen:
            errors.append(
                gettext("The column “%(column)s” is chosen for both %(a)s and %(b)s.")
                % {
                    "column": column_label(batch, index),
                    "a": FIELDS[seen[index]][0],
                    "b": FIELDS[field][0],
                }
            )
        seen[index] = field
        cleaned[field] = index
    if cleaned.get("name") is None:
        errors.append(gettext("Please choose the column that holds the organisation's name."))
    if errors:
        raise ValidationError(errors)
    return cleaned


def column_label(batch: ImportBatch, index: int) -> str:
    headers = batch.info.get("headers", [])
    header = headers[index] if index < len(headers) else ""
    letter = tabular.column_letter(index)
    return f"{letter}: {header}" if header else gettext("Column %(letter)s") % {"letter": letter}


@transaction.atomic
def do_set_mapping(batch: ImportBatch, mapping: Mapping[str, int | None]) -> ImportBatch:
    batch = _locked(batch)
    if batch.status not in {
        ImportBatch.Status.UPLOADED,
        ImportBatch.Status.ANALYSING,
        ImportBatch.Status.ANALYSED,
        ImportBatch.Status.FAILED,
    }:
        raise ValidationError(gettext("This import has already been started."))
    batch.mapping = check_mapping(batch, mapping)
    batch.status = ImportBatch.Status.ANALYSING
    batch.save(update_fields=["mapping", "status"])
    return batch


def do_start_analysis(batch: ImportBatch, user: Any) -> Any:
    """Check every row in the background; returns the Job."""
    from werkstatt.jobs.services import enqueue

    return enqueue(
        "network.import_analyse",
        {"batch_id": batch.pk},
        user=user,
        title=gettext("Checking “%(name)s”") % {"name": batch.original_name},
    )


_POSTCODE = re.compile(r"^(?:D[-\s]?)?(\d{4,5})$", re.IGNORECASE)
_EMAIL = EmailValidator()
_URL = URLValidator(schemes=["http", "https"])
_SPLIT = re.compile(r"\s*[;,/\n|]\s*")
_NUMBER = re.compile(
    r"^(?:ca\.?|etwa|~|rund)?\s*(\d{1,3}(?:[.\s]\d{3})+|\d+)(?:[,.]0+)?$", re.IGNORECASE
)
MAX_LENGTHS = {"street": 200, "city": 120, "phone": 40, "contact": 200, "website": 200}


class Reference:
    """Reference data and caches needed to check rows, loaded once per analysis."""

    def __init__(self) -> None:
        self.certifications = {
            self.cert_key(code): code
            for code in Certification.objects.values_list("code", flat=True)
        }
        self.sectors: dict[str, str] = {}
        for code, name_de, name_en in Sector.objects.values_list("code", "name_de", "name_en"):
            self.sectors[self.sector_key(code)] = code
            self.sectors.setdefault(fold(name_de), code)
            if name_en:
                self.sectors.setdefault(fold(name_en), code)
        self.capabilities: dict[str, str] = {}
        for key, name_de, name_en, synonyms in Capability.objects.values_list(
            "key", "name_de", "name_en", "synonyms"
        ):
            for word in [name_de, name_en, *synonyms.split(",")]:
                if word.strip():
                    self.capabilities.setdefault(fold(word.strip()), key)
        self._places: dict[tuple[str, str], Any] = {}
        try:
            from . import geocoding
        except ImportError:  # the reference data's geocoder is not installed in this build
            self.geocode: Callable[..., Any] | None = None
        else:
            self.geocode = geocoding.geocode

    @staticmethod
    def cert_key(text: str) -> str:
        key = re.sub(r"[^0-9a-z]", "", fold(text))
        return re.sub(r"^(din)?(en)?(?=iso)", "", key)

    @staticmethod
    def sector_key(text: str) -> str:
        return re.sub(r"[^0-9a-z]", "", fold(text)).lstrip("abcdefghijklmnopqrstu") or fold(text)

    def place(self, city: str, postcode: str) -> Any:
        if self.geocode is None:
            return False  # unknown whether the place exists: no warning
        key = (city.lower(), postcode)
        if key not in self._places:
            try:
                self._places[key] = self.geocode(city=city, postcode=postcode)
            except Exception:  # a geocoder problem must not stop the import
                logger.exception("Geocoding %r %r failed", city, postcode)
                self._places[key] = None
        return self._places[key]


def clean_row(raw: Mapping[str, str], ref: Reference) -> tuple[dict[str, Any], list[dict]]:
    """Check one row's mapped values: (cleaned values, issues with level error/warning)."""
    issues: list[dict] = []

    def error(code: str, **params: Any) -> None:
        issues.append({"level": "error", "code": code, "params": params})

    def warn(code: str, **params: Any) -> None:
        issues.append({"level": "warning", "code": code, "params": params})

    values: dict[str, Any] = {}
    name = " ".join(raw.get("name", "").split())
    if not name:
        error("missing_name")
    elif len(name) > 200:
        error("name_too_long")
    values["name"] = name[:200]
    for field, limit in MAX_LENGTHS.items():
        text = raw.get(field, "").strip()
        if field != "website" and len(text) > limit:
            warn("too_long", field=field, max=limit)
            text = text[:limit]
        values[field] = text
    values["description"] = raw.get("description", "").strip()
    email = raw.get("email", "").strip().removeprefix("mailto:")
    if email:
        try:
            _EMAIL(email)
        except ValidationError:
            error("invalid_email", value=email)
    values["email"] = email
    postcode = raw.get("postcode", "").strip()
    if postcode:
        m = _POSTCODE.match(postcode)
        # Excel drops the leading zero of "01067" when the column holds numbers: four digits
        # not starting with 0 get it back; "0911" is a typo, and no German postcode starts "00".
        digits = m.group(1) if m else ""
        if len(digits) == 4 and not digits.startswith("0"):
            digits = "0" + digits
        if len(digits) != 5 or digits.startswith("00"):
            error("invalid_postcode", value=postcode)
        else:
            postcode = digits
    values["postcode"] = postcode
    website = values["website"]
    if website:
        url = website if re.match(r"^https?://", website, re.I) else f"https://{website}"
        try:
            _URL(url)
            if len(url) > 200:
                raise ValidationError("too long")
        except ValidationError:
            warn("invalid_website", value=website)
            url = ""
        values["website"] = url
    employees_text = raw.get("employees", "").strip()
    values["employees"] = None
    if employees_text:
        m = _NUMBER.match(employees_text)
        if m is None:
            error("employees_not_number", value=employees_text)
        else:
            values["employees"] = int(re.sub(r"[.\s]", "", m.group(1)))
    kind_text = fold(raw.get("kind", "").strip())
    values["kind"] = Organisation.Kind.COMPANY
    if kind_text:
        for kind, words in KIND_WORDS.items():
            if kind_text == kind or any(w in kind_text for w in words):
                values["kind"] = kind
                break
        else:
            warn("unknown_kind", value=raw.get("kind", "").strip())
    certs: list[str] = []
    for item in _SPLIT.split(raw.get("certifications", "").strip()):
        if not item:
            continue
        code = ref.certifications.get(ref.cert_key(item))
        if code is None:
            warn("unknown_certification", value=item)
        elif code not in certs:
            certs.append(code)
    values["certifications"] = certs
    sectors: list[str] = []
    for item in _SPLIT.split(raw.get("sectors", "").strip()):
        if not item:
            continue
        code = ref.sectors.get(ref.sector_key(item)) or ref.sectors.get(fold(item))
        if code is None:
            warn("unknown_sector", value=item)
        elif code not in sectors:
            sectors.append(code)
    values["sectors"] = sectors
    capabilities_text = raw.get("capabilities", "").strip()
    values["capabilities_text"] = capabilities_text
    values["capabilities"] = sorted(
        {
            ref.capabilities[fold(w)]
            for w in _SPLIT.split(capabilities_text)
            if fold(w) in ref.capabilities
        }
    )
    values["place"] = None
    city = values["city"]
    if city or postcode:
        place = ref.place(city, postcode)
        if place is None:
            warn("unknown_place", value=" ".join(p for p in [postcode, city] if p))
        elif place is not False:
            values["place"] = {
                "name": place.name,
                "lat": place.lat,
                "lon": place.lon,
                "region_code": place.region_code,
            }
            if not city:
                values["city"] = place.name
    return values, issues


def _existing_index() -> NameIndex:
    index = NameIndex()
    places: dict[int, tuple[str, str]] = {}
    for org_id, postcode, city in Site.objects.order_by("-is_headquarters").values_list(
        "organisation_id", "postcode", "city"
    ):
        places.setdefault(org_id, (postcode, city))
    for org_id, name, website in Organisation.objects.values_list("id", "name", "website"):
        postcode, city = places.get(org_id, ("", ""))
        index.add(org_id, name, postcode, city, website)
    return index


def analyse(batch: ImportBatch, progress: Progress | None = None) -> dict[str, int]:
    """Check every row of the batch and store the results as ImportRows; return the totals."""
    progress = progress or (lambda done, total, message="": None)
    table = load_table(batch)
    total = len(table.rows)
    progress(0, total, gettext("Loading the directory"))
    ref = Reference()
    existing = _existing_index()
    in_file = NameIndex()
    mapping = {f: i for f, i in batch.mapping.items() if i is not None}
    rows: list[dict[str, Any]] = []
    base = bulk.defaults(ImportRow)
    for n, row in enumerate(table.rows, start=1):
        raw = {
            field: row.values[index] for field, index in mapping.items() if index < len(row.values)
        }
        values, issues = clean_row(raw, ref)
        for issue in row.errors:
            level = "error" if issue.code == "formula_without_value" else "warning"
            issues.append({"level": level, "code": issue.code, "params": issue.params})
        item = {
            **base,
            "batch_id": batch.pk,
            "number": row.number,
            "values": values,
            "issues": issues,
            "match_reasons": [],
        }
        if any(i["level"] == "error" for i in issues):
            item["status"] = ImportRow.Status.REJECTED
        else:
            place = values.get("place") or {}
            city = values["city"] or place.get("name", "")
            matches = existing.match(
                values["name"],
                values["postcode"],
                city,
                values["website"],
                min_score=POSSIBLE_SCORE,
                limit=1,
            )
            earlier = in_file.match(
                values["name"],
                values["postcode"],
                city,
                values["website"],
                min_score=DUPLICATE_SCORE,
                limit=1,
            )
            if matches:
                item["status"] = ImportRow.Status.DUPLICATE
                item["match_id"] = matches[0].id
                item["match_score"] = matches[0].score
                item["match_reasons"] = list(matches[0].reasons)
                item["decision"] = (
                    ImportRow.Decision.MERGE
                    if matches[0].score >= DUPLICATE_SCORE
                    else ImportRow.Decision.CREATE
                )
            elif earlier:
                item["status"] = ImportRow.Status.FILE_DUPLICATE
                item["duplicate_of_row"] = earlier[0].id
                item["match_score"] = earlier[0].score
                item["match_reasons"] = list(earlier[0].reasons)
                item["decision"] = ImportRow.Decision.SKIP
            else:
                item["status"] = ImportRow.Status.NEW
                item["decision"] = ImportRow.Decision.CREATE
            in_file.add(row.number, values["name"], values["postcode"], city, values["website"])
        rows.append(item)
        if n % 1000 == 0:
            progress(n, total, gettext("Checking rows"))
    progress(total, total, gettext("Saving the preview"))
    with transaction.atomic():
        batch.rows.all().delete()
        bulk.insert(ImportRow, rows)
        totals = row_totals(batch)
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.ANALYSED,
            report={"totals": totals},
        )
    return totals


def row_totals(batch: ImportBatch) -> dict[str, int]:
    counts = dict(
        batch.rows.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    totals = {status: counts.get(status, 0) for status in ImportRow.Status.values}
    totals["total"] = sum(counts.values())
    return totals


# --- 3. decisions ------------------------------------------------------------------------------

ALLOWED_DECISIONS = {
    ImportRow.Status.NEW: {ImportRow.Decision.CREATE, ImportRow.Decision.SKIP},
    ImportRow.Status.DUPLICATE: set(ImportRow.Decision.values),
    ImportRow.Status.FILE_DUPLICATE: {ImportRow.Decision.CREATE, ImportRow.Decision.SKIP},
    ImportRow.Status.REJECTED: set(),
}


@transaction.atomic
def do_set_decisions(batch: ImportBatch, decisions: Mapping[int, str]) -> int:
    """Record merge / create / skip for rows of the batch (by ImportRow id); return how many."""
    batch = _locked(batch)
    # After a failed import the decisions can change (e.g. "create" for a row whose merge target
    # was deleted meanwhile): the failure wrote nothing.
    if batch.status not in {ImportBatch.Status.ANALYSED, ImportBatch.Status.FAILED}:
        raise ValidationError(gettext("This import has already been started."))
    rows = {r.pk: r for r in batch.rows.filter(pk__in=list(decisions))}
    changed = []
    for pk, decision in decisions.items():
        row = rows.get(pk)
        if row is None:
            continue
        if decision not in ALLOWED_DECISIONS[row.status]:
            raise ValidationError(
                gettext("Row %(row)s cannot be handled like that.") % {"row": row.number}
            )
        if row.decision != decision:
            row.decision = decision
            changed.append(row)
    ImportRow.objects.bulk_update(changed, ["decision"])
    return len(changed)


# --- 4. commit ---------------------------------------------------------------------------------


@transaction.atomic
def do_commit(batch: ImportBatch, user: Any) -> Any:
    """Queue the import of the batch, once; returns the Job. A second call is refused."""
    locked = _locked(batch)
    if locked.status in {
        ImportBatch.Status.QUEUED,
        ImportBatch.Status.RUNNING,
        ImportBatch.Status.DONE,
    }:
        raise ValidationError(
            gettext("This list has already been imported or is being imported."),
            code="already_committed",
        )
    if locked.status not in {ImportBatch.Status.ANALYSED, ImportBatch.Status.FAILED}:
        raise ValidationError(gettext("Please check the rows before importing."))
    locked.status = ImportBatch.Status.QUEUED
    locked.save(update_fields=["status"])
    from werkstatt.jobs.services import enqueue

    job = enqueue(
        "network.import",
        {"batch_id": locked.pk},
        user=user,
        title=gettext("Importing “%(name)s”") % {"name": locked.original_name},
    )
    ImportBatch.objects.filter(pk=locked.pk).update(job_id=job.pk)
    return job


class CommitError(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def _size_for(employees: int | None) -> str:
    if employees is None:
        return ""
    if employees < 10:
        return Organisation.Size.MICRO
    if employees < 50:
        return Organisation.Size.SMALL
    if employees < 250:
        return Organisation.Size.MEDIUM
    return Organisation.Size.LARGE


class _Slugs:
    def __init__(self) -> None:
        self.taken = set(Organisation.objects.values_list("slug", flat=True))

        # base -> the last number tried: a list with 2,000 "Müller GmbH" rows would otherwise
        # try "mueller-gmbh-2", "-3", … again for every one of them.
        self._last: dict[str, int] = {}

    def make(self, name: str) -> str:
        base = slugify(fold(name))[:200] or "organisation"
        slug, n = base, self._last.get(base, 1)
        while slug in self.taken:
            n += 1
            slug = f"{base}-{n}"
        self._last[base] = n
        self.taken.add(slug)
        return slug


def run_import(
    batch_id: int, progress: Progress | None = None, *, job_id: int | None = None
) -> dict[str, Any]:
    """Import a queued batch all-or-nothing; return the report. Runs in the job `job_id`.

    A batch that is not queued (already imported, or being imported by another worker) is left
    alone, so a job that runs twice imports once. A batch still "running" under this same job
    is one whose worker died (the job was queued again, see jobs.services.requeue_stale): its
    transaction was rolled back, so the import starts again from the beginning. Should the
    earlier worker still be alive, the write that opens the transaction waits for its lock
    (the batch row on PostgreSQL, the database on SQLite) and then finds the batch done. A
    batch done under this job gets its search index written again (the worker may have died
    after the commit, before the index).
    """
    progress = progress or (lambda done, total, message="": None)
    claimable = Q(status=ImportBatch.Status.QUEUED)
    if job_id is not None:
        claimable |= Q(status=ImportBatch.Status.RUNNING, job_id=job_id)
    claimed = (
        ImportBatch.objects.filter(claimable, pk=batch_id)
        .exclude(status=ImportBatch.Status.DONE)
        .update(status=ImportBatch.Status.RUNNING)
    )
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    if not claimed:
        if (
            job_id is not None
            and batch.job_id == job_id
            and batch.status == ImportBatch.Status.DONE
        ):
            ids = _imported_ids(batch)
            _reindex(batch_id, ids, progress)
            return {
                "batch": batch_id,
                "skipped": True,
                "status": batch.status,
                "reindexed": len(ids),
            }
        return {"batch": batch_id, "skipped": True, "status": batch.status}
    try:
        with transaction.atomic():
            # The first write holds the batch for this transaction (see the docstring).
            held = ImportBatch.objects.filter(
                pk=batch_id, status=ImportBatch.Status.RUNNING
            ).update(status=ImportBatch.Status.RUNNING)
            if not held:  # finished by an earlier worker meanwhile
                batch.refresh_from_db()
                return {"batch": batch_id, "skipped": True, "status": batch.status}
            report = _import_rows(batch, progress)
    except CommitError as exc:
        return _fail(batch, describe(exc.code, exc.params))
    except ValidationError as exc:
        return _fail(batch, " ".join(exc.messages))
    except Exception as exc:
        logger.exception("Import %s failed", batch_id)
        return _fail(batch, describe("database_error", {"error": type(exc).__name__}))
    _reindex(batch_id, report.pop("_ids"), progress)
    return report


def _imported_ids(batch: ImportBatch) -> list[int]:
    return sorted(
        set(batch.rows.filter(organisation__isnull=False).values_list("organisation_id", flat=True))
    )


def _reindex(batch_id: int, ids: list[int], progress: Progress) -> None:
    try:
        from . import search_index
    except ImportError:  # the search index is not installed in this build
        return
    try:
        message = gettext("Updating the search index")
        search_index.reindex(ids, progress=lambda done, total: progress(done, total, message))
    except Exception:  # the import stands; the index can be rebuilt with reindex_all
        logger.exception("Reindexing after import %s failed", batch_id)


def _fail(batch: ImportBatch, message: str) -> dict[str, Any]:
    from werkstatt.jobs.registry import JobError

    # Never over a batch that another worker has imported meanwhile.
    ImportBatch.objects.filter(pk=batch.pk).exclude(status=ImportBatch.Status.DONE).update(
        status=ImportBatch.Status.FAILED,
        report={**batch.report, "error": message, "committed": None},
    )
    raise JobError(message)


def _new_organisation(values: Mapping[str, Any], slugs: _Slugs, regions: dict) -> Organisation:
    place = values.get("place") or {}
    return Organisation(
        name=values["name"],
        slug=slugs.make(values["name"]),
        name_key=name_key(values["name"]),
        kind=values.get("kind") or Organisation.Kind.COMPANY,
        employees=values.get("employees"),
        size=_size_for(values.get("employees")),
        description=values.get("description", ""),
        capabilities_text=values.get("capabilities_text", ""),
        website=values.get("website", ""),
        email=values.get("email", ""),
        phone=values.get("phone", ""),
        region_id=regions.get(place.get("region_code")),
        lat=place.get("lat"),
        lon=place.get("lon"),
    )


def _new_site(org_id: int, values: Mapping[str, Any], regions: dict) -> dict[str, Any] | None:
    """The columns of the headquarters Site of a row (None without a place)."""
    place = values.get("place") or {}
    city = values.get("city") or place.get("name", "")
    if not city:
        return None
    return {
        "organisation_id": org_id,
        "street": values.get("street", ""),
        "postcode": values.get("postcode", ""),
        "city": city,
        "region_id": regions.get(place.get("region_code")),
        "lat": place.get("lat"),
        "lon": place.get("lon"),
        "is_headquarters": True,
    }


def _collect_links(
    links: dict[str, list],
    org_id: int,
    values: Mapping[str, Any],
    cert_ids: dict,
    sector_ids: dict,
    capability_ids: dict,
) -> None:
    for code in values.get("certifications", []):
        if code in cert_ids:
            links["certifications"].append((org_id, cert_ids[code]))
    for code in values.get("sectors", []):
        if code in sector_ids:
            links["sectors"].append((org_id, sector_ids[code]))
    for key in values.get("capabilities", []):
        if key in capability_ids:
            links["capabilities"].append((org_id, capability_ids[key]))


def _import_rows(batch: ImportBatch, progress: Progress) -> dict[str, Any]:
    """Create and merge the rows of `batch`; the caller holds the transaction.

    Everything is written in bulk (services.bulk) with a fixed number of queries per thousand
    rows, whether the list has 50 rows or 50,000, and whether its rows are new organisations
    or members the directory already has.
    """
    user = batch.created_by
    context = _Commit(
        user_id=user.pk if user else None,
        reason=gettext("Import of “%(name)s”") % {"name": batch.original_name},
        now=timezone.now(),
    )
    rows = list(
        batch.rows.order_by("number").values_list(
            "pk", "number", "status", "decision", "values", "match_id"
        )
    )
    total = len(rows)
    progress(0, total, gettext("Importing"))
    counts = dict.fromkeys(ImportRow.Result.values, 0)
    results: dict[int, tuple[str, int | None]] = {}
    creates: list[tuple[int, int, dict[str, Any]]] = []
    merges: list[tuple[int, int, dict[str, Any], int]] = []
    for pk, number, status, decision, values, match_id in rows:
        if status == ImportRow.Status.REJECTED:
            results[pk] = (ImportRow.Result.REJECTED, None)
        elif decision == ImportRow.Decision.SKIP:
            results[pk] = (ImportRow.Result.SKIPPED, None)
        elif decision == ImportRow.Decision.MERGE:
            if match_id is None:
                raise CommitError("merge_target_missing", row=number)
            merges.append((pk, number, values, match_id))
        else:
            creates.append((pk, number, values))
    created_ids = _create_all(creates, context, results, progress, total)
    merged_ids = _merge_all(merges, context, results)
    progress(total, total, gettext("Saving the report"))
    bulk.update(
        ImportRow,
        [{"pk": pk, "result": r, "organisation_id": org} for pk, (r, org) in results.items()],
    )
    for result, _org in results.values():
        counts[result] += 1
    progress(total, total, gettext("Done"))
    report = {
        **batch.report,
        "counts": counts,
        "committed": timezone.now().isoformat(),
        "error": "",
    }
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.DONE, report=report, committed=timezone.now()
    )
    return {**report, "batch": batch.pk, "_ids": created_ids + merged_ids}


class _Commit:
    """What every write of one commit shares: who, why, when, and the reference data's ids."""

    def __init__(self, user_id: int | None, reason: str, now: Any) -> None:
        self.user_id = user_id
        self.reason = reason
        self.now = now
        self.regions = dict(Region.objects.values_list("code", "id"))
        self.cert_ids = dict(Certification.objects.values_list("code", "id"))
        self.sector_ids = dict(Sector.objects.values_list("code", "id"))
        self.capability_ids = dict(Capability.objects.values_list("key", "id"))

    def history(self, model: Any, rows: list[dict[str, Any]], kind: str) -> list[int]:
        return bulk.insert_history(
            model,
            rows,
            history_type=kind,
            user_id=self.user_id,
            reason=self.reason,
            date=self.now,
        )

    def links(self, org_id: int, values: Mapping[str, Any]) -> dict[str, list[tuple[int, int]]]:
        links: dict[str, list[tuple[int, int]]] = {f: [] for f in LINK_FIELDS}
        _collect_links(links, org_id, values, self.cert_ids, self.sector_ids, self.capability_ids)
        return links


# many-to-many field -> the column of its target in the through table
LINK_FIELDS = {
    "certifications": "certification_id",
    "sectors": "sector_id",
    "capabilities": "capability_id",
}
HISTORY_M2M_FIELDS = ("capabilities", "certifications", "materials", "sectors")


def _insert_links(links: Mapping[str, list[tuple[int, int]]]) -> None:
    for field, pairs in links.items():
        through = getattr(Organisation, field).through
        column = LINK_FIELDS[field]
        bulk.insert(through, [{"organisation_id": o, column: t} for o, t in pairs])


def _insert_with_history(model: Any, rows: list[dict[str, Any]], context: _Commit) -> None:
    """Insert new rows of Site or ContactPerson (their columns without the defaults) and their
    "+" history records."""
    base = bulk.defaults(model)
    rows = [{**base, **row} for row in rows]
    for row, pk in zip(rows, bulk.insert(model, rows, returning=True), strict=True):
        row["id"] = pk
    context.history(model, rows, "+")


def _create_all(
    creates: list[tuple[int, int, dict[str, Any]]],
    context: _Commit,
    results: dict[int, tuple[str, int | None]],
    progress: Progress,
    total: int,
) -> list[int]:
    slugs = _Slugs()
    org_rows: list[dict[str, Any]] = []
    for n, (_pk, number, values) in enumerate(creates, start=1):
        org = _new_organisation(values, slugs, context.regions)
        try:
            # slug and region are made here from known values; checking them would cost
            # a query per row.
            org.clean_fields(exclude=["slug", "region"])
        except ValidationError as exc:
            raise CommitError(
                "invalid_at_commit", row=number, error=" ".join(exc.messages)
            ) from exc
        org.created = org.updated = context.now
        row = bulk.model_row(org)
        del row["id"]
        org_rows.append(row)
        if n % 5000 == 0:
            progress(n, total, gettext("Checking the organisations"))
    progress(len(creates), total, gettext("Creating the organisations"))
    ids = bulk.insert(Organisation, org_rows, returning=True)
    for row, pk in zip(org_rows, ids, strict=True):
        row["id"] = pk
    context.history(Organisation, org_rows, "+")
    sites, contacts = [], []
    links: dict[str, list[tuple[int, int]]] = {f: [] for f in LINK_FIELDS}
    for (pk, _number, values), org_id in zip(creates, ids, strict=True):
        results[pk] = (ImportRow.Result.CREATED, org_id)
        site = _new_site(org_id, values, context.regions)
        if site is not None:
            sites.append(site)
        if values.get("contact"):
            contacts.append({"organisation_id": org_id, "name": values["contact"]})
        for field, pairs in context.links(org_id, values).items():
            links[field].extend(pairs)
    _insert_with_history(Site, sites, context)
    _insert_with_history(ContactPerson, contacts, context)
    _insert_links(links)
    return ids


MERGE_FIELDS = ("description", "capabilities_text", "website", "email", "phone")


def _merge_all(
    merges: list[tuple[int, int, dict[str, Any], int]],
    context: _Commit,
    results: dict[int, tuple[str, int | None]],
) -> list[int]:
    """Fill the empty fields of the organisations the rows merge into; never overwrite.

    The rows are applied in file order, so two rows merging into the same organisation behave
    as two merges one after the other. One historical record per changed organisation holds
    all of its changes, with its many-to-many links as they are afterwards.
    """
    if not merges:
        return []
    target_ids = sorted({match_id for *_rest, match_id in merges})
    orgs: dict[int, Organisation] = {}
    for start in range(0, len(target_ids), 900):
        chunk = target_ids[start : start + 900]
        orgs.update(Organisation.objects.select_for_update().in_bulk(chunk))
    with_site = _existing(Site, "organisation_id", target_ids)
    contacts = {
        (org_id, name.lower())
        for org_id, name in _values(ContactPerson, ("organisation_id", "name"), target_ids)
    }
    existing_links = {
        field: set(
            _values(getattr(Organisation, field).through, ("organisation_id", column), target_ids)
        )
        for field, column in LINK_FIELDS.items()
    }
    changed: dict[int, set[str]] = {}
    new_links: dict[str, list[tuple[int, int]]] = {f: [] for f in LINK_FIELDS}
    sites: list[dict[str, Any]] = []
    new_contacts: list[dict[str, Any]] = []
    for pk, number, values, match_id in merges:
        org = orgs.get(match_id)
        if org is None:  # deleted after the preview (the row's link was not cleared yet)
            raise CommitError("merge_target_missing", row=number)
        fields = changed.setdefault(org.pk, set())
        for field in MERGE_FIELDS:
            if not getattr(org, field) and values.get(field):
                setattr(org, field, values[field])
                fields.add(field)
        if org.employees is None and values.get("employees") is not None:
            org.employees = values["employees"]
            fields.add("employees")
        if not org.size and _size_for(values.get("employees")):
            org.size = _size_for(values.get("employees"))
            fields.add("size")
        if org.pk not in with_site:
            site = _new_site(org.pk, values, context.regions)
            if site is not None:
                sites.append(site)
                with_site.add(org.pk)
                if org.lat is None:
                    org.lat, org.lon = site["lat"], site["lon"]
                    org.region_id = site["region_id"]
                    fields.update({"lat", "lon", "region_id"})
        for field, pairs in context.links(org.pk, values).items():
            for pair in pairs:
                if pair not in existing_links[field]:
                    existing_links[field].add(pair)
                    new_links[field].append(pair)
                    fields.add(field)
        contact = values.get("contact")
        if contact and (org.pk, contact.lower()) not in contacts:
            contacts.add((org.pk, contact.lower()))
            new_contacts.append({"organisation_id": org.pk, "name": contact})
        if fields:
            try:
                org.clean_fields(exclude=["slug", "region"])
            except ValidationError as exc:
                raise CommitError(
                    "invalid_at_commit", row=number, error=" ".join(exc.messages)
                ) from exc
        results[pk] = (ImportRow.Result.MERGED, org.pk)
    changed_orgs = [orgs[pk] for pk, fields in changed.items() if fields]
    columns = ("employees", "size", "lat", "lon", "region_id", *MERGE_FIELDS)
    for org in changed_orgs:
        org.updated = context.now
    bulk.update(
        Organisation,
        [
            {"pk": o.pk, "updated": o.updated, **{c: getattr(o, c) for c in columns}}
            for o in changed_orgs
        ],
    )
    _insert_links(new_links)
    history_ids = context.history(Organisation, [bulk.model_row(o) for o in changed_orgs], "~")
    _history_links([o.pk for o in changed_orgs], history_ids)
    _insert_with_history(Site, sites, context)
    _insert_with_history(ContactPerson, new_contacts, context)
    return target_ids


def _values(model: Any, columns: tuple[str, str], org_ids: list[int]) -> Iterator[tuple]:
    for start in range(0, len(org_ids), 900):
        chunk = org_ids[start : start + 900]
        yield from model.objects.filter(organisation_id__in=chunk).values_list(*columns)


def _existing(model: Any, column: str, org_ids: list[int]) -> set[int]:
    return {
        org_id
        for start in range(0, len(org_ids), 900)
        for org_id in model.objects.filter(
            organisation_id__in=org_ids[start : start + 900]
        ).values_list(column, flat=True)
    }


def _history_links(org_ids: list[int], history_ids: list[int]) -> None:
    """The many-to-many part of historical records, as django-simple-history keeps it:
    each record gets a copy of the organisation's link rows at that moment."""
    from simple_history.models import HistoricalRecords

    history_of = dict(zip(org_ids, history_ids, strict=True))
    for name in HISTORY_M2M_FIELDS:
        field = Organisation._meta.get_field(name)
        through = field.remote_field.through
        target = field.m2m_reverse_name()
        history_model = HistoricalRecords.m2m_models[field]
        rows = [
            {"id": pk, "organisation_id": org, target: target_id, "history_id": history_of[org]}
            for pk, org, target_id in _values_with_pk(through, target, org_ids)
        ]
        bulk.insert(history_model, rows)


def _values_with_pk(through: Any, target: str, org_ids: list[int]) -> Iterator[tuple]:
    for start in range(0, len(org_ids), 900):
        chunk = org_ids[start : start + 900]
        yield from through.objects.filter(organisation_id__in=chunk).values_list(
            "pk", "organisation_id", target
        )


# --- 5. report ---------------------------------------------------------------------------------


def batches_for(user: Any):  # -> QuerySet[ImportBatch]
    qs = ImportBatch.objects.all() if user.is_superuser else user.import_batches.all()
    return qs.select_related("created_by").order_by("-created")


def rows_for(batch: ImportBatch, status: str = ""):  # -> QuerySet[ImportRow]
    rows = batch.rows.select_related("match", "organisation").order_by("number")
    if status in ImportRow.Status.values:
        rows = rows.filter(status=status)
    elif status in ImportRow.Result.values:
        rows = rows.filter(result=status)
    elif status == "warnings":
        rows = rows.filter(~Q(issues=[]))
    return rows


def row_reason(row: ImportRow) -> str:
    """Why a row ended as it did, in one line."""
    parts = describe_issues(row.issues)
    if row.status == ImportRow.Status.DUPLICATE and row.match is not None:
        parts.insert(
            0,
            gettext("Duplicate of “%(name)s” (%(score)s %%, %(reasons)s).")
            % {
                "name": row.match.name,
                "score": round(row.match_score or 0),
                "reasons": describe_reasons(row.match_reasons),
            },
        )
    elif row.status == ImportRow.Status.FILE_DUPLICATE:
        parts.insert(
            0, gettext("Duplicate of row %(row)s of the file.") % {"row": row.duplicate_of_row}
        )
    return " ".join(parts)


def report_csv(batch: ImportBatch) -> Iterator[str]:
    """The per-row report as CSV (semicolon, for German Excel), line by line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(
        [
            gettext("Row"),
            gettext("Name"),
            gettext("Check"),
            gettext("Result"),
            gettext("Organisation"),
            gettext("Reasons"),
        ]
    )
    yield "\ufeff" + flush()
    results = dict(ImportRow.Result.choices)
    statuses = dict(ImportRow.Status.choices)
    for row in rows_for(batch).iterator(chunk_size=2000):
        writer.writerow(
            [
                row.number,
                row.values.get("name", ""),
                str(statuses.get(row.status, row.status)),
                str(results.get(row.result, row.result)),
                row.organisation.name if row.organisation else "",
                row_reason(row),
            ]
        )
        yield flush()


def import_result_url(batch: ImportBatch) -> str:
    return reverse("network:import_report", args=[batch.pk])


def preview_url(batch: ImportBatch) -> str:
    return reverse("network:import_preview", args=[batch.pk])
