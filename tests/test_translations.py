"""The German and English catalogues: complete, current, with intact placeholders, and used.

German is the interface's first language: every msgid needs a German msgstr and nothing may be
fuzzy (msgfmt leaves fuzzy entries out). English msgids are English already, so the English
catalogue only needs its plural forms; an empty msgstr falls back to the msgid.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

import werkstatt

SOURCE_DIR = Path(werkstatt.__file__).resolve().parent
LOCALE_DIR = SOURCE_DIR / "locale"
LANGUAGES = ("de", "en")
EXTENSIONS = (".py", ".html", ".txt")


# --- a small .po reader (polib is not a dependency) ---------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    def __str__(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file, the header (msgid "") first; obsolete (#~) entries left out."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal entry, target
        if entry is not None and target is not None:
            entries.append(entry)
        entry, target = None, None

    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            finish()
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = Entry(line=number)
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            assert target is not None, f"{path}:{number}: continuation without keyword"
            name, index = target
            if name == "msgstr":
                entry.msgstr[index] += _unquote(line)
            else:
                setattr(entry, name, getattr(entry, name) + _unquote(line))
        else:
            match = _KEYWORD.match(line)
            assert match, f"{path}:{number}: cannot read {line!r}"
            keyword, index, value = match.group(1), match.group(2), _unquote(match.group(3))
            if keyword.startswith("msgstr"):
                target = ("msgstr", int(index or 0))
                entry.msgstr[target[1]] = value
            else:
                target = (keyword, 0)
                setattr(entry, keyword, value)
    finish()
    return entries


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def messages(language: str) -> list[Entry]:
    return [entry for entry in read_po(po_path(language)) if entry.msgid]


# The compiled catalogues (.mo) come from `make messages` or, when missing or old, from the
# session fixture `compiled_messages` in tests/conftest.py.


# --- 1. complete ----------------------------------------------------------------------------------


def test_german_catalogue_has_a_translation_for_every_message_and_nothing_fuzzy():
    entries = read_po(po_path("de"))
    header = entries[0]
    assert header.msgid == "", "the .po file must start with its header"
    assert "fuzzy" not in header.flags, "the header is fuzzy: msgfmt would ignore it"
    assert "Language: de\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstr[0]

    fuzzy = [str(entry) for entry in entries[1:] if "fuzzy" in entry.flags]
    untranslated = [
        str(entry)
        for entry in entries[1:]
        if not entry.msgstr or any(not text.strip() for text in entry.msgstr.values())
    ]
    wrong_plurals = [
        str(entry)
        for entry in entries[1:]
        if entry.msgid_plural is not None and sorted(entry.msgstr) != [0, 1]
    ]
    assert len(entries) > 100
    assert not fuzzy, "fuzzy entries (resolve them):\n" + "\n".join(fuzzy)
    assert not untranslated, "untranslated entries:\n" + "\n".join(untranslated)
    assert not wrong_plurals, "plural entries need msgstr[0] and msgstr[1]:\n" + "\n".join(
        wrong_plurals
    )


def test_english_catalogue_has_no_fuzzy_entries_and_complete_plural_forms():
    entries = read_po(po_path("en"))
    assert "fuzzy" not in entries[0].flags
    assert "Language: en\n" in entries[0].msgstr[0]
    problems = [str(entry) for entry in entries[1:] if "fuzzy" in entry.flags]
    problems += [
        str(entry)
        for entry in entries[1:]
        if entry.msgid_plural is not None and not all(entry.msgstr.get(i) for i in (0, 1))
    ]
    assert not problems, "\n".join(problems)


# --- 2. current -------------------------------------------------------------------------------


def _copy_sources(destination: Path) -> None:
    for path in SOURCE_DIR.rglob("*"):
        relative = path.relative_to(SOURCE_DIR)
        if (
            path.is_file()
            and path.suffix in EXTENSIONS
            and relative.parts[0] != "locale"
            and "__pycache__" not in relative.parts
        ):
            target = destination / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


def test_committed_catalogues_contain_every_message_of_the_code(tmp_path):
    """Extract the messages from a copy of the source (as makemessages does) and compare."""
    copy = tmp_path / "werkstatt"
    _copy_sources(copy)
    (copy / "locale").mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "werkstatt.settings",
        "WERKSTATT_DATA_DIR": str(tmp_path / "var"),
    }
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "de",
            "-e",
            "html,txt,py",
            "--no-location",
            "-v",
            "0",
        ],
        cwd=copy,
        env=env,
        check=True,
        timeout=120,
    )
    extracted = {entry.key for entry in messages_from(copy / "locale" / "de")}
    assert len(extracted) > 100

    for language in LANGUAGES:
        committed = {entry.key for entry in messages(language)}
        missing = sorted(extracted - committed, key=str)
        stale = sorted(committed - extracted, key=str)
        assert not missing, (
            f"messages not in locale/{language}/LC_MESSAGES/django.po; run `cd src/werkstatt && "
            f"werkstatt makemessages -l de -l en -e html,txt,py --no-location` and translate:\n"
            + "\n".join(repr(key[1]) for key in missing)
        )
        assert not stale, (
            f"messages in locale/{language} that the code no longer uses; run makemessages:\n"
            + "\n".join(repr(key[1]) for key in stale)
        )


def messages_from(locale_dir: Path) -> list[Entry]:
    return [entry for entry in read_po(locale_dir / "LC_MESSAGES" / "django.po") if entry.msgid]


# --- 3. placeholders and markup ---------------------------------------------------------------

_PERCENT = re.compile(r"%(?:\((\w+)\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?([diouxXeEfFgGcrsa%])")
_BRACES = re.compile(r"\{(\w*)(?:![rsa])?(?::[^{}]*)?\}")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def placeholders(text: str, flags: set[str]) -> Counter:
    found: Counter = Counter()
    if "python-format" in flags:
        found.update(
            f"%({name}){kind}" if name else f"%{kind}"
            for name, kind in _PERCENT.findall(text)
            if kind != "%"
        )
    if "python-brace-format" in flags:
        found.update("{" + name + "}" for name in _BRACES.findall(text))
    found.update(_TAG.findall(text))
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_and_markup_of_their_msgid(language):
    problems = []
    for entry in messages(language):
        for index, text in entry.msgstr.items():
            if not text:
                continue
            source = entry.msgid if index == 0 or entry.msgid_plural is None else entry.msgid_plural
            expected = placeholders(source, entry.flags)
            actual = placeholders(text, entry.flags)
            if expected != actual:
                problems.append(f"{entry} [{index}]: {dict(expected)} != {dict(actual)}")
    assert not problems, "\n".join(problems)


def test_placeholder_check_can_fail():
    flags = {"python-format"}
    assert placeholders("%(name)s und %(count)d", flags) != placeholders("%(name)s und", flags)
    assert placeholders('<a href="%(url)s">x</a>', flags) != placeholders("<a>x</a>", flags)
    assert placeholders("100 %% von %(n)s", flags) == placeholders("%(n)s of 100 %%", flags)


# --- 4. pages in German and English ------------------------------------------------------------

# (path, German texts that must appear, English msgids that must not appear in German)
PAGES = [
    (
        "/",
        ["Zum Inhalt springen", "Hauptnavigation", "Netzwerkverzeichnis", "Partner finden"],
        ["Skip to content", "Main navigation", "Network directory", "Find partners", "Log in"],
    ),
    (
        "/netzwerk/",
        ["Netzwerkverzeichnis", "Karte der Ergebnisse", "Art der Organisation", "Suchbegriff"],
        ["Network directory", "Map of the results", "Kind of organisation", "Search term"],
    ),
    (
        "/konto/login/",
        ["Anmelden", "Neu bei Werkstatt?", "Hier registrieren"],
        ["Log in", "New to Werkstatt?", "Register here"],
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "german", "english"), PAGES)
def test_key_pages_speak_german(client, compiled_messages, path, german, english):
    from tests.factories import OrganisationFactory

    OrganisationFactory(name="Beispiel Metallbau GmbH")
    # The request activates its language in this thread; override() restores the one before, so
    # that later tests' reverse() calls are not prefixed with /en/.
    with translation.override("de"):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="de"' in html
    for text in german:
        assert text in html, f"{path}: {text!r} missing"
    for text in english:
        assert text not in html, f"{path}: untranslated {text!r}"


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "german", "english"), PAGES)
def test_key_pages_speak_english_under_en(client, compiled_messages, path, german, english):
    from tests.factories import OrganisationFactory

    OrganisationFactory(name="Beispiel Metallbau GmbH")
    with translation.override("de"):
        response = client.get("/en" + path)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="en"' in html
    for text in english:
        assert text in html, f"/en{path}: {text!r} missing"
    for text in german:
        assert text not in html, f"/en{path}: German {text!r} on an English page"


def test_account_emails_are_german_and_formal(compiled_messages):
    from django.template.loader import render_to_string

    context = {"activate_url": "https://werkstatt.example/bestaetigen/", "code": ""}
    with translation.override("de"):
        subject = render_to_string("account/email/email_confirmation_subject.txt", context)
        body = render_to_string("account/email/email_confirmation_message.txt", context)
    assert subject.strip() == "Bitte bestätigen Sie Ihre E-Mail-Adresse"
    assert body.startswith("Guten Tag,\n\ndiese E-Mail-Adresse")
    assert "Mit freundlichen Grüßen" in body
    assert "Please" not in body and " du " not in body
