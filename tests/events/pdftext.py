"""The text of a PDF, for assertions: read back by poppler's pdftotext (Debian's poppler-utils,
which `make test` installs through scripts/system-deps.sh), a real PDF reader rather than our
own parsing of what fpdf2 wrote."""

from __future__ import annotations

import shutil
import subprocess

import pytest


def pdf_text(data: bytes) -> str:
    """The text of every page of the PDF `data`, in reading order."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is missing: make test installs it")
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")
