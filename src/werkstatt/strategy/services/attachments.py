"""Attachments: PDF and images only, recognised by their bytes, never by their name."""

from __future__ import annotations

import os
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

MAX_SIZE = 10 * 1024 * 1024
MAX_PER_RECOMMENDATION = 5

# (content type, extension, check of the first bytes)
SIGNATURES: tuple[tuple[str, str, Any], ...] = (
    ("application/pdf", "pdf", lambda b: b.startswith(b"%PDF-")),
    ("image/png", "png", lambda b: b.startswith(b"\x89PNG\r\n\x1a\n")),
    ("image/jpeg", "jpg", lambda b: b.startswith(b"\xff\xd8\xff")),
    ("image/gif", "gif", lambda b: b[:6] in (b"GIF87a", b"GIF89a")),
    ("image/webp", "webp", lambda b: b[:4] == b"RIFF" and b[8:12] == b"WEBP"),
)


def sniff(head: bytes) -> tuple[str, str] | None:
    """The content type and extension the bytes say, or None if not a PDF or image we take."""
    for content_type, extension, matches in SIGNATURES:
        if matches(head):
            return content_type, extension
    return None


def check_upload(upload: UploadedFile) -> tuple[str, str]:
    """Refuse empty, too large, and non-PDF/image files; return (content type, safe name)."""
    if not upload.size:
        raise ValidationError(
            _("The file “%(name)s” is empty.") % {"name": upload.name}, code="empty"
        )
    if upload.size > MAX_SIZE:
        raise ValidationError(
            _("The file “%(name)s” is %(size)s; at most %(max)s are allowed.")
            % {
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "max": filesizeformat(MAX_SIZE),
            },
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    found = sniff(head)
    if found is None:
        raise ValidationError(
            _(
                "The file “%(name)s” is not a PDF or an image (PNG, JPEG, GIF, WebP). "
                "Its content decides, not its name."
            )
            % {"name": upload.name},
            code="wrong_type",
        )
    content_type, extension = found
    stem = os.path.splitext(get_valid_filename(os.path.basename(upload.name or "")))[0]
    stem = (stem or "anhang")[:80]
    # The displayed name keeps the person's name with the right extension; the stored one is
    # unique so that nobody can overwrite or guess another file.
    return content_type, f"{stem}.{extension}|{uuid.uuid4().hex}.{extension}"
