"""Editing a published contribution does not bypass the moderation.

Pre-moderation: the author's edit waits for the moderators (who are told); until they publish
it, everyone else keeps seeing the published version, including new attachments. Like a new
contribution, an edit is only published by a moderator. Post-moderation: the edit is published
at once and the moderators are told.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.factories import RegionFactory
from tests.strategy.factories import (
    ActionFieldFactory,
    member_of,
    moderator_of,
    running_process,
)
from werkstatt.notifications.models import Notification
from werkstatt.strategy.models import (
    ModerationAction,
    Process,
    Recommendation,
    RecommendationEdit,
)
from werkstatt.strategy.services import recommendations as services
from werkstatt.strategy.services.queries import moderation_queue

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
OLD = "Glasfaser für alle Gewerbegebiete im ländlichen Raum"
NEW = "Kostenloses WLAN für alle, bezahlt vom Land, sofort und ohne Prüfung"


@pytest.fixture
def published():
    process = running_process(moderation=Process.Moderation.PRE)
    moderator = moderator_of(process)
    author = member_of(process)
    rec = services.do_propose(process, author, {"title": "Breitband", "text": OLD})
    services.do_moderate(rec, moderator, "approve")
    rec.refresh_from_db()
    Notification.objects.all().delete()
    return process, moderator, author, rec


def text_for(client: Client, rec: Recommendation) -> str:
    return client.get(rec.get_absolute_url()).content.decode()


def test_pre_moderation_keeps_the_published_version_until_approved(published):
    process, moderator, author, rec = published
    field = ActionFieldFactory(process=process, name="Infrastruktur")
    upload = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")
    services.do_edit(rec, author, {"text": NEW, "action_fields": [field]}, [upload])
    rec.refresh_from_db()
    assert rec.text == OLD and rec.is_published
    assert list(rec.action_fields.all()) == []
    assert rec.history.count() == 2  # proposed, approved: the edit is no version yet
    edit = RecommendationEdit.objects.get()
    assert edit.state == "pending" and edit.text == NEW

    # Visitors, other members and the API see the published version and no new attachment.
    for who in (None, member_of(process)):
        client = Client()
        if who:
            client.force_login(who)
        page = text_for(client, rec)
        assert OLD in page and NEW not in page and "plan.pdf" not in page
        api = client.get(
            reverse("strategy_api:recommendation-detail", args=[process.slug, rec.pk])
        ).json()
        assert api["text"] == OLD
        attachment = rec.attachments.get()
        url = reverse("strategy:attachment", args=[process.slug, attachment.pk])
        assert client.get(url).status_code == 404

    # The moderators are told and see the edit with its diff and attachment in the queue.
    assert Notification.objects.filter(recipient=moderator, verb="strategy.edit_pending").exists()
    queue = moderation_queue(process)
    [review] = queue["edits"]
    text_change = next(c for c in review.changes if c.new == NEW)
    assert ("insert", "Kostenloses WLAN") in [(s.op, s.text) for s in text_change.segments]
    assert any("Infrastruktur" in c.new for c in review.changes)
    assert [a.name for a in review.attachments] == ["plan.pdf"]
    client = Client()
    client.force_login(moderator)
    queue_page = client.get(reverse("strategy:moderation", args=[process.slug])).content.decode()
    assert f'id="edit-{edit.pk}"' in queue_page and "plan.pdf" in queue_page

    # The author sees that the edit waits, and goes on with it in the form.
    client = Client()
    client.force_login(author)
    page = text_for(client, rec)
    assert OLD in page and "plan.pdf" in page
    form = client.get(reverse("strategy:recommendation_edit", args=[process.slug, rec.pk]))
    assert NEW in form.content.decode()

    # Approved, it becomes the next version, with its tags and attachment.
    client = Client()
    client.force_login(moderator)
    response = client.post(
        reverse("strategy:edit_moderate", args=[process.slug, edit.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    rec.refresh_from_db()
    assert rec.text == NEW and list(rec.action_fields.all()) == [field]
    assert rec.history.count() == 3 and rec.history.first().history_user == author
    assert rec.attachments.get().edit is None
    assert ModerationAction.objects.filter(kind="approve_edit", recommendation=rec).exists()
    assert Notification.objects.filter(recipient=author, verb="strategy.edit_approve").exists()
    assert NEW in text_for(Client(), rec)


def test_a_rejected_edit_changes_nothing_and_tells_the_author_why(published):
    process, moderator, author, rec = published
    upload = SimpleUploadedFile("werbung.pdf", PDF, content_type="application/pdf")
    services.do_edit(rec, author, {"text": NEW}, [upload])
    edit = RecommendationEdit.objects.get()
    with pytest.raises(ValidationError):
        services.do_moderate_edit(edit, moderator, "reject", "  ")
    services.do_moderate_edit(edit, moderator, "reject", "Bitte sachlich bleiben.")
    rec.refresh_from_db()
    assert rec.text == OLD and not rec.attachments.exists()
    note = Notification.objects.get(recipient=author, verb="strategy.edit_reject")
    assert note.body == "Bitte sachlich bleiben."
    assert ModerationAction.objects.get(kind="reject_edit").reason == "Bitte sachlich bleiben."
    with pytest.raises(ValidationError):
        services.do_moderate_edit(edit, moderator, "approve")  # decided already


def test_editing_again_changes_the_one_pending_edit(published):
    process, moderator, author, rec = published
    region = RegionFactory()
    services.do_edit(rec, author, {"text": NEW})
    services.do_edit(rec, author, {"text": NEW + " Zweite Fassung.", "regions": [region]})
    edit = RecommendationEdit.objects.get()
    assert edit.text.endswith("Zweite Fassung.") and edit.tags == {"regions": [region.pk]}


def test_moderators_edit_without_moderation(published):
    process, moderator, author, rec = published
    services.do_edit(rec, moderator, {"text": NEW})
    rec.refresh_from_db()
    assert rec.text == NEW and not RecommendationEdit.objects.exists()


def test_an_unpublished_contribution_is_edited_in_place():
    process = running_process(moderation=Process.Moderation.PRE)
    author = member_of(process)
    rec = services.do_propose(process, author, {"title": "Breitband", "text": OLD})
    services.do_edit(rec, author, {"text": NEW})
    rec.refresh_from_db()
    assert rec.text == NEW and rec.moderation_state == "pending"
    assert not RecommendationEdit.objects.exists()


def test_post_moderation_publishes_the_edit_and_tells_the_moderators():
    process = running_process(moderation=Process.Moderation.POST)
    moderator = moderator_of(process)
    author = member_of(process)
    rec = services.do_propose(process, author, {"title": "Breitband", "text": OLD})
    Notification.objects.all().delete()
    services.do_edit(rec, author, {"text": NEW})
    rec.refresh_from_db()
    assert rec.text == NEW
    note = Notification.objects.get(recipient=moderator)
    assert note.verb == "strategy.edited_by_author"
    assert note.url == reverse("strategy:recommendation_versions", args=[process.slug, rec.pk])
    assert not Notification.objects.filter(recipient=author).exists()
