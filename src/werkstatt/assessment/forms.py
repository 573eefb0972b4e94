"""The rating form (one radio group 1–5 per criterion, a district for the per-district one)
and the comparison form. Business rules live in services; these check the shape of the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from werkstatt.network.models import Region
from werkstatt.strategy.models import Process, Recommendation

from .models import SCALE_MAX, SCALE_MIN, Criterion, Rating
from .services.comparisons import FIRST, SECOND, UNDECIDED

VALUE_LABELS = {
    1: _("1 – very low"),
    2: _("2 – low"),
    3: _("3 – medium"),
    4: _("4 – high"),
    5: _("5 – very high"),
}
VALUE_ERROR = _("Please give a value from 1 to 5.")


class RatingForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("District"),
        queryset=Region.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("Choose a district"),
        error_messages={"invalid_choice": _("Please choose one of the districts in the list.")},
    )

    def __init__(
        self,
        *args: Any,
        criteria: list[Criterion],
        existing: list[Rating] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.fields["region"].queryset = Region.objects.filter(  # type: ignore[attr-defined]
            kind__in=[Region.Kind.DISTRICT, Region.Kind.CITY]
        ).order_by("name_de")
        initial_region = None
        values: dict[int, int] = {}
        for rating in existing or []:
            if rating.region_id is None or initial_region is None:
                values[rating.criterion_id] = rating.value
            if rating.region_id is not None and initial_region is None:
                initial_region = rating.region
        fields: dict[str, forms.Field] = {}
        for criterion in criteria:
            fields[self.key(criterion)] = forms.TypedChoiceField(
                label=criterion.label,
                help_text=criterion.help_text,
                choices=[(v, VALUE_LABELS[v]) for v in range(SCALE_MIN, SCALE_MAX + 1)],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                initial=values.get(criterion.pk),
                error_messages={"invalid_choice": VALUE_ERROR},
            )
        # The district choice sits right before the per-district criterion.
        region_field = self.fields.pop("region")
        self.fields.clear()
        for criterion in criteria:
            if criterion.per_district:
                self.fields["region"] = region_field
            self.fields[self.key(criterion)] = fields[self.key(criterion)]
        if "region" not in self.fields:
            self.fields["region"] = region_field
            region_field.widget = forms.HiddenInput()
        if initial_region is not None:
            region_field.initial = initial_region.slug

    @staticmethod
    def key(criterion: Criterion) -> str:
        return f"criterion_{criterion.pk}"

    def values(self) -> dict[int, int | None]:
        return {c.pk: self.cleaned_data.get(self.key(c)) for c in self.criteria}


class ComparisonForm(forms.Form):
    first = forms.ModelChoiceField(
        queryset=Recommendation.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": _("This recommendation does not belong to the process."),
            "required": _("The pair is missing: please start the comparison again."),
        },
    )
    second = forms.ModelChoiceField(
        queryset=Recommendation.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": _("This recommendation does not belong to the process."),
            "required": _("The pair is missing: please start the comparison again."),
        },
    )
    choice = forms.ChoiceField(
        label=_("Which should be tackled first?"),
        choices=[
            (FIRST, _("The first")),
            (SECOND, _("The second")),
            (UNDECIDED, _("Can't decide")),
        ],
        error_messages={
            "invalid_choice": _("Please choose one of the two or “Can't decide”."),
            "required": _("Please choose one of the two or “Can't decide”."),
        },
    )

    def __init__(self, *args: Any, process: Process, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = Recommendation.objects.filter(process=process)
        self.fields["first"].queryset = qs  # type: ignore[attr-defined]
        self.fields["second"].queryset = qs  # type: ignore[attr-defined]


class CriterionForm(forms.Form):
    """A criterion of the process (the rules are in services/criteria.py)."""

    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        error_messages={
            "required": _("Please give the criterion a name."),
            "max_length": _("The name can have at most %(limit_value)d characters."),
        },
    )
    description = forms.CharField(
        label=_("Question to the raters"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Shown under the name in the rating form, e.g. “How soon should it be tackled?”"
        ),
        error_messages={
            "max_length": _("The question can have at most %(limit_value)d characters.")
        },
    )
    per_district = forms.BooleanField(
        label=_("Asks for a district"),
        required=False,
        help_text=_(
            "Raters choose a district and rate the fit for it; the district pages show this "
            "criterion."
        ),
    )

    def __init__(self, *args: Any, criterion: Criterion | None = None, rated: int = 0, **kwargs):
        if criterion is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": criterion.label,
                "description": criterion.help_text,
                "per_district": criterion.per_district,
            }
        super().__init__(*args, **kwargs)
        if rated:
            # The ratings were given for a district or without one (services/criteria.py).
            self.fields["per_district"].disabled = True
            self.fields["per_district"].help_text = _(
                "Fixed: the ratings were given for a district or without one."
            )
