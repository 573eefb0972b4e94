"""English pages write dates and times as Europeans do; German keeps Django's German formats."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from tests.events.factories import EventFactory


@pytest.fixture(autouse=True)
def _german_afterwards():
    """Requests to /en/ leave English active in this thread; later tests expect German."""
    yield
    from django.utils import translation as _translation

    _translation.activate("de")


BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
TEMPLATE = Template(
    '{{ d|date }}|{{ d|date:"SHORT_DATE_FORMAT" }}|{{ t|time }}|{{ dt|date:"DATETIME_FORMAT" }}'
    '|{{ dt|date:"SHORT_DATETIME_FORMAT" }}|{{ pm|time }}'
)
CONTEXT = {
    "d": datetime.date(2027, 4, 30),
    "t": datetime.time(9, 0),
    "pm": datetime.time(17, 30),
    "dt": datetime.datetime(2027, 4, 30, 9, 0),
}


def render(language: str) -> list[str]:
    with translation.override(language):
        return TEMPLATE.render(Context(CONTEXT)).split("|")


def test_english_uses_day_month_year_and_24_hours():
    assert render("en") == [
        "30 April 2027",
        "30/04/2027",
        "09:00",
        "30 April 2027, 09:00",
        "30/04/2027 09:00",
        "17:30",
    ]


def test_german_keeps_its_formats():
    assert render("de") == [
        "30. April 2027",
        "30.04.2027",
        "09:00",
        "30. April 2027 09:00",
        "30.04.2027 09:00",
        "17:30",
    ]


@pytest.mark.parametrize("typed", ["30/04/2027", "2027-04-30", "30.04.2027"])
def test_english_forms_read_european_and_iso_dates(typed):
    with translation.override("en"):
        field = forms.DateField()
        assert field.clean(typed) == datetime.date(2027, 4, 30)


@pytest.mark.django_db
def test_an_event_page_in_english_shows_european_dates(client):
    event = EventFactory(
        starts_at=datetime.datetime(2027, 4, 30, 9, 0, tzinfo=BERLIN),
        ends_at=datetime.datetime(2027, 4, 30, 17, 30, tzinfo=BERLIN),
    )
    with translation.override("de"):
        path = event.get_absolute_url()
    html = client.get(f"/en{path}").content.decode()
    assert "30 April 2027, 09:00" in html
    assert "17:30" in html
    assert "a.m." not in html and "p.m." not in html
    assert "04/30/2027" not in html
