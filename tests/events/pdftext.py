"""The text of a PDF written by fpdf2 with embedded TrueType fonts, for assertions.

fpdf2 writes text as 2-byte glyph codes (Identity-H) and gives each font a ToUnicode map;
this reads the maps and decodes the strings of every content stream. Enough for our own
files, not a general PDF parser.
"""

from __future__ import annotations

import re
import zlib

OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
ESCAPES = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}


def _stream(body: bytes) -> bytes:
    match = STREAM.search(body)
    if match is None:
        return b""
    raw = match.group(1)
    return zlib.decompress(raw) if b"/FlateDecode" in body else raw


def _literal(data: bytes, start: int) -> tuple[bytes, int]:
    """The PDF literal string starting after '(' at `start`; returns (bytes, end index)."""
    out = bytearray()
    depth, i = 1, start
    while i < len(data):
        byte = data[i]
        if byte == 0x5C:  # backslash
            nxt = data[i + 1]
            if nxt in ESCAPES:
                out.append(ESCAPES[nxt])
                i += 2
            elif 0x30 <= nxt <= 0x37:
                digits = re.match(rb"[0-7]{1,3}", data[i + 1 : i + 4]).group(0)
                out.append(int(digits, 8))
                i += 1 + len(digits)
            else:
                out.append(nxt)
                i += 2
            continue
        if byte == 0x28:
            depth += 1
        elif byte == 0x29:
            depth -= 1
            if depth == 0:
                return bytes(out), i + 1
        out.append(byte)
        i += 1
    raise ValueError("unterminated string")


def pdf_text(data: bytes) -> str:
    objects = {int(m.group(1)): m.group(2) for m in OBJECT.finditer(data)}
    fonts: dict[bytes, dict[int, str]] = {}
    for body in objects.values():
        for name, ref in re.findall(rb"/(F\d+) (\d+) 0 R", body):
            font = objects.get(int(ref), b"")
            to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", font)
            if to_unicode is None:
                continue
            cmap = _stream(objects[int(to_unicode.group(1))])
            fonts[name] = {
                int(code, 16): chr(int(char, 16))
                for code, char in re.findall(rb"<([0-9A-Fa-f]{4})> <([0-9A-Fa-f]{4})>", cmap)
            }
    contents = [
        int(ref) for body in objects.values() for ref in re.findall(rb"/Contents (\d+) 0 R", body)
    ]
    text: list[str] = []
    for ref in contents:
        stream = _stream(objects[ref])
        font: dict[int, str] = {}
        i = 0
        while i < len(stream):
            if stream[i : i + 2] == b"/F":
                match = re.match(rb"/(F\d+) [\d.]+ Tf", stream[i:])
                if match:
                    font = fonts.get(match.group(1), {})
                    i += match.end()
                    continue
            if stream[i] == 0x28:
                raw, i = _literal(stream, i + 1)
                text.append(
                    "".join(
                        font.get(int.from_bytes(raw[j : j + 2], "big"), "")
                        for j in range(0, len(raw) - 1, 2)
                    )
                )
                continue
            i += 1
        text.append("\n")
    return "".join(text)
