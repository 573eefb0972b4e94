"""notify(): in-platform notifications, e-mail at once or in the daily digest, settings."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from tests.factories import UserFactory
from werkstatt.notifications.models import Notification, NotificationSettings
from werkstatt.notifications.services import do_mark_read, notify, send_digests

pytestmark = pytest.mark.django_db


def prefer(user, frequency):
    NotificationSettings.objects.update_or_create(
        user=user, defaults={"email_frequency": frequency}
    )
    return user


def test_notify_records_one_per_person_and_skips_the_actor(django_capture_on_commit_callbacks):
    actor, alice, bob = UserFactory(), UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [alice, bob, alice, actor, None],
            verb="strategy.comment",
            title="Neuer Kommentar",
            url="/strategie/x/",
            actor=actor,
            target=alice,
        )
    rows = Notification.objects.order_by("recipient_id")
    assert [n.recipient for n in rows] == [alice, bob]
    assert rows[0].target_id == str(alice.pk)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([alice.email, bob.email])
    assert "http://" in mail.outbox[0].body and "/strategie/x/" in mail.outbox[0].body


def test_no_mail_if_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify([UserFactory()], verb="x", title="t", url="/")
    assert len(callbacks) == 1 and not mail.outbox


def test_title_in_each_recipients_language():
    german, english = UserFactory(language="de"), UserFactory(language="en")
    title = format_lazy("{}: {}", gettext_lazy("Notifications"), "X")
    notify([german, english], verb="x", title=title, url="/")
    titles = dict(Notification.objects.values_list("recipient__language", "title"))
    assert titles["en"] == "Notifications: X"
    assert titles["de"].endswith(": X")


def test_daily_digest_collects_and_sends_once():
    daily = prefer(UserFactory(), "daily")
    off = prefer(UserFactory(), "off")
    for i in range(3):
        notify([daily, off], verb="x", title=f"Meldung {i}", url=f"/{i}/")
    assert not mail.outbox
    assert Notification.objects.filter(recipient=daily, email="pending").count() == 3
    assert Notification.objects.filter(recipient=off, email="none").count() == 3
    assert send_digests() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [daily.email]
    assert all(f"Meldung {i}" in mail.outbox[0].body for i in range(3))
    assert send_digests() == 0  # nothing pending
    notify([daily], verb="x", title="Später", url="/")
    assert send_digests() == 0  # not yet a day since the last digest
    later = timezone.now() + datetime.timedelta(hours=21)
    assert send_digests(now=later) == 1


def test_send_digests_command():
    notify([prefer(UserFactory(), "daily")], verb="x", title="Hallo", url="/")
    call_command("send_digests", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 1


def test_mark_read_only_own():
    alice, bob = UserFactory(), UserFactory()
    notify([alice, bob], verb="x", title="t", url="/")
    mine = Notification.objects.get(recipient=alice)
    theirs = Notification.objects.get(recipient=bob)
    assert do_mark_read(alice, [theirs.pk]) == 0
    assert do_mark_read(alice, [mine.pk]) == 1
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_page_lists_and_marks_read(client):
    user = UserFactory()
    notify([user], verb="x", title="Antwort des Projektbüros", url="/strategie/")
    client.force_login(user)
    response = client.get(reverse("notifications:index"))
    assert "Antwort des Projektbüros" in response.content.decode()
    notification = Notification.objects.get()
    response = client.post(
        reverse("notifications:mark_read"), {"ids": notification.pk, "next": "/strategie/"}
    )
    assert response.status_code == 302 and response["Location"] == "/strategie/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_read_refuses_other_peoples_notifications_and_foreign_redirects(client):
    user, other = UserFactory(), UserFactory()
    notify([user, other], verb="x", title="t", url="/")
    theirs = Notification.objects.get(recipient=other)
    client.force_login(user)
    response = client.post(reverse("notifications:mark_read"), {"ids": theirs.pk})
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.read_at is None
    response = client.post(reverse("notifications:mark_read"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("notifications:index")


def test_settings_form(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("notifications:settings"), {"email_frequency": "weekly"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert not NotificationSettings.objects.filter(user=user).exists()
    client.post(reverse("notifications:settings"), {"email_frequency": "daily"})
    assert NotificationSettings.objects.get(user=user).email_frequency == "daily"


def test_switching_to_immediately_drops_the_pending_digest():
    from werkstatt.notifications.services import do_update_settings

    user = prefer(UserFactory(), "daily")
    notify([user], verb="x", title="t", url="/")
    do_update_settings(user, "immediately")
    assert send_digests() == 0
    with pytest.raises(ValueError):
        do_update_settings(user, "hourly")


def test_digest_job():
    from werkstatt.jobs.services import enqueue

    notify([prefer(UserFactory(), "daily")], verb="x", title="Hallo", url="/")
    job = enqueue("notifications.digests", {})
    job.refresh_from_db()
    assert job.status == job.Status.SUCCEEDED
    assert job.result == {"sent": 1}
    assert len(mail.outbox) == 1


COMMENT = (
    "Wir fertigen solche Gehäuse seit 2019 aus EN AW-6082 und könnten die Stückzahl "
    "ab dem zweiten Quartal liefern.\nRückfragen gern an unsere Arbeitsvorbereitung."
)


def test_the_email_quotes_the_body_and_links_the_settings(django_capture_on_commit_callbacks):
    user = UserFactory(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [user],
            verb="supply.inquiry",
            title="New inquiry about your demand",
            url="/lieferketten/anfragen/7/",
            body=COMMENT,
        )
    message = mail.outbox[0]
    assert message.subject == "[Werkstatt] New inquiry about your demand"
    body = message.body
    # The title once (not repeated as the body), then the sender's words quoted line by line.
    assert body.count("New inquiry about your demand") == 1
    assert "> Wir fertigen solche Gehäuse seit 2019" in body
    assert "> Rückfragen gern an unsere Arbeitsvorbereitung." in body
    assert "http://127.0.0.1:8000/lieferketten/anfragen/7/" in body
    assert "http://127.0.0.1:8000/en/benachrichtigungen/einstellungen/" in body
    assert Notification.objects.get().body == COMMENT


def test_without_a_body_the_email_still_has_title_link_and_settings(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(language="de")
    with django_capture_on_commit_callbacks(execute=True):
        notify([user], verb="x", title="Ihr Beitrag wurde veröffentlicht", url="/strategie/")
    body = mail.outbox[0].body
    assert body.count("Ihr Beitrag wurde veröffentlicht") == 1
    assert ">" not in body
    assert "/benachrichtigungen/einstellungen/" in body


def test_a_lazy_body_is_in_each_recipients_language():
    german, english = UserFactory(language="de"), UserFactory(language="en")
    notify([german, english], verb="x", title="t", url="/", body=gettext_lazy("Notifications"))
    bodies = dict(Notification.objects.values_list("recipient__language", "body"))
    assert bodies["en"] == "Notifications"
    from django.utils import translation

    with translation.override("de"):
        assert bodies["de"] == str(gettext_lazy("Notifications"))


def test_a_long_body_is_shortened_at_a_word():
    from werkstatt.notifications.services import BODY_MAX_LENGTH

    notify([UserFactory()], verb="x", title="t", url="/", body="Fräsen " * 1000)
    body = Notification.objects.get().body
    assert len(body) <= BODY_MAX_LENGTH
    assert body.endswith("Fräsen…")


def test_the_digest_has_excerpts_a_settings_link_and_a_singular_subject():
    daily = prefer(UserFactory(language="en"), "daily")
    notify([daily], verb="x", title="A comment on your thesis", url="/1/", body=COMMENT * 5)
    assert send_digests() == 1
    message = mail.outbox[0]
    assert message.subject == "[Werkstatt] Your daily summary: 1 notification"
    assert "  > Wir fertigen solche Gehäuse" in message.body
    assert "…" in message.body  # an excerpt, not the whole text
    assert "Arbeitsvorbereitung." + COMMENT not in message.body
    assert "/en/benachrichtigungen/einstellungen/" in message.body
    later = timezone.now() + datetime.timedelta(hours=21)
    for i in range(2):
        notify([daily], verb="x", title=f"Meldung {i}", url="/")
    assert send_digests(now=later) == 1
    assert mail.outbox[1].subject == "[Werkstatt] Your daily summary: 2 notifications"


def test_the_page_shows_the_beginning_of_the_body(client):
    user = UserFactory()
    notify([user], verb="x", title="Neuer Kommentar", url="/", body=COMMENT)
    client.force_login(user)
    html = client.get(reverse("notifications:index")).content.decode()
    assert "Wir fertigen solche Gehäuse seit 2019" in html
