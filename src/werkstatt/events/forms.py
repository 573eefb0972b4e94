"""Forms of the events app. Business rules live in the services; forms parse and explain."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from werkstatt.network.models import Organisation, OrganisationMembership

from .models import Event, Question, Registration, Room, Session, Speaker
from .services.events import EVENT_FIELDS, clean_options


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _datetime(label: Any, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
        error_messages={"invalid": _("Please enter a date and time, e.g. 22.03.2027 09:00.")},
    )


def organisations_of(user: Any):
    return Organisation.objects.filter(
        memberships__user=user, memberships__status=OrganisationMembership.Status.ACTIVE
    ).order_by("name")


class ServiceModelForm(forms.ModelForm):
    """A model form that only parses: the do_* service checks the rules (constraints, clashes)
    and reports them per field, so the model's own validation would only repeat them as
    anonymous "constraint violated" messages. The instance is left untouched as well; the
    views hand `cleaned_data` to the service."""

    def _post_clean(self) -> None:
        pass


class EventForm(ServiceModelForm):
    starts_at = _datetime(_("Starts"))
    ends_at = _datetime(_("Ends"))
    registration_opens_at = _datetime(_("Registration opens"), required=False)
    registration_closes_at = _datetime(_("Registration closes"), required=False)

    class Meta:
        model = Event
        fields = EVENT_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Organise in the name of an organisation one administers (curators: any they belong to,
        # or the one already set).
        admin_of = Q(
            memberships__user=user,
            memberships__role=OrganisationMembership.Role.ADMIN,
            memberships__status=OrganisationMembership.Status.ACTIVE,
        )
        current = self.instance.organiser_id if self.instance and self.instance.pk else None
        self.fields["organiser"].queryset = (
            Organisation.objects.filter(admin_of | Q(pk=current)).distinct().order_by("name")
        )
        self.fields["organiser"].required = False
        self.fields["venue_address"].help_text = _(
            "Street, postcode and place: the position on the map is found from it"
        )
        for name in ("venue_lat", "venue_lon"):
            self.fields[name].help_text = _("Optional: only to correct the position found")


class RoomForm(ServiceModelForm):
    class Meta:
        model = Room
        fields = ("name", "capacity")


class SpeakerForm(ServiceModelForm):
    directory_organisation = forms.CharField(
        label=_("Organisation in the directory"),
        required=False,
        max_length=200,
        help_text=_("Its exact name or short name; leave empty and use the field below otherwise"),
    )

    class Meta:
        model = Speaker
        fields = ("name", "role", "organisation_name", "biography")
        widgets = {"biography": forms.Textarea(attrs={"rows": 3})}

    field_order = ("name", "role", "directory_organisation", "organisation_name", "biography")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.organisation_id:
            self.initial["directory_organisation"] = self.instance.organisation.name

    def clean_directory_organisation(self) -> Organisation | None:
        text = self.cleaned_data["directory_organisation"].strip()
        if not text:
            return None
        found = Organisation.objects.filter(Q(slug=text) | Q(name__iexact=text)).first()
        if found is None:
            raise forms.ValidationError(
                _("There is no organisation of this name in the directory.")
            )
        return found

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["organisation"] = data.pop("directory_organisation")
        return data


class SessionForm(ServiceModelForm):
    starts_at = _datetime(_("Starts"))
    ends_at = _datetime(_("Ends"))

    class Meta:
        model = Session
        fields = ("title", "kind", "starts_at", "ends_at", "room", "speakers", "description")
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "speakers": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = event.rooms.all()
        self.fields["speakers"].queryset = event.speakers.all()


class QuestionForm(ServiceModelForm):
    options = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For choice questions: one option per line"),
    )

    class Meta:
        model = Question
        fields = ("text", "help_text", "kind", "options", "required", "position")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["options"] = "\n".join(self.instance.options)

        self.fields["position"].required = False

    def clean_position(self) -> int:
        return self.cleaned_data.get("position") or 0

    def clean_options(self) -> list[str]:
        return clean_options(self.cleaned_data.get("options") or "")


class RegistrationForm(forms.Form):
    """Name and organisation for the badge, then the event's questions."""

    name = forms.CharField(label=_("Name on your badge"), max_length=200)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("(none)"),
    )

    def __init__(self, *args: Any, event: Event, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["organisation"].queryset = organisations_of(user)
        self.initial.setdefault("name", user.get_full_name())
        self.questions = list(event.questions.all())
        for question in self.questions:
            key = f"question_{question.pk}"
            common = {
                "label": question.text,
                "required": question.required,
                "help_text": question.help_text,
            }
            if question.kind == Question.Kind.CHOICE:
                field: forms.Field = forms.ChoiceField(
                    choices=[(o, o) for o in question.options],
                    widget=forms.RadioSelect,
                    error_messages={
                        "required": _("Please choose one of the options."),
                        "invalid_choice": _("Please choose one of the options."),
                    },
                    **common,
                )
            elif question.kind == Question.Kind.CONSENT:
                field = forms.BooleanField(
                    error_messages={"required": _("Please give your consent to register.")},
                    **common,
                )
            else:
                field = forms.CharField(
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    error_messages={
                        "required": _("Please answer this question."),
                        "max_length": _("Please answer in at most 2,000 characters."),
                    },
                    **common,
                )
            self.fields[key] = field

    def answers(self) -> dict[int, Any]:
        return {q.pk: self.cleaned_data.get(f"question_{q.pk}") for q in self.questions}


class InviteForm(forms.Form):
    emails = forms.CharField(
        label=_("E-mail addresses"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, or separated by commas; the people need an account"),
    )

    def clean_emails(self) -> list[str]:
        raw = self.cleaned_data["emails"].replace(",", "\n").replace(";", "\n")
        emails = [line.strip() for line in raw.splitlines() if line.strip()]
        validator = forms.EmailField()
        bad = []
        for email in emails:
            try:
                validator.clean(email)
            except forms.ValidationError:
                bad.append(email)
        if bad:
            raise forms.ValidationError(
                _("These are not valid e-mail addresses: %(emails)s") % {"emails": ", ".join(bad)}
            )
        return emails


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Ticket code"),
        max_length=40,
        error_messages={"required": _("Please enter a ticket code.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class AttendeeSearchForm(forms.Form):
    """Find a person at the door by name or organisation (no ticket at hand)."""

    q = forms.CharField(
        label=_("Name or organisation"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "search"}),
    )


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How was the event?"),
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("5 is best"),
        error_messages={
            "required": _("Please rate from 1 to 5."),
            "invalid_choice": _("Please rate from 1 to 5."),
        },
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RegistrationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *Registration.Status.choices],
    )
    q = forms.CharField(label=_("Name or e-mail"), required=False, max_length=100)
