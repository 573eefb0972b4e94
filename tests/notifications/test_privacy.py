"""DSGVO: the person's notifications and settings are in their data download, nobody else's;
the profile page says what the download contains."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from werkstatt.notifications.models import Notification, NotificationSettings
from werkstatt.notifications.services import do_mark_read, do_update_settings, notify

pytestmark = pytest.mark.django_db


def download(client, user) -> dict:
    client.force_login(user)
    response = client.get(reverse("accounts:data_download"))
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_download_has_ones_notifications_and_settings_and_nobody_elses(client):
    person, other, actor = UserFactory(), UserFactory(), UserFactory()
    do_update_settings(person, "daily")
    notify(
        [person, other],
        verb="supply.inquiry",
        title="Neue Anfrage zu Ihrem Bedarf",
        url="/lieferketten/anfragen/3/",
        body="Wir könnten 500 Stück bis Mai liefern.",
        actor=actor,
    )
    notify([other], verb="x", title="Nur für jemand anderen", url="/")
    do_mark_read(person)
    data = download(client, person)["notifications"]
    assert data["settings"]["email_frequency"] == "daily"
    [entry] = data["notifications"]
    assert entry["title"] == "Neue Anfrage zu Ihrem Bedarf"
    assert entry["text"] == "Wir könnten 500 Stück bis Mai liefern."
    assert entry["link"] == "/lieferketten/anfragen/3/"
    assert entry["kind"] == "supply.inquiry"
    assert entry["read"] is not None and entry["email"] == "pending"
    text = json.dumps(data, ensure_ascii=False)
    assert "Nur für jemand anderen" not in text
    assert actor.email not in text and other.email not in text


def test_without_settings_the_default_is_reported():
    from werkstatt.notifications.services.privacy import user_data

    person = UserFactory()
    assert user_data(person) == {
        "settings": {"email_frequency": "immediately", "last_digest": None},
        "notifications": [],
    }


def test_deleting_the_account_deletes_its_notifications_and_keeps_others_without_the_actor():
    from werkstatt.accounts.services import do_delete_account

    person, other = UserFactory(), UserFactory()
    do_update_settings(person, "off")
    notify([person], verb="x", title="Für die Person", url="/")
    notify([other], verb="x", title="Über die Person", url="/", actor=person)
    do_delete_account(person)
    assert not Notification.objects.filter(title="Für die Person").exists()
    assert not NotificationSettings.objects.filter(user_id=person.pk).exists()
    kept = Notification.objects.get(title="Über die Person")
    assert kept.actor is None


def test_the_profile_page_says_what_the_download_contains(client):
    from django.utils import translation

    from werkstatt.accounts.services import data_download_contents
    from werkstatt.notifications.services.privacy import DESCRIPTION

    client.force_login(UserFactory(language="en"))
    html = client.get("/en" + reverse("accounts:profile")).content.decode()
    translation.activate("de")
    assert "The download is one JSON file with:" in html
    assert "Your profile: name, e-mail addresses" in html
    assert "Your notifications on the platform" in html
    # Every app with personal data is named, also those without a description of their own.
    with translation.override("en"):
        for part in data_download_contents():
            assert str(part) in html
        assert str(DESCRIPTION) in [str(part) for part in data_download_contents()]
