"""Attachments: PDF and images only, recognised by their bytes, never by their name.

The recognition is the shared one of werkstatt/uploads.py (the supply network takes drawings
through it too); this module keeps strategy's kinds, limit and message.
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from werkstatt import uploads

MAX_SIZE = 10 * 1024 * 1024
MAX_PER_RECOMMENDATION = 5
KINDS = (uploads.PDF, uploads.PNG, uploads.JPEG, uploads.GIF, uploads.WEBP)


def sniff(head: bytes) -> tuple[str, str] | None:
    """The content type and extension the bytes say, or None if not a PDF or image we take."""
    kind = uploads.sniff(head, KINDS)
    return (kind.content_type, kind.extensions[0]) if kind else None


def check_upload(upload: UploadedFile) -> tuple[str, str]:
    """Refuse empty, too large, and non-PDF/image files; return (content type, safe name)."""
    checked = uploads.check_upload(
        upload,
        kinds=KINDS,
        max_size=MAX_SIZE,
        wrong_type=_(
            "The file “%(name)s” is not a PDF or an image (PNG, JPEG, GIF, WebP). "
            "Its content decides, not its name."
        ),
    )
    # The displayed name keeps the person's name with the right extension; the stored one is
    # unique so that nobody can overwrite or guess another file.
    return checked.content_type, f"{checked.shown_name}|{checked.stored_name}"
