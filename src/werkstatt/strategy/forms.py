"""Forms of the strategy workshop: shapes and field messages; the business rules (overlapping
phases, who may speak for which organisation, file contents) live in services/, whose
ValidationErrors the views put back into these forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MinLengthValidator
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from werkstatt import uploads
from werkstatt.accounts.models import Space, SpaceRole
from werkstatt.network.models import Organisation, OrganisationMembership, Region, Sector

from .models import ActionField, Comment, CommentReaction, Phase, Process, Recommendation, Report
from .services.attachments import MAX_PER_RECOMMENDATION

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProcessForm(forms.ModelForm):
    class Meta:
        model = Process
        fields = [
            "title",
            "summary",
            "description",
            "organiser",
            "start_date",
            "end_date",
            "status",
            "moderation",
            "is_public",
            "open_to_join",
            "board_space",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "moderation": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["board_space"].queryset = Space.objects.filter(kind=Space.Kind.BOARD)
        self.fields["board_space"].help_text = _(
            "Its board members see the phases visible to the advisory board only"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end lies before the start."))
        return data


class PhaseForm(forms.ModelForm):
    order = forms.IntegerField(
        label=capfirst(_("order")),
        required=False,
        min_value=0,
        max_value=1000,
        help_text=_("Orders phases that start on the same day"),
    )

    class Meta:
        model = Phase
        fields = [
            "name",
            "description",
            "start_date",
            "end_date",
            "allows_propose",
            "allows_comment",
            "allows_rate",
            "allows_prioritise",
            "visibility",
            "order",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "visibility": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "allows_propose": _("Members may bring in recommendations and theses"),
            "allows_comment": _("Members may comment and reply"),
            "allows_rate": _("Members may rate the fit of recommendations"),
            "allows_prioritise": _("Members may prioritise recommendations"),
            "order": _("Orders phases that start on the same day"),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end lies before the start."))
        return data


class PhaseDeleteForm(forms.Form):
    """Confirm the deletion of a phase; one that holds anything names where it all goes."""

    move_to = forms.ModelChoiceField(
        label=_("Move its contents to"),
        queryset=Phase.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Only phases visible to the same people or fewer can take them over."),
        error_messages={"invalid_choice": _("Please choose one of the phases listed.")},
    )

    def __init__(self, *args: Any, targets: list[Phase], needs_target: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["move_to"]
        field.queryset = Phase.objects.filter(pk__in=[p.pk for p in targets]).order_by(
            "start_date", "order"
        )
        field.label_from_instance = lambda p: f"{p.name} ({p.get_visibility_display()})"
        field.required = needs_target
        field.error_messages["required"] = _("Please choose where its contents go.")
        if not needs_target or not targets:
            del self.fields["move_to"]


class ActionFieldForm(forms.ModelForm):
    order = forms.IntegerField(
        label=capfirst(_("order")), required=False, min_value=0, max_value=1000
    )

    class Meta:
        model = ActionField
        fields = ["name", "description", "order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def validate_unique(self) -> None:
        # The process is not a form field; the service checks uniqueness with a message.
        pass


class RoleForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("The person must be registered on Werkstatt"),
        error_messages={"invalid": _("Please enter a valid e-mail address.")},
    )
    role = forms.ChoiceField(label=_("Role"), choices=SpaceRole.Role.choices)


class MultipleFileField(uploads.MultipleFileField):  # the shared one, for PDF and images
    accept = ".pdf,image/*"


def tag_sectors() -> Any:
    """Sections and divisions of WZ 2008: fine enough for a recommendation, short enough to
    choose from."""
    return Sector.objects.filter(Q(parent__isnull=True) | Q(parent__parent__isnull=True))


def sector_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """The sections of WZ 2008 (A … U) with their divisions under them, in code order; each
    group starts with the whole section."""
    sectors = list(tag_sectors().order_by("code"))
    sections = [s for s in sectors if s.parent_id is None]
    divisions: dict[int, list[Sector]] = {}
    for sector in sectors:
        if sector.parent_id is not None:
            divisions.setdefault(sector.parent_id, []).append(sector)
    groups = []
    for section in sorted(sections, key=lambda s: s.code):
        options = [(section.pk, str(_("%(section)s (the whole section)") % {"section": section}))]
        options += [
            (d.pk, str(d)) for d in sorted(divisions.get(section.pk, []), key=lambda d: d.code)
        ]
        groups.append((f"{section.code} {section.name}", options))
    return groups


class SectorTreeWidget(forms.CheckboxSelectMultiple):
    """Checkboxes grouped by WZ section, with a filter field (web's checkbox-filter.js)."""

    template_name = "strategy/widgets/sector_tree.html"


class RecommendationForm(forms.ModelForm):
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF or images (PNG, JPEG, GIF, WebP), at most 10 MB each and %(max)d in all")
        % {"max": MAX_PER_RECOMMENDATION},
    )

    class Meta:
        model = Recommendation
        fields = [
            "kind",
            "title",
            "text",
            "author_organisation",
            "action_fields",
            "regions",
            "sectors",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "text": forms.Textarea(attrs={"rows": 10}),
            "action_fields": forms.CheckboxSelectMultiple,
            "regions": forms.CheckboxSelectMultiple,
            "sectors": SectorTreeWidget,
        }
        help_texts = {
            "title": _("One sentence that says what should happen"),
            "text": _("Why, for whom, and what it would take"),
            "author_organisation": _("Leave empty to speak for yourself"),
            "regions": _("The districts the recommendation is about, if it is not all of them"),
        }

    def __init__(self, *args: Any, process: Process, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.process = process
        self.fields["action_fields"].queryset = process.action_fields.all()
        self.fields["regions"].queryset = Region.objects.exclude(kind=Region.Kind.STATE)
        self.fields["sectors"].queryset = tag_sectors()
        self.fields["sectors"].choices = sector_choices()
        self.fields["author_organisation"].queryset = Organisation.objects.filter(
            memberships__user=user,
            memberships__status=OrganisationMembership.Status.ACTIVE,
        ).distinct()
        for name, minimum in (("title", 5), ("text", 20)):
            field = self.fields[name]
            field.min_length = minimum
            field.validators.append(
                MinLengthValidator(
                    minimum,
                    _("Please write at least %(limit_value)d characters (now %(show_value)d)."),
                )
            )
            field.widget.attrs["minlength"] = str(minimum)

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())


