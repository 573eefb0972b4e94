"""Drawings and documents on demands and inquiries (the shared checks of werkstatt/uploads.py).

A buyer attaches drawings to a demand (PDF, images, DXF, STEP/STP, ZIP); either side attaches
files to an inquiry's messages (the first one is the buyer's inquiry). All files of a request
are checked before anything is written: one bad file refuses them all, with every file's
problem named at once. Who may download is the caller's check (rules: supply.view_attachment).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from werkstatt import uploads

from ..models import Attachment, Demand, InquiryMessage

MAX_SIZE = 25 * 1024 * 1024
MAX_PER_DEMAND = 20
MAX_PER_MESSAGE = 5
KINDS = uploads.ALL_KINDS


def help_text() -> Any:
    return _("Drawings and documents: PDF, images, DXF, STEP/STP or ZIP, at most %(size)s each") % {
        "size": filesizeformat(MAX_SIZE)
    }


Checked = list[tuple[UploadedFile, uploads.CheckedUpload]]


def check_files(files: Sequence[UploadedFile], *, already: int, limit: int) -> Checked:
    """Every file checked (ValidationError {"attachments": [one message per bad file]})."""
    files = list(files)
    if already + len(files) > limit:
        raise ValidationError(
            {"attachments": _("At most %(max)d files can be attached here.") % {"max": limit}}
        )
    checked: Checked = []
    errors: list[ValidationError] = []
    for upload in files:
        try:
            checked.append((upload, uploads.check_upload(upload, kinds=KINDS, max_size=MAX_SIZE)))
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError({"attachments": errors})
    return checked


def store(
    demand: Demand, user: Any, checked: Checked, message: InquiryMessage | None = None
) -> list[Attachment]:
    """Save checked files as attachments of the demand (or of one inquiry message)."""
    saved = []
    for upload, result in checked:
        attachment = Attachment(
            demand=demand,
            message=message,
            name=result.shown_name,
            content_type=result.content_type,
            size=upload.size,
            uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        )
        attachment.file.save(result.stored_name, upload, save=False)
        attachment.save()
        saved.append(attachment)
    return saved


def demand_attachment_count(demand: Demand) -> int:
    return demand.attachments.filter(message__isnull=True).count()


@transaction.atomic
def do_attach_to_demand(
    demand: Demand, user: Any, files: Sequence[UploadedFile]
) -> list[Attachment]:
    """Attach drawings to an open demand."""
    from .demands import check_open

    check_open(demand)
    if not files:
        raise ValidationError({"attachments": _("Please choose at least one file.")})
    checked = check_files(files, already=demand_attachment_count(demand), limit=MAX_PER_DEMAND)
    return store(demand, user, checked)


@transaction.atomic
def do_delete_attachment(attachment: Attachment, user: Any) -> None:
    """Remove a drawing of a demand (messages' files stay: they are the inquiry's history).
    The file is deleted once the deletion commits (models.Attachment's signal)."""
    if attachment.message_id is not None:
        raise ValidationError(_("Files of an inquiry's history cannot be removed."))
    attachment.delete()
