"""The forms: what they accept, and the message for what they refuse."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from werkstatt.opinions.forms import ModerationForm, PolisImportForm, StatementForm, VoteForm


def errors(form) -> str:
    with translation.override("en"):
        return " ".join(str(m) for messages in form.errors.values() for m in messages)


def test_statement_form():
    assert StatementForm({"text": "Kurz und klar."}).is_valid()
    assert "Write a statement." in errors(StatementForm({"text": ""}))
    long = StatementForm({"text": "x" * 281})
    assert not long.is_valid()
    assert "at most 280 characters" in errors(long)
    with translation.override("en"):
        html = str(StatementForm()["text"])
    assert 'maxlength="280"' in html


def test_vote_form():
    form = VoteForm({"statement": "3", "value": "-1"})
    assert form.is_valid() and form.cleaned_data == {"statement": 3, "value": -1}
    assert "Vote agree, disagree or pass." in errors(VoteForm({"statement": "3", "value": "2"}))
    assert "Vote agree, disagree or pass." in errors(VoteForm({"statement": "3"}))
    assert not VoteForm({"statement": "-1", "value": "1"}).is_valid()
    assert "Choose a statement." in errors(VoteForm({"value": "1"}))


def test_moderation_form():
    assert ModerationForm({"status": "accepted"}).is_valid()
    assert ModerationForm({"status": "rejected"}).is_valid()
    refused = ModerationForm({"status": "pending"})
    assert "Choose to accept or to reject the statement." in errors(refused)


def test_import_form_needs_a_zip_or_both_files():
    def files(*names):
        return {n: SimpleUploadedFile(f"{n}.csv", b"x") for n in names}

    assert PolisImportForm({}, files("archive")).is_valid()
    assert PolisImportForm({}, files("comments", "votes")).is_valid()
    only_one = PolisImportForm({}, files("comments"))
    assert "Upload the ZIP file of the export, or both comments.csv and votes.csv." in errors(
        only_one
    )
    assert not PolisImportForm({}, {}).is_valid()
