from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from werkstatt.network.forms.organisations import CapabilityTreeWidget, capability_choices
from werkstatt.network.models import Capability

from .models import Profile, Setup, Slot


class ProfileForm(forms.ModelForm):
    # The same checkbox tree (grouped, with a filter) as the organisation profile.
    offered = forms.ModelMultipleChoiceField(
        Capability.objects.order_by("key"),
        required=False,
        label=_("Capabilities we offer"),
        widget=CapabilityTreeWidget,
    )
    sought = forms.ModelMultipleChoiceField(
        Capability.objects.order_by("key"),
        required=False,
        label=_("Capabilities we seek"),
        widget=CapabilityTreeWidget,
    )
    unavailable = forms.ModelMultipleChoiceField(
        Slot.objects.none(),
        required=False,
        label=_("Slots in which I cannot meet"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Profile
        fields = ["offer", "seek", "offered", "sought", "unavailable", "is_visible"]
        widgets = {
            "offer": forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
            "seek": forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = capability_choices()
        self.fields["offered"].choices = choices
        self.fields["sought"].choices = choices
        self.fields["unavailable"].queryset = Slot.objects.filter(event=self.instance.event)
        self.fields["unavailable"].label_from_instance = lambda slot: timezone.localtime(
            slot.starts_at
        ).strftime("%H:%M")


class RequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What would you like to talk about?"),
    )


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("decline", _("Decline"))], widget=forms.HiddenInput
    )
    answer = forms.CharField(label=_("Answer"), max_length=1000, required=False)


class SlotsForm(forms.Form):
    first = forms.DateTimeField(
        label=_("First meeting starts"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    count = forms.IntegerField(label=_("Number of slots"), min_value=1, max_value=64)
    minutes = forms.IntegerField(label=_("Minutes per meeting"), min_value=5, max_value=120)
    pause = forms.IntegerField(
        label=_("Minutes between meetings"), min_value=0, max_value=120, initial=5
    )


class SetupForm(forms.ModelForm):
    class Meta:
        model = Setup
        fields = ["tables", "requests_open", "max_requests"]
        widgets = {"tables": forms.NumberInput(attrs={"min": 1, "max": 2000})}
