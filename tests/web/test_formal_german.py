"""German is formal ("Sie") everywhere, also in the messages of Django REST framework and
django-allauth, whose German catalogues say "du" ("Gib eine gültige URL ein.", "Stelle sicher,
dass …"). Our catalogue (LOCALE_PATHS) overrides theirs for the msgids in
werkstatt/web/third_party_messages.py.

The tests that read German fail until the lead's translation pass has given those msgids their
formal German (/work/notes/webfix-de.json), like tests/test_translations.py.
"""

from __future__ import annotations

import gettext as gnu_gettext
import re
import subprocess
from pathlib import Path

import allauth
import pytest
import rest_framework
from django import forms
from django.utils import translation
from django.utils.translation import gettext, trans_real
from rest_framework import serializers

from werkstatt.web.third_party_messages import MESSAGES

# Second person singular and the informal imperatives these catalogues use.
INFORMAL = re.compile(
    r"\b(du|dich|dir|dein\w*|Du|Dich|Dir|Dein\w*|bist|hast|kannst|musst|willst|solltest|"
    r"möchtest|Gib|gib|Stelle sicher|stelle sicher|Nutze|Benutze|Lade|Prüfe|Wähle|wähle|"
    r"Versuche|versuche|Melde|melde|Bestätige|bestätige|Klicke?|klicke?|Lass|lass|Überprüfe|"
    r"überprüfe|Erstelle|erstelle|habe Geduld)\b"
)


def informal_messages(mo_file: Path) -> dict[str, str]:
    with mo_file.open("rb") as handle:
        catalogue = gnu_gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    return {
        msgid: text
        for msgid, text in catalogue.items()
        if isinstance(msgid, str) and msgid and INFORMAL.search(text)
    }


def de_catalogue(package) -> Path:
    return Path(package.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.mo"


def test_every_informal_rest_framework_message_is_in_our_catalogue():
    """All of DRF's messages can reach API clients; a new DRF release with new informal ones
    fails here."""
    found = informal_messages(de_catalogue(rest_framework))
    assert found, "the scan finds nothing: has DRF's catalogue moved?"
    assert sorted(set(found) - set(MESSAGES)) == []


def test_every_informal_allauth_message_of_its_forms_and_adapter_is_in_our_catalogue():
    """allauth's page templates are ours (accounts/templates/account/); its forms' and
    adapter's messages are shown as they are."""
    found = informal_messages(de_catalogue(allauth))
    code = "".join(
        path.read_text(encoding="utf-8")
        for path in (Path(allauth.__file__).parent / "account").glob("*.py")
    )
    shown = {msgid for msgid in found if msgid.split("\n")[0] in code}
    assert shown, "the scan finds nothing: has allauth changed?"
    # Ours already: accounts/adapter.py words some of allauth's messages itself.
    ours = source_msgids()
    assert sorted(shown - set(MESSAGES) - ours) == []


def source_msgids() -> set[str]:
    """The msgids our own code passes to gettext (a rough scan of string literals)."""
    import werkstatt

    root = Path(werkstatt.__file__).parent
    text = "".join(p.read_text(encoding="utf-8") for p in root.rglob("*.py"))
    return set(re.findall(r'_\(\s*"([^"]+)"\s*\)', text))


def write_catalogue(folder: Path, entries: dict[str, str]) -> None:
    messages = folder / "de" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    lines = ['msgid ""', 'msgstr "Content-Type: text/plain; charset=UTF-8\\n"', ""]
    for msgid, text in entries.items():
        lines += [f'msgid "{msgid}"', f'msgstr "{text}"', ""]
    (messages / "django.po").write_text("\n".join(lines), encoding="utf-8")
    subprocess.run(
        ["msgfmt", "-o", str(messages / "django.mo"), str(messages / "django.po")], check=True
    )


@pytest.fixture
def fresh_catalogues():
    trans_real._translations = {}
    trans_real._default = None
    yield
    trans_real._translations = {}
    trans_real._default = None


def test_a_msgid_in_our_catalogue_overrides_rest_framework_and_django(
    settings, tmp_path, fresh_catalogues
):
    # Without a catalogue of ours, DRF's informal German wins even over Django's formal one.
    settings.LOCALE_PATHS = []
    with translation.override("de"):
        assert gettext("Enter a valid URL.") == "Gib eine gültige URL ein."
    write_catalogue(tmp_path, {"Enter a valid URL.": "Bitte geben Sie eine gültige URL ein."})
    settings.LOCALE_PATHS = [tmp_path]
    trans_real._translations = {}
    with translation.override("de"):
        assert gettext("Enter a valid URL.") == "Bitte geben Sie eine gültige URL ein."
        assert forms.URLField(assume_scheme="https").error_messages["invalid"] == (
            "Bitte geben Sie eine gültige URL ein."
        )


def test_our_german_for_their_messages_is_formal():
    with translation.override("de"):
        informal = {m: gettext(m) for m in MESSAGES if INFORMAL.search(gettext(m))}
        untranslated = [m for m in MESSAGES if gettext(m) == m]
    assert untranslated == [], "German missing in our catalogue (see README: Translations)"
    assert informal == {}


@pytest.mark.django_db
def test_forms_api_and_account_pages_say_sie(client):
    from allauth.account.models import EmailAddress

    from tests.factories import UserFactory

    with translation.override("de"):
        try:
            forms.URLField(assume_scheme="https").clean("keine adresse")
        except forms.ValidationError as error:
            field_error = " ".join(error.messages)
        number = serializers.IntegerField(min_value=0)
        number.bind("employees", serializers.Serializer())
        try:
            number.run_validation(-1)
        except serializers.ValidationError as error:
            api_error = " ".join(str(d) for d in error.detail)
    user = UserFactory()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.force_login(user)
    page = client.post("/konto/email/", {"action_add": "", "email": "keine-adresse"})
    with translation.override("de"):
        email_error = gettext("Enter a valid email address.")
    assert email_error in page.content.decode()
    for text in (field_error, api_error, email_error):
        assert not INFORMAL.search(text), text
