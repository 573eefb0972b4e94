"""Uploaded files, for every app: recognised by their bytes (never by their name), stored under
names of our own, served only through views that check permissions.

    from werkstatt import uploads
    checked = uploads.check_upload(upload, kinds=(uploads.PDF, uploads.PNG), max_size=10 << 20)
    attachment.file.save(checked.stored_name, upload)  # FileField(storage=private_storage)
    return uploads.download_response(attachment.file, attachment.content_type, attachment.name)

`check_upload` refuses empty and too large files and those whose first bytes are none of the
kinds asked for; a ZIP must also be a whole archive. The displayed name keeps the person's
file name with an extension the kind allows; the stored one is random, so nobody overwrites or
guesses another file. `private_storage` keeps files outside MEDIA_ROOT (which DEBUG serves at
MEDIA_URL): next to it, in "private-media", with no URL at all.

(The strategy app's attachments started this; strategy/services/attachments.py now uses it.)
"""

from __future__ import annotations

import os
import re
import uuid
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

# How many bytes of the start of a file the kinds look at.
HEAD_BYTES = 1024

_BOM = b"\xef\xbb\xbf"
# ASCII DXF: group code 0 then SECTION, optionally after a 999 comment (blanks allowed).
_DXF_ASCII = re.compile(rb"\A\s*(?:999\r?\n[^\r\n]*\r?\n\s*)?0\r?\nSECTION\r?\n")


@dataclass(frozen=True)
class FileKind:
    """A kind of file we take: its content type, the extensions a name may keep (the first is
    given to names without one of them), a test of its first bytes, and a short label."""

    key: str
    content_type: str
    extensions: tuple[str, ...]
    matches: Callable[[bytes], bool]
    label: str
    whole_file: Callable[[Any], bool] | None = None  # a further check of the whole file


def _strip(head: bytes) -> bytes:
    return head[len(_BOM) :] if head.startswith(_BOM) else head


def _is_zip(handle: Any) -> bool:
    try:
        return zipfile.is_zipfile(handle)
    finally:
        handle.seek(0)


PDF = FileKind("pdf", "application/pdf", ("pdf",), lambda b: b.startswith(b"%PDF-"), "PDF")
PNG = FileKind("png", "image/png", ("png",), lambda b: b.startswith(b"\x89PNG\r\n\x1a\n"), "PNG")
JPEG = FileKind(
    "jpeg", "image/jpeg", ("jpg", "jpeg"), lambda b: b.startswith(b"\xff\xd8\xff"), "JPEG"
)
GIF = FileKind("gif", "image/gif", ("gif",), lambda b: b[:6] in (b"GIF87a", b"GIF89a"), "GIF")
WEBP = FileKind(
    "webp", "image/webp", ("webp",), lambda b: b[:4] == b"RIFF" and b[8:12] == b"WEBP", "WebP"
)
DXF = FileKind(
    "dxf",
    "image/vnd.dxf",
    ("dxf",),
    lambda b: (
        b.startswith(b"AutoCAD Binary DXF\r\n\x1a\x00") or _DXF_ASCII.match(_strip(b)) is not None
    ),
    "DXF",
)
STEP = FileKind(
    "step",
    "model/step",
    ("step", "stp"),
    lambda b: _strip(b).lstrip().startswith(b"ISO-10303-21;"),
    "STEP",
)
ZIP = FileKind(
    "zip",
    "application/zip",
    ("zip",),
    lambda b: b[:4] in (b"PK\x03\x04", b"PK\x05\x06"),
    "ZIP",
    whole_file=_is_zip,
)
IMAGES = (PNG, JPEG, GIF, WEBP)
ALL_KINDS = (PDF, *IMAGES, DXF, STEP, ZIP)


def sniff(head: bytes, kinds: Sequence[FileKind] = ALL_KINDS) -> FileKind | None:
    """The kind the first bytes say, among `kinds`, or None."""
    for kind in kinds:
        if kind.matches(head):
            return kind
    return None


def kinds_label(kinds: Sequence[FileKind]) -> str:
    """ "PDF, PNG, JPEG, …" for messages."""
    return ", ".join(kind.label for kind in kinds)


@dataclass(frozen=True)
class CheckedUpload:
    kind: FileKind
    shown_name: str  # the person's name, with an extension the kind allows
    stored_name: str  # random, with the kind's extension

    @property
    def content_type(self) -> str:
        return self.kind.content_type


def check_upload(
    upload: UploadedFile,
    *,
    kinds: Sequence[FileKind] = ALL_KINDS,
    max_size: int,
    wrong_type: str | None = None,
) -> CheckedUpload:
    """Refuse empty, too large and unrecognised files (ValidationError with the file's name);
    `wrong_type` is the message for the last, with %(name)s (default: names the kinds)."""
    if not upload.size:
        raise ValidationError(
            _("The file “%(name)s” is empty.") % {"name": upload.name}, code="empty"
        )
    if upload.size > max_size:
        raise ValidationError(
            _("The file “%(name)s” is %(size)s; at most %(max)s are allowed.")
            % {
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "max": filesizeformat(max_size),
            },
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = sniff(head, kinds)
    if kind is not None and kind.whole_file is not None and not kind.whole_file(upload):
        kind = None
    if kind is None:
        message = wrong_type or _(
            "The file “%(name)s” is not one of the kinds we take (%(kinds)s). "
            "Its content decides, not its name."
        )
        raise ValidationError(
            message % {"name": upload.name, "kinds": kinds_label(kinds)}, code="wrong_type"
        )
    stem, extension = os.path.splitext(get_valid_filename(os.path.basename(upload.name or "")))
    extension = extension.lower().lstrip(".")
    if extension not in kind.extensions:
        extension = kind.extensions[0]
    stem = (stem or _("attachment"))[:80]
    return CheckedUpload(kind, f"{stem}.{extension}", f"{uuid.uuid4().hex}.{kind.extensions[0]}")


def private_root() -> Path:
    """Where private uploads live: "private-media" next to MEDIA_ROOT (never served)."""
    configured = getattr(settings, "PRIVATE_MEDIA_ROOT", None)
    return Path(configured) if configured else Path(settings.MEDIA_ROOT).parent / "private-media"


@deconstructible(path="werkstatt.uploads.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """Files without a URL, below private_root() (follows changes of MEDIA_ROOT, e.g. in tests)."""

    @cached_property
    def base_location(self) -> str:
        return str(private_root())

    def _clear_cached_properties(self, setting: str, **kwargs: Any) -> None:
        super()._clear_cached_properties(setting, **kwargs)
        if setting in ("MEDIA_ROOT", "PRIVATE_MEDIA_ROOT"):
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL; serve them through a view.")


private_storage = PrivateStorage()


def download_response(field_file: Any, content_type: str, name: str) -> FileResponse:
    """The file for a permission-checked view: images inline, everything else as a download,
    never sniffed by the browser. 404 if the file is gone."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=not content_type.startswith("image/") or content_type == DXF.content_type,
        filename=name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def accept_attribute(kinds: Sequence[FileKind]) -> str:
    """The file input's `accept` for these kinds (".pdf,.png,…"): a hint for the browser's
    file chooser, never a check."""
    return ",".join(f".{extension}" for kind in kinds for extension in kind.extensions)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; cleans to a list (empty when none was chosen). The checks
    of their content are check_upload's, in the service."""

    accept = accept_attribute(ALL_KINDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": self.accept}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []
