"""Texts that reach people go through gettext in a form makemessages can extract (a msgid
inside an f-string or a bare string in a table is never extracted, and so never translated)."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from tests.events.factories import (
    EventFactory,
    QuestionFactory,
    RegistrationFactory,
    make_organiser,
)
from werkstatt.events.models import Answer, Question
from werkstatt.events.services.mail import KINDS

SRC = Path(__file__).resolve().parents[2] / "src" / "werkstatt"


def extracted(*files: str) -> set[str]:
    """The msgids xgettext finds in `files` with Django's keywords (as makemessages runs it)."""
    out = subprocess.run(
        [
            "xgettext",
            "--language=Python",
            "--from-code=UTF-8",
            "--keyword=gettext_noop",
            "--keyword=gettext_lazy",
            "--keyword=_",
            "--keyword=gettext",
            "--output=-",
            *(str(SRC / f) for f in files),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    ids, current = set(), None
    for line in out.splitlines():
        if line.startswith("msgid "):
            current = line[len("msgid ") :].strip('"')
        elif line.startswith('"') and current is not None:
            current += line.strip('"')
        else:
            if current:
                ids.add(current.replace('\\"', '"'))
            current = None
    return ids


def test_every_mail_subject_is_extracted():
    found = extracted("events/services/mail.py")
    assert {subject for subject, _attach in KINDS.values()} <= found


def test_the_titles_of_the_documents_are_extracted():
    found = extracted("events/services/documents.py", "matchmaking/services/documents.py")
    for msgid in (
        "Name badges – %(event)s",
        "Ticket – %(event)s",
        "%(event)s: my meetings",
        "My B2B meetings: %(name)s",
        "table %(number)s",
        "Yes, agreed",
    ):
        assert msgid in found, msgid


@pytest.mark.django_db
def test_a_consent_reads_as_agreed_in_the_list_and_on_the_registration(client):
    event = EventFactory()
    organiser = make_organiser(event)
    consent = QuestionFactory(
        event=event,
        text="Fotos",
        kind=Question.Kind.CONSENT,
        help_text="Wir dürfen Fotos von Ihnen veröffentlichen.",
    )
    registration = RegistrationFactory(event=event, name="Jürgen Größel")
    Answer.objects.create(registration=registration, question=consent, value="yes")
    client.force_login(organiser)
    response = client.get(reverse("events:export_xlsx", args=[event.slug]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    from tests.events.test_views import german

    assert rows[1][-1] == german("Yes, agreed")
    client.force_login(registration.user)
    page = client.get(reverse("events:registration", args=[registration.pk])).content.decode()
    assert german("Yes, agreed") in page
    assert "Wir dürfen Fotos von Ihnen veröffentlichen." in page


@pytest.mark.django_db
def test_the_agenda_page_has_each_id_once_so_each_label_names_its_own_field(client):
    import re
    from collections import Counter

    event = EventFactory()
    client.force_login(make_organiser(event))
    page = client.get(reverse("events:agenda", args=[event.slug])).content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', page))
    assert [i for i, n in ids.items() if n > 1] == []
    # The speaker's "Name" label points at the speaker's name field.
    assert 'for="id_person-name"' in page and 'id="id_person-name"' in page
    assert 'for="id_raum-name"' in page


@pytest.mark.django_db
def test_my_registrations_list_the_next_event_first_then_the_past_latest_first(client):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    person = RegistrationFactory(event=EventFactory(title="In zwei Monaten")).user
    for title, days in (("Morgen", 1), ("Vor einem Jahr", -365), ("Letzte Woche", -7)):
        RegistrationFactory(
            event=EventFactory(title=title, starts_at=now + timedelta(days=days)), user=person
        )
    Registration = RegistrationFactory._meta.model
    Registration.objects.filter(event__title="In zwei Monaten").update(user=person)
    from werkstatt.events.models import Event

    Event.objects.filter(title="In zwei Monaten").update(
        starts_at=now + timedelta(days=60), ends_at=now + timedelta(days=60, hours=8)
    )
    client.force_login(person)
    page = client.get(reverse("events:my_registrations"))
    titles = [r.event.title for r in page.context["page_obj"].object_list]
    assert titles == ["Morgen", "In zwei Monaten", "Letzte Woche", "Vor einem Jahr"]


@pytest.mark.django_db
def test_the_organisers_cancel_action_says_what_it_does_and_asks_first(client):
    from django.utils.translation import pgettext

    from tests.events.test_views import german

    event = EventFactory(capacity=5)
    client.force_login(make_organiser(event))
    RegistrationFactory(event=event, name="Jürgen Größel")
    page = client.get(reverse("events:registrations", args=[event.slug])).content.decode()
    assert german("Cancel registration") in page
    assert german("Yes, cancel the registration") in page
    # The button sits inside a closed disclosure: one click opens it, the second cancels.
    assert page.index("<details") < page.index(german("Yes, cancel the registration"))
    with translation.override("de"):
        register = pgettext("binding registration for an event", "Register")
    person = RegistrationFactory(event=EventFactory()).user
    client.force_login(person)
    form = client.get(reverse("events:register", args=[EventFactory().slug])).content.decode()
    assert f">{register}</button>" in form


@pytest.mark.django_db
def test_the_badges_qr_code_is_the_tickets_code_module_for_module(tmp_path):
    """The QR code is drawn as rectangles: rasterised, every module is where segno puts it."""
    import shutil

    import segno
    from PIL import Image

    from werkstatt.events.services.documents import (
        BADGE_H,
        BADGE_MARGIN_X,
        BADGE_MARGIN_Y,
        BADGE_W,
        badges_pdf,
    )

    if shutil.which("pdftoppm") is None:
        pytest.fail(
            "pdftoppm (poppler-utils) is missing: make test installs it (scripts/system-deps.sh)"
        )
    event = EventFactory(title="IMPRO Zulieferkonferenz")
    registration = RegistrationFactory(
        event=event,
        name="Dr. Katrin Schubert-Müller",
        organisation_name="Erzgebirgische Präzisionsdrehteile und Baugruppen GmbH & Co. KG",
    )
    (tmp_path / "badges.pdf").write_bytes(badges_pdf(event, [registration]))
    subprocess.run(
        ["pdftoppm", "-r", "600", "-f", "1", "-l", "1", "-gray", "badges.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    image = Image.open(next(tmp_path.glob("page*.pgm")))
    matrix = segno.make(registration.ticket_code, error="m", mask=0, boost_error=False).matrix
    module = 21 / (len(matrix) + 4)
    left, top = BADGE_MARGIN_X + BADGE_W - 25, BADGE_MARGIN_Y + BADGE_H - 25
    per_mm = 600 / 25.4
    wrong = [
        (r, c)
        for r, row in enumerate(matrix)
        for c, dark in enumerate(row)
        if (
            image.getpixel(
                (
                    int((left + (c + 2.5) * module) * per_mm),
                    int((top + (r + 2.5) * module) * per_mm),
                )
            )
            < 128
        )
        != bool(dark)
    ]
    assert wrong == []
