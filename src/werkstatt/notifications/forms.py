from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import NotificationSettings


class SettingsForm(forms.Form):
    email_frequency = forms.ChoiceField(
        label=_("E-mails about notifications"),
        choices=NotificationSettings.Frequency.choices,
        widget=forms.RadioSelect,
    )


class MarkReadForm(forms.Form):
    ids = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())

    def __init__(self, *args, ids: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = [(i, i) for i in ids]
        self.fields["ids"].error_messages["invalid_choice"] = _(
            "This notification no longer exists."
        )
