from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from werkstatt.network.models import Organisation

from .models import ImplementationConcept, Milestone, ProgressUpdate, ReportFile, Result
from .services.organisations import lookup

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrganisationLines(forms.CharField):
    """Organisations named one per line, as in the directory (case and umlauts need not match);
    unknown names are an error that suggests the closest names."""

    widget = forms.Textarea(attrs={"rows": 3})

    def clean(self, value: Any) -> list[Organisation]:  # type: ignore[override]
        text = super().clean(value) or ""
        found = lookup(text.splitlines())
        if found.missing:
            lines = []
            for name, close in found.missing:
                if close:
                    lines.append(
                        _("“%(name)s” is not in the network directory. Did you mean: %(close)s?")
                        % {"name": name, "close": "; ".join(close)}
                    )
                else:
                    lines.append(_("“%(name)s” is not in the network directory.") % {"name": name})
            raise forms.ValidationError(lines)
        return found.found


class ConceptForm(forms.ModelForm):
    lead = OrganisationLines(
        label=_("Lead organisations"),
        required=False,
        help_text=_("One per line, as named in the network directory."),
        widget=forms.Textarea(attrs={"rows": 3, "data-org-target": "lead"}),
    )
    partners = OrganisationLines(
        label=_("Partner organisations"),
        required=False,
        help_text=_("One per line, as named in the network directory."),
        widget=forms.Textarea(attrs={"rows": 3, "data-org-target": "partner"}),
    )

    class Meta:
        model = ImplementationConcept
        fields = ["summary", "status", "budget_eur", "funding", "start_date", "end_date"]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "summary": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for role, name in (("lead", "lead"), ("partner", "partners")):
                self.initial[name] = "\n".join(
                    r.organisation.name
                    for r in self.instance.responsibilities.select_related("organisation")
                    if r.role == role
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end must not be before the start."))
        return data


class ResultForm(forms.ModelForm):
    class Meta:
        model = Result
        fields = [
            "parent",
            "title",
            "description",
            "status",
            "progress",
            "weight",
            "start_date",
            "end_date",
            "order",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, concept: ImplementationConcept, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parents = concept.results.all()
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].required = False


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "description", "due_date", "reached_date"]
        widgets = {
            "due_date": DATE,
            "reached_date": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class UpdateForm(forms.ModelForm):
    class Meta:
        model = ProgressUpdate
        fields = ["date", "text"]
        widgets = {"date": DATE, "text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].required = False
        self.fields["date"].help_text = _("Empty: today.")


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"), choices=ReportFile.Kind.choices)
