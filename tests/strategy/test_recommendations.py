"""Proposing, editing with versions, attachments, moderation and the office's answer."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import OrganisationFactory, OrganisationMembershipFactory, UserFactory
from tests.strategy.factories import (
    ActionFieldFactory,
    CommentFactory,
    PhaseFactory,
    ProcessFactory,
    RecommendationFactory,
    member_of,
    moderator_of,
    running_process,
    today,
)
from werkstatt.notifications.models import Notification
from werkstatt.strategy.models import Attachment, ModerationAction, Process, Recommendation
from werkstatt.strategy.services import recommendations as services
from werkstatt.strategy.services.attachments import MAX_SIZE, sniff
from werkstatt.strategy.services.history import recommendation_versions, word_diff

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def data(**kw):
    out = {"kind": "recommendation", "title": "Glasfaser für Gewerbegebiete", "text": "x" * 40}
    out.update(kw)
    return out


def test_member_proposes_with_post_moderation_and_moderators_are_notified(
    django_capture_on_commit_callbacks,
):
    process = running_process()
    moderator = moderator_of(process)
    author = member_of(process)
    field = ActionFieldFactory(process=process)
    with django_capture_on_commit_callbacks(execute=True):
        rec = services.do_propose(process, author, data(action_fields=[field]))
    assert rec.is_published
    assert rec.phase == process.current_phase()
    assert list(rec.action_fields.all()) == [field]
    assert Notification.objects.filter(recipient=moderator, verb="strategy.proposed").exists()
    assert not Notification.objects.filter(recipient=author).exists()
    assert [m.to for m in mail.outbox] == [[moderator.email]]


def test_pre_moderation_keeps_it_pending_and_hidden_from_others():
    process = running_process(moderation=Process.Moderation.PRE)
    author = member_of(process)
    rec = services.do_propose(process, author, data())
    assert rec.moderation_state == Recommendation.ModerationState.PENDING
    assert author.has_perm("strategy.view_recommendation", rec)
    assert not member_of(process).has_perm("strategy.view_recommendation", rec)
    assert not UserFactory().has_perm("strategy.view_recommendation", rec)


def test_no_proposal_outside_a_proposing_phase_or_without_membership():
    process = running_process(phase={"allows_propose": False})
    with pytest.raises(PermissionDenied):
        services.do_propose(process, member_of(process), data())
    open_process = running_process()
    with pytest.raises(PermissionDenied):
        services.do_propose(open_process, UserFactory(), data())
    finished = running_process(status=Process.Status.COMPLETED)
    with pytest.raises(PermissionDenied):
        services.do_propose(finished, member_of(finished), data())
    assert not Recommendation.objects.exists()


def test_action_field_of_another_process_is_refused():
    process = running_process()
    foreign = ActionFieldFactory(process=ProcessFactory())
    with pytest.raises(ValidationError):
        services.do_propose(process, member_of(process), data(action_fields=[foreign]))
    assert not Recommendation.objects.exists()


def test_speaking_for_an_organisation_needs_active_membership():
    process = running_process()
    author = member_of(process)
    org = OrganisationFactory()
    with pytest.raises(ValidationError):
        services.do_propose(process, author, data(author_organisation=org))
    assert not Recommendation.objects.exists()
    OrganisationMembershipFactory(user=author, organisation=org)
    rec = services.do_propose(process, author, data(author_organisation=org))
    assert rec.author_organisation == org


def test_attachments_are_checked_by_content_not_name():
    process = running_process()
    author = member_of(process)
    fake = SimpleUploadedFile("bericht.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    with pytest.raises(ValidationError) as exc:
        services.do_propose(process, author, data(), [fake])
    assert "bericht.pdf" in exc.value.messages[0]
    assert not Recommendation.objects.exists()
    assert not Attachment.objects.exists()
    good = SimpleUploadedFile("skizze.exe", PNG, "application/octet-stream")
    pdf = SimpleUploadedFile("../../etc/plan.pdf", PDF, "text/plain")
    rec = services.do_propose(process, author, data(), [good, pdf])
    names = sorted(a.name for a in rec.attachments.all())
    assert names == ["plan.pdf", "skizze.png"]
    types = sorted(a.content_type for a in rec.attachments.all())
    assert types == ["application/pdf", "image/png"]
    assert all(".." not in a.file.name for a in rec.attachments.all())


def test_attachment_size_and_count_limits():
    process = running_process()
    author = member_of(process)
    big = SimpleUploadedFile("gross.pdf", PDF + b"0" * MAX_SIZE, "application/pdf")
    with pytest.raises(ValidationError):
        services.do_propose(process, author, data(), [big])
    empty = SimpleUploadedFile("leer.pdf", b"", "application/pdf")
    with pytest.raises(ValidationError):
        services.do_propose(process, author, data(), [empty])
    many = [SimpleUploadedFile(f"{i}.pdf", PDF, "application/pdf") for i in range(6)]
    with pytest.raises(ValidationError):
        services.do_propose(process, author, data(), many)
    assert not Recommendation.objects.exists()


def test_sniff():
    assert sniff(PDF) == ("application/pdf", "pdf")
    assert sniff(b"\xff\xd8\xff\xe0") == ("image/jpeg", "jpg")
    assert sniff(b"GIF89a....") == ("image/gif", "gif")
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == ("image/webp", "webp")
    assert sniff(b"<svg xmlns=") is None
    assert sniff(b"PK\x03\x04") is None


def test_edit_keeps_versions_and_shows_a_word_diff():
    process = running_process()
    author = member_of(process)
    rec = services.do_propose(process, author, data(text="Breitband für alle Gewerbegebiete"))
    field = ActionFieldFactory(process=process, name="Infrastruktur")
    services.do_edit(
        rec, author, {"text": "Glasfaser für alle Gewerbegebiete", "action_fields": [field]}
    )
    rec.refresh_from_db()
    assert rec.text == "Glasfaser für alle Gewerbegebiete"
    page = recommendation_versions(rec)
    assert page.paginator.count == 2  # one version per save, tags included
    newest = page.object_list[0]
    labels = {str(c.label) for c in newest.changes}
    text_label = str(Recommendation._meta.get_field("text").verbose_name)
    assert text_label in labels
    text_change = next(c for c in newest.changes if str(c.label) == text_label)
    assert ("delete", "Breitband") in [(s.op, s.text) for s in text_change.segments]
    assert ("insert", "Glasfaser") in [(s.op, s.text) for s in text_change.segments]
    assert any("Infrastruktur" in c.new for c in newest.changes)


def test_word_diff():
    segments = word_diff("a b c", "a x c")
    assert [(s.op, s.text) for s in segments] == [
        ("equal", "a"),
        ("delete", "b"),
        ("insert", "x"),
        ("equal", "c"),
    ]


def test_others_cannot_edit_and_author_cannot_after_the_phase():
    process = running_process()
    author = member_of(process)
    rec = services.do_propose(process, author, data())
    with pytest.raises(PermissionDenied):
        services.do_edit(rec, member_of(process), {"title": "Gekapert"})
    phase = process.current_phase()
    phase.end_date = today() - datetime.timedelta(days=1)
    phase.save()
    with pytest.raises(PermissionDenied):
        services.do_edit(rec, author, {"title": "Zu spät"})
    rec.refresh_from_db()
    assert rec.title == "Glasfaser für Gewerbegebiete"


def test_moderator_edit_is_logged_and_author_notified():
    process = running_process()
    author = member_of(process)
    rec = services.do_propose(process, author, data())
    moderator = moderator_of(process)
    services.do_edit(rec, moderator, {"title": "Glasfaser in jedes Gewerbegebiet"})
    assert ModerationAction.objects.filter(kind="edit", recommendation=rec, actor=moderator)
    assert Notification.objects.filter(recipient=author, verb="strategy.edited").exists()


def test_reject_needs_a_reason_and_is_logged():
    process = running_process(moderation=Process.Moderation.PRE)
    author = member_of(process)
    rec = services.do_propose(process, author, data())
    moderator = moderator_of(process)
    with pytest.raises(ValidationError):
        services.do_moderate(rec, moderator, "reject", "   ")
    rec.refresh_from_db()
    assert rec.moderation_state == "pending"
    services.do_moderate(rec, moderator, "reject", "Doppelt eingereicht")
    rec.refresh_from_db()
    assert rec.moderation_state == "rejected"
    assert rec.moderation_reason == "Doppelt eingereicht"
    action = ModerationAction.objects.get(kind="reject")
    assert action.actor == moderator and action.reason == "Doppelt eingereicht"
    note = Notification.objects.get(recipient=author, verb="strategy.reject")
    assert note.body == "Doppelt eingereicht"
    with pytest.raises(PermissionDenied):
        services.do_moderate(rec, author, "approve")


def test_the_rejection_e_mail_gives_the_reason(django_capture_on_commit_callbacks):
    process = running_process(moderation=Process.Moderation.PRE)
    author = member_of(process)
    rec = services.do_propose(process, author, data())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.do_moderate(rec, moderator_of(process), "reject", "Bitte ohne Werbung.")
    [message] = mail.outbox
    assert message.to == [author.email] and "Bitte ohne Werbung." in message.body


def test_answer_and_status_together_send_one_e_mail(django_capture_on_commit_callbacks):
    process = running_process()
    author = member_of(process)
    rec = RecommendationFactory(process=process, author=author)
    moderator = moderator_of(process)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.do_answer(rec, moderator, "Das greifen wir auf.", "accepted")
    [message] = mail.outbox
    assert "Das greifen wir auf." in message.body
    [note] = Notification.objects.filter(recipient=author)
    assert str(Recommendation.Status.ACCEPTED.label) in note.title
    assert note.body == "Das greifen wir auf."


def test_answer_and_status_notify_author_and_commenters():
    process = running_process()
    author = member_of(process)
    rec = RecommendationFactory(process=process, author=author)
    commenter = member_of(process)
    CommentFactory(recommendation=rec, author=commenter)
    moderator = moderator_of(process)
    services.do_answer(rec, moderator, "Wir prüfen das mit den Landkreisen.", "assessment")
    rec.refresh_from_db()
    assert rec.answer == "Wir prüfen das mit den Landkreisen."
    assert rec.answered_by == moderator and rec.status == "assessment"
    for person in (author, commenter):
        verbs = list(Notification.objects.filter(recipient=person).values_list("verb", flat=True))
        assert verbs == ["strategy.answer"]  # one for the answer and the status
    services.do_answer(rec, moderator, rec.answer, "prioritised")
    assert Notification.objects.filter(recipient=author, verb="strategy.status").count() == 1
    kinds = set(ModerationAction.objects.values_list("kind", flat=True))
    assert kinds == {"answer", "change_status"}


def test_answer_without_change_or_with_unknown_status_changes_nothing():
    process = running_process()
    rec = RecommendationFactory(process=process)
    moderator = moderator_of(process)
    with pytest.raises(ValidationError):
        services.do_answer(rec, moderator, "", rec.status)
    with pytest.raises(ValidationError):
        services.do_answer(rec, moderator, "Antwort", "vielleicht")
    rec.refresh_from_db()
    assert rec.answer == "" and rec.status == "submitted"
    assert not ModerationAction.objects.exists()
    with pytest.raises(PermissionDenied):
        services.do_answer(rec, member_of(process), "Ich bin nicht das Büro", None)


def test_set_status_hook_for_other_apps():
    process = running_process()
    rec = RecommendationFactory(process=process)
    services.set_status(rec, moderator_of(process), Recommendation.Status.IN_IMPLEMENTATION)
    rec.refresh_from_db()
    assert rec.status == "in_implementation"


def test_phase_factory_default_is_running():
    phase = PhaseFactory()
    assert phase.is_running()
