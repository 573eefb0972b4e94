"""The translation pass: list what the German catalogue lacks, and write translations back.

    python scripts/translations.py todo OUT_DIR [--chunk 250]   # JSON files of what needs German
    python scripts/translations.py apply FILE.json [...]        # write the translations in
    python scripts/translations.py english                      # English plurals, no fuzzy

Run `werkstatt makemessages -l de -l en -e html,txt,py --no-location` in src/werkstatt first.
`todo` writes entries that have no German or are fuzzy as a list of objects
{"msgctxt", "msgid", "msgid_plural", "de": "" or ["", ""]} per file; fill in "de" (a string,
or a list of two strings for plural forms) and give the files to `apply`, which sets the msgstr,
removes the fuzzy flag and the previous-msgid comments, and leaves everything else as it was.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

LOCALE = Path(__file__).resolve().parent.parent / "src/werkstatt/locale"
PO = LOCALE / "de/LC_MESSAGES/django.po"
_ESC = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    text = text.strip()
    return re.sub(r"\\(.)", lambda m: _ESC.get(m.group(1), m.group(1)), text[1:-1])


def _quote(text: str) -> str:
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    lines = body.split("\n")
    if len(lines) == 1:
        return f'"{body}"'
    parts = [line + "\\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    return '""\n' + "\n".join(f'"{p}"' for p in parts)


def blocks(text: str) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line.strip():
            out[-1].append(line)
        elif out[-1]:
            out.append([])
    return [b for b in out if b]


def parse(block: list[str]) -> dict:
    entry: dict = {
        "flags": set(),
        "msgstr": {},
        "msgctxt": None,
        "msgid": None,
        "msgid_plural": None,
    }
    target = None
    for line in block:
        if line.startswith("#~"):
            return {}
        if line.startswith("#,"):
            entry["flags"] |= {f.strip() for f in line[2:].split(",") if f.strip()}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if target[0] == "msgstr":
                entry["msgstr"][target[1]] += _unquote(line)
            else:
                entry[target[0]] += _unquote(line)
        else:
            m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
            key, index, value = m.group(1), m.group(2), _unquote(m.group(3))
            if key.startswith("msgstr"):
                target = ("msgstr", int(index or 0))
                entry["msgstr"][target[1]] = value
            else:
                target = (key, 0)
                entry[key] = value
    return entry


def todo(out_dir: Path, chunk: int) -> None:
    items = []
    for block in blocks(PO.read_text(encoding="utf-8")):
        e = parse(block)
        if not e or not e["msgid"]:
            continue
        missing = not all(v.strip() for v in e["msgstr"].values()) or not e["msgstr"]
        if missing or "fuzzy" in e["flags"]:
            items.append(
                {
                    "msgctxt": e["msgctxt"],
                    "msgid": e["msgid"],
                    "msgid_plural": e["msgid_plural"],
                    "de": ["", ""] if e["msgid_plural"] is not None else "",
                }
            )
    out_dir.mkdir(parents=True, exist_ok=True)
    for n in range(0, len(items), chunk):
        path = out_dir / f"todo-{n // chunk + 1:02d}.json"
        path.write_text(json.dumps(items[n : n + chunk], ensure_ascii=False, indent=1))
    print(f"{len(items)} entries need German, in {(len(items) + chunk - 1) // chunk} files")


def english() -> None:
    """The English catalogue: msgids are English; plurals need both forms, nothing fuzzy."""
    global PO
    PO = LOCALE / "en/LC_MESSAGES/django.po"
    items = []
    for block in blocks(PO.read_text(encoding="utf-8")):
        e = parse(block)
        if not e or not e["msgid"]:
            continue
        if e["msgid_plural"] is not None:
            de: object = [e["msgid"], e["msgid_plural"]]
        elif "fuzzy" in e["flags"]:
            de = e["msgid"]
        else:
            continue
        items.append({"msgctxt": e["msgctxt"], "msgid": e["msgid"], "de": de})
    path = Path("/tmp/werkstatt-en-plurals.json")
    path.write_text(json.dumps(items, ensure_ascii=False))
    apply([path])


def apply(files: list[Path]) -> None:
    done = {}
    for path in files:
        for item in json.loads(path.read_text(encoding="utf-8")):
            de = item["de"]
            if (isinstance(de, str) and de.strip()) or (
                isinstance(de, list) and all(s.strip() for s in de)
            ):
                done[(item.get("msgctxt"), item["msgid"])] = de
    text = PO.read_text(encoding="utf-8")
    out_blocks = []
    applied = 0
    for block in blocks(text):
        e = parse(block)
        key = (e.get("msgctxt"), e.get("msgid")) if e else None
        if e and e["msgid"] and key in done:
            de = done[key]
            kept = []
            for line in block:
                if line.startswith("#|"):
                    continue
                if line.startswith("#,"):
                    flags = [f.strip() for f in line[2:].split(",") if f.strip() != "fuzzy"]
                    if flags:
                        kept.append("#, " + ", ".join(f for f in flags if f))
                    continue
                if line.startswith("msgstr") or (kept and kept[-1] == "__msgstr__"):
                    break
                kept.append(line)
            # drop everything from the first msgstr line on; write the new msgstr
            head = []
            for line in kept:
                if line.startswith("msgstr"):
                    break
                head.append(line)
            if isinstance(de, list):
                for i, s in enumerate(de):
                    head.append(f"msgstr[{i}] " + _quote(s))
            else:
                head.append("msgstr " + _quote(de))
            out_blocks.append(head)
            applied += 1
        else:
            out_blocks.append(block)
    PO.write_text("\n\n".join("\n".join(b) for b in out_blocks) + "\n", encoding="utf-8")
    print(f"applied {applied} of {len(done)} translations")


def main() -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("todo")
    t.add_argument("out_dir", type=Path)
    t.add_argument("--chunk", type=int, default=250)
    sub.add_parser("english")
    a = sub.add_parser("apply")
    a.add_argument("files", type=Path, nargs="+")
    args = parser.parse_args()
    if args.command == "todo":
        todo(args.out_dir, args.chunk)
    elif args.command == "english":
        english()
    else:
        apply(args.files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
