"""DSGVO: a person's strategy and monitoring data in the download; what deleting them leaves."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import UserFactory
from tests.monitoring.factories import ConceptFactory
from tests.strategy.factories import (
    CommentFactory,
    member_of,
    moderator_of,
    running_process,
)
from werkstatt.accounts.services import do_delete_account, export_user_data
from werkstatt.monitoring.models import ProgressUpdate
from werkstatt.monitoring.services.concepts import do_add_update
from werkstatt.strategy.models import (
    Attachment,
    Comment,
    CommentReaction,
    Process,
    Recommendation,
    RecommendationEdit,
    Report,
)
from werkstatt.strategy.services import comments as comment_services
from werkstatt.strategy.services import recommendations as services

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def person():
    process = running_process(moderation=Process.Moderation.PRE, title="ZukunftsWerkstatt")
    moderator = moderator_of(process)
    person = member_of(process, name="Katrin Schubert")
    published = services.do_propose(
        process, person, {"title": "Glasfaser für Gewerbegebiete", "text": "x" * 30}
    )
    services.do_moderate(published, moderator, "approve")
    published.refresh_from_db()
    services.do_edit(
        published,
        person,
        {"text": "Neue Fassung " * 5},
        [SimpleUploadedFile("skizze.pdf", PDF, content_type="application/pdf")],
    )
    waiting = services.do_propose(
        process,
        person,
        {"title": "Noch nicht geprüft", "text": "y" * 30},
        [SimpleUploadedFile("anhang.pdf", PDF, content_type="application/pdf")],
    )
    comment = comment_services.do_comment(published, person, "Mein Kommentar dazu.")
    other = CommentFactory(recommendation=published, author=UserFactory())
    comment_services.do_react(other, person, "agree")
    comment_services.do_report(other, person, "off_topic")
    concept = ConceptFactory(recommendation=published)
    do_add_update(concept, person, {"text": "Auftakt mit den Partnern."})
    return {
        "process": process,
        "person": person,
        "published": published,
        "waiting": waiting,
        "comment": comment,
        "other": other,
    }


def test_the_download_holds_the_persons_strategy_data(person):
    data = export_user_data(person["person"])
    mine = data["strategy"]
    assert [r["title"] for r in mine["recommendations"]] == [
        "Glasfaser für Gewerbegebiete",
        "Noch nicht geprüft",
    ]
    assert mine["versions"] and all("text" in v for v in mine["versions"])
    assert [e["state"] for e in mine["edits"]] == ["pending"]
    assert [c["text"] for c in mine["comments"]] == ["Mein Kommentar dazu."]
    assert [r["reaction"] for r in mine["reactions"]] == ["agree"]
    assert [r["reason"] for r in mine["reports"]] == ["off_topic"]
    assert {a["name"] for a in mine["attachments"]} == {"skizze.pdf", "anhang.pdf"}
    assert [r["process"] for r in mine["process_roles"]] == [person["process"].space.name]
    assert [u["text"] for u in data["monitoring"]["progress_reports"]] == [
        "Auftakt mit den Partnern."
    ]
    # Nobody else's words.
    assert person["other"].text not in str(mine)


def test_deleting_the_account_keeps_what_was_published_and_its_totals(person):
    user = person["person"]
    published, other = person["published"], person["other"]
    do_delete_account(user)
    published.refresh_from_db()
    assert published.author is None and published.is_published
    assert Comment.objects.get(pk=person["comment"].pk).author is None
    assert CommentReaction.objects.filter(comment=other, kind="agree").count() == 1
    assert Report.objects.filter(comment=other).exists()
    assert ProgressUpdate.objects.get().author is None
    # What only the moderators had seen goes with the person, files included.
    assert not Recommendation.objects.filter(pk=person["waiting"].pk).exists()
    assert not RecommendationEdit.objects.exists()
    assert not Attachment.objects.exists()