class CommentForm(forms.Form):
    text = forms.CharField(
        label=capfirst(_("comment")),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Please write a comment.")},
    )
    parent = forms.ModelChoiceField(
        queryset=Comment.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, recommendation: Recommendation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = recommendation.comments.all()
        self.fields["parent"].error_messages["invalid_choice"] = _(
            "The comment you reply to no longer exists."
        )


class ReactionForm(forms.Form):
    kind = forms.ChoiceField(choices=CommentReaction.Kind.choices)


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"), choices=Report.Reason.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you choose “Other”"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("reason") == Report.Reason.OTHER and not data.get("text", "").strip():
            self.add_error("text", _("Please explain what is wrong when you choose “Other”."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please give a reason.")},
    )


class ModerateForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Publish")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a rejection; the author reads it"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("reason", "").strip():
            self.add_error("reason", _("Please give a reason: the author will read it."))
        return data


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer of the project office"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    status = forms.ChoiceField(label=_("Status"), choices=Recommendation.Status.choices)


class HandleReportForm(forms.Form):
    decision = forms.ChoiceField(choices=[("resolve", _("Resolved")), ("dismiss", _("Dismiss"))])
    reason = forms.CharField(required=False, max_length=2000)


class RecommendationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    action_field = forms.ModelChoiceField(
        label=_("Action field"), queryset=ActionField.objects.none(), required=False
    )
    region = forms.ModelChoiceField(
        label=_("District"), queryset=Region.objects.none(), required=False
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + list(Recommendation.Status.choices),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All"))] + list(Recommendation.Kind.choices),
    )

    def __init__(self, *args: Any, process: Process, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action_field"].queryset = process.action_fields.all()
        self.fields["region"].queryset = Region.objects.exclude(kind=Region.Kind.STATE)
        self.fields["sector"].queryset = tag_sectors()
        for name in ("action_field", "region", "sector"):
            self.fields[name].empty_label = _("All")
        self.fields["sector"].choices = [("", _("All")), *sector_choices()]
