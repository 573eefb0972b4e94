"""werkstatt/uploads.py: files recognised by their bytes, names of our own, private storage."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from werkstatt import uploads

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
DXF_ASCII = b"  0\r\nSECTION\r\n  2\r\nHEADER\r\n  9\r\n$ACADVER\r\n  1\r\nAC1015\r\n"
DXF_COMMENT = b"999\ndxfrw 0.6.3\n  0\nSECTION\n  2\nHEADER\n"
DXF_BINARY = b"AutoCAD Binary DXF\r\n\x1a\x00\x00\x00SECTION"
STEP = b"ISO-10303-21;\nHEADER;\nFILE_DESCRIPTION(('Gestell'),'2;1');\n"


def zipped() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("gestell.step", STEP)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PDF, uploads.PDF),
        (PNG, uploads.PNG),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", uploads.JPEG),
        (DXF_ASCII, uploads.DXF),
        (DXF_COMMENT, uploads.DXF),
        (b"\xef\xbb\xbf" + DXF_ASCII, uploads.DXF),
        (DXF_BINARY, uploads.DXF),
        (STEP, uploads.STEP),
        (b"\xef\xbb\xbf\r\n" + STEP, uploads.STEP),
        (zipped(), uploads.ZIP),
    ],
)
def test_kinds_are_recognised_by_their_first_bytes(data, kind):
    assert uploads.sniff(data[: uploads.HEAD_BYTES]) is kind


@pytest.mark.parametrize(
    "data",
    [
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"MZ\x90\x00\x03\x00",  # a Windows program
        b"SECTION\n0\n",  # not the DXF group structure
        b"HEADER;ISO-10303-21;",
        b"<html><body>",
    ],
)
def test_other_bytes_are_no_kind(data):
    assert uploads.sniff(data) is None


def test_check_upload_keeps_the_name_with_an_allowed_extension():
    checked = uploads.check_upload(
        SimpleUploadedFile("Gestell Rev B.stp", STEP, "application/octet-stream"), max_size=1000
    )
    assert checked.kind is uploads.STEP and checked.content_type == "model/step"
    assert checked.shown_name == "Gestell_Rev_B.stp"
    assert checked.stored_name.endswith(".step") and "Gestell" not in checked.stored_name
    renamed = uploads.check_upload(
        SimpleUploadedFile("../../zeichnung.exe", PDF, "application/x-msdownload"), max_size=1000
    )
    assert renamed.shown_name == "zeichnung.pdf"


def test_check_upload_refuses_empty_large_wrong_and_broken_files():
    with pytest.raises(ValidationError, match="leer.pdf"):
        uploads.check_upload(SimpleUploadedFile("leer.pdf", b""), max_size=1000)
    with pytest.raises(ValidationError, match="gross.pdf"):
        uploads.check_upload(SimpleUploadedFile("gross.pdf", PDF + b"0" * 1000), max_size=1000)
    with pytest.raises(ValidationError, match="bild.png") as exc:
        uploads.check_upload(SimpleUploadedFile("bild.png", b"MZ\x90\x00"), max_size=1000)
    assert exc.value.code == "wrong_type"
    # A ZIP's first bytes alone are not enough: the archive must be whole.
    with pytest.raises(ValidationError, match="kaputt.zip"):
        uploads.check_upload(SimpleUploadedFile("kaputt.zip", zipped()[:40]), max_size=100_000)
    # Kinds not asked for are refused, too.
    with pytest.raises(ValidationError):
        uploads.check_upload(
            SimpleUploadedFile("plan.dxf", DXF_ASCII), kinds=(uploads.PDF,), max_size=1000
        )


def test_private_storage_lives_outside_media_root_and_has_no_url(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    name = uploads.private_storage.save("probe/datei.pdf", ContentFile(PDF))
    path = Path(uploads.private_storage.path(name))
    assert path.is_file()
    assert tmp_path / "private-media" in path.parents
    assert tmp_path / "media" not in path.parents
    with pytest.raises(ValueError):
        uploads.private_storage.url(name)


def test_download_response_is_a_private_download_unless_an_image(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"

    class Field:
        def __init__(self, name):
            self.name = name

        def open(self, mode):
            return uploads.private_storage.open(self.name, mode)

    name = uploads.private_storage.save("probe/plan.pdf", ContentFile(PDF))
    response = uploads.download_response(Field(name), "application/pdf", "plan.pdf")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    image = uploads.download_response(Field(name), "image/png", "foto.png")
    assert image["Content-Disposition"].startswith("inline")
    dxf = uploads.download_response(Field(name), uploads.DXF.content_type, "plan.dxf")
    assert dxf["Content-Disposition"].startswith("attachment")
    with pytest.raises(Http404):
        uploads.download_response(Field("probe/weg.pdf"), "application/pdf", "weg.pdf")
