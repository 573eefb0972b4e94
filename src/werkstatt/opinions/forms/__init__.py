"""Forms of the opinion maps: fields and their messages; the rules are in services/."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import STATEMENT_MAX_LENGTH, Conversation, Statement, Vote


class ConversationForm(forms.ModelForm):
    class Meta:
        model = Conversation
        fields = ["title", "question", "is_open", "allow_statements", "moderate_statements"]
        widgets = {"question": forms.Textarea(attrs={"rows": 3})}


class StatementForm(forms.Form):
    text = forms.CharField(
        label=_("Your statement"),
        max_length=STATEMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": STATEMENT_MAX_LENGTH}),
        help_text=_(
            "One short thought others can agree or disagree with, at most %(limit)d characters."
        )
        % {"limit": STATEMENT_MAX_LENGTH},
        error_messages={
            "required": _("Write a statement."),
            "max_length": _("A statement has at most %(limit_value)d characters."),
        },
    )


class VoteForm(forms.Form):
    # The statement's number in its conversation (as Polis's comment-id).
    statement = forms.IntegerField(
        min_value=0,
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose a statement."), "invalid": _("Choose a statement.")},
    )
    value = forms.TypedChoiceField(
        label=_("Your vote"),
        coerce=int,
        choices=Vote.Value.choices,
        error_messages={
            "required": _("Vote agree, disagree or pass."),
            "invalid_choice": _("Vote agree, disagree or pass."),
        },
    )


class ModerationForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Statement.Status.ACCEPTED, _("Accept")),
            (Statement.Status.REJECTED, _("Reject")),
        ],
        error_messages={"invalid_choice": _("Choose to accept or to reject the statement.")},
    )


class PolisImportForm(forms.Form):
    archive = forms.FileField(
        label=_("ZIP file of the export"),
        required=False,
        help_text=_("The ZIP file Polis exports, holding comments.csv and votes.csv."),
    )
    comments = forms.FileField(label=_("comments.csv"), required=False)
    votes = forms.FileField(label=_("votes.csv"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("archive") and not (data.get("comments") and data.get("votes")):
            raise forms.ValidationError(
                _("Upload the ZIP file of the export, or both comments.csv and votes.csv."),
                code="files",
            )
        return data

    def files_to_import(self) -> list:
        return [
            self.cleaned_data.get(n)
            for n in ("archive", "comments", "votes")
            if self.cleaned_data.get(n)
        ]
